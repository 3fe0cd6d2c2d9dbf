// The module through the real stack: the built libcarta-pkcs11.so loaded with
// dlopen(), a private pcscd, vpcd and carta-sim (tests/support SimCard). The
// rules themselves are tested in-process (carta_pkcs11_inprocess_tests); here
// stays what only the real stack shows: that the built module works end to end
// (initialise, slot list, login, sign), what PC/SC does to it (another process
// resetting the card, a card pulled in the middle of an exchange, pcscd
// restarted), fork() with libpcsclite, and a real client loading it. Each test
// costs a pcscd start: add one here only if it cannot run in-process.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <winscard.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "pkcs11_fixture.hpp"

namespace carta::pkcs11::test {
namespace {

using namespace std::chrono_literals;

// ---- the built module as a whole

class Module : public Pkcs11Test {};

TEST_F(Module, FunctionListIsVersion240WithEveryFunction) {
    CK_FUNCTION_LIST* list = nullptr;
    ASSERT_RV(CKR_OK, p11().C_GetFunctionList(&list));
    EXPECT_EQ(list->version.major, 2);
    EXPECT_EQ(list->version.minor, 40);
    const auto* first = reinterpret_cast<const CK_VOID_PTR*>(&list->C_Initialize);
    const auto* last = reinterpret_cast<const CK_VOID_PTR*>(&list->C_WaitForSlotEvent);
    for (const auto* f = first; f <= last; ++f) EXPECT_NE(*f, nullptr);
}

// The child must not use the parent's PC/SC context: libpcsclite's contexts do
// not survive fork().
TEST_F(Module, ForkedChildStartsWithAFreshModule) {
    const auto session = user_session();
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // The parent's module does not exist here: only a new C_Initialize works.
        CK_ULONG count = 0;
        if (p11().C_GetSlotList(CK_TRUE, nullptr, &count) != CKR_CRYPTOKI_NOT_INITIALIZED) _exit(2);
        if (p11().C_CloseSession(session) != CKR_CRYPTOKI_NOT_INITIALIZED) _exit(3);
        if (p11().C_Initialize(nullptr) != CKR_OK) _exit(4);
        CK_SLOT_ID slots[8];
        count = 8;
        if (p11().C_GetSlotList(CK_TRUE, slots, &count) != CKR_OK || count < 2) _exit(5);
        CK_SESSION_HANDLE mine = 0;
        if (p11().C_OpenSession(slots[0], CKF_SERIAL_SESSION, nullptr, nullptr, &mine) != CKR_OK) _exit(6);
        CK_BYTE random[16];
        if (p11().C_GenerateRandom(mine, random, sizeof random) != CKR_OK) _exit(7);
        if (p11().C_Finalize(nullptr) != CKR_OK) _exit(8);
        _exit(0);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    // The parent's session is untouched.
    EXPECT_EQ(session_state(session), CKS_RW_USER_FUNCTIONS);
}

// An application that unloads the module without C_Finalize (dlclose) gets the card back at
// once and keeps running: the module finalises itself at unload, so its thread that gives the
// card back does not outlive its code (it used to wake in unmapped memory: SIGSEGV).
TEST_F(Module, UnloadWithoutFinalizeGivesTheCardBackAndLeavesNoThreadBehind) {
    std::vector<std::string> env;
    std::string asan_options = "ASAN_OPTIONS=";
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        if (entry.starts_with("ASAN_OPTIONS="))
            asan_options = entry + ":";
        else if (!entry.starts_with("CARTA_CARD_HOLD_MS="))
            env.push_back(entry);
    }
    // Long enough that the card is still kept when the probe looks right after the unload.
    env.emplace_back("CARTA_CARD_HOLD_MS=600");
    // What dlclose leaves unreachable is not this test's concern.
    env.push_back(asan_options + "detect_leaks=0");
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string probe = CARTA_PKCS11_UNLOAD_PROBE;
    std::string module = module_path().string();
    char* argv[] = {probe.data(), module.data(), nullptr};
    pid_t child = 0;
    ASSERT_EQ(posix_spawn(&child, probe.c_str(), nullptr, nullptr, argv, envp.data()), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_FALSE(WIFSIGNALED(status)) << "the probe died of signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0) << "2: a step failed; 3: the card still taken after the unload";
}

// The log is read from the environment once per process: a client process shows it.
TEST_F(Module, DebugLogRecordsEveryCallButNoPin) {
    const auto log = card().dir() / "pkcs11.log";
    std::string preload;
#if defined(__clang__) && defined(__has_feature)
#if __has_feature(address_sanitizer)
    GTEST_SKIP() << "clang's sanitizer runtime is linked into the executable that loads the module, "
                    "so an uninstrumented pkcs11-tool cannot load this one; the main build runs this test";
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
    // The sanitizer build's module needs its runtimes in the uninstrumented client.
    preload = "LD_PRELOAD=\"$(ldd " + module_path().string() +
              " | awk '/libasan|libubsan/ {print $3}' | tr '\\n' ' ')\" "
              "ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 ";
#endif
    const std::string command = preload + "CARTA_PKCS11_LOG=" + log.string() + " pkcs11-tool --module " +
                                module_path().string() + " --slot " + std::to_string(common_slot()) +
                                " --login --pin " + kPin + " -O > /dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0);
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("C_Login -> CKR_OK"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("C_FindObjectsInit -> CKR_OK"), std::string::npos);
    EXPECT_EQ(text.str().find(kPin), std::string::npos) << "the PIN must never be logged";
}

// ---- slots from a real reader

class Slots : public Pkcs11Test {};

TEST_F(Slots, EachReaderGivesCommonThenSecureProfileSlot) {
    CK_SLOT_INFO info{};
    ASSERT_RV(CKR_OK, p11().C_GetSlotInfo(common_slot(), &info));
    EXPECT_NE(text(info.slotDescription, 64).find("(common profile)"), std::string::npos);
    EXPECT_TRUE(info.flags & CKF_TOKEN_PRESENT);
    EXPECT_TRUE(info.flags & CKF_REMOVABLE_DEVICE);
    EXPECT_TRUE(info.flags & CKF_HW_SLOT);
    ASSERT_RV(CKR_OK, p11().C_GetSlotInfo(secure_slot(), &info));
    EXPECT_NE(text(info.slotDescription, 64).find("(secure profile)"), std::string::npos);
    EXPECT_EQ(secure_slot(), common_slot() + 1);
}

// scripts/simcard puts the card into vpcd behind a one-slot driver: one reader,
// so two slots (common and secure profile) and no empty ones.
TEST_F(Slots, SimulatedCardIsOneReaderWithTwoProfileSlots) {
    CK_ULONG all = 0, present = 0;
    ASSERT_RV(CKR_OK, p11().C_GetSlotList(CK_FALSE, nullptr, &all));
    ASSERT_RV(CKR_OK, p11().C_GetSlotList(CK_TRUE, nullptr, &present));
    EXPECT_EQ(all, 2u);
    EXPECT_EQ(present, 2u);
}

// ---- logins and what PC/SC does to them

class Login : public Pkcs11Test {};

TEST_F(Login, CorrectPinGivesUserFunctions) {
    const auto session = open_session();
    EXPECT_EQ(session_state(session), CKS_RW_PUBLIC_SESSION);
    ASSERT_RV(CKR_OK, login(session));
    EXPECT_EQ(session_state(session), CKS_RW_USER_FUNCTIONS);
}

// pcscd tells the module's handle SCARD_W_RESET_CARD; nothing else says the PIN is gone.
TEST_F(Login, CardResetByAnotherProcessShowsAsLoggedOut) {
    const auto session = user_session();
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_SignInit(session, &mechanism, find_one(session, CKO_PRIVATE_KEY, kRsaId)));
    // Another PC/SC client resets the card: the card forgets the verified PIN.
    SCARDCONTEXT context = 0;
    ASSERT_EQ(SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context), SCARD_S_SUCCESS);
    SCARDHANDLE handle = 0;
    DWORD protocol = 0;
    ASSERT_EQ(SCardConnect(context, card().reader().c_str(), SCARD_SHARE_SHARED,
                           SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &handle, &protocol),
              SCARD_S_SUCCESS);
    ASSERT_EQ(SCardDisconnect(handle, SCARD_RESET_CARD), SCARD_S_SUCCESS);
    SCardReleaseContext(context);
    CK_BYTE data[] = "data", signature[512];
    CK_ULONG length = sizeof signature;
    EXPECT_RV(CKR_USER_NOT_LOGGED_IN, p11().C_Sign(session, data, 4, signature, &length));
    EXPECT_EQ(session_state(session), CKS_RW_PUBLIC_SESSION);
    ASSERT_RV(CKR_OK, login(session));
    EXPECT_RV(CKR_OK, sign_something(session));
}

// ---- pcscd restarted, the card pulled in the middle of an exchange

class Removal : public Pkcs11Test {};

TEST_F(Removal, PcscdRestartKeepsTheTokenUsable) {
    const auto session = user_session();
    card().restart_pcscd();
    ASSERT_EQ(slots_with_token().size(), 2u);
    const auto fresh = open_session();
    // The restart reset the card: whatever the old session says, a new login signs.
    CK_RV rv = login(fresh);
    EXPECT_TRUE(rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) << rv_text(rv);
    const Bytes data = bytes_of("po restarcie pcscd");
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_SignInit(fresh, &mechanism, find_one(fresh, CKO_PRIVATE_KEY, kRsaId)));
    Bytes input = data, signature(256);
    CK_ULONG length = signature.size();
    rv = p11().C_Sign(fresh, input.data(), input.size(), signature.data(), &length);
    if (rv == CKR_USER_NOT_LOGGED_IN) {  // the card was reset: the module says so, and a login fixes it
        EXPECT_EQ(session_state(fresh), CKS_RW_PUBLIC_SESSION);
        ASSERT_RV(CKR_OK, login(fresh));
        ASSERT_RV(CKR_OK, p11().C_SignInit(fresh, &mechanism, find_one(fresh, CKO_PRIVATE_KEY, kRsaId)));
        rv = p11().C_Sign(fresh, input.data(), input.size(), signature.data(), &length);
    }
    EXPECT_RV(CKR_OK, rv);
    (void)session;
}

// Issue 10, D4. Through pcscd a pull cuts the exchange in flight, and pcscd
// notices the empty reader only at its next poll (PcscTransport::card_removed).
class PulledDuringSign : public Pkcs11Test {
  protected:
    carta::test::SimCard::Latency latency() const override {
        return carta::test::SimCard::Latency::Realistic;
    }
};

TEST_F(PulledDuringSign, IsDeviceRemoved) {
    const auto session = user_session();
    const auto key = find_one(session, CKO_PRIVATE_KEY, kRsaId);
    std::atomic<bool> signing{false};
    // Signatures back to back (270 ms each on a realistic card): the pull lands inside one.
    auto loop = std::async(std::launch::async, [&] {
        CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
        for (int i = 0; i < 100; ++i) {
            CK_RV rv = p11().C_SignInit(session, &mechanism, key);
            if (rv != CKR_OK) return rv;
            CK_BYTE data[] = "podpis", signature[256];
            CK_ULONG length = sizeof signature;
            signing = true;
            rv = p11().C_Sign(session, data, sizeof data - 1, signature, &length);
            if (rv != CKR_OK) return rv;
        }
        return CKR_OK;
    });
    while (!signing) std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(400ms);
    card().pull();
    ASSERT_EQ(loop.wait_for(30s), std::future_status::ready);
    EXPECT_RV(CKR_DEVICE_REMOVED, loop.get());
}

}  // namespace
}  // namespace carta::pkcs11::test
