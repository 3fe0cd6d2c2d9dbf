// Mechanism parameters (CK_RSA_PKCS_PSS_PARAMS, CK_RSA_PKCS_OAEP_PARAMS) read
// into the card library's schemes, and the hash/MGF identifiers they use.
#pragma once

#include <optional>

#include "carta/card/types.hpp"
#include "ck.hpp"
#include "mechanisms.hpp"
#include "object_store.hpp"

namespace carta::pkcs11 {

// CKM_SHA_1 ... CKM_SHA512 -> the card's hash ids; nullopt for others.
std::optional<card::HashAlgorithm> hash_of_mechanism(CK_MECHANISM_TYPE type);
// CKG_MGF1_SHA1 ... CKG_MGF1_SHA512.
std::optional<card::HashAlgorithm> hash_of_mgf(CK_RSA_PKCS_MGF_TYPE mgf);

// The PSS parameters of `mechanism` for `key`; throws CKR_MECHANISM_PARAM_INVALID.
// For CKM_SHAx_RSA_PKCS_PSS the parameters' hash must be the mechanism's.
card::SignScheme pss_scheme(const MechanismSpec& spec, const CK_MECHANISM& mechanism, const Object& key);
// The OAEP parameters; throws CKR_MECHANISM_PARAM_INVALID.
card::DecipherScheme oaep_scheme(const CK_MECHANISM& mechanism);
// Mechanisms without parameters must come without (CKR_MECHANISM_PARAM_INVALID).
void require_no_parameter(const CK_MECHANISM& mechanism);

// ECDSA signatures: PKCS#11's r||s to the DER SEQUENCE OpenSSL verifies.
Bytes ecdsa_der(ByteView raw_signature);

}  // namespace carta::pkcs11
