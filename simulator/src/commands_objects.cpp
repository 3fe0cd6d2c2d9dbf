// PUT DATA (objects, label; key import is in commands_keys.cpp) and DELETE FILE (docs §6).
#include "card_status.hpp"
#include "commands.hpp"
#include "data_objects.hpp"

namespace carta::sim {

using namespace apdu;

namespace {

std::uint16_t fid_from(ByteView bytes) {
    require(bytes.size() == 2, sw::kIncorrectData);
    return static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
}

void write_label(CardContext& card, const DataObjects& fields) {
    require(!fields.has(0x53) && !fields.has(0x81) && !fields.has(0x82), sw::kIncorrectData);
    const auto label = fields.optional_text(0x50, kMaxLabelLength);
    require(label.has_value(), sw::kIncorrectData);
    CardState next = card.edit_with_new_change_counter();
    next.profile(card.profile_id()).label = *label;
    card.commit(std::move(next));
}

// Name and usage of an existing key (a key's material never changes).
void update_key(Profile& profile, std::uint8_t keyref, const DataObjects& fields) {
    require(!fields.has(0x53), sw::kIncorrectData);  // certificates only in 2001-200F
    const auto found = profile.keys.find(keyref);
    require(found != profile.keys.end(), sw::kFileNotFound);
    KeyObject& key = found->second;
    if (auto name = fields.optional_text(0x81, kMaxNameLength)) key.name = std::move(*name);
    if (const auto usage = fields.optional_byte(0x82)) {
        require((*usage & ~flags::kKeyUsageMask) == 0, sw::kIncorrectData);
        key.flags = static_cast<std::uint8_t>((key.flags & ~flags::kKeyUsageMask) | *usage);
    }
}

// Creates or replaces a certificate, or renames / re-flags an existing one.
void update_certificate(Profile& profile, int index, const DataObjects& fields) {
    auto found = profile.certificates.find(index);
    if (const auto der = fields.get(0x53)) {
        require(is_der_sequence(*der), sw::kIncorrectData);
        require(der->size() <= kMaxCertificateSize, sw::kNotEnoughMemory);
        if (found == profile.certificates.end()) {
            CertificateObject fresh;
            fresh.index = index;
            found = profile.certificates.emplace(index, std::move(fresh)).first;
        }
        found->second.der.assign(der->begin(), der->end());
    }
    require(found != profile.certificates.end(), sw::kFileNotFound);
    CertificateObject& certificate = found->second;
    if (auto name = fields.optional_text(0x81, kMaxNameLength)) certificate.name = std::move(*name);
    if (const auto bits = fields.optional_byte(0x82)) {
        require((*bits & ~flags::kCertificateMask) == 0, sw::kIncorrectData);
        certificate.flags = *bits;
    }
}

Reply put_object(CardContext& card, const CommandApdu& command) {
    card.require_pin();
    const DataObjects fields(command.data, {0x5C, 0x53, 0x81, 0x82, 0x50});
    const std::uint16_t fid = fid_from(fields.required(0x5C));
    if (fid == kDirectoryFid) {
        write_label(card, fields);
        return {};
    }
    require(fid != kCardInfoFid, sw::kCommandNotAllowed);
    require(!fields.has(0x50), sw::kIncorrectData);
    require(fields.has(0x53) || fields.has(0x81) || fields.has(0x82), sw::kIncorrectData);

    // Every change lands in one commit: all of them or none.
    CardState next = card.edit_with_new_change_counter();
    Profile& profile = next.profile(card.profile_id());
    if (const auto keyref = keyref_of_fid(fid))
        update_key(profile, *keyref, fields);
    else if (const auto index = certificate_index_of_fid(fid))
        update_certificate(profile, *index, fields);
    else
        fail(sw::kIncorrectData);
    relink_certificates(profile);
    card.commit(std::move(next));
    return {};
}

}  // namespace

Reply put_data(CardContext& card, const CommandApdu& command) {
    require(command.p1 == 0x3F && (command.p2 == 0xFE || command.p2 == 0xFF), sw::kIncorrectP1P2);
    if (command.p2 == 0xFE) return import_private_key(card, command);
    return put_object(card, command);
}

Reply delete_file(CardContext& card, const CommandApdu& command) {
    require(command.p1 == 0x02 && command.p2 == 0x00, sw::kIncorrectP1P2);
    require(command.data.size() == 2, sw::kWrongLength);
    card.require_pin();
    const std::uint16_t fid = fid_from(command.data);
    require(fid != kDirectoryFid && fid != kCardInfoFid, sw::kCommandNotAllowed);

    CardState next = card.edit_with_new_change_counter();
    Profile& profile = next.profile(card.profile_id());
    if (const auto keyref = keyref_of_fid(fid)) {
        require(card.profile_id() == ProfileId::common, sw::kCommandNotAllowed);  // fixed keys
        require(profile.keys.erase(*keyref) == 1, sw::kFileNotFound);
    } else if (const auto index = certificate_index_of_fid(fid)) {
        require(profile.certificates.erase(*index) == 1, sw::kFileNotFound);
    } else {
        fail(sw::kFileNotFound);
    }
    relink_certificates(profile);
    card.commit(std::move(next));
    if (card.session().current_file == fid) card.session().current_file.reset();
    return {};
}

}  // namespace carta::sim
