// What the families' parameters have in common: reading a parameter structure,
// the hash and MGF identifiers, and the rule for mechanisms without parameters.
// Each family reads its own structure (rsa_pss.cpp, rsa_oaep.cpp).
#pragma once

#include <optional>

#include "carta/card/types.hpp"
#include "ck.hpp"
#include "errors.hpp"

namespace carta::pkcs11 {

// CKM_SHA_1 ... CKM_SHA512 -> the card's hash ids; nullopt for others.
std::optional<card::HashAlgorithm> hash_of_mechanism(CK_MECHANISM_TYPE type);
// CKG_MGF1_SHA1 ... CKG_MGF1_SHA512.
std::optional<card::HashAlgorithm> hash_of_mgf(CK_RSA_PKCS_MGF_TYPE mgf);

// Mechanisms without parameters must come without (CKR_MECHANISM_PARAM_INVALID).
void require_no_parameter(const CK_MECHANISM& mechanism);

// The mechanism's parameter structure; CKR_MECHANISM_PARAM_INVALID if there is
// none or its length is not the structure's.
template <typename T>
const T& parameter(const CK_MECHANISM& mechanism) {
    if (mechanism.pParameter == nullptr || mechanism.ulParameterLen != sizeof(T))
        fail(CKR_MECHANISM_PARAM_INVALID, "missing or malformed mechanism parameters");
    return *static_cast<const T*>(mechanism.pParameter);
}

}  // namespace carta::pkcs11
