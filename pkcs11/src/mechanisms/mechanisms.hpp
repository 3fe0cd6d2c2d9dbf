// The mechanism table: every mechanism the module offers, with its key type,
// key sizes, flags (CKF_HW on what the card computes) and the factories that
// start its operations. C_GetMechanismList/Info, the *Init functions and
// CKA_ALLOWED_MECHANISMS all read this one table.
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

enum class KeyFamily { None, Rsa, Ec };

using OutputFactory = std::unique_ptr<OutputOperation> (*)(const MechanismSpec&, const CK_MECHANISM&,
                                                           const Object* key);
using VerifyFactory = std::unique_ptr<VerifyOperation> (*)(const MechanismSpec&, const CK_MECHANISM&,
                                                           const Object& key);

struct MechanismSpec {
    CK_MECHANISM_TYPE type;
    KeyFamily family;
    std::optional<card::HashAlgorithm> hash;  // hashed on the host (or the digest computed)
    CK_ULONG min_key_bits;
    CK_ULONG max_key_bits;
    CK_FLAGS flags;
    OutputFactory sign = nullptr;
    VerifyFactory verify = nullptr;
    OutputFactory encrypt = nullptr;
    OutputFactory decrypt = nullptr;
    OutputFactory digest = nullptr;
};

std::span<const MechanismSpec> all_mechanisms();
// nullptr if the module does not know the mechanism.
const MechanismSpec* find_mechanism(CK_MECHANISM_TYPE type);
// Key generation only on the common profile: the secure profile's keys are fixed.
bool offered_on(const MechanismSpec& spec, card::Profile profile);
CK_MECHANISM_INFO mechanism_info(const MechanismSpec& spec);
// The mechanisms a key may be used with (CKA_ALLOWED_MECHANISMS).
std::vector<CK_MECHANISM_TYPE> allowed_mechanisms(const Object& key);

KeyFamily family_of(const Object& key);

}  // namespace carta::pkcs11
