#include "pkcs11_fixture.hpp"

#include <dlfcn.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <cstring>

#include "../../pkcs11/src/errors.hpp"
#include "carta/card/openssl.hpp"

namespace carta::pkcs11::test {

const std::filesystem::path& module_path() {
    static const std::filesystem::path path(CARTA_PKCS11_MODULE);
    return path;
}

void* module_symbol(const char* name) {
    static void* const handle = [] {
#ifdef CARTA_PKCS11_IN_PROCESS
        void* h = dlopen(nullptr, RTLD_NOW);  // the module's code is in this executable
#else
        void* h = dlopen(module_path().c_str(), RTLD_NOW | RTLD_LOCAL);
#endif
        if (h == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
        return h;
    }();
    return dlsym(handle, name);
}

CK_FUNCTION_LIST& module_functions() {
    static CK_FUNCTION_LIST* const list = [] {
        auto get = reinterpret_cast<CK_C_GetFunctionList>(module_symbol("C_GetFunctionList"));
        if (get == nullptr) throw std::runtime_error("no C_GetFunctionList");
        CK_FUNCTION_LIST* functions = nullptr;
        if (get(&functions) != CKR_OK || functions == nullptr)
            throw std::runtime_error("C_GetFunctionList failed");
        return functions;
    }();
    return *list;
}

std::filesystem::path cards_dir() {
    return CARTA_PKCS11_TEST_CARDS;
}
std::filesystem::path ready_card() {
    return cards_dir() / "ready.state";
}
std::filesystem::path blank_card() {
    return CARTA_TEMPLATE_CARD;
}

std::string rv_text(CK_RV rv) {
    return rv_name(rv);
}

// ---- Attributes ------------------------------------------------------------------

Attributes& Attributes::bytes(CK_ATTRIBUTE_TYPE type, Bytes value) {
    values_.emplace_back(type, std::move(value));
    return *this;
}

Attributes& Attributes::ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value) {
    Bytes raw(sizeof value);
    std::memcpy(raw.data(), &value, sizeof value);
    return bytes(type, std::move(raw));
}

Attributes& Attributes::boolean(CK_ATTRIBUTE_TYPE type, bool value) {
    return bytes(type, Bytes{static_cast<std::uint8_t>(value ? CK_TRUE : CK_FALSE)});
}

Attributes& Attributes::text(CK_ATTRIBUTE_TYPE type, const std::string& value) {
    return bytes(type, bytes_of(value));
}

CK_ATTRIBUTE* Attributes::data() {
    attributes_.clear();
    for (auto& [type, value] : values_)
        attributes_.push_back(
            {type, value.empty() ? nullptr : value.data(), static_cast<CK_ULONG>(value.size())});
    return attributes_.empty() ? nullptr : attributes_.data();
}

// ---- Pkcs11Test ------------------------------------------------------------------

void Pkcs11Test::SetUp() {
    card_ = std::make_unique<TestCard>(initial_state(), latency());
    // The module's object cache goes to this test's own directory.
    const auto cache = card_->dir() / "cache";
    ::setenv("XDG_CACHE_HOME", cache.c_str(), 1);
    p11_ = &module_functions();
    ASSERT_RV(CKR_OK, p11_->C_Initialize(nullptr));
    initialized_ = true;
    CK_SLOT_ID slots[16];
    CK_ULONG count = 16;
    ASSERT_RV(CKR_OK, p11_->C_GetSlotList(CK_TRUE, slots, &count));
    ASSERT_GE(count, 2u);
    common_slot_ = slots[0];
    secure_slot_ = slots[1];
}

void Pkcs11Test::TearDown() {
    if (initialized_) p11_->C_Finalize(nullptr);
    initialized_ = false;
    card_.reset();
}

void Pkcs11Test::reinitialize() {
    ASSERT_RV(CKR_OK, p11_->C_Finalize(nullptr));
    ASSERT_RV(CKR_OK, p11_->C_Initialize(nullptr));
}

CK_SESSION_HANDLE Pkcs11Test::open_session(bool read_write) {
    return open_session_on(common_slot_, read_write);
}

CK_SESSION_HANDLE Pkcs11Test::open_session_on(CK_SLOT_ID slot, bool read_write) {
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    const CK_FLAGS flags = CKF_SERIAL_SESSION | (read_write ? CKF_RW_SESSION : 0);
    EXPECT_RV(CKR_OK, p11_->C_OpenSession(slot, flags, nullptr, nullptr, &session));
    return session;
}

CK_RV Pkcs11Test::login(CK_SESSION_HANDLE session, CK_USER_TYPE user, const std::string& pin) {
    std::string copy = pin;
    return p11_->C_Login(session, user, reinterpret_cast<CK_UTF8CHAR_PTR>(copy.data()), copy.size());
}

CK_SESSION_HANDLE Pkcs11Test::user_session() {
    const auto session = open_session();
    EXPECT_RV(CKR_OK, login(session));
    return session;
}

CK_TOKEN_INFO Pkcs11Test::token_info(CK_SLOT_ID slot) {
    CK_TOKEN_INFO info{};
    EXPECT_RV(CKR_OK, p11_->C_GetTokenInfo(slot, &info));
    return info;
}

std::vector<CK_SLOT_ID> Pkcs11Test::slots_with_token() {
    CK_ULONG count = 0;
    EXPECT_RV(CKR_OK, p11_->C_GetSlotList(CK_TRUE, nullptr, &count));
    std::vector<CK_SLOT_ID> slots(count);
    EXPECT_RV(CKR_OK, p11_->C_GetSlotList(CK_TRUE, slots.data(), &count));
    slots.resize(count);
    return slots;
}

CK_STATE Pkcs11Test::session_state(CK_SESSION_HANDLE session) {
    CK_SESSION_INFO info{};
    EXPECT_RV(CKR_OK, p11_->C_GetSessionInfo(session, &info));
    return info.state;
}

std::vector<CK_OBJECT_HANDLE> Pkcs11Test::find(CK_SESSION_HANDLE session, Attributes search) {
    std::vector<CK_OBJECT_HANDLE> found;
    EXPECT_RV(CKR_OK, p11_->C_FindObjectsInit(session, search.data(), search.size()));
    CK_OBJECT_HANDLE batch[8];
    CK_ULONG count = 0;
    do {
        EXPECT_RV(CKR_OK, p11_->C_FindObjects(session, batch, 8, &count));
        found.insert(found.end(), batch, batch + count);
    } while (count == 8);
    EXPECT_RV(CKR_OK, p11_->C_FindObjectsFinal(session));
    return found;
}

CK_OBJECT_HANDLE Pkcs11Test::find_one(CK_SESSION_HANDLE session, CK_OBJECT_CLASS object_class,
                                      const Bytes& id) {
    const auto found = find(session, Attributes().ulong(CKA_CLASS, object_class).bytes(CKA_ID, id));
    EXPECT_EQ(found.size(), 1u) << "objects of class " << object_class << " with the id";
    return found.empty() ? CK_INVALID_HANDLE : found.front();
}

Bytes Pkcs11Test::attribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
    CK_ATTRIBUTE query{type, nullptr, 0};
    EXPECT_RV(CKR_OK, p11_->C_GetAttributeValue(session, object, &query, 1));
    if (query.ulValueLen == CK_UNAVAILABLE_INFORMATION) return {};
    Bytes value(query.ulValueLen);
    query.pValue = value.data();
    EXPECT_RV(CKR_OK, p11_->C_GetAttributeValue(session, object, &query, 1));
    value.resize(query.ulValueLen);
    return value;
}

CK_ULONG Pkcs11Test::ulong_attribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                     CK_ATTRIBUTE_TYPE type) {
    const auto raw = attribute(session, object, type);
    CK_ULONG value = 0;
    EXPECT_EQ(raw.size(), sizeof value);
    if (raw.size() == sizeof value) std::memcpy(&value, raw.data(), sizeof value);
    return value;
}

bool Pkcs11Test::bool_attribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
    const auto raw = attribute(session, object, type);
    EXPECT_EQ(raw.size(), 1u);
    return !raw.empty() && raw[0] != CK_FALSE;
}

Bytes Pkcs11Test::sign(CK_SESSION_HANDLE session, CK_MECHANISM mechanism, CK_OBJECT_HANDLE key,
                       ByteView data) {
    EXPECT_RV(CKR_OK, p11_->C_SignInit(session, &mechanism, key));
    CK_ULONG length = 0;
    Bytes input(data.begin(), data.end());
    EXPECT_RV(CKR_OK, p11_->C_Sign(session, input.data(), input.size(), nullptr, &length));
    Bytes signature(length);
    EXPECT_RV(CKR_OK, p11_->C_Sign(session, input.data(), input.size(), signature.data(), &length));
    signature.resize(length);
    return signature;
}

Bytes Pkcs11Test::decrypt(CK_SESSION_HANDLE session, CK_MECHANISM mechanism, CK_OBJECT_HANDLE key,
                          ByteView data) {
    EXPECT_RV(CKR_OK, p11_->C_DecryptInit(session, &mechanism, key));
    Bytes input(data.begin(), data.end());
    Bytes plaintext(input.size());
    CK_ULONG length = plaintext.size();
    EXPECT_RV(CKR_OK, p11_->C_Decrypt(session, input.data(), input.size(), plaintext.data(), &length));
    plaintext.resize(length);
    return plaintext;
}

CK_RV Pkcs11Test::sign_something(CK_SESSION_HANDLE session) {
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    const auto key = find_one(session, CKO_PRIVATE_KEY, kRsaId);
    CK_RV rv = p11_->C_SignInit(session, &mechanism, key);
    if (rv != CKR_OK) return rv;
    CK_BYTE data[] = "data", signature[512];
    CK_ULONG length = sizeof signature;
    return p11_->C_Sign(session, data, 4, signature, &length);
}

}  // namespace carta::pkcs11::test
