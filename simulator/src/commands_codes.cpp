// VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER and the try rule (docs §3).
#include "card_status.hpp"
#include "commands.hpp"

namespace carta::sim {

using namespace apdu;

namespace {

std::optional<CodeRecord>& code_of(Profile& profile, CodeKind kind) {
    return kind == CodeKind::pin ? profile.pin : profile.puk;
}

const std::optional<CodeRecord>& code_of(const Profile& profile, CodeKind kind) {
    return kind == CodeKind::pin ? profile.pin : profile.puk;
}

// P2 83 (PIN) or 84 (PUK); anything else 6A86.
CodeKind code_reference(std::uint8_t p2) {
    if (p2 == 0x83) return CodeKind::pin;
    if (p2 == 0x84) return CodeKind::puk;
    fail(sw::kIncorrectP1P2);
}

StatusWord tries_left(std::uint8_t tries) {
    return StatusWord(static_cast<std::uint16_t>(0x63C0 | (tries & 0x0F)));
}

ByteView first_block(const CommandApdu& command) {
    return ByteView(command.data).first(32);
}
ByteView second_block(const CommandApdu& command) {
    return ByteView(command.data).subspan(32, 32);
}

}  // namespace

void check_code(CardContext& card, CodeKind kind, ByteView code,
                const std::function<void(Profile& next)>& on_success) {
    const ProfileId id = card.profile_id();
    const auto& record = code_of(card.profile(), kind);
    require(record.has_value(), sw::kReferenceNotFound);
    require(record->tries_left > 0, sw::kAuthenticationMethodBlocked);
    card.note(CardOperation::verify_code);

    // Spend the try and store it before comparing: a power loss during the
    // comparison costs a try and never gives one back.
    CardState spent = card.state();
    --code_of(spent.profile(id), kind)->tries_left;
    card.commit(std::move(spent));

    const auto& stored = *code_of(card.profile(), kind);
    if (!code_matches(stored, code)) {
        card.codes().verified(kind) = false;
        fail(tries_left(stored.tries_left));
    }
    CardState restored = card.state();
    Profile& next = restored.profile(id);
    code_of(next, kind)->tries_left = try_limit(kind);
    if (on_success) on_success(next);
    card.commit(std::move(restored));
}

Reply verify(CardContext& card, const CommandApdu& command) {
    require(command.p1 == 0x00 || command.p1 == 0xFF, sw::kIncorrectP1P2);
    const CodeKind kind = code_reference(command.p2);
    card.profile_id();  // 6985 without a selected profile
    CodeStates& codes = card.codes();

    if (command.p1 == 0xFF) {  // log out
        require(command.data.empty(), sw::kWrongLength);
        codes.verified(kind) = false;
        return {};
    }
    const auto& record = code_of(card.profile(), kind);
    require(record.has_value(), sw::kReferenceNotFound);
    if (command.data.empty()) {  // status query
        if (codes.verified(kind)) return {};
        require(record->tries_left > 0, sw::kAuthenticationMethodBlocked);
        fail(tries_left(record->tries_left));
    }
    // A malformed block is refused before the try rule: it costs nothing.
    const SecretBytes code = code_from_block(command.data, {16, 32});
    check_code(card, kind, code.view());
    codes.verified(kind) = true;
    return {};
}

Reply change_reference_data(CardContext& card, const CommandApdu& command) {
    require(command.p1 == 0x00, sw::kIncorrectP1P2);
    const CodeKind kind = code_reference(command.p2);
    require(code_of(card.profile(), kind).has_value(), sw::kReferenceNotFound);
    require(command.data.size() == 64, sw::kWrongLength);
    // The new code is checked first, so that a bad one costs no try.
    const SecretBytes new_code = code_from_block(second_block(command), {32});
    const SecretBytes old_code = code_from_block(first_block(command), {32});
    check_code(card, kind, old_code.view(), [&](Profile& next) {
        code_of(next, kind) = make_code_record(new_code.view(), kind);
        ++next.change_counter;
    });
    card.codes().verified(kind) = true;
    return {};
}

Reply reset_retry_counter(CardContext& card, const CommandApdu& command) {
    require(command.p2 == 0x83 && command.p1 <= 0x03, sw::kIncorrectP1P2);
    card.require_initialised();
    const ProfileId id = card.profile_id();
    CodeStates& codes = card.codes();
    const bool pin_set = card.profile().pin.has_value();

    // The PIN set to a new value: life cycle 04 becomes 05 (docs §3).
    auto set_pin = [](Profile& next, const SecretBytes& pin) {
        next.pin = make_code_record(pin.view(), CodeKind::pin);
        next.life_cycle = LifeCycle::operational;
        ++next.change_counter;
    };
    auto reset_pin_counter = [](Profile& next) { next.pin->tries_left = kPinTryLimit; };

    switch (command.p1) {
        case 0x00: {  // PUK + new PIN
            require(command.data.size() == 64, sw::kWrongLength);
            const SecretBytes new_pin = code_from_block(second_block(command), {32});
            const SecretBytes puk = code_from_block(first_block(command), {32});
            check_code(card, CodeKind::puk, puk.view(), [&](Profile& next) { set_pin(next, new_pin); });
            codes.puk_verified = true;
            codes.pin_verified = false;
            break;
        }
        case 0x01: {  // PUK: PIN counter reset
            require(command.data.size() == 32, sw::kWrongLength);
            require(pin_set, sw::kConditionsNotSatisfied);
            const SecretBytes puk = code_from_block(command.data, {32});
            check_code(card, CodeKind::puk, puk.view(), reset_pin_counter);
            codes.puk_verified = true;
            break;
        }
        case 0x02: {  // new PIN, PUK verified earlier
            require(command.data.size() == 32, sw::kWrongLength);
            require(codes.puk_verified, sw::kSecurityStatusNotSatisfied);
            const SecretBytes new_pin = code_from_block(command.data, {32});
            CardState next = card.state();
            set_pin(next.profile(id), new_pin);
            card.commit(std::move(next));
            codes.pin_verified = false;
            break;
        }
        default: {  // 03: PIN counter reset, PUK verified earlier
            require(command.data.empty(), sw::kWrongLength);
            require(codes.puk_verified, sw::kSecurityStatusNotSatisfied);
            require(pin_set, sw::kConditionsNotSatisfied);
            CardState next = card.state();
            reset_pin_counter(next.profile(id));
            card.commit(std::move(next));
            break;
        }
    }
    return {};
}

}  // namespace carta::sim
