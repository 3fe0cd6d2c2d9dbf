// A ready card (tests/pkcs11's make_test_cards: the common profile with PIN 123456, PUK
// 87654321, an RSA-2048 key 21 with its certificate; the secure profile's five
// RSA-3072 keys without certificates, PIN blocked, PUK from the template) behind the
// real pcscd, and a CSP with the minidriver's context on it.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "csp.hpp"
#include "support/simcard.hpp"

namespace carta::md::test {

inline constexpr std::string_view kPin = "123456";
inline constexpr std::string_view kPuk = "87654321";

// A CardSignData request for container 0's key-exchange key over `hash` (which it points
// into), CryptoAPI style with `hash_algorithm` (0: none; the CNG tests add padding info).
inline CardSigningInfo signing_request(Bytes& hash, Dword hash_algorithm = 0) {
    CardSigningInfo request{};
    request.dwVersion = version::kSigningInfo;
    request.bContainerIndex = 0;
    request.dwKeySpec = kAtKeyExchange;
    request.aiHashAlg = hash_algorithm;
    request.pbData = hash.data();
    request.cbData = static_cast<Dword>(hash.size());
    return request;
}

class MinidriverTest : public ::testing::Test {
  protected:
    // The simulator's timing: none, or a real card's (sign 270 ms, ...).
    virtual carta::test::SimCard::Latency latency() const { return carta::test::SimCard::Latency::None; }
    void SetUp() override;
    void TearDown() override;

    carta::test::SimCard& card() { return *card_; }
    Csp& csp() { return *csp_; }
    // A second CSP context on the same card, as another process would have.
    std::unique_ptr<Csp> another_csp() { return std::make_unique<Csp>(card_->reader()); }
    void drop_csp() { csp_.reset(); }

    // The certificate of key 21 (DER) and its public key (DER SubjectPublicKeyInfo).
    static Bytes certificate_der();
    static Bytes certificate_spki();

  private:
    std::unique_ptr<carta::test::SimCard> card_;
    std::unique_ptr<Csp> csp_;
    long live_before_ = 0;
};

}  // namespace carta::md::test
