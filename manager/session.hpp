// The options every command shares, what one run of carta shares among its parts,
// and one open card: the chosen reader, the connection and a Card for the selected
// profile.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "carta/apdu/reader_system.hpp"
#include "carta/apdu/transport.hpp"
#include "carta/card/card.hpp"

namespace carta::cli {

struct GlobalOptions {
    std::string reader;  // --reader NAME|INDEX, else $CARTA_READER, else the first with a card
    card::Profile profile = card::Profile::Common;
    bool json = false;
    bool verbose = false;
};

// One run of carta: its options, where its readers come from (PC/SC, or a test's
// in-process card) and what its command line asked for. Nothing of a run outlives
// it, so that runs in one process (the tests') are as independent as processes.
struct CommandContext {
    GlobalOptions global;
    std::shared_ptr<apdu::ReaderSystem> readers;
    std::function<int()> action;  // set while parsing, by the subcommand given
    std::string session_reader;   // the reader of the card session opened, once there is one
};

// After a failure while talking to the card of this run's session: a plain message
// if the card was removed or the reader went away meanwhile (PC/SC's own error, or
// a truncated answer, depends on the moment the card left), else nullopt.
std::optional<std::string> lost_card_message(const CommandContext& context);

// When a session takes the card for itself (one PC/SC transaction): from its first APDU,
// for a command that asks nothing of the user (one transaction: each profile selected
// once, what was read not read again); or from the PIN's verification on, so that no
// other process waits for the card while the user types.
enum class CardHold { FromLogin, Throughout };

class CardSession {
  public:
    // Connects to the card; throws CliError(NoCard) with a clear message when
    // there is no pcscd, no such reader, no card, or a card that is not a carta card.
    explicit CardSession(CommandContext& context, CardHold hold = CardHold::FromLogin);
    ~CardSession();
    CardSession(const CardSession&) = delete;
    CardSession& operator=(const CardSession&) = delete;

    const std::string& reader() const { return reader_; }
    card::Profile profile() const { return card_->profile(); }
    // The selected profile (--profile).
    card::Card& card() { return *card_; }
    // Another profile of the same card, over the same connection.
    std::unique_ptr<card::Card> open_profile(card::Profile profile);

    // The profile's status as read when the session opened (one SELECT).
    const card::ProfileStatus& status() const { return status_; }
    card::ProfileStatus refresh_status();

    // Holds the PC/SC transaction from now until the session ends, so that no
    // other process comes between a PIN verification and what it allows.
    void hold_card();

    // Refuses (before any code is asked for) a profile whose PIN cannot be used:
    // uninitialised, PIN not set, PIN blocked.
    void require_pin_usable() const;
    // Asks for the PIN ($CARTA_PIN or the terminal) and verifies it; a wrong PIN
    // becomes "wrong PIN, N tries left".
    void login();

    // lost_card_message() for this session's card.
    std::optional<std::string> lost_card_message() const;

  private:
    void report_unfinished_imports();

    const CommandContext& context_;
    std::string reader_;
    std::unique_ptr<apdu::Transport> transport_;
    std::shared_ptr<card::ObjectCache> cache_;
    std::unique_ptr<card::Card> card_;
    std::optional<apdu::TransactionGuard> transaction_;
    card::ProfileStatus status_;
};

// "common profile", "secure profile".
std::string profile_text(card::Profile profile);

}  // namespace carta::cli
