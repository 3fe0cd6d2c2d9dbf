// A fresh virtual card per test, reached in-process, and the OpenSSL checks the
// card library's tests share.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "carta/apdu/in_process_transport.hpp"
#include "carta/card/card.hpp"
#include "carta/card/openssl.hpp"
#include "carta/sim/virtual_card.hpp"
#include "support/host_crypto.hpp"

namespace carta::card::test {

inline const std::string kPin = "123456";
inline const std::string kPuk = "87654321";
inline const std::string kSecurePuk = CARTA_TEMPLATE_SECURE_PUK;

inline SecretBytes secret(std::string_view text) {
    return SecretBytes(text);
}

// The template card of the build (tests/CMakeLists.txt), copied per test.
const std::filesystem::path& template_card();

class CardTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    Card& common() { return *common_; }
    Card& secure() { return *secure_; }
    // The common profile initialised with kPuk and kPin.
    void initialise();
    std::size_t apdus() { return common_->channel().apdus_sent(); }

    std::filesystem::path dir_;
    std::unique_ptr<sim::VirtualCard> card_;
    std::unique_ptr<apdu::InProcessTransport> transport_;
    std::shared_ptr<ObjectCache> cache_;
    std::unique_ptr<Card> common_;
    std::unique_ptr<Card> secure_;
};

using carta::test::der_ecdsa;
using carta::test::openssl_encrypt;
using carta::test::openssl_verifies;

// A certificate for `spki`, issued by a throwaway CA.
Bytes certificate_for(ByteView spki, const char* common_name);

// The CardError `call` throws (a test failure if it throws none).
CardError error_of(const std::function<void()>& call);
}  // namespace carta::card::test
