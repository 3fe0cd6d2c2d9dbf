// C_Finalize while other threads are inside the module: one blocked in
// C_WaitForSlotEvent, one signing in a loop. Run under ThreadSanitizer by
// scripts/test.sh; here it says what each thread sees.
#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "pkcs11_fixture.hpp"

namespace carta::pkcs11::test {
namespace {

using namespace std::chrono_literals;

class Races : public Pkcs11Test {};

// What a C_SignInit/C_Sign overtaken by C_Finalize may answer: done before it,
// its session closed under it, or the module already gone.
const std::set<CK_RV> kAnswersAroundFinalize{CKR_OK,
                                             CKR_SESSION_HANDLE_INVALID,
                                             CKR_SESSION_CLOSED,
                                             CKR_OPERATION_NOT_INITIALIZED,
                                             CKR_USER_NOT_LOGGED_IN,
                                             CKR_CRYPTOKI_NOT_INITIALIZED};

// Signs until the module answers CKR_CRYPTOKI_NOT_INITIALIZED; every other answer
// goes to `unexpected` unless it is one of kAnswersAroundFinalize.
struct Signer {
    Signer(CK_FUNCTION_LIST& functions, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k)
        : p11(functions), session(s), key(k) {}

    CK_FUNCTION_LIST& p11;
    CK_SESSION_HANDLE session;
    CK_OBJECT_HANDLE key;
    std::atomic<int> signatures{0};
    std::set<CK_RV> unexpected;

    void run() {
        CK_MECHANISM mechanism{CKM_ECDSA_SHA256, nullptr, 0};
        Bytes data = bytes_of("podpis w trakcie C_Finalize");
        for (;;) {
            CK_RV rv = p11.C_SignInit(session, &mechanism, key);
            if (rv == CKR_OK) {
                Bytes signature(256);
                CK_ULONG length = signature.size();
                rv = p11.C_Sign(session, data.data(), data.size(), signature.data(), &length);
                if (rv == CKR_OK) ++signatures;
            }
            if (rv == CKR_CRYPTOKI_NOT_INITIALIZED) return;
            if (!kAnswersAroundFinalize.contains(rv)) unexpected.insert(rv);
        }
    }
};

TEST_F(Races, FinalizeEndsABlockedWaitAndARunningSignerCleanly) {
    const auto session = user_session();
    Signer signer{p11(), session, find_one(session, CKO_PRIVATE_KEY, kEcId)};
    auto waiting = std::async(std::launch::async, [&] {
        CK_SLOT_ID event = 99;
        return p11().C_WaitForSlotEvent(0, &event, nullptr);
    });
    auto signing = std::async(std::launch::async, [&] { signer.run(); });
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (signer.signatures.load() < 3 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    ASSERT_GE(signer.signatures.load(), 3) << "the signer never got going";
    ASSERT_EQ(waiting.wait_for(0s), std::future_status::timeout) << "nothing happened to wait for";

    ASSERT_RV(CKR_OK, p11().C_Finalize(nullptr));

    ASSERT_EQ(waiting.wait_for(10s), std::future_status::ready);
    EXPECT_RV(CKR_CRYPTOKI_NOT_INITIALIZED, waiting.get());
    ASSERT_EQ(signing.wait_for(10s), std::future_status::ready);
    signing.get();
    for (const CK_RV rv : signer.unexpected) ADD_FAILURE() << "the signer got " << rv_text(rv);
    // The module starts again as if new.
    ASSERT_RV(CKR_OK, p11().C_Initialize(nullptr));
}

}  // namespace
}  // namespace carta::pkcs11::test
