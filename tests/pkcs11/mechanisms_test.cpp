// The mechanism table as a specification: the families' rows
// (pkcs11/src/mechanisms/) make one row per mechanism; a row offers only what
// its family can do, and each operation of a family is offered by a row; key
// sizes are the card's; and the module reports every row as it is
// (C_GetMechanismList, C_GetMechanismInfo, CKA_ALLOWED_MECHANISMS).
#include "mechanisms.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "errors.hpp"
#include "object_store.hpp"
#include "operations.hpp"
#include "pkcs11_fixture.hpp"

namespace carta::pkcs11::test {
namespace {

constexpr std::array kUses{Use::Sign, Use::Verify, Use::Encrypt, Use::Decrypt, Use::Digest};

bool family_has(const MechanismSpec& spec, Use use) {
    const FamilyOperations& family = *spec.operations;
    const std::array<std::pair<Use, bool>, 5> has{{
        {Use::Sign, family.sign != nullptr},
        {Use::Verify, family.verify != nullptr},
        {Use::Encrypt, family.encrypt != nullptr},
        {Use::Decrypt, family.decrypt != nullptr},
        {Use::Digest, family.digest != nullptr},
    }};
    return std::find(has.begin(), has.end(), std::pair{use, true}) != has.end();
}

std::vector<CK_MECHANISM_TYPE> types_where(bool (*keep)(const MechanismSpec&)) {
    std::vector<CK_MECHANISM_TYPE> types;
    for (const auto& spec : all_mechanisms())
        if (keep(spec)) types.push_back(spec.type);
    return types;
}

CK_RV rv_of_start(Use use, CK_MECHANISM_TYPE type) {
    const MechanismSpec* spec = find_mechanism(type);
    if (spec == nullptr) return CKR_GENERAL_ERROR;
    CK_MECHANISM mechanism{type, nullptr, 0};
    const Object key;
    try {
        if (use == Use::Verify)
            (void)start_verify(*spec, mechanism, key);
        else
            (void)start_output(*spec, use, mechanism, &key);
    } catch (const Pkcs11Error& error) {
        return error.rv();
    }
    return CKR_OK;
}

TEST(MechanismTable, EveryMechanismHasExactlyOneRow) {
    const auto table = all_mechanisms();
    ASSERT_FALSE(table.empty());
    for (const auto& spec : table) {
        const auto rows = std::count_if(table.begin(), table.end(),
                                        [&](const MechanismSpec& other) { return other.type == spec.type; });
        EXPECT_EQ(rows, 1) << "mechanism 0x" << std::hex << spec.type;
        EXPECT_EQ(find_mechanism(spec.type), &spec);
    }
}

TEST(MechanismTable, ARowOffersOnlyWhatItsFamilyDoes) {
    for (const auto& spec : all_mechanisms()) {
        ASSERT_NE(spec.operations, nullptr) << "mechanism 0x" << std::hex << spec.type;
        for (const auto use : kUses) {
            if (!offers(spec, use)) continue;
            EXPECT_TRUE(family_has(spec, use))
                << "mechanism 0x" << std::hex << spec.type << " offers 0x" << static_cast<CK_FLAGS>(use);
        }
    }
}

TEST(MechanismTable, EveryOperationOfAFamilyIsOfferedByOneOfItsRows) {
    const auto table = all_mechanisms();
    for (const auto& spec : table)
        for (const auto use : kUses) {
            if (!family_has(spec, use)) continue;
            const bool offered = std::any_of(table.begin(), table.end(), [&](const MechanismSpec& row) {
                return row.operations == spec.operations && offers(row, use);
            });
            EXPECT_TRUE(offered) << "the family of 0x" << std::hex << spec.type << " never does 0x"
                                 << static_cast<CK_FLAGS>(use);
        }
}

TEST(MechanismTable, KeySizesAreTheCardsKeys) {
    const std::array<std::pair<KeyFamily, std::pair<CK_ULONG, CK_ULONG>>, 3> bounds{{
        {KeyFamily::Rsa, {2048, 4096}},
        {KeyFamily::Ec, {256, 384}},
        {KeyFamily::None, {0, 0}},
    }};
    for (const auto& spec : all_mechanisms()) {
        const auto* entry = std::find_if(bounds.begin(), bounds.end(),
                                         [&](const auto& bound) { return bound.first == spec.family; });
        ASSERT_NE(entry, bounds.end());
        EXPECT_EQ(spec.min_key_bits, entry->second.first) << "mechanism 0x" << std::hex << spec.type;
        EXPECT_EQ(spec.max_key_bits, entry->second.second) << "mechanism 0x" << std::hex << spec.type;
    }
}

TEST(MechanismTable, WhatTakesAKeyIsTheCardsAndDigestsAreSoftware) {
    for (const auto& spec : all_mechanisms()) {
        EXPECT_EQ((spec.flags & CKF_HW) != 0, spec.family != KeyFamily::None)
            << "mechanism 0x" << std::hex << spec.type;
        EXPECT_EQ(offers(spec, Use::Digest), spec.family == KeyFamily::None)
            << "mechanism 0x" << std::hex << spec.type;
    }
}

TEST(MechanismTable, KeyGenerationRowsStartNoSessionOperation) {
    const auto generators =
        types_where([](const MechanismSpec& spec) { return (spec.flags & CKF_GENERATE_KEY_PAIR) != 0; });
    EXPECT_EQ(generators, (std::vector<CK_MECHANISM_TYPE>{CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_EC_KEY_PAIR_GEN}));
    for (const auto type : generators)
        for (const auto use : kUses) {
            EXPECT_FALSE(offers(*find_mechanism(type), use));
        }
}

TEST(MechanismTable, AUseARowDoesNotOfferIsMechanismInvalid) {
    EXPECT_RV(CKR_MECHANISM_INVALID, rv_of_start(Use::Decrypt, CKM_SHA256_RSA_PKCS));
    EXPECT_RV(CKR_MECHANISM_INVALID, rv_of_start(Use::Encrypt, CKM_RSA_PKCS_PSS));
    EXPECT_RV(CKR_MECHANISM_INVALID, rv_of_start(Use::Verify, CKM_RSA_PKCS_OAEP));
    EXPECT_RV(CKR_MECHANISM_INVALID, rv_of_start(Use::Sign, CKM_SHA256));
    EXPECT_RV(CKR_MECHANISM_INVALID, rv_of_start(Use::Sign, CKM_EC_KEY_PAIR_GEN));
}

TEST(MechanismTable, ParametersAreCheckedBeforeTheKeyIsUsed) {
    // The families read their parameters first: a key that is not there is never touched.
    EXPECT_RV(CKR_MECHANISM_PARAM_INVALID, rv_of_start(Use::Sign, CKM_SHA256_RSA_PKCS_PSS));
    EXPECT_RV(CKR_MECHANISM_PARAM_INVALID, rv_of_start(Use::Decrypt, CKM_RSA_PKCS_OAEP));
}

class MechanismList : public Pkcs11Test {
  protected:
    std::vector<CK_MECHANISM_TYPE> listed(CK_SLOT_ID slot) {
        CK_ULONG count = 0;
        EXPECT_RV(CKR_OK, p11().C_GetMechanismList(slot, nullptr, &count));
        std::vector<CK_MECHANISM_TYPE> types(count);
        EXPECT_RV(CKR_OK, p11().C_GetMechanismList(slot, types.data(), &count));
        types.resize(count);
        return types;
    }
};

TEST_F(MechanismList, CommonProfileListsEveryRowOnceInTheTablesOrder) {
    EXPECT_EQ(listed(common_slot()), types_where([](const MechanismSpec&) { return true; }));
}

TEST_F(MechanismList, SecureProfileListsEveryRowButKeyGeneration) {
    EXPECT_EQ(listed(secure_slot()), types_where([](const MechanismSpec& spec) {
                  return (spec.flags & CKF_GENERATE_KEY_PAIR) == 0;
              }));
}

TEST_F(MechanismList, InfoIsTheRow) {
    for (const auto type : listed(common_slot())) {
        const MechanismSpec& spec = *find_mechanism(type);
        CK_MECHANISM_INFO info{};
        ASSERT_RV(CKR_OK, p11().C_GetMechanismInfo(common_slot(), type, &info));
        EXPECT_EQ(info.ulMinKeySize, spec.min_key_bits) << "mechanism 0x" << std::hex << type;
        EXPECT_EQ(info.ulMaxKeySize, spec.max_key_bits) << "mechanism 0x" << std::hex << type;
        EXPECT_EQ(info.flags, spec.flags) << "mechanism 0x" << std::hex << type;
    }
}

TEST_F(MechanismList, AKeyAllowsTheRowsOfItsTypeForWhatItMayDo) {
    const auto session = user_session();  // private keys are seen after the PIN
    for (const auto& [id, family] : {std::pair{kRsaId, KeyFamily::Rsa}, std::pair{kEcId, KeyFamily::Ec}}) {
        const auto key = find_one(session, CKO_PRIVATE_KEY, id);
        const bool signs = bool_attribute(session, key, CKA_SIGN);
        const bool decrypts = bool_attribute(session, key, CKA_DECRYPT);
        std::vector<CK_MECHANISM_TYPE> expected;
        for (const auto& spec : all_mechanisms())
            if (spec.family == family &&
                ((signs && offers(spec, Use::Sign)) || (decrypts && offers(spec, Use::Decrypt))))
                expected.push_back(spec.type);
        const Bytes value = attribute(session, key, CKA_ALLOWED_MECHANISMS);
        std::vector<CK_MECHANISM_TYPE> allowed(value.size() / sizeof(CK_MECHANISM_TYPE));
        std::memcpy(allowed.data(), value.data(), allowed.size() * sizeof(CK_MECHANISM_TYPE));
        EXPECT_FALSE(allowed.empty());
        EXPECT_EQ(allowed, expected);
    }
}

}  // namespace
}  // namespace carta::pkcs11::test
