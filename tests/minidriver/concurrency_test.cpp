// What happens around a call: the card pulled while the card computes, and several
// threads calling into one context (the CSP may do both).
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "fixture.hpp"
#include "support/host_crypto.hpp"

namespace carta::md::test {
namespace {

Bytes sha256(std::string_view text) {
    Bytes out(32);
    unsigned length = 0;
    EVP_Digest(text.data(), text.size(), out.data(), &length, EVP_sha256(), nullptr);
    return out;
}

class SlowCardTest : public MinidriverTest {
  protected:
    carta::test::SimCard::Latency latency() const override {
        return carta::test::SimCard::Latency::Realistic;
    }
};

TEST_F(SlowCardTest, ACardPulledDuringASignatureIsReportedAndLeaksNothing) {
    ASSERT_EQ(csp().authenticate(kRoleUser, kPin), rc::kSuccess);
    auto hash = sha256("pulled");
    auto request = signing_request(hash, calg::kSha256);
    // The signature takes the card 270 ms; the card leaves the reader 100 ms into it.
    std::thread puller([this] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        card().send_signal(carta::test::SimCard::Process::Sim, SIGUSR1);
    });
    Bytes signature;
    const Dword rv = csp().sign(request, signature);
    puller.join();
    EXPECT_TRUE(rv == rc::kRemovedCard || rv == rc::kNoSmartcard || rv == rc::kCommDataLost)
        << std::hex << rv;
    EXPECT_TRUE(signature.empty());
    EXPECT_EQ(request.pbSignedData, nullptr);
    // TearDown checks that every CSP allocation was freed.
}

TEST_F(MinidriverTest, ThreadsSharingAContextEachGetAVerifiedSignature) {
    ASSERT_EQ(csp().authenticate(kRoleUser, kPin), rc::kSuccess);
    const auto spki = certificate_spki();
    std::atomic<int> verified{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 3; ++i) {
                const std::string message = "thread " + std::to_string(t) + " message " + std::to_string(i);
                auto hash = sha256(message);
                auto request = signing_request(hash, calg::kSha256);
                Bytes signature;
                if (csp().sign(request, signature) != rc::kSuccess) continue;
                if (carta::test::openssl_verifies(spki, "SHA256", as_bytes(message), signature,
                                                  RSA_PKCS1_PADDING))
                    ++verified;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(verified.load(), 12);
}

}  // namespace
}  // namespace carta::md::test
