// The options every command shares, and one open card: the PC/SC context, the
// chosen reader, the connection and a Card for the selected profile.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "carta/apdu/pcsc_transport.hpp"
#include "carta/apdu/transport.hpp"
#include "carta/card/card.hpp"

namespace carta::cli {

struct GlobalOptions {
    std::string reader;  // --reader NAME|INDEX, else $CARTA_READER, else the first with a card
    card::Profile profile = card::Profile::Common;
    bool json = false;
    bool verbose = false;
};

class CardSession {
  public:
    // Connects to the card; throws CliError(NoCard) with a clear message when
    // there is no pcscd, no such reader, no card, or a card that is not a carta card.
    explicit CardSession(const GlobalOptions& options);
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

  private:
    void report_unfinished_imports();

    std::unique_ptr<apdu::PcscContext> context_;
    std::string reader_;
    std::unique_ptr<apdu::PcscTransport> transport_;
    std::shared_ptr<card::ObjectCache> cache_;
    std::unique_ptr<card::Card> card_;
    std::optional<apdu::TransactionGuard> transaction_;
    card::ProfileStatus status_;
};

// After a failure while talking to the card of this process's session: a plain
// message if the card was removed or the reader went away meanwhile (PC/SC's own
// error, or a truncated answer, depends on the moment the card left), else nullopt.
std::optional<std::string> lost_card_message();

// "common profile", "secure profile".
std::string profile_text(card::Profile profile);

}  // namespace carta::cli
