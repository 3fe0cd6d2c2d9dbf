// The PIN entry points. carta's card has two profiles, each with a PIN and a PUK;
// the minidriver's PIN identifiers name them (v7.hpp): 1 the common PIN (ROLE_USER,
// the holder's S/MIME keys), 2 the common PUK (ROLE_ADMIN), 3 the secure PIN, 4 the
// secure PUK. The codes are copied into SecretBytes, which wipe them, and the
// card library wipes its copies; nothing here logs them.
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

#include "context.hpp"
#include "entries.hpp"

namespace carta::md {

namespace {

struct CodeRef {
    card::Profile profile;
    card::Code code;
};

CodeRef code_of(Dword pin_id) {
    switch (pin_id) {
        case kRoleUser:
            return {card::Profile::Common, card::Code::Pin};
        case kRoleAdmin:
            return {card::Profile::Common, card::Code::Puk};
        case kSecurePin:
            return {card::Profile::Secure, card::Code::Pin};
        case kSecurePuk:
            return {card::Profile::Secure, card::Code::Puk};
        default:
            fail(rc::kInvalidParameter);
    }
}

SecretBytes secret(const Byte* bytes, Dword size) {
    require(bytes != nullptr && size > 0, rc::kInvalidChv);
    return SecretBytes(ByteView(bytes, size));
}

// Runs a code operation; a wrong code reports the tries left, a blocked one zero.
template <typename Operation>
void with_tries(Dword* tries_left, Operation&& operation) {
    try {
        operation();
    } catch (const card::CardError& e) {
        if (tries_left && e.kind() == card::ErrorKind::CodeIncorrect && e.tries_left() >= 0)
            *tries_left = static_cast<Dword>(e.tries_left());
        if (tries_left && e.kind() == card::ErrorKind::CodeBlocked) *tries_left = 0;
        throw;
    }
}

void verify(Context& context, Dword pin_id, const SecretBytes& code, Dword* tries_left) {
    const auto ref = code_of(pin_id);
    // Verifying selects the profile, which ends a login on the other one.
    context.set_authenticated(std::nullopt);
    with_tries(tries_left, [&] { context.card(ref.profile).verify(ref.code, code); });
    context.set_authenticated(ref.profile, pin_id);
}

Dword pin_id_of_user(const Wchar* user) {
    require(user != nullptr);
    const std::u16string_view name(user);
    if (name == u"user") return kRoleUser;
    if (name == u"admin") return kRoleAdmin;
    fail(rc::kInvalidParameter);
}

void log_out(Context& context, card::Profile profile) {
    if (context.authenticated() == profile) context.set_authenticated(std::nullopt);
    auto& card = context.card(profile);
    card.logout(card::Code::Pin);
    card.logout(card::Code::Puk);
}

}  // namespace

Dword CARTA_MD_API CardAuthenticatePin(CardData* data, Wchar* user, Byte* pin, Dword pin_size,
                                       Dword* tries_left) {
    return guarded([&] {
        auto& context = context_of(data);
        const auto id = pin_id_of_user(user);
        const auto code = secret(pin, pin_size);
        const std::lock_guard lock(context.mutex());
        verify(context, id, code, tries_left);
    });
}

Dword CARTA_MD_API CardAuthenticateEx(CardData* data, Dword pin_id, Dword flags, Byte* pin, Dword pin_size,
                                      Byte** session_pin, Dword* session_pin_size, Dword* tries_left) {
    (void)session_pin;
    (void)session_pin_size;
    return guarded([&] {
        auto& context = context_of(data);
        // Session PINs are for cards that can derive one; carta's card verifies the PIN itself.
        if (flags & (kGenerateSessionPin | kSessionPin)) fail(rc::kUnsupportedFeature);
        require((flags & ~kPinSilentContext) == 0);
        const auto code = secret(pin, pin_size);
        const std::lock_guard lock(context.mutex());
        verify(context, pin_id, code, tries_left);
    });
}

Dword CARTA_MD_API CardDeauthenticate(CardData* data, Wchar* user, Dword flags) {
    return guarded([&] {
        auto& context = context_of(data);
        require(flags == 0);
        const auto id = pin_id_of_user(user);
        const std::lock_guard lock(context.mutex());
        log_out(context, code_of(id).profile);
    });
}

Dword CARTA_MD_API CardDeauthenticateEx(CardData* data, Dword pin_set, Dword flags) {
    return guarded([&] {
        auto& context = context_of(data);
        require(flags == 0);
        const std::lock_guard lock(context.mutex());
        // Only a profile the CSP authenticated is logged out: selecting the other one
        // would change nothing the CSP could see.
        for (const Dword id : {kRoleUser, kRoleAdmin, kSecurePin, kSecurePuk}) {
            const auto profile = code_of(id).profile;
            if ((pin_set & md::pin_set(id)) && context.authenticated() == profile) log_out(context, profile);
        }
    });
}

Dword CARTA_MD_API CardChangeAuthenticatorEx(CardData* data, Dword flags, Dword authenticating_pin_id,
                                             Byte* authenticating_pin, Dword authenticating_pin_size,
                                             Dword target_pin_id, Byte* target, Dword target_size,
                                             Dword retry_count, Dword* tries_left) {
    return guarded([&] {
        auto& context = context_of(data);
        require(retry_count == 0);  // the card's try limits are fixed
        const auto authenticating = code_of(authenticating_pin_id);
        const auto target_ref = code_of(target_pin_id);
        const auto old_code = secret(authenticating_pin, authenticating_pin_size);
        const auto new_code = secret(target, target_size);
        const std::lock_guard lock(context.mutex());
        auto& card = context.card(target_ref.profile);
        context.set_authenticated(std::nullopt);
        if (flags == kPinChangeChangePin) {
            // A code changes itself: the PIN with the PIN, the PUK with the PUK.
            require(authenticating_pin_id == target_pin_id);
            with_tries(tries_left, [&] { card.change(target_ref.code, old_code, new_code); });
        } else if (flags == kPinChangeUnblock) {
            // The PUK of a profile sets that profile's PIN.
            require(authenticating.code == card::Code::Puk && target_ref.code == card::Code::Pin &&
                    authenticating.profile == target_ref.profile);
            with_tries(tries_left, [&] { card.unblock_pin(old_code, new_code); });
        } else {
            fail(rc::kInvalidParameter);
        }
    });
}

}  // namespace carta::md
