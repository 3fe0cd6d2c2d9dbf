// A slot: one profile of the card in one reader. A light handle made per call;
// the state lives in Reader and Token. Every card operation locks the reader
// for its whole length.
#pragma once

#include <memory>
#include <string_view>

#include "carta/card/types.hpp"
#include "ck.hpp"
#include "object_store.hpp"
#include "reader.hpp"

namespace carta::pkcs11 {

struct SessionCounts {
    std::size_t all = 0;
    std::size_t read_write = 0;
};

class Slot {
  public:
    Slot(Reader& reader, CK_SLOT_ID id);

    CK_SLOT_ID id() const { return id_; }
    card::Profile profile() const { return profile_; }
    Reader& reader() const { return reader_; }
    Login login() const { return reader_.login(profile_); }
    bool token_present() const { return reader_.present(); }

    // No card access at all (PC/SC presence only).
    CK_SLOT_INFO slot_info() const;
    // Nothing if the status is recent (or selecting this profile would log the other
    // one out) and the label known; otherwise one transaction: the SELECT, plus the
    // directory (2 APDUs) when the object cache does not hold the profile.
    CK_TOKEN_INFO token_info(const SessionCounts& sessions);

    // What of the card's objects a caller needs: nothing (a search for a class the card does
    // not store, such as the profile object or NSS's built-in root list, which NSS asks every
    // token for at start-up), the certificates (a mail client lists them; no key file is read
    // then), or everything.
    enum class Wanted { Nothing, Certificates, Everything };
    static Wanted wanted_for_class(std::optional<CK_OBJECT_CLASS> object_class);
    static Wanted wanted_for_handle(CK_OBJECT_HANDLE handle);

    // The current objects, at least what `wanted` says. `refresh`: make sure they match the
    // card (one SELECT unless recent); otherwise whatever was read last (loaded if never read).
    std::shared_ptr<const ObjectStore> objects(bool refresh, Wanted wanted = Wanted::Everything);
    // The object a handle names, if visible now (private objects: after the user's login).
    const Object* find_object(const ObjectStore& store, CK_OBJECT_HANDLE handle) const;

    // Card operations. A card that answers "PIN not verified" while the module
    // thinks the user is logged in has been reset by someone: the token is then
    // reported logged out (CKR_USER_NOT_LOGGED_IN).
    Bytes sign(std::uint8_t key_ref, const card::SignScheme& scheme, ByteView input);
    SecretBytes decipher(std::uint8_t key_ref, const card::DecipherScheme& scheme, ByteView ciphertext);
    Bytes random(std::size_t length);

    // Codes (slot_codes.cpp).
    void login(Login who, const SecretBytes& code, bool read_only_sessions);
    void logout();
    void init_pin(const SecretBytes& pin);
    void set_pin(const SecretBytes& old_code, const SecretBytes& new_code);
    void init_token(const SecretBytes& so_pin, std::string_view label);

    // Objects on the card (slot_objects.cpp); each re-reads the objects afterwards.
    CK_OBJECT_HANDLE write_certificate(ByteView der, std::string_view label, bool is_ca);
    // Returns {public key handle, private key handle}.
    std::pair<CK_OBJECT_HANDLE, CK_OBJECT_HANDLE> generate_key(card::KeyAlgorithm algorithm,
                                                               std::string_view label,
                                                               std::uint8_t usage_flags);
    void rename(const Object& object, std::string_view label);
    void destroy(const Object& object);

    // With the reader locked and the card connected: `f(card::Card&)`.
    template <typename F>
    decltype(auto) with_card(F&& f) {
        std::lock_guard lock(reader_.mutex());
        return reader_.with_card(profile_, std::forward<F>(f));
    }

  private:
    // With the reader locked:
    const card::ProfileStatus& status(bool allow_select);
    // C_GetTokenInfo's status and label (see token_info).
    std::pair<card::ProfileStatus, std::string> status_and_label();
    // Whether the status last seen may be shown without a SELECT: recent, or the other profile logged in.
    bool may_keep_status() const;
    // reader_.with_card, with a card without carta's application as CKR_TOKEN_NOT_RECOGNIZED.
    template <typename Operation>
    auto recognised(Operation&& operation);
    // With the card: the objects, kept in the token, and the status from the same SELECT if
    // `status_due` (else the SELECT, if any, need only prove what identifies the contents).
    std::shared_ptr<const ObjectStore> load_objects(card::Card& card, Wanted wanted, bool status_due);
    void reload_objects();
    bool other_profile_logged_in() const;
    // A card operation needing the PIN failed: find out whether the login is gone.
    [[noreturn]] void not_authenticated(card::Card& card, const card::CardError& error);
    // With the reader locked: with_card, plus not_authenticated() for "PIN not verified".
    template <typename F>
    decltype(auto) card_call(F&& f) {
        return reader_.with_card(profile_, [&](card::Card& card) -> decltype(auto) {
            try {
                return f(card);
            } catch (const card::CardError& e) {
                if (e.kind() == card::ErrorKind::NotAuthenticated) not_authenticated(card, e);
                throw;
            }
        });
    }

    Reader& reader_;
    CK_SLOT_ID id_;
    card::Profile profile_;
};

}  // namespace carta::pkcs11
