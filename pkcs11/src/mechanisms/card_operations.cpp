#include "card_operations.hpp"

#include "errors.hpp"
#include "object_store.hpp"
#include "slot.hpp"

namespace carta::pkcs11 {

CardSign::CardSign(card::SignScheme scheme, const Object& key, std::optional<card::HashAlgorithm> hash,
                   SignatureSizes sizes)
    : scheme_(scheme), key_ref_(key.key->key_ref), sizes_(sizes), input_(hash, sizes.max_data) {}

SecretBytes CardSign::finish(Slot& slot) {
    const SecretBytes input = input_.take();
    if (sizes_.exact_data != 0 && input.size() != sizes_.exact_data)
        fail(CKR_DATA_LEN_RANGE, "the input must be a hash of the PSS parameters' algorithm");
    // A hash is never empty; only the raw data of PKCS#1 v1.5 may be.
    if (input.size() < sizes_.min_data) fail(CKR_DATA_LEN_RANGE, "nothing to sign");
    return SecretBytes(slot.sign(key_ref_, scheme_, input.view()));
}

CardDecrypt::CardDecrypt(card::DecipherScheme scheme, const Object& key)
    : scheme_(std::move(scheme)), key_ref_(key.key->key_ref), size_(key.key_bytes()) {}

void CardDecrypt::update(ByteView part) {
    if (part.size() > size_ - ciphertext_.size())
        fail(CKR_ENCRYPTED_DATA_LEN_RANGE, "ciphertext longer than the modulus");
    ciphertext_.insert(ciphertext_.end(), part.begin(), part.end());
}

SecretBytes CardDecrypt::finish(Slot& slot) {
    if (ciphertext_.size() != size_)
        fail(CKR_ENCRYPTED_DATA_LEN_RANGE, "ciphertext must be as long as the modulus");
    return slot.decipher(key_ref_, scheme_, ciphertext_);
}

}  // namespace carta::pkcs11
