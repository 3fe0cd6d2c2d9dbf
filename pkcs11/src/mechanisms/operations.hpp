// The operations a session can have active (PKCS#11 §5.8-5.13), behind two
// interfaces: those that produce output (sign, decrypt, encrypt, digest) and
// verify. Multi-part signing hashes on the host and sends the hash to the card;
// verification, encryption and digests run in software (OpenSSL, in carta's
// private library context). The length-query and CKR_BUFFER_TOO_SMALL rules are
// applied once for all of them (entry_crypto.cpp: deliver()).
#pragma once

#include <memory>
#include <optional>

#include "carta/apdu/bytes.hpp"
#include "mechanisms.hpp"

namespace carta::pkcs11 {

class Slot;

struct OutputSize {
    std::size_t bytes = 0;
    bool exact = true;  // false: an upper bound (decryption)
};

class Operation {
  public:
    virtual ~Operation() = default;
    // Takes the next part of the input. Throws Pkcs11Error (e.g. CKR_DATA_LEN_RANGE).
    virtual void update(ByteView part) = 0;
};

class OutputOperation : public Operation {
  public:
    virtual OutputSize output_size() const = 0;
    // Computes the output from all the input; card operations go through `slot`.
    virtual SecretBytes finish(Slot& slot) = 0;
    // Output computed for a call whose buffer was too small, kept for the retry.
    std::optional<SecretBytes> pending;
};

class VerifyOperation : public Operation {
  public:
    // Throws Pkcs11Error(CKR_SIGNATURE_INVALID / CKR_SIGNATURE_LEN_RANGE).
    virtual void finish(ByteView signature) = 0;
};

// Factories referenced by the mechanism table (mechanisms.cpp).
namespace factories {
std::unique_ptr<OutputOperation> rsa_pkcs1_sign(const MechanismSpec&, const CK_MECHANISM&, const Object*);
std::unique_ptr<OutputOperation> rsa_pss_sign(const MechanismSpec&, const CK_MECHANISM&, const Object*);
std::unique_ptr<OutputOperation> ecdsa_sign(const MechanismSpec&, const CK_MECHANISM&, const Object*);
std::unique_ptr<VerifyOperation> rsa_pkcs1_verify(const MechanismSpec&, const CK_MECHANISM&, const Object&);
std::unique_ptr<VerifyOperation> rsa_pss_verify(const MechanismSpec&, const CK_MECHANISM&, const Object&);
std::unique_ptr<VerifyOperation> ecdsa_verify(const MechanismSpec&, const CK_MECHANISM&, const Object&);
std::unique_ptr<OutputOperation> rsa_pkcs1_encrypt(const MechanismSpec&, const CK_MECHANISM&, const Object*);
std::unique_ptr<OutputOperation> rsa_oaep_encrypt(const MechanismSpec&, const CK_MECHANISM&, const Object*);
std::unique_ptr<OutputOperation> rsa_pkcs1_decrypt(const MechanismSpec&, const CK_MECHANISM&, const Object*);
std::unique_ptr<OutputOperation> rsa_oaep_decrypt(const MechanismSpec&, const CK_MECHANISM&, const Object*);
std::unique_ptr<OutputOperation> digest(const MechanismSpec&, const CK_MECHANISM&, const Object*);
}  // namespace factories

}  // namespace carta::pkcs11
