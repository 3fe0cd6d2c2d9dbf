// SELECT, READ BINARY and GET CHALLENGE (docs §4, §7, §8).
#include <algorithm>
#include <array>

#include "card_status.hpp"
#include "carta/apdu/tlv.hpp"
#include "commands.hpp"
#include "file_system.hpp"
#include "ossl.hpp"

namespace carta::sim {

using namespace apdu;

namespace {

constexpr std::array<std::uint8_t, 10> kCommonAid = {0xA0, 0x00, 0x00, 0x01, 0x67,
                                                     0x45, 0x53, 0x49, 0x47, 0x4F};
constexpr std::array<std::uint8_t, 10> kSecureAid = {0xA0, 0x00, 0x00, 0x01, 0x67,
                                                     0x45, 0x53, 0x49, 0x47, 0x4E};

ByteView aid_of(ProfileId id) {
    return id == ProfileId::common ? ByteView(kCommonAid) : ByteView(kSecureAid);
}

std::uint8_t tries_or_zero(const std::optional<CodeRecord>& code) {
    return code ? code->tries_left : 0;  // a code that is not set reports 00 (docs §8)
}

Bytes file_control_information(const CardState& state, ProfileId id) {
    const Profile& profile = state.profile(id);
    const std::uint8_t counter[] = {static_cast<std::uint8_t>(profile.change_counter >> 24),
                                    static_cast<std::uint8_t>(profile.change_counter >> 16),
                                    static_cast<std::uint8_t>(profile.change_counter >> 8),
                                    static_cast<std::uint8_t>(profile.change_counter)};
    tlv::TlvWriter writer;
    writer.begin(0x6F);
    writer.add(0x84, aid_of(id));
    writer.add_byte(0x8A, static_cast<std::uint8_t>(profile.life_cycle));
    writer.begin(0xA5);
    writer.add(0x5A, card_number_bcd(state.identity.card_number));
    writer.add(0xC1, ByteView(counter));
    writer.add_byte(0xC2, tries_or_zero(profile.pin));
    writer.add_byte(0xC3, tries_or_zero(profile.puk));
    writer.add(0xC4, content_digest(profile));
    writer.end();
    writer.end();
    return writer.finish();
}

Reply select_application(CardContext& card, const CommandApdu& command) {
    require(command.p2 == 0x00 || command.p2 == 0x0C, sw::kIncorrectP1P2);
    require(!command.data.empty(), sw::kWrongLength);
    std::optional<ProfileId> found;
    for (const ProfileId id : {ProfileId::common, ProfileId::secure}) {
        const ByteView aid = aid_of(id);
        if (std::equal(aid.begin(), aid.end(), command.data.begin(), command.data.end())) found = id;
    }
    // Any other AID: 6A82, and the current selection stays (other middleware probing).
    require(found.has_value(), sw::kFileNotFound);

    Session& session = card.session();
    for (const ProfileId other : {ProfileId::common, ProfileId::secure})
        if (other != *found) session.codes_of(other) = {};
    session.profile = found;
    session.current_file.reset();
    session.clear_environment();
    if (command.p2 == 0x0C) return {};
    return Reply{file_control_information(card.state(), *found)};
}

Reply select_file(CardContext& card, const CommandApdu& command) {
    require(command.p2 == 0x0C, sw::kIncorrectP1P2);
    require(command.data.size() == 2, sw::kWrongLength);
    const ProfileId profile = card.profile_id();
    const auto fid = static_cast<std::uint16_t>(command.data[0] << 8 | command.data[1]);
    require(elementary_file(card.state(), profile, fid).has_value(), sw::kFileNotFound);
    card.session().current_file = fid;
    return {};
}

}  // namespace

Reply select(CardContext& card, const CommandApdu& command) {
    if (command.p1 == 0x04) return select_application(card, command);
    if (command.p1 == 0x02) return select_file(card, command);
    fail(sw::kIncorrectP1P2);
}

Reply read_binary(CardContext& card, const CommandApdu& command) {
    require((command.p1 & 0x80) == 0, sw::kIncorrectP1P2);  // short EF identifiers: not supported
    require(command.data.empty() && command.ne.has_value(), sw::kWrongLength);
    const ProfileId profile = card.profile_id();
    const auto& current = card.session().current_file;
    require(current.has_value(), sw::kConditionsNotSatisfied);
    const auto content = elementary_file(card.state(), profile, *current);
    require(content.has_value(), sw::kFileNotFound);  // deleted since it was selected
    const std::size_t offset = static_cast<std::size_t>(command.p1 << 8 | command.p2);
    require(offset < content->size(), sw::kWrongP1P2);
    const std::size_t n = std::min(*command.ne, content->size() - offset);
    card.note(CardOperation::read_page);
    return Reply{Bytes(content->begin() + static_cast<std::ptrdiff_t>(offset),
                       content->begin() + static_cast<std::ptrdiff_t>(offset + n))};
}

Reply get_challenge(CardContext&, const CommandApdu& command) {
    require(command.p1 == 0x00 && command.p2 == 0x00, sw::kIncorrectP1P2);
    require(command.data.empty() && command.ne.has_value() && *command.ne <= 256, sw::kWrongLength);
    Bytes challenge(*command.ne);
    ossl::random_bytes(challenge.data(), challenge.size());
    return Reply{std::move(challenge)};
}

}  // namespace carta::sim
