// The mechanism table: every family's rows (family.hpp) in one list, and what
// the entry points ask of it. C_GetMechanismList/Info, the *Init functions and
// CKA_ALLOWED_MECHANISMS all read this one table.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "family.hpp"

namespace carta::pkcs11 {

std::span<const MechanismSpec> all_mechanisms();
// nullptr if the module does not know the mechanism.
const MechanismSpec* find_mechanism(CK_MECHANISM_TYPE type);
// Key generation only on the common profile: the secure profile's keys are fixed.
bool offered_on(const MechanismSpec& spec, card::Profile profile);
CK_MECHANISM_INFO mechanism_info(const MechanismSpec& spec);
// Whether the row's flags offer `use` (its family then has the operation).
bool offers(const MechanismSpec& spec, Use use);
// The mechanisms a key may be used with (CKA_ALLOWED_MECHANISMS).
std::vector<CK_MECHANISM_TYPE> allowed_mechanisms(const Object& key);

KeyFamily family_of(const Object& key);

// Start the operation `use` (not Verify) of a row that offers it; `key` is
// nullptr for digests. Throws what the family's parameter checks throw.
std::unique_ptr<OutputOperation> start_output(const MechanismSpec& spec, Use use,
                                              const CK_MECHANISM& mechanism, const Object* key);
std::unique_ptr<VerifyOperation> start_verify(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                              const Object& key);

}  // namespace carta::pkcs11
