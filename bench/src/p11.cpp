#include "p11.hpp"

#include <dlfcn.h>

#include <cstdio>

namespace carta::bench {

P11Error::P11Error(const std::string& what, CK_RV rv) : std::runtime_error(what), rv_(rv) {}

void check(CK_RV rv, const char* function) {
    if (rv == CKR_OK) return;
    char code[32];
    std::snprintf(code, sizeof code, "0x%08lX", static_cast<unsigned long>(rv));
    throw P11Error(std::string(function) + " failed: CKR " + code, rv);
}

const char* mechanism_name(SignMechanism mechanism) {
    return mechanism == SignMechanism::Pkcs1Sha256 ? "CKM_SHA256_RSA_PKCS" : "CKM_SHA256_RSA_PKCS_PSS";
}

Mechanism::Mechanism(SignMechanism which) {
    if (which == SignMechanism::Pkcs1Sha256) {
        mechanism = {CKM_SHA256_RSA_PKCS, nullptr, 0};
    } else {
        pss = {CKM_SHA256, CKG_MGF1_SHA256, 32};
        mechanism = {CKM_SHA256_RSA_PKCS_PSS, &pss, sizeof pss};
    }
}

Module::Module(const std::string& path) {
    // RTLD_NODELETE: what a module keeps after C_Finalize (SoftHSM2 does) stays
    // reachable, so LeakSanitizer builds do not report it as leaked.
    handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (handle_ == nullptr) throw std::runtime_error("dlopen " + path + ": " + ::dlerror());
    auto get = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(handle_, "C_GetFunctionList"));
    if (get == nullptr) {
        ::dlclose(handle_);
        throw std::runtime_error(path + " has no C_GetFunctionList");
    }
    const CK_RV rv = get(&functions_);
    if (rv != CKR_OK || functions_ == nullptr) {
        ::dlclose(handle_);
        check(rv == CKR_OK ? CKR_GENERAL_ERROR : rv, "C_GetFunctionList");
    }
}

Module::~Module() {
    if (initialized_) functions_->C_Finalize(nullptr);
    ::dlclose(handle_);
}

void Module::initialize(CK_FLAGS flags) {
    CK_C_INITIALIZE_ARGS args{};
    args.flags = flags;
    check(functions_->C_Initialize(&args), "C_Initialize");
    initialized_ = true;
}

void Module::finalize() {
    if (!initialized_) return;
    initialized_ = false;
    check(functions_->C_Finalize(nullptr), "C_Finalize");
}

std::vector<CK_SLOT_ID> Module::slots(bool token_present) const {
    const CK_BBOOL present = token_present ? CK_TRUE : CK_FALSE;
    CK_ULONG n = 0;
    check(functions_->C_GetSlotList(present, nullptr, &n), "C_GetSlotList");
    std::vector<CK_SLOT_ID> list(n);
    check(functions_->C_GetSlotList(present, list.data(), &n), "C_GetSlotList");
    list.resize(n);
    return list;
}

CK_SESSION_HANDLE Module::open_session(CK_SLOT_ID slot, bool read_write) const {
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    CK_FLAGS flags = CKF_SERIAL_SESSION | (read_write ? CKF_RW_SESSION : 0);
    check(functions_->C_OpenSession(slot, flags, nullptr, nullptr, &session), "C_OpenSession");
    return session;
}

void Module::close_session(CK_SESSION_HANDLE session) const {
    check(functions_->C_CloseSession(session), "C_CloseSession");
}

void Module::login(CK_SESSION_HANDLE session, const std::string& pin) const {
    auto* p = reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(pin.data()));
    const CK_RV rv = functions_->C_Login(session, CKU_USER, p, pin.size());
    if (rv != CKR_USER_ALREADY_LOGGED_IN) check(rv, "C_Login");
}

std::vector<CK_OBJECT_HANDLE> Module::find(CK_SESSION_HANDLE session, CK_OBJECT_CLASS object_class,
                                           const std::optional<std::string>& label) const {
    std::vector<CK_ATTRIBUTE> query{{CKA_CLASS, &object_class, sizeof object_class}};
    if (label) query.push_back({CKA_LABEL, const_cast<char*>(label->data()), label->size()});
    check(functions_->C_FindObjectsInit(session, query.data(), query.size()), "C_FindObjectsInit");
    std::vector<CK_OBJECT_HANDLE> found;
    for (;;) {
        CK_OBJECT_HANDLE batch[16];
        CK_ULONG n = 0;
        const CK_RV rv = functions_->C_FindObjects(session, batch, 16, &n);
        if (rv != CKR_OK) {
            functions_->C_FindObjectsFinal(session);
            check(rv, "C_FindObjects");
        }
        if (n == 0) break;
        found.insert(found.end(), batch, batch + n);
    }
    check(functions_->C_FindObjectsFinal(session), "C_FindObjectsFinal");
    return found;
}

std::optional<Bytes> Module::attribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                       CK_ATTRIBUTE_TYPE type) const {
    CK_ATTRIBUTE a{type, nullptr, 0};
    CK_RV rv = functions_->C_GetAttributeValue(session, object, &a, 1);
    if (rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID ||
        a.ulValueLen == CK_UNAVAILABLE_INFORMATION)
        return std::nullopt;
    check(rv, "C_GetAttributeValue");
    Bytes value(a.ulValueLen);
    a.pValue = value.data();
    check(functions_->C_GetAttributeValue(session, object, &a, 1), "C_GetAttributeValue");
    value.resize(a.ulValueLen);
    return value;
}

Bytes Module::sign(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, const Mechanism& mechanism,
                   const Bytes& data) const {
    auto* mech = const_cast<CK_MECHANISM*>(&mechanism.mechanism);
    check(functions_->C_SignInit(session, mech, key), "C_SignInit");
    Bytes signature(512);
    CK_ULONG length = signature.size();
    check(functions_->C_Sign(session, const_cast<CK_BYTE*>(data.data()), data.size(), signature.data(),
                             &length),
          "C_Sign");
    signature.resize(length);
    return signature;
}

Bytes Module::decrypt_pkcs1(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, const Bytes& ciphertext) const {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    check(functions_->C_DecryptInit(session, &mechanism, key), "C_DecryptInit");
    Bytes plaintext(ciphertext.size());
    CK_ULONG length = plaintext.size();
    check(functions_->C_Decrypt(session, const_cast<CK_BYTE*>(ciphertext.data()), ciphertext.size(),
                                plaintext.data(), &length),
          "C_Decrypt");
    plaintext.resize(length);
    return plaintext;
}

Module::KeyPair Module::generate_rsa(CK_SESSION_HANDLE session, CK_ULONG bits,
                                     const std::string& label) const {
    CK_BBOOL yes = CK_TRUE;
    CK_BYTE exponent[] = {0x01, 0x00, 0x01};
    auto* text = const_cast<char*>(label.data());
    CK_ATTRIBUTE pub[] = {
        {CKA_TOKEN, &yes, sizeof yes},          {CKA_VERIFY, &yes, sizeof yes},
        {CKA_MODULUS_BITS, &bits, sizeof bits}, {CKA_PUBLIC_EXPONENT, exponent, sizeof exponent},
        {CKA_LABEL, text, label.size()},
    };
    CK_ATTRIBUTE priv[] = {
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_SIGN, &yes, sizeof yes},
        {CKA_LABEL, text, label.size()},
    };
    CK_MECHANISM mechanism{CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
    KeyPair pair;
    check(functions_->C_GenerateKeyPair(session, &mechanism, pub, std::size(pub), priv, std::size(priv),
                                        &pair.public_key, &pair.private_key),
          "C_GenerateKeyPair");
    return pair;
}

void Module::destroy(CK_SESSION_HANDLE session, const KeyPair& pair) const {
    check(functions_->C_DestroyObject(session, pair.private_key), "C_DestroyObject");
    const CK_RV rv = functions_->C_DestroyObject(session, pair.public_key);
    if (rv != CKR_OBJECT_HANDLE_INVALID) check(rv, "C_DestroyObject");
}

std::string token_label(const Module& module, CK_SLOT_ID slot) {
    CK_TOKEN_INFO info{};
    check(module.f()->C_GetTokenInfo(slot, &info), "C_GetTokenInfo");
    std::string label(reinterpret_cast<const char*>(info.label), sizeof info.label);
    while (!label.empty() && (label.back() == ' ' || label.back() == '\0')) label.pop_back();
    return label;
}

std::optional<CK_SLOT_ID> find_token(const Module& module, const std::string& label) {
    for (const CK_SLOT_ID slot : module.slots(true))
        if (token_label(module, slot) == label) return slot;
    return std::nullopt;
}

}  // namespace carta::bench
