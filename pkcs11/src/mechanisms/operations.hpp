// The operations a session can have active (PKCS#11 §5.8-5.13), behind two
// interfaces: those that produce output (sign, decrypt, encrypt, digest) and
// verify. The families (family.hpp) make them: signatures and decryption on the
// card (card_operations.hpp), verification, encryption and digests in software
// (software_operations.hpp). The length-query and CKR_BUFFER_TOO_SMALL rules are
// applied once for all of them (entry_crypto.cpp: deliver()).
#pragma once

#include <optional>

#include "carta/apdu/bytes.hpp"

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

}  // namespace carta::pkcs11
