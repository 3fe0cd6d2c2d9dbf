#include "input.hpp"

#include <openssl/evp.h>

#include "errors.hpp"

namespace carta::pkcs11 {

HashOrCollect::HashOrCollect(std::optional<card::HashAlgorithm> hash, std::size_t max_data)
    : hash_(hash), max_data_(max_data) {
    if (!hash_) return;
    md_ = ossl::fetch_digest(*hash_);
    ctx_.reset(EVP_MD_CTX_new());
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), md_.get(), nullptr) != 1) ossl::fail("starting a digest");
}

void HashOrCollect::add(ByteView part) {
    if (hash_) {
        if (EVP_DigestUpdate(ctx_.get(), part.data(), part.size()) != 1) ossl::fail("digest");
        return;
    }
    // Compared without an addition that a caller-given length could wrap.
    if (part.size() > max_data_ - data_.size()) fail(CKR_DATA_LEN_RANGE, "input too long for the mechanism");
    data_.append(part);
}

SecretBytes HashOrCollect::take() {
    if (!hash_) return std::move(data_);
    Bytes digest(card::hash_length(*hash_));
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), digest.data(), &length) != 1) ossl::fail("digest");
    digest.resize(length);
    return SecretBytes(std::move(digest));
}

}  // namespace carta::pkcs11
