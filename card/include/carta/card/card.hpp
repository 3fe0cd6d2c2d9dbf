// A typed API over the card protocol (docs/card-protocol.md) for one profile of
// one card. Every method that needs several APDUs holds a PC/SC transaction for
// its whole length and starts by selecting the profile, so another process
// using the card between two calls cannot confuse it.
//
// Codes (PIN/PUK) are passed in as SecretBytes owned by the caller; the
// library keeps them only for the duration of the call and wipes its copies.
// Not thread-safe: callers serialise access to one Card (the PKCS#11 module
// does so per slot).
#pragma once

#include <functional>
#include <memory>

#include "carta/apdu/channel.hpp"
#include "carta/apdu/transport.hpp"
#include "carta/card/errors.hpp"
#include "carta/card/object_cache.hpp"
#include "carta/card/types.hpp"

namespace carta::card {

class Card {
  public:
    // `cache` may be shared between Card objects (and threads); nullptr = none.
    Card(apdu::Transport& transport, Profile profile, std::shared_ptr<ObjectCache> cache = nullptr);

    Profile profile() const { return profile_; }
    apdu::ApduChannel& channel() { return channel_; }

    // --- status (docs §8): one APDU
    ProfileStatus status();
    CardInfo info();

    // --- codes (docs §3)
    // Throws CardError(CodeLength) for a code outside 4..32 bytes before sending anything.
    void verify(Code code, const SecretBytes& value);
    // Status query only (no try spent): true if verified in this card session.
    bool is_verified(Code code);
    void logout(Code code);
    void change(Code code, const SecretBytes& old_value, const SecretBytes& new_value);
    void unblock_pin(const SecretBytes& puk, const SecretBytes& new_pin);
    // After verify(Code::Puk): set a new PIN without sending the PUK again.
    void set_pin_with_verified_puk(const SecretBytes& new_pin);
    void initialise(const SecretBytes& puk, const SecretBytes* pin, std::string_view label);
    void erase(const SecretBytes& puk);
    void set_label(std::string_view label);

    // --- public objects (docs §4, §6); served from the cache when the SELECT's card
    // number, change counter and content digest match a cached copy (no file read).
    // Need::Certificates reads no key file (a mail client lists a profile's certificates
    // long before it needs a key, if ever); the certificates are cached, and a later
    // Need::Everything reads only the key files.
    enum class Need { Everything, Certificates };
    ProfileContents contents(Need need = Need::Everything);
    // What the SELECT that starts a transaction answers, reused while the transaction proves
    // it current: all of it (Status), or what identifies the contents (Identity: card number,
    // counter, digest; the try counters are then as this transaction last saw them).
    enum class Answer { Status, Identity };
    // The contents and the status of the SELECT they were read under, in one transaction: one
    // SELECT answers both (a host without a kept transaction would otherwise send two).
    struct StatusAndContents {
        ProfileStatus status;
        ProfileContents contents;
    };
    StatusAndContents status_and_contents(Need need = Need::Everything, Answer answer = Answer::Status);
    // What a token's description needs, in one transaction: the SELECT's status, the
    // label, and the contents if the cache holds them. Without a cached copy the label
    // comes from the directory alone (2 APDUs) and is cached by itself: the objects are
    // read only when asked for.
    ProfileSummary summary();
    std::optional<KeyObject> find_key(std::uint8_t key_ref);
    KeyObject generate_key(KeyAlgorithm algorithm, std::string_view name, std::uint8_t usage_flags = 0);
    KeyObject import_key(ByteView pkcs8_der, std::string_view name, std::uint8_t usage_flags = 0);
    // Stores a certificate in a free slot (or `index` if given); returns it as stored.
    CertificateObject write_certificate(ByteView der, std::string_view name, bool is_ca,
                                        std::optional<std::uint8_t> index = std::nullopt);
    void rename(std::uint16_t fid, std::string_view name);
    void delete_object(std::uint16_t fid);

    // --- cryptography (docs §7). `input` is a hash, DigestInfo or data as the scheme says.
    Bytes sign(std::uint8_t key_ref, const SignScheme& scheme, ByteView input);
    SecretBytes decipher(std::uint8_t key_ref, const DecipherScheme& scheme, ByteView ciphertext);
    Bytes random(std::size_t length);

  private:
    // Every multi-APDU operation holds one; transport failures become CardError.
    apdu::TransactionGuard begin_transaction();
    apdu::ResponseApdu send(const apdu::CommandApdu& command);
    // Sends and throws CardError for anything but 9000.
    Bytes send_ok(const apdu::CommandApdu& command, std::string_view operation,
                  std::optional<Code> code = std::nullopt);
    // SELECT with FCI, unless this transaction proves the `answer` it knows current.
    ProfileStatus select(Answer answer = Answer::Status);
    // Selects the profile unless this transaction already did (a command that needs the
    // profile, not its status).
    void enter();
    // MSE:SET, unless this transaction set the same environment since the profile's SELECT.
    void set_environment(const apdu::CommandApdu& command, std::string_view operation);
    // What this transaction knows of the card, if this profile is selected in it.
    const apdu::KnownCardState* known_selected() const;
    // Every change to the card's contents goes through here: the command, inside a transaction
    // that has SELECTed the profile, after which the profile's cached contents are forgotten, so
    // that no mutator can leave a stale cache behind.
    void send_change(const apdu::CommandApdu& command, std::string_view operation,
                     std::optional<Code> code = std::nullopt);
    // A change that needs nothing else from the card: transaction, SELECT, send_change.
    void change_profile(const apdu::CommandApdu& command, std::string_view operation,
                        std::optional<Code> code = std::nullopt);
    // With the transaction held and `status` its SELECT's answer: the cached copy if it
    // lists what `need` asks for, else what the card holds (and the cache gets it).
    ProfileContents contents_of(const ProfileStatus& status, Need need);
    // After the SELECT: the directory and the object files, but not the certificate files if
    // `known_certificates` (read under the same counter and digest) are given.
    ProfileContents read_contents(const ProfileStatus& status, Need need,
                                  const std::vector<CertificateObject>* known_certificates);
    // The directory file of the profile `status` describes: read, or remembered from the last
    // read in this connection if the SELECT since answered the same counter and digest.
    Bytes directory(const ProfileStatus& status);
    Bytes read_file(std::uint16_t fid);

    apdu::Transport& transport_;
    apdu::ApduChannel channel_;
    Profile profile_;
    std::shared_ptr<ObjectCache> cache_;
    std::string selected_card_number_;  // as the last SELECT answered
    struct ReadDirectory {
        std::string card_number;
        std::uint32_t change_counter = 0;
        Bytes content_digest;
        Bytes file;
    };
    std::optional<ReadDirectory> directory_;
};

}  // namespace carta::card
