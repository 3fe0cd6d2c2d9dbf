// Slot: PIN and PUK (PKCS#11 §5.6 and §5.7). CKU_USER is the PIN, CKU_SO the PUK.
#include "carta/card/errors.hpp"
#include "carta/card/text.hpp"
#include "errors.hpp"
#include "slot.hpp"
#include "template.hpp"

namespace carta::pkcs11 {
namespace {

card::Code code_of(Login who) {
    return who == Login::SecurityOfficer ? card::Code::Puk : card::Code::Pin;
}

// The one format rule (card/text.hpp), applied before the card is asked: a code
// that cannot be right must not cost a try.
//   new codes: too long/short -> CKR_PIN_LEN_RANGE, not UTF-8 or NUL -> CKR_PIN_INVALID;
//   C_Login:   too long/short -> CKR_PIN_LEN_RANGE, otherwise malformed -> CKR_PIN_INCORRECT;
//   old codes (C_SetPIN, C_InitToken on an initialised token): wrong, CKR_PIN_INCORRECT.
void check_code(const SecretBytes& code, CK_RV length_rv, CK_RV character_rv) {
    const auto problem = card::code_problem(card::Code::Pin, code.view());
    if (!problem) return;
    fail(problem->kind == card::CodeProblem::Kind::Length ? length_rv : character_rv, problem->message);
}

void check_new_code(const SecretBytes& code) {
    check_code(code, CKR_PIN_LEN_RANGE, CKR_PIN_INVALID);
}

void check_login_code(const SecretBytes& code) {
    check_code(code, CKR_PIN_LEN_RANGE, CKR_PIN_INCORRECT);
}

void check_old_code(const SecretBytes& code) {
    check_code(code, CKR_PIN_INCORRECT, CKR_PIN_INCORRECT);
}

std::string trimmed_label(std::string_view label) {
    while (!label.empty() && (label.back() == ' ' || label.back() == '\0')) label.remove_suffix(1);
    return std::string(utf8_prefix(label, card::kMaxLabelLength));
}

}  // namespace

void Slot::login(Login who, const SecretBytes& code, bool read_only_sessions) {
    std::lock_guard lock(reader_.mutex());
    reader_.sync();
    if (const Login current = login(); current != Login::None) {
        bool verified = false;
        try {
            verified = reader_.with_card(
                profile_, [&](card::Card& card) { return card.is_verified(code_of(current)); });
        } catch (const card::CardError&) {
        }
        if (verified) fail(current == who ? CKR_USER_ALREADY_LOGGED_IN : CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
        reader_.set_login(profile_, Login::None);  // the card forgot it: log in again
    }
    if (who == Login::SecurityOfficer && read_only_sessions) fail(CKR_SESSION_READ_ONLY_EXISTS);
    check_login_code(code);
    reader_.token(profile_).invalidate_tries();
    reader_.with_card(profile_, [&](card::Card& card) {
        try {
            card.verify(code_of(who), code);
        } catch (const card::CardError& e) {
            if (e.kind() == card::ErrorKind::CodeLength) fail(CKR_PIN_INCORRECT, e.what());
            throw;
        }
    });
    reader_.token(profile_).tries_restored(code_of(who));
    reader_.set_login(profile_, who);
}

void Slot::logout() {
    std::lock_guard lock(reader_.mutex());
    reader_.sync();
    const Login current = login();
    if (current == Login::None) fail(CKR_USER_NOT_LOGGED_IN);
    reader_.set_login(profile_, Login::None);
    try {
        reader_.with_card(profile_, [&](card::Card& card) { card.logout(code_of(current)); });
    } catch (const std::exception&) {
        // The card is gone or was reset: its security state went with it.
    }
}

void Slot::init_pin(const SecretBytes& pin) {
    std::lock_guard lock(reader_.mutex());
    reader_.sync();
    if (login() != Login::SecurityOfficer) fail(CKR_USER_NOT_LOGGED_IN, "C_InitPIN needs the SO (PUK) login");
    check_new_code(pin);
    reader_.token(profile_).invalidate_status();
    reader_.with_card(profile_, [&](card::Card& card) {
        try {
            card.set_pin_with_verified_puk(pin);
        } catch (const card::CardError& e) {
            if (e.kind() == card::ErrorKind::NotAuthenticated) {
                reader_.set_login(profile_, Login::None);
                fail(CKR_USER_NOT_LOGGED_IN, e.what());
            }
            throw;
        }
    });
    reader_.token(profile_).set_objects(nullptr);  // the life cycle may have changed
}

void Slot::set_pin(const SecretBytes& old_code, const SecretBytes& new_code) {
    std::lock_guard lock(reader_.mutex());
    reader_.sync();
    const Login current = login();
    // The SO changes the PUK; anyone else (user or public session) the PIN.
    const card::Code code = current == Login::SecurityOfficer ? card::Code::Puk : card::Code::Pin;
    check_old_code(old_code);
    check_new_code(new_code);
    reader_.token(profile_).invalidate_status();
    reader_.with_card(profile_, [&](card::Card& card) {
        card.change(code, old_code, new_code);
        // The card leaves the changed code verified; without a login in this
        // module, the card should not stay logged in either.
        const bool logged_in = current == (code == card::Code::Pin ? Login::User : Login::SecurityOfficer);
        if (!logged_in) card.logout(code);
    });
}

void Slot::init_token(const SecretBytes& so_pin, std::string_view label) {
    std::lock_guard lock(reader_.mutex());
    reader_.sync();
    if (profile_ == card::Profile::Secure)
        fail(CKR_TOKEN_WRITE_PROTECTED, "the secure profile's keys are fixed; it cannot be initialised");
    const std::string card_label = trimmed_label(label);
    // PKCS#11 has no error of its own for a bad token label: it is a bad argument.
    if (auto problem = card::label_problem(card_label, card::kMaxLabelLength))
        fail(CKR_ARGUMENTS_BAD, *problem);
    reader_.token(profile_).invalidate_status();
    reader_.with_card(profile_, [&](card::Card& card) {
        // An initialised profile is erased first (with the SO PIN = PUK), then set up
        // afresh: the PUK is the SO PIN, no user PIN yet (C_InitPIN sets it).
        if (card.status().life_cycle == card::LifeCycle::Uninitialised) {
            check_new_code(so_pin);
        } else {
            check_old_code(so_pin);
            card.erase(so_pin);
        }
        card.initialise(so_pin, nullptr, card_label);
    });
    reader_.set_login(profile_, Login::None);
    reload_objects();
}

}  // namespace carta::pkcs11
