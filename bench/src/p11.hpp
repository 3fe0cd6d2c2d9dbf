// A PKCS#11 module loaded with dlopen(), and the few calls the benchmarks make.
// Any CK_RV other than CKR_OK becomes a P11Error naming the function.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

// p11-kit's header (compatibility mode) maps GNU-style names onto the standard
// ones with lowercase macros; `value`, `count` etc. would rename members of the
// standard library, so they are undefined right after it.
#include <p11-kit/pkcs11.h>
// clang-format off
#undef value
#undef value_len
#undef count
#undef parameter
#undef parameter_len
#undef params
#undef reserved
#undef slot_id
#undef hash_alg
#undef s_len
// clang-format on

namespace carta::bench {

using Bytes = std::vector<std::uint8_t>;

class P11Error : public std::runtime_error {
  public:
    P11Error(const std::string& what, CK_RV rv);
    CK_RV rv() const { return rv_; }

  private:
    CK_RV rv_;
};

// Throws P11Error unless rv == CKR_OK.
void check(CK_RV rv, const char* function);

enum class SignMechanism { Pkcs1Sha256, PssSha256 };
const char* mechanism_name(SignMechanism mechanism);

// A CK_MECHANISM with its parameter, kept alive together.
struct Mechanism {
    explicit Mechanism(SignMechanism which);
    Mechanism(const Mechanism&) = delete;
    Mechanism& operator=(const Mechanism&) = delete;
    CK_RSA_PKCS_PSS_PARAMS pss{};
    CK_MECHANISM mechanism{};
};

class Module {
  public:
    // dlopen()s `path` and takes its function list; does not initialise it.
    explicit Module(const std::string& path);
    ~Module();  // C_Finalize if still initialised, then dlclose
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    CK_FUNCTION_LIST* f() const { return functions_; }
    // C_Initialize, with CKF_OS_LOCKING_OK by default. kAsNss: as NSS (Thunderbird, Firefox)
    // initialises every module, which also forbids the module threads of its own (so carta
    // gives the card back after each call instead of keeping it a moment).
    static constexpr CK_FLAGS kAsNss = CKF_OS_LOCKING_OK | CKF_LIBRARY_CANT_CREATE_OS_THREADS;
    void initialize(CK_FLAGS flags = CKF_OS_LOCKING_OK);
    void finalize();

    std::vector<CK_SLOT_ID> slots(bool token_present) const;
    CK_SESSION_HANDLE open_session(CK_SLOT_ID slot, bool read_write = false) const;
    void close_session(CK_SESSION_HANDLE session) const;
    // CKR_USER_ALREADY_LOGGED_IN counts as success.
    void login(CK_SESSION_HANDLE session, const std::string& pin) const;

    std::vector<CK_OBJECT_HANDLE> find(CK_SESSION_HANDLE session, CK_OBJECT_CLASS object_class,
                                       const std::optional<std::string>& label = std::nullopt) const;
    // nullopt when the attribute is not available (sensitive, invalid).
    std::optional<Bytes> attribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                   CK_ATTRIBUTE_TYPE type) const;

    Bytes sign(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, const Mechanism& mechanism,
               const Bytes& data) const;
    // C_DecryptInit + C_Decrypt with CKM_RSA_PKCS (an S/MIME message's key transport).
    Bytes decrypt_pkcs1(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, const Bytes& ciphertext) const;

    struct KeyPair {
        CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
        CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
    };
    // A token RSA key pair (exponent 65537) for signing; needs a R/W session, logged in.
    KeyPair generate_rsa(CK_SESSION_HANDLE session, CK_ULONG bits, const std::string& label) const;
    // Destroys both halves; a public half already gone with the private one is no error.
    void destroy(CK_SESSION_HANDLE session, const KeyPair& pair) const;

  private:
    void* handle_ = nullptr;
    CK_FUNCTION_LIST* functions_ = nullptr;
    bool initialized_ = false;
};

// The label of a token, blanks at the end removed.
std::string token_label(const Module& module, CK_SLOT_ID slot);
// The first slot (in slot order) whose token label is `label`.
std::optional<CK_SLOT_ID> find_token(const Module& module, const std::string& label);

}  // namespace carta::bench
