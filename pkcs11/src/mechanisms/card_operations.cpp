// Operations the card computes: signatures and decryption. Multi-part signing
// hashes on the host (OpenSSL, carta's library context) and has the card sign
// the hash; data of the "raw" mechanisms is collected and sent in one piece.
#include <openssl/evp.h>

#include "carta/card/openssl.hpp"
#include "errors.hpp"
#include "mech_params.hpp"
#include "object_store.hpp"
#include "operations.hpp"
#include "slot.hpp"

namespace carta::pkcs11 {
namespace {

using card::HashAlgorithm;

// Collects input, or hashes it as it comes.
class Input {
  public:
    Input(std::optional<HashAlgorithm> hash, std::size_t max_raw) : hash_(hash), max_raw_(max_raw) {
        if (hash_) {
            md_ = ossl::fetch_digest(*hash_);
            ctx_.reset(EVP_MD_CTX_new());
            if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), md_.get(), nullptr) != 1)
                ossl::fail("starting a digest");
        }
    }
    void add(ByteView part) {
        if (hash_) {
            if (EVP_DigestUpdate(ctx_.get(), part.data(), part.size()) != 1) ossl::fail("digest");
            return;
        }
        // Compared without an addition that a caller-given length could wrap.
        if (part.size() > max_raw_ - data_.size())
            fail(CKR_DATA_LEN_RANGE, "input too long for the mechanism");
        data_.append(part);
    }
    // The hash (hashing mechanisms) or all the data.
    SecretBytes take() {
        if (!hash_) return std::move(data_);
        Bytes digest(card::hash_length(*hash_));
        unsigned int length = 0;
        if (EVP_DigestFinal_ex(ctx_.get(), digest.data(), &length) != 1) ossl::fail("digest");
        digest.resize(length);
        return SecretBytes(std::move(digest));
    }

  private:
    std::optional<HashAlgorithm> hash_;
    std::size_t max_raw_;
    ossl::Md md_;
    ossl::MdCtx ctx_;
    SecretBytes data_;
};

class CardSign final : public OutputOperation {
  public:
    CardSign(card::SignScheme scheme, const Object& key, std::optional<HashAlgorithm> hash,
             std::size_t max_raw, std::size_t exact_raw = 0)
        : scheme_(scheme),
          key_ref_(key.key->key_ref),
          size_(key.key_type == CKK_RSA ? key.key_bytes() : 2 * key.key_bytes()),
          input_(hash, max_raw),
          exact_raw_(exact_raw) {}

    void update(ByteView part) override { input_.add(part); }
    OutputSize output_size() const override { return {size_, true}; }
    SecretBytes finish(Slot& slot) override {
        const SecretBytes input = input_.take();
        if (exact_raw_ != 0 && input.size() != exact_raw_)
            fail(CKR_DATA_LEN_RANGE, "the input must be a hash of the PSS parameters' algorithm");
        // PKCS#1 v1.5 pads 0 to k-11 bytes of raw data (RFC 8017 §8.2.1); the other
        // schemes sign a hash, which is never empty.
        if (input.empty() && scheme_.kind != card::SignScheme::Kind::RsaPkcs1Raw)
            fail(CKR_DATA_LEN_RANGE, "nothing to sign");
        return SecretBytes(slot.sign(key_ref_, scheme_, input.view()));
    }

  private:
    card::SignScheme scheme_;
    std::uint8_t key_ref_;
    std::size_t size_;
    Input input_;
    std::size_t exact_raw_;
};

class CardDecrypt final : public OutputOperation {
  public:
    CardDecrypt(card::DecipherScheme scheme, const Object& key)
        : scheme_(std::move(scheme)), key_ref_(key.key->key_ref), size_(key.key_bytes()) {}

    void update(ByteView part) override {
        if (part.size() > size_ - ciphertext_.size())
            fail(CKR_ENCRYPTED_DATA_LEN_RANGE, "ciphertext longer than the modulus");
        ciphertext_.insert(ciphertext_.end(), part.begin(), part.end());
    }
    OutputSize output_size() const override { return {size_, false}; }
    SecretBytes finish(Slot& slot) override {
        if (ciphertext_.size() != size_)
            fail(CKR_ENCRYPTED_DATA_LEN_RANGE, "ciphertext must be as long as the modulus");
        return slot.decipher(key_ref_, scheme_, ciphertext_);
    }

  private:
    card::DecipherScheme scheme_;
    std::uint8_t key_ref_;
    std::size_t size_;
    Bytes ciphertext_;
};

constexpr std::size_t kMaxEcdsaInput = 128;

}  // namespace

namespace factories {

std::unique_ptr<OutputOperation> rsa_pkcs1_sign(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                                const Object* key) {
    require_no_parameter(mechanism);
    card::SignScheme scheme;
    // With a hash the card builds the DigestInfo; raw data (a DigestInfo) is padded as it is.
    scheme.kind = spec.hash ? card::SignScheme::Kind::RsaPkcs1Hash : card::SignScheme::Kind::RsaPkcs1Raw;
    return std::make_unique<CardSign>(scheme, *key, spec.hash, key->key_bytes() - 11);
}

std::unique_ptr<OutputOperation> rsa_pss_sign(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                              const Object* key) {
    const auto scheme = pss_scheme(spec, mechanism, *key);
    const std::size_t hash_size = card::hash_length(scheme.pss_hash);
    return std::make_unique<CardSign>(scheme, *key, spec.hash, hash_size, spec.hash ? 0 : hash_size);
}

std::unique_ptr<OutputOperation> ecdsa_sign(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                            const Object* key) {
    require_no_parameter(mechanism);
    card::SignScheme scheme;
    scheme.kind = card::SignScheme::Kind::Ecdsa;
    return std::make_unique<CardSign>(scheme, *key, spec.hash, kMaxEcdsaInput);
}

std::unique_ptr<OutputOperation> rsa_pkcs1_decrypt(const MechanismSpec&, const CK_MECHANISM& mechanism,
                                                   const Object* key) {
    require_no_parameter(mechanism);
    return std::make_unique<CardDecrypt>(card::DecipherScheme{}, *key);
}

std::unique_ptr<OutputOperation> rsa_oaep_decrypt(const MechanismSpec&, const CK_MECHANISM& mechanism,
                                                  const Object* key) {
    return std::make_unique<CardDecrypt>(oaep_scheme(mechanism), *key);
}

}  // namespace factories
}  // namespace carta::pkcs11
