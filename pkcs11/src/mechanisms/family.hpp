// What a family of mechanisms provides (one file per family in this folder, on
// the model of kryoptic): its rows of the mechanism table, its parameters, its
// card and software operations and its size rules. The registry
// (mechanisms.cpp) puts the families' rows together; C_GetMechanismList/Info,
// the C_*Init functions and CKA_ALLOWED_MECHANISMS all read that one table.
// Each family file keeps its internals (kRows, kOperations, sign, ...) in a
// namespace of its own, <family>_family, so that the unity build can compile the
// families in one translation unit.
#pragma once

#include <memory>
#include <optional>
#include <span>

#include "carta/card/types.hpp"
#include "ck.hpp"

namespace carta::pkcs11 {

struct Object;
class OutputOperation;
class VerifyOperation;
struct MechanismSpec;

// The type of key a mechanism works with (None: digests, which take no key).
enum class KeyFamily { None, Rsa, Ec };

// What an operation does with a mechanism, as the flag that offers it.
enum class Use : CK_FLAGS {
    Sign = CKF_SIGN,
    Verify = CKF_VERIFY,
    Encrypt = CKF_ENCRYPT,
    Decrypt = CKF_DECRYPT,
    Digest = CKF_DIGEST,
};

// Each starts an operation with a key (nullptr for digests). The mechanism's
// parameters are checked first (CKR_MECHANISM_PARAM_INVALID), before the key is used.
using OutputFactory = std::unique_ptr<OutputOperation> (*)(const MechanismSpec&, const CK_MECHANISM&,
                                                           const Object* key);
using VerifyFactory = std::unique_ptr<VerifyOperation> (*)(const MechanismSpec&, const CK_MECHANISM&,
                                                           const Object& key);

// A family's operations; nullptr where the family has none. A row offers the
// ones its flags name (CKF_SIGN ...), so CKM_SHA256_RSA_PKCS, a row of the
// family that also encrypts, only signs and verifies.
struct FamilyOperations {
    OutputFactory sign = nullptr;
    VerifyFactory verify = nullptr;
    OutputFactory encrypt = nullptr;
    OutputFactory decrypt = nullptr;
    OutputFactory digest = nullptr;
};

// One row of the mechanism table.
struct MechanismSpec {
    CK_MECHANISM_TYPE type;
    KeyFamily family;
    std::optional<card::HashAlgorithm> hash;  // hashed on the host (or the digest computed)
    CK_ULONG min_key_bits;
    CK_ULONG max_key_bits;
    CK_FLAGS flags;  // as C_GetMechanismInfo reports them
    const FamilyOperations* operations;
};

// The card's keys (docs/card-protocol.md §5), for every family's rows.
inline constexpr CK_ULONG kRsaMinBits = 2048, kRsaMaxBits = 4096;
inline constexpr CK_ULONG kEcMinBits = 256, kEcMaxBits = 384;
inline constexpr CK_FLAGS kEcFlags = CKF_EC_F_P | CKF_EC_NAMEDCURVE | CKF_EC_UNCOMPRESS;

// A signature family's size rules for one key: the signature's length, and
// what the data of a mechanism without a hash may be.
struct SignatureSizes {
    std::size_t signature = 0;
    std::size_t max_data = 0;
    std::size_t min_data = 1;    // PKCS#1 v1.5 also signs nothing at all
    std::size_t exact_data = 0;  // nonzero: the data is a hash of exactly this length
};

// Each family's rows (mechanisms.cpp: kFamilies puts the families in the order
// C_GetMechanismList lists them).
namespace families {
std::span<const MechanismSpec> key_pair_generation();  // key_pair_gen.cpp
std::span<const MechanismSpec> rsa_pkcs1();            // rsa_pkcs1.cpp
std::span<const MechanismSpec> rsa_oaep();             // rsa_oaep.cpp
std::span<const MechanismSpec> rsa_pss();              // rsa_pss.cpp
std::span<const MechanismSpec> ecdsa();                // ecdsa.cpp
std::span<const MechanismSpec> digests();              // digest.cpp
}  // namespace families

}  // namespace carta::pkcs11
