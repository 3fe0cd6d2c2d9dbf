#include "mech_params.hpp"

#include <array>
#include <utility>

namespace carta::pkcs11 {
namespace {

using card::HashAlgorithm;

constexpr std::array<std::pair<CK_MECHANISM_TYPE, HashAlgorithm>, 5> kHashes{{
    {CKM_SHA_1, HashAlgorithm::Sha1},
    {CKM_SHA224, HashAlgorithm::Sha224},
    {CKM_SHA256, HashAlgorithm::Sha256},
    {CKM_SHA384, HashAlgorithm::Sha384},
    {CKM_SHA512, HashAlgorithm::Sha512},
}};

constexpr std::array<std::pair<CK_RSA_PKCS_MGF_TYPE, HashAlgorithm>, 5> kMgfs{{
    {CKG_MGF1_SHA1, HashAlgorithm::Sha1},
    {CKG_MGF1_SHA224, HashAlgorithm::Sha224},
    {CKG_MGF1_SHA256, HashAlgorithm::Sha256},
    {CKG_MGF1_SHA384, HashAlgorithm::Sha384},
    {CKG_MGF1_SHA512, HashAlgorithm::Sha512},
}};

}  // namespace

std::optional<HashAlgorithm> hash_of_mechanism(CK_MECHANISM_TYPE type) {
    for (const auto& [mechanism, hash] : kHashes)
        if (mechanism == type) return hash;
    return std::nullopt;
}

std::optional<HashAlgorithm> hash_of_mgf(CK_RSA_PKCS_MGF_TYPE mgf) {
    for (const auto& [id, hash] : kMgfs)
        if (id == mgf) return hash;
    return std::nullopt;
}

void require_no_parameter(const CK_MECHANISM& mechanism) {
    if (mechanism.ulParameterLen != 0)
        fail(CKR_MECHANISM_PARAM_INVALID, "this mechanism takes no parameters");
}

}  // namespace carta::pkcs11
