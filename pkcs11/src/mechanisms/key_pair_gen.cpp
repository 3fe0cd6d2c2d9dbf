// Key-pair generation on the card: RSA 2048 to 4096 bits, EC P-256 and P-384.
// The rows only: the card makes the keys in C_GenerateKeyPair (entry_keygen.cpp),
// which reads the templates; there is no session operation to start.
#include <array>

#include "family.hpp"

namespace carta::pkcs11 {
namespace key_pair_gen_family {

constexpr FamilyOperations kNoOperations{};

constexpr std::array kRows{
    MechanismSpec{CKM_RSA_PKCS_KEY_PAIR_GEN, KeyFamily::Rsa, std::nullopt, kRsaMinBits, kRsaMaxBits,
                  CKF_HW | CKF_GENERATE_KEY_PAIR, &kNoOperations},
    MechanismSpec{CKM_EC_KEY_PAIR_GEN, KeyFamily::Ec, std::nullopt, kEcMinBits, kEcMaxBits,
                  CKF_HW | CKF_GENERATE_KEY_PAIR | kEcFlags, &kNoOperations},
};

}  // namespace key_pair_gen_family

std::span<const MechanismSpec> families::key_pair_generation() {
    return key_pair_gen_family::kRows;
}

}  // namespace carta::pkcs11
