#include "mechanisms.hpp"

#include <array>
#include <utility>

#include "errors.hpp"
#include "object_store.hpp"
#include "operations.hpp"

namespace carta::pkcs11 {
namespace {

using RowsOfFamily = std::span<const MechanismSpec> (*)();

// A new family: its file, and its rows here.
constexpr std::array<RowsOfFamily, 6> kFamilies{
    families::key_pair_generation,
    families::rsa_pkcs1,
    families::rsa_oaep,
    families::rsa_pss,
    families::ecdsa,
    families::digests,
};

constexpr std::array<std::pair<Use, OutputFactory FamilyOperations::*>, 4> kOutputs{{
    {Use::Sign, &FamilyOperations::sign},
    {Use::Encrypt, &FamilyOperations::encrypt},
    {Use::Decrypt, &FamilyOperations::decrypt},
    {Use::Digest, &FamilyOperations::digest},
}};

const std::vector<MechanismSpec>& table() {
    static const std::vector<MechanismSpec> mechanisms = [] {
        std::vector<MechanismSpec> all;
        for (const auto rows_of : kFamilies) {
            const auto rows = rows_of();
            all.insert(all.end(), rows.begin(), rows.end());
        }
        return all;
    }();
    return mechanisms;
}

OutputFactory output_factory(const FamilyOperations& operations, Use use) {
    for (const auto& [output, factory] : kOutputs)
        if (output == use) return operations.*factory;
    return nullptr;
}

}  // namespace

std::span<const MechanismSpec> all_mechanisms() {
    return table();
}

const MechanismSpec* find_mechanism(CK_MECHANISM_TYPE type) {
    for (const auto& spec : all_mechanisms())
        if (spec.type == type) return &spec;
    return nullptr;
}

bool offered_on(const MechanismSpec& spec, card::Profile profile) {
    return profile == card::Profile::Common || (spec.flags & CKF_GENERATE_KEY_PAIR) == 0;
}

CK_MECHANISM_INFO mechanism_info(const MechanismSpec& spec) {
    CK_MECHANISM_INFO info{};
    info.ulMinKeySize = spec.min_key_bits;
    info.ulMaxKeySize = spec.max_key_bits;
    info.flags = spec.flags;
    return info;
}

bool offers(const MechanismSpec& spec, Use use) {
    return (spec.flags & static_cast<CK_FLAGS>(use)) != 0;
}

KeyFamily family_of(const Object& key) {
    return key.key_type == CKK_RSA ? KeyFamily::Rsa : KeyFamily::Ec;
}

std::vector<CK_MECHANISM_TYPE> allowed_mechanisms(const Object& key) {
    std::vector<CK_MECHANISM_TYPE> out;
    for (const auto& spec : all_mechanisms()) {
        if (spec.family != family_of(key) || (spec.flags & CKF_GENERATE_KEY_PAIR) != 0) continue;
        const bool signs = offers(spec, Use::Sign) && key.can_sign();
        const bool deciphers = offers(spec, Use::Decrypt) && key.can_decipher();
        if (signs || deciphers) out.push_back(spec.type);
    }
    return out;
}

std::unique_ptr<OutputOperation> start_output(const MechanismSpec& spec, Use use,
                                              const CK_MECHANISM& mechanism, const Object* key) {
    const OutputFactory factory = output_factory(*spec.operations, use);
    // A row whose flags offer what its family cannot do is a bug of the table
    // (mechanisms_test.cpp checks every row).
    if (!offers(spec, use) || factory == nullptr) fail(CKR_MECHANISM_INVALID);
    return factory(spec, mechanism, key);
}

std::unique_ptr<VerifyOperation> start_verify(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                              const Object& key) {
    if (!offers(spec, Use::Verify) || spec.operations->verify == nullptr) fail(CKR_MECHANISM_INVALID);
    return spec.operations->verify(spec, mechanism, key);
}

}  // namespace carta::pkcs11
