// The module as a whole: C_GetFunctionList, C_Initialize's arguments and
// locking, C_Finalize. (The function list's completeness, fork() and the debug
// log in a client process: pcscd_layer_test.cpp.)
#include <atomic>
#include <mutex>

#include "pkcs11_fixture.hpp"

namespace carta::pkcs11::test {
namespace {

class Module : public Pkcs11Test {};

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

}  // namespace
}  // namespace carta::pkcs11::test
