// The module as a whole: C_GetFunctionList, C_Initialize's arguments and
// locking, C_Finalize, fork(), the debug log.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include "pkcs11_fixture.hpp"

namespace carta::pkcs11::test {
namespace {

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

TEST_F(Module, GetFunctionListWithNullIsArgumentsBad) {
    EXPECT_RV(CKR_ARGUMENTS_BAD, p11().C_GetFunctionList(nullptr));
}

TEST_F(Module, GetInfoReportsCryptoki240AndCarta) {
    CK_INFO info{};
    ASSERT_RV(CKR_OK, p11().C_GetInfo(&info));
    EXPECT_EQ(info.cryptokiVersion.major, 2);
    EXPECT_EQ(info.cryptokiVersion.minor, 40);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(info.manufacturerID), 5), "carta");
}

TEST_F(Module, SecondInitializeReportsAlreadyInitialized) {
    EXPECT_RV(CKR_CRYPTOKI_ALREADY_INITIALIZED, p11().C_Initialize(nullptr));
}

TEST_F(Module, CallsAfterFinalizeReportNotInitialized) {
    ASSERT_RV(CKR_OK, p11().C_Finalize(nullptr));
    CK_ULONG count = 0;
    EXPECT_RV(CKR_CRYPTOKI_NOT_INITIALIZED, p11().C_GetSlotList(CK_FALSE, nullptr, &count));
    CK_INFO info{};
    EXPECT_RV(CKR_CRYPTOKI_NOT_INITIALIZED, p11().C_GetInfo(&info));
    EXPECT_RV(CKR_CRYPTOKI_NOT_INITIALIZED, p11().C_Finalize(nullptr));
    ASSERT_RV(CKR_OK, p11().C_Initialize(nullptr));
}

TEST_F(Module, FinalizeWithReservedPointerIsArgumentsBad) {
    int reserved = 0;
    EXPECT_RV(CKR_ARGUMENTS_BAD, p11().C_Finalize(&reserved));
}

TEST_F(Module, InitializeWithReservedPointerIsArgumentsBad) {
    ASSERT_RV(CKR_OK, p11().C_Finalize(nullptr));
    int reserved = 0;
    CK_C_INITIALIZE_ARGS args{};
    args.pReserved = &reserved;
    EXPECT_RV(CKR_ARGUMENTS_BAD, p11().C_Initialize(&args));
    ASSERT_RV(CKR_OK, p11().C_Initialize(nullptr));
}

// Application-supplied mutexes, counted.
std::atomic<int> g_created{0}, g_locked{0};
CK_RV create_mutex(CK_VOID_PTR_PTR mutex) {
    ++g_created;
    *mutex = new std::mutex;
    return CKR_OK;
}
CK_RV destroy_mutex(CK_VOID_PTR mutex) {
    delete static_cast<std::mutex*>(mutex);
    return CKR_OK;
}
CK_RV lock_mutex(CK_VOID_PTR mutex) {
    ++g_locked;
    static_cast<std::mutex*>(mutex)->lock();
    return CKR_OK;
}
CK_RV unlock_mutex(CK_VOID_PTR mutex) {
    static_cast<std::mutex*>(mutex)->unlock();
    return CKR_OK;
}

CK_C_INITIALIZE_ARGS mutex_arguments(CK_FLAGS flags) {
    CK_C_INITIALIZE_ARGS args{};
    args.CreateMutex = create_mutex;
    args.DestroyMutex = destroy_mutex;
    args.LockMutex = lock_mutex;
    args.UnlockMutex = unlock_mutex;
    args.flags = flags;
    return args;
}

TEST_F(Module, ApplicationMutexesAreUsedWhenOsLockingIsNotAllowed) {
    ASSERT_RV(CKR_OK, p11().C_Finalize(nullptr));
    g_created = g_locked = 0;
    auto args = mutex_arguments(0);
    ASSERT_RV(CKR_OK, p11().C_Initialize(&args));
    const auto session = user_session();
    EXPECT_RV(CKR_OK, p11().C_CloseSession(session));
    EXPECT_GT(g_created.load(), 0);
    EXPECT_GT(g_locked.load(), 0);
}

TEST_F(Module, OsLockingIsPreferredWhenAllowedWithCallbacks) {
    ASSERT_RV(CKR_OK, p11().C_Finalize(nullptr));
    g_created = g_locked = 0;
    auto args = mutex_arguments(CKF_OS_LOCKING_OK);
    ASSERT_RV(CKR_OK, p11().C_Initialize(&args));
    const auto session = user_session();
    EXPECT_RV(CKR_OK, p11().C_CloseSession(session));
    EXPECT_EQ(g_created.load(), 0);
    EXPECT_EQ(g_locked.load(), 0);
}

TEST_F(Module, SomeButNotAllMutexCallbacksAreArgumentsBad) {
    ASSERT_RV(CKR_OK, p11().C_Finalize(nullptr));
    auto args = mutex_arguments(0);
    args.UnlockMutex = nullptr;
    EXPECT_RV(CKR_ARGUMENTS_BAD, p11().C_Initialize(&args));
    ASSERT_RV(CKR_OK, p11().C_Initialize(nullptr));
}

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

// The log is read from the environment once per process: a client process shows it.
TEST_F(Module, DebugLogRecordsEveryCallButNoPin) {
    const auto log = card().dir() / "pkcs11.log";
    std::string preload;
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

}  // namespace
}  // namespace carta::pkcs11::test
