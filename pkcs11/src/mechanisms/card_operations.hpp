// Operations the card computes, for every family that signs or decrypts with a
// private key: the family chooses the card's scheme and the sizes, these run it.
// Multi-part signing hashes on the host and has the card sign the hash; the data
// of the "raw" mechanisms is collected and sent in one piece.
#pragma once

#include <optional>

#include "carta/card/types.hpp"
#include "family.hpp"
#include "input.hpp"
#include "operations.hpp"

namespace carta::pkcs11 {

class CardSign final : public OutputOperation {
  public:
    CardSign(card::SignScheme scheme, const Object& key, std::optional<card::HashAlgorithm> hash,
             SignatureSizes sizes);

    void update(ByteView part) override { input_.add(part); }
    OutputSize output_size() const override { return {sizes_.signature, true}; }
    SecretBytes finish(Slot& slot) override;

  private:
    card::SignScheme scheme_;
    std::uint8_t key_ref_;
    SignatureSizes sizes_;
    HashOrCollect input_;
};

// RSA decryption: the ciphertext is exactly as long as the modulus; the
// plaintext at most as long (the card removes the padding).
class CardDecrypt final : public OutputOperation {
  public:
    CardDecrypt(card::DecipherScheme scheme, const Object& key);

    void update(ByteView part) override;
    OutputSize output_size() const override { return {size_, false}; }
    SecretBytes finish(Slot& slot) override;

  private:
    card::DecipherScheme scheme_;
    std::uint8_t key_ref_;
    std::size_t size_;
    Bytes ciphertext_;
};

}  // namespace carta::pkcs11
