// INITIALISE PROFILE and ERASE PROFILE (docs §3): the life cycle 03 -> 04/05 -> 03.
#include "card_status.hpp"
#include "commands.hpp"
#include "data_objects.hpp"

namespace carta::sim {

using namespace apdu;

Reply initialise_profile(CardContext& card, const CommandApdu& command) {
    require(command.p1 == 0x00 && command.p2 == 0x00, sw::kIncorrectP1P2);
    require(card.profile().life_cycle == LifeCycle::uninitialised, sw::kConditionsNotSatisfied);
    const DataObjects fields(command.data, {0x84, 0x83, 0x50});
    const ByteView puk = fields.required(0x84);
    const auto pin = fields.get(0x83);
    const auto label = fields.optional_text(0x50, kMaxLabelLength);
    require(follows_length_rule(puk) && (!pin || follows_length_rule(*pin)), sw::kIncorrectData);

    CardState next = card.edit_with_new_change_counter();
    Profile& profile = next.profile(card.profile_id());
    profile.puk = make_code_record(puk, CodeKind::puk);
    if (pin) profile.pin = make_code_record(*pin, CodeKind::pin);
    profile.label = label.value_or("");
    profile.life_cycle = pin ? LifeCycle::operational : LifeCycle::puk_set;
    card.commit(std::move(next));
    return {};
}

Reply erase_profile(CardContext& card, const CommandApdu& command) {
    require(command.p1 == 0x00 && command.p2 == 0x00, sw::kIncorrectP1P2);
    require(card.profile_id() == ProfileId::common, sw::kCommandNotAllowed);
    card.require_initialised();
    const DataObjects fields(command.data, {0x84});
    const ByteView puk = fields.required(0x84);
    require(follows_length_rule(puk), sw::kIncorrectData);  // cannot be the PUK: costs no try

    check_code(card, CodeKind::puk, puk, [](Profile& next) {
        // Everything but the change counter, which a host's cache relies on.
        Profile erased;
        erased.change_counter = next.change_counter + 1;
        next = std::move(erased);
    });
    Session& session = card.session();
    card.codes() = {};
    session.current_file.reset();
    session.clear_environment();
    return {};
}

}  // namespace carta::sim
