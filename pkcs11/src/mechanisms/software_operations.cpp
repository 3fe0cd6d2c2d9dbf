#include "software_operations.hpp"

#include "errors.hpp"
#include "object_store.hpp"

namespace carta::pkcs11 {

PublicKeyContext public_key_context(const Object& key) {
    auto pkey = ossl::public_key_from_spki(key.spki);
    PublicKeyContext context;
    context.ctx.reset(EVP_PKEY_CTX_new_from_pkey(ossl::context(), pkey.get(), nullptr));
    if (!context.ctx) ossl::fail("EVP_PKEY_CTX_new_from_pkey");
    return context;
}

void check_ossl(int result, const char* what) {
    if (result <= 0) ossl::fail(what);
}

bool pkey_verifies(EVP_PKEY_CTX* ctx, ByteView signature, ByteView tbs) {
    return EVP_PKEY_verify(ctx, signature.data(), signature.size(), tbs.data(), tbs.size()) == 1;
}

SoftwareVerify::SoftwareVerify(PublicKeyContext context, std::optional<card::HashAlgorithm> hash,
                               SignatureSizes sizes, SignatureCheck check)
    : context_(std::move(context)),
      input_(hash, sizes.max_data),
      signature_size_(sizes.signature),
      check_(check) {}

void SoftwareVerify::finish(ByteView signature) {
    if (signature.size() != signature_size_) fail(CKR_SIGNATURE_LEN_RANGE);
    const SecretBytes tbs = input_.take();
    const bool valid = check_(context_.ctx.get(), signature, tbs.view());
    ossl::last_error();  // a failed verification leaves errors behind
    if (!valid) fail(CKR_SIGNATURE_INVALID);
}

SoftwareEncrypt::SoftwareEncrypt(PublicKeyContext context, const Object& key, std::size_t max_data)
    : context_(std::move(context)), size_(key.key_bytes()), max_data_(max_data) {}

void SoftwareEncrypt::update(ByteView part) {
    if (part.size() > max_data_ - plaintext_.size()) fail(CKR_DATA_LEN_RANGE, "too long for the key");
    plaintext_.append(part);
}

SecretBytes SoftwareEncrypt::finish(Slot&) {
    Bytes out(size_);
    std::size_t length = out.size();
    check_ossl(
        EVP_PKEY_encrypt(context_.ctx.get(), out.data(), &length, plaintext_.data(), plaintext_.size()),
        "EVP_PKEY_encrypt");
    out.resize(length);
    return SecretBytes(std::move(out));
}

}  // namespace carta::pkcs11
