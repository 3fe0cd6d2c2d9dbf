// PC/SC needs pcscd; its behaviour with a real service is covered by the
// integration tests. Here only what can be checked without one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "carta/apdu/pcsc_transport.hpp"

namespace carta::apdu {
namespace {

// libpcsclite reads PCSCLITE_CSOCK_NAME once per process, at the first PC/SC call;
// gtest_discover_tests runs each test in a process of its own.
TEST(PcscContext, ThrowsServiceGoneWhenPcscdIsNotReachable) {
    ASSERT_EQ(::setenv("PCSCLITE_CSOCK_NAME", "/nonexistent/carta-apdu-test/pcscd.comm", 1), 0);
    try {
        PcscContext context;
        FAIL() << "PcscContext was established without pcscd";
    } catch (const TransportError& e) {
        EXPECT_EQ(e.kind(), TransportError::Kind::ServiceGone);
        EXPECT_NE(std::string(e.what()).find("SCardEstablishContext"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace carta::apdu
