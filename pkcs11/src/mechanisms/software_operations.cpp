// Operations on public data, computed on the host with OpenSSL in carta's
// private library context: verification and encryption with a public key,
// and digests.
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>

#include "carta/card/openssl.hpp"
#include "errors.hpp"
#include "mech_params.hpp"
#include "object_store.hpp"
#include "operations.hpp"

namespace carta::pkcs11 {
namespace {

using card::HashAlgorithm;

ossl::PKeyCtx context_for(const Object& key) {
    auto pkey = ossl::public_key_from_spki(key.spki);
    ossl::PKeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(ossl::context(), pkey.get(), nullptr));
    if (!ctx) ossl::fail("EVP_PKEY_CTX_new_from_pkey");
    return ctx;
}

void check(int result, const char* what) {
    if (result <= 0) ossl::fail(what);
}

// Collects the data, or hashes it as it comes.
class HashOrCollect {
  public:
    explicit HashOrCollect(std::optional<HashAlgorithm> hash) : hash_(hash) {
        if (!hash_) return;
        md_ = ossl::fetch_digest(*hash_);
        ctx_.reset(EVP_MD_CTX_new());
        if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), md_.get(), nullptr) != 1) ossl::fail("starting a digest");
    }
    void add(ByteView part, std::size_t max_raw) {
        if (hash_) {
            check(EVP_DigestUpdate(ctx_.get(), part.data(), part.size()), "digest");
        } else {
            if (part.size() > max_raw - data_.size())
                fail(CKR_DATA_LEN_RANGE, "input too long for the mechanism");
            data_.insert(data_.end(), part.begin(), part.end());
        }
    }
    Bytes take() {
        if (!hash_) return std::move(data_);
        Bytes digest(static_cast<std::size_t>(EVP_MD_get_size(md_.get())));
        unsigned int length = 0;
        check(EVP_DigestFinal_ex(ctx_.get(), digest.data(), &length), "digest");
        digest.resize(length);
        return digest;
    }
    const EVP_MD* md() const { return md_.get(); }

  private:
    std::optional<HashAlgorithm> hash_;
    ossl::Md md_;
    ossl::MdCtx ctx_;
    Bytes data_;
};

// CKM_RSA_PKCS verification: the public-key operation without padding, then the
// PKCS#1 v1.5 block checked here, 00 01 FF..FF 00 M with at least eight FF (RFC 8017
// §8.2.2, §9.2). OpenSSL's verify refuses an empty M, which the standard allows.
bool verifies_raw_pkcs1(EVP_PKEY* key, ByteView signature, ByteView message) {
    ossl::PKeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(ossl::context(), key, nullptr));
    Bytes block(signature.size());
    std::size_t length = block.size();
    if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
        EVP_PKEY_verify_recover(ctx.get(), block.data(), &length, signature.data(), signature.size()) != 1 ||
        length != signature.size() || length < message.size() + 11)
        return false;
    const std::size_t separator = length - message.size() - 1;
    if (block[0] != 0x00 || block[1] != 0x01 || block[separator] != 0x00) return false;
    for (std::size_t i = 2; i < separator; ++i)
        if (block[i] != 0xFF) return false;
    return std::equal(message.begin(), message.end(),
                      block.begin() + static_cast<std::ptrdiff_t>(separator + 1));
}

class SoftwareVerify final : public VerifyOperation {
  public:
    enum class Kind { RsaPkcs1, RsaPss, Ecdsa };

    SoftwareVerify(Kind kind, const Object& key, std::optional<HashAlgorithm> hash, card::SignScheme pss = {})
        : kind_(kind),
          raw_(kind == Kind::RsaPkcs1 && !hash),
          ctx_(context_for(key)),
          input_(hash),
          signature_size_(kind == Kind::Ecdsa ? 2 * key.key_bytes() : key.key_bytes()),
          max_raw_(kind == Kind::RsaPkcs1 ? key.key_bytes() - 11
                   : kind == Kind::RsaPss ? card::hash_length(pss.pss_hash)
                                          : 128) {
        check(EVP_PKEY_verify_init(ctx_.get()), "EVP_PKEY_verify_init");
        if (kind == Kind::RsaPkcs1) {
            check(EVP_PKEY_CTX_set_rsa_padding(ctx_.get(), RSA_PKCS1_PADDING), "RSA padding");
            if (hash) check(EVP_PKEY_CTX_set_signature_md(ctx_.get(), input_.md()), "signature digest");
        } else if (kind == Kind::RsaPss) {
            pss_md_ = ossl::fetch_digest(pss.pss_hash);
            mgf_md_ = ossl::fetch_digest(pss.pss_mgf1_hash);
            check(EVP_PKEY_CTX_set_rsa_padding(ctx_.get(), RSA_PKCS1_PSS_PADDING), "RSA padding");
            check(EVP_PKEY_CTX_set_signature_md(ctx_.get(), pss_md_.get()), "signature digest");
            check(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx_.get(), mgf_md_.get()), "MGF1 digest");
            check(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx_.get(), pss.pss_salt_length), "PSS salt length");
        }
    }

    void update(ByteView part) override { input_.add(part, max_raw_); }

    void finish(ByteView signature) override {
        if (signature.size() != signature_size_) fail(CKR_SIGNATURE_LEN_RANGE);
        const Bytes tbs = input_.take();
        if (raw_) {
            const bool valid = verifies_raw_pkcs1(EVP_PKEY_CTX_get0_pkey(ctx_.get()), signature, tbs);
            ossl::last_error();
            if (!valid) fail(CKR_SIGNATURE_INVALID);
            return;
        }
        const Bytes der =
            kind_ == Kind::Ecdsa ? ecdsa_der(signature) : Bytes(signature.begin(), signature.end());
        const int result = EVP_PKEY_verify(ctx_.get(), der.data(), der.size(), tbs.data(), tbs.size());
        ossl::last_error();  // a failed verification leaves errors behind
        if (result != 1) fail(CKR_SIGNATURE_INVALID);
    }

  private:
    Kind kind_;
    bool raw_;  // CKM_RSA_PKCS: the data is the message itself
    ossl::PKeyCtx ctx_;
    HashOrCollect input_;
    std::size_t signature_size_;
    std::size_t max_raw_;
    ossl::Md pss_md_, mgf_md_;
};

class SoftwareEncrypt final : public OutputOperation {
  public:
    SoftwareEncrypt(const Object& key, const card::DecipherScheme& scheme)
        : ctx_(context_for(key)), size_(key.key_bytes()) {
        check(EVP_PKEY_encrypt_init(ctx_.get()), "EVP_PKEY_encrypt_init");
        if (scheme.kind == card::DecipherScheme::Kind::RsaPkcs1) {
            check(EVP_PKEY_CTX_set_rsa_padding(ctx_.get(), RSA_PKCS1_PADDING), "RSA padding");
            max_input_ = size_ - 11;
            return;
        }
        md_ = ossl::fetch_digest(scheme.oaep_hash);
        mgf_md_ = ossl::fetch_digest(scheme.oaep_mgf1_hash);
        check(EVP_PKEY_CTX_set_rsa_padding(ctx_.get(), RSA_PKCS1_OAEP_PADDING), "RSA padding");
        check(EVP_PKEY_CTX_set_rsa_oaep_md(ctx_.get(), md_.get()), "OAEP digest");
        check(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx_.get(), mgf_md_.get()), "MGF1 digest");
        if (!scheme.oaep_label.empty()) {
            void* label = OPENSSL_memdup(scheme.oaep_label.data(), scheme.oaep_label.size());
            if (label == nullptr) throw std::bad_alloc();
            if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx_.get(), label,
                                                 static_cast<int>(scheme.oaep_label.size())) <= 0) {
                OPENSSL_free(label);
                ossl::fail("OAEP label");
            }
        }
        max_input_ = size_ - 2 * card::hash_length(scheme.oaep_hash) - 2;
    }

    void update(ByteView part) override {
        if (part.size() > max_input_ - plaintext_.size()) fail(CKR_DATA_LEN_RANGE, "too long for the key");
        plaintext_.append(part);
    }
    OutputSize output_size() const override { return {size_, true}; }
    SecretBytes finish(Slot&) override {
        Bytes out(size_);
        std::size_t length = out.size();
        check(EVP_PKEY_encrypt(ctx_.get(), out.data(), &length, plaintext_.data(), plaintext_.size()),
              "EVP_PKEY_encrypt");
        out.resize(length);
        return SecretBytes(std::move(out));
    }

  private:
    ossl::PKeyCtx ctx_;
    std::size_t size_;
    std::size_t max_input_ = 0;
    ossl::Md md_, mgf_md_;
    SecretBytes plaintext_;
};

class SoftwareDigest final : public OutputOperation {
  public:
    explicit SoftwareDigest(HashAlgorithm hash) : input_(hash), size_(card::hash_length(hash)) {}
    void update(ByteView part) override { input_.add(part, 0); }
    OutputSize output_size() const override { return {size_, true}; }
    SecretBytes finish(Slot&) override { return SecretBytes(input_.take()); }

  private:
    HashOrCollect input_;
    std::size_t size_;
};

}  // namespace

namespace factories {

std::unique_ptr<VerifyOperation> rsa_pkcs1_verify(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                                  const Object& key) {
    require_no_parameter(mechanism);
    return std::make_unique<SoftwareVerify>(SoftwareVerify::Kind::RsaPkcs1, key, spec.hash);
}

std::unique_ptr<VerifyOperation> rsa_pss_verify(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                                const Object& key) {
    return std::make_unique<SoftwareVerify>(SoftwareVerify::Kind::RsaPss, key, spec.hash,
                                            pss_scheme(spec, mechanism, key));
}

std::unique_ptr<VerifyOperation> ecdsa_verify(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                              const Object& key) {
    require_no_parameter(mechanism);
    return std::make_unique<SoftwareVerify>(SoftwareVerify::Kind::Ecdsa, key, spec.hash);
}

std::unique_ptr<OutputOperation> rsa_pkcs1_encrypt(const MechanismSpec&, const CK_MECHANISM& mechanism,
                                                   const Object* key) {
    require_no_parameter(mechanism);
    return std::make_unique<SoftwareEncrypt>(*key, card::DecipherScheme{});
}

std::unique_ptr<OutputOperation> rsa_oaep_encrypt(const MechanismSpec&, const CK_MECHANISM& mechanism,
                                                  const Object* key) {
    return std::make_unique<SoftwareEncrypt>(*key, oaep_scheme(mechanism));
}

std::unique_ptr<OutputOperation> digest(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                        const Object*) {
    require_no_parameter(mechanism);
    return std::make_unique<SoftwareDigest>(*spec.hash);
}

}  // namespace factories
}  // namespace carta::pkcs11
