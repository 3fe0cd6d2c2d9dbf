// GET DATA (public key), GENERATE ASYMMETRIC KEY PAIR and key import (docs §5).
#include "card_status.hpp"
#include "commands.hpp"
#include "data_objects.hpp"

namespace carta::sim {

using namespace apdu;

namespace {

std::uint8_t default_usage(bool rsa) {
    return rsa ? (flags::kMaySign | flags::kMayDecipher) : flags::kMaySign;
}

// Tag 82: only the usage bits may be set (6A80 otherwise).
std::uint8_t usage_from(const DataObjects& fields, bool rsa) {
    const auto usage = fields.optional_byte(0x82);
    if (!usage) return default_usage(rsa);
    require((*usage & ~flags::kKeyUsageMask) == 0, sw::kIncorrectData);
    return *usage;
}

// Stores a new key in slot `keyref` of the selected profile.
void store_key(CardContext& card, KeyObject key) {
    CardState next = card.edit_with_new_change_counter();
    Profile& profile = next.profile(card.profile_id());
    profile.keys[key.keyref] = std::move(key);
    relink_certificates(profile);
    card.commit(std::move(next));
}

}  // namespace

Reply get_data(CardContext& card, const CommandApdu& command) {
    require(command.p1 == 0x00 && command.p2 == 0xFF, sw::kIncorrectP1P2);
    const Profile& profile = card.profile();
    const DataObjects fields(command.data, {0xB6, 0x7F49});
    const DataObjects reference(fields.required(0xB6), {0x83});
    const std::uint8_t keyref = reference.required_byte(0x83);
    const auto found = profile.keys.find(keyref);
    require(found != profile.keys.end(), sw::kReferenceNotFound);
    return Reply{found->second.key->public_key_template()};
}

Reply generate_key_pair(CardContext& card, const CommandApdu& command) {
    require(command.p1 == 0x00 && is_keyref(command.p2), sw::kIncorrectP1P2);
    require(card.profile_id() == ProfileId::common, sw::kCommandNotAllowed);  // secure profile: fixed keys
    card.require_pin();
    const std::uint8_t keyref = command.p2;
    require(card.profile().keys.count(keyref) == 0, sw::kFileAlreadyExists);
    const bool rsa = is_rsa_keyref(keyref);
    const DataObjects fields(command.data, {0x80, 0x81, 0x82});
    const auto algorithm = algorithm_from_code(rsa, fields.required_byte(0x80));
    require(algorithm.has_value(), sw::kIncorrectData);

    KeyObject key;
    key.keyref = keyref;
    key.name = fields.optional_text(0x81, kMaxNameLength).value_or("");
    key.flags = usage_from(fields, rsa) | flags::kGeneratedOnCard;
    card.note(CardOperation::generate_key, *algorithm);
    key.key = AsymmetricKey::generate(*algorithm);
    // The real card takes seconds; a pull in that time must leave no key behind.
    card.wait_like_the_real_card();
    const Bytes public_key = key.key->public_key_template();
    store_key(card, std::move(key));
    // Not repeatable: sending GENERATE again would answer 6A89, so a short Le gets 61xx.
    return Reply{public_key, sw::kOk, false};
}

Reply import_private_key(CardContext& card, const CommandApdu& command) {
    require(card.profile_id() == ProfileId::common, sw::kCommandNotAllowed);
    card.require_pin();
    const DataObjects fields(command.data, {0x5C, 0xC1, 0x81, 0x82});
    const ByteView fid = fields.required(0x5C);
    require(fid.size() == 2, sw::kIncorrectData);
    const auto keyref = keyref_of_fid(static_cast<std::uint16_t>(fid[0] << 8 | fid[1]));
    require(keyref.has_value(), sw::kIncorrectData);
    require(card.profile().keys.count(*keyref) == 0, sw::kFileAlreadyExists);
    const bool rsa = is_rsa_keyref(*keyref);

    KeyObject key;
    key.keyref = *keyref;
    key.name = fields.optional_text(0x81, kMaxNameLength).value_or("");
    key.flags = usage_from(fields, rsa) | flags::kImported;
    try {
        key.key = AsymmetricKey::from_pkcs8(fields.required(0xC1));
    } catch (const KeyFormatError&) {
        fail(sw::kIncorrectData);
    }
    require(key.key->is_rsa() == rsa, sw::kIncorrectData);  // the FID range decides the type
    store_key(card, std::move(key));
    return {};
}

}  // namespace carta::sim
