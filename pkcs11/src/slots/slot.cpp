#include "slot.hpp"

#include <cstring>

#include "carta/card/errors.hpp"
#include "errors.hpp"
#include "slot_manager.hpp"
#include "template.hpp"
#include "version.hpp"

namespace carta::pkcs11 {
namespace {

// How long a SELECT's answer (change counter, try counters) is trusted.
constexpr auto kStatusMaxAge = std::chrono::seconds(1);

std::string_view default_label(card::Profile profile) {
    return profile == card::Profile::Common ? "profil standardowy" : "profil bezpieczny";
}

// The common profile's as Certum's own PKCS#11 library reports it
// (shared/reference/cryptocertum-facts.md); nothing is known of the secure one's.
std::string_view manufacturer(card::Profile profile) {
    return profile == card::Profile::Common ? "Certum common profile v.1" : "carta (cryptoCertum secure)";
}

// CKF_USER_PIN_* / CKF_SO_PIN_* from a code's real try counter.
CK_FLAGS code_flags(const card::CodeStatus& code, CK_FLAGS count_low, CK_FLAGS final_try, CK_FLAGS locked) {
    if (!code.set) return 0;
    if (code.tries_left == 0) return locked;
    CK_FLAGS flags = 0;
    if (code.tries_left < code.max_tries) flags |= count_low;
    if (code.tries_left == 1) flags |= final_try;
    return flags;
}

}  // namespace

Slot::Slot(Reader& reader, CK_SLOT_ID id) : reader_(reader), id_(id), profile_(SlotManager::profile_of(id)) {}

CK_SLOT_INFO Slot::slot_info() const {
    CK_SLOT_INFO info{};
    const std::string suffix = profile_ == card::Profile::Common ? " (common profile)" : " (secure profile)";
    set_text(info.slotDescription, std::string(utf8_prefix(reader_.name(), 64 - suffix.size())) + suffix);
    set_text(info.manufacturerID, "carta");
    info.flags = CKF_HW_SLOT | CKF_REMOVABLE_DEVICE | (reader_.present() ? CKF_TOKEN_PRESENT : 0);
    // The slot is carta's view of a PC/SC reader, as in ykcs11: its versions are carta's.
    info.hardwareVersion = kCartaVersion;
    info.firmwareVersion = kCartaVersion;
    return info;
}

bool Slot::other_profile_logged_in() const {
    const auto other = profile_ == card::Profile::Common ? card::Profile::Secure : card::Profile::Common;
    return reader_.login(other) != Login::None;
}

// Turns "no carta application on this card" into what PKCS#11 calls it.
template <typename Operation>
auto Slot::recognised(Operation&& operation) {
    try {
        return reader_.with_card(profile_, std::forward<Operation>(operation));
    } catch (const card::CardError& e) {
        if (e.kind() == card::ErrorKind::NotFound) fail(CKR_TOKEN_NOT_RECOGNIZED, e.what());
        throw;
    }
}

bool Slot::may_keep_status() const {
    const Token& token = reader_.token(profile_);
    // SELECT of this profile would clear the other profile's login on the card:
    // rather show a status that may be a little old.
    return token.status() && (token.status_younger_than(kStatusMaxAge) || other_profile_logged_in());
}

const card::ProfileStatus& Slot::status(bool allow_select) {
    Token& token = reader_.token(profile_);
    if (token.status() && (!allow_select || may_keep_status())) return *token.status();
    token.set_status(recognised([](card::Card& card) { return card.status(); }));
    return *token.status();
}

std::pair<card::ProfileStatus, std::string> Slot::status_and_label() {
    Token& token = reader_.token(profile_);
    const auto store = token.objects();
    const auto& label = token.label();
    if (may_keep_status()) {
        const auto counter = token.status()->change_counter;
        if (store && store->change_counter() == counter) return {*token.status(), store->label()};
        if (label && label->change_counter == counter) return {*token.status(), label->text};
    }
    // One transaction: the SELECT, and the label from the object cache (the objects
    // come with it) or from the directory alone; the objects are read when asked for.
    auto summary = recognised([](card::Card& card) { return card.summary(); });
    token.set_status(summary.status);
    token.set_label({summary.status.change_counter, summary.label});
    if (summary.contents && !(store && store->change_counter() == summary.status.change_counter))
        token.set_objects(std::make_shared<const ObjectStore>(id_, profile_, std::move(*summary.contents),
                                                              summary.status.change_counter));
    return {summary.status, summary.label};
}

Slot::Wanted Slot::wanted_for_class(std::optional<CK_OBJECT_CLASS> object_class) {
    if (!object_class || *object_class == CKO_PUBLIC_KEY || *object_class == CKO_PRIVATE_KEY)
        return Wanted::Everything;
    return *object_class == CKO_CERTIFICATE ? Wanted::Certificates : Wanted::Nothing;
}

Slot::Wanted Slot::wanted_for_handle(CK_OBJECT_HANDLE handle) {
    switch (kind_of_handle(handle)) {
        case ObjectKind::Profile:
            return Wanted::Nothing;
        case ObjectKind::Certificate:
            return Wanted::Certificates;
        default:
            return Wanted::Everything;
    }
}

std::shared_ptr<const ObjectStore> Slot::load_objects(card::Card& card, Wanted wanted, bool status_due) {
    const auto need =
        wanted == Wanted::Everything ? card::Card::Need::Everything : card::Card::Need::Certificates;
    auto [status, contents] = card.status_and_contents(
        need, status_due ? card::Card::Answer::Status : card::Card::Answer::Identity);
    Token& token = reader_.token(profile_);
    if (status_due) token.set_status(status);
    auto store =
        std::make_shared<const ObjectStore>(id_, profile_, std::move(contents), status.change_counter);
    token.set_objects(store);
    return store;
}

std::shared_ptr<const ObjectStore> Slot::objects(bool refresh, Wanted wanted) {
    std::lock_guard lock(reader_.mutex());
    reader_.sync();
    const Token& token = reader_.token(profile_);
    auto store = token.objects();
    if (wanted == Wanted::Nothing) {
        // Only the profile object, which needs nothing from the card.
        if (store) return store;
        card::ProfileContents none;
        none.keys_listed = false;
        return std::make_shared<const ObjectStore>(id_, profile_, none, 0);
    }
    const bool enough = store && (store->keys_listed() || wanted == Wanted::Certificates);
    if (enough && !refresh) return store;
    // The objects depend on the change counter only: a login since does not make it old.
    if (enough && token.counter_younger_than(kStatusMaxAge) &&
        store->change_counter() == token.status()->change_counter)
        return store;
    if (enough) {
        // A copy that may still be current: the status (a SELECT if it is old) tells.
        if (store->change_counter() == status(true).change_counter) return store;
    }
    // To be read; if the status is due as well, from the same SELECT (under an application that
    // forbids threads, a status of its own would be a transaction and a SELECT of its own).
    const bool status_due = !may_keep_status();
    return recognised([&](card::Card& card) { return load_objects(card, wanted, status_due); });
}

void Slot::reload_objects() {
    Token& token = reader_.token(profile_);
    token.invalidate_status();
    token.set_objects(nullptr);
}

const Object* Slot::find_object(const ObjectStore& store, CK_OBJECT_HANDLE handle) const {
    const Object* object = store.find(handle);
    if (object != nullptr && object->is_private() && login() != Login::User) return nullptr;
    return object;
}

CK_TOKEN_INFO Slot::token_info(const SessionCounts& sessions) {
    if (!reader_.present()) fail(CKR_TOKEN_NOT_PRESENT);
    std::lock_guard lock(reader_.mutex());
    reader_.sync();
    const auto [st, label] = status_and_label();

    CK_TOKEN_INFO info{};
    set_text(info.label, label.empty() ? default_label(profile_) : std::string_view(label));
    set_text(info.manufacturerID, manufacturer(profile_));
    set_text(info.model, "cryptoCertum 3.6");
    set_text(info.serialNumber, st.card_number);
    info.flags = CKF_RNG | CKF_LOGIN_REQUIRED;
    if (st.life_cycle != card::LifeCycle::Uninitialised) info.flags |= CKF_TOKEN_INITIALIZED;
    if (st.life_cycle == card::LifeCycle::Operational) info.flags |= CKF_USER_PIN_INITIALIZED;
    info.flags |= code_flags(st.pin, CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED);
    info.flags |= code_flags(st.puk, CKF_SO_PIN_COUNT_LOW, CKF_SO_PIN_FINAL_TRY, CKF_SO_PIN_LOCKED);
    info.ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
    info.ulSessionCount = sessions.all;
    info.ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
    info.ulRwSessionCount = sessions.read_write;
    info.ulMaxPinLen = card::kCodeMaxLength;
    info.ulMinPinLen = card::kCodeMinLength;
    info.ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
    info.ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
    info.ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
    info.ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
    info.hardwareVersion = {3, 6};
    info.firmwareVersion = {1, 0};
    std::memset(info.utcTime, ' ', sizeof info.utcTime);  // no clock on the card
    return info;
}

void Slot::not_authenticated(card::Card& card, const card::CardError& error) {
    bool verified = false;
    try {
        verified = card.is_verified(card::Code::Pin);
    } catch (const std::exception&) {
    }
    // The module believed in a login the card no longer has (another process
    // reset the card, or selected the other profile): report it as it is.
    if (!verified) reader_.set_login(profile_, Login::None);
    fail(CKR_USER_NOT_LOGGED_IN, error.what());
}

Bytes Slot::sign(std::uint8_t key_ref, const card::SignScheme& scheme, ByteView input) {
    std::lock_guard lock(reader_.mutex());
    try {
        return card_call([&](card::Card& card) { return card.sign(key_ref, scheme, input); });
    } catch (const card::CardError& e) {
        if (e.kind() == card::ErrorKind::InvalidData) fail(CKR_DATA_LEN_RANGE, e.what());
        if (e.kind() == card::ErrorKind::NotFound) fail(CKR_KEY_HANDLE_INVALID, e.what());
        throw;
    }
}

SecretBytes Slot::decipher(std::uint8_t key_ref, const card::DecipherScheme& scheme, ByteView ciphertext) {
    std::lock_guard lock(reader_.mutex());
    try {
        return card_call([&](card::Card& card) { return card.decipher(key_ref, scheme, ciphertext); });
    } catch (const card::CardError& e) {
        if (e.kind() == card::ErrorKind::InvalidData) fail(CKR_ENCRYPTED_DATA_INVALID, e.what());
        if (e.kind() == card::ErrorKind::NotFound) fail(CKR_KEY_HANDLE_INVALID, e.what());
        throw;
    }
}

Bytes Slot::random(std::size_t length) {
    std::lock_guard lock(reader_.mutex());
    reader_.sync();
    return reader_.random_pool().take(length, [&](std::size_t fetch) {
        return card_call([&](card::Card& card) { return card.random(fetch); });
    });
}

}  // namespace carta::pkcs11
