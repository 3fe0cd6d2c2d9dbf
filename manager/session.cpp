#include "session.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "carta/card/errors.hpp"
#include "carta/card/object_cache.hpp"
#include "carta/card/openssl.hpp"
#include "carta/card/reader.hpp"
#include "errors.hpp"
#include "pending.hpp"
#include "prompt.hpp"

namespace carta::cli {

std::optional<std::string> lost_card_message(const CommandContext& context) {
    const std::string& name = context.session_reader;
    if (name.empty()) return std::nullopt;
    // PC/SC may report the failed transmission a moment before it shows the card as gone.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    try {
        const auto monitor = context.readers->monitor();
        for (;;) {
            bool listed = false;
            for (const auto& reader : monitor->reader_states()) {
                if (reader.name != name) continue;
                listed = true;
                if (!reader.card_present)
                    return "the card was removed from reader \"" + name + "\" before the operation finished";
            }
            if (!listed) return "reader \"" + name + "\" went away before the operation finished";
            if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    } catch (const std::exception&) {
        return std::nullopt;  // pcscd itself is gone: the original error says so
    }
}

std::string profile_text(card::Profile profile) {
    return std::string(card::profile_name(profile)) + " profile";
}

CardSession::CardSession(CommandContext& context, CardHold hold) : context_(context) {
    const GlobalOptions& options = context.global;
    std::string selector = options.reader;
    if (selector.empty())
        if (const char* from_env = std::getenv("CARTA_READER")) selector = from_env;
    try {
        reader_ = card::choose_reader(*context.readers->monitor(), selector);
        transport_ = context.readers->connect(reader_);
        context.session_reader = reader_;
    } catch (const apdu::TransportError& e) {
        if (e.kind() == apdu::TransportError::Kind::ServiceGone)
            throw CliError(Exit::NoCard,
                           std::string("the PC/SC service (pcscd) is not reachable: ") + e.what());
        if (e.kind() == apdu::TransportError::Kind::Sharing) throw CliError(Exit::Communication, e.what());
        if (e.kind() == apdu::TransportError::Kind::NoCard)
            throw CliError(Exit::NoCard, "no card in reader \"" + reader_ + "\"");
        throw CliError(Exit::NoCard, e.what());
    } catch (const card::CardError& e) {
        throw CliError(Exit::NoCard, e.what());
    }
    // The PKCS#11 module's cache ($XDG_CACHE_HOME/carta; CARTA_CACHE=off: memory only): a copy is
    // used only when the SELECT's card number, change counter and content digest match it
    // (docs/card-protocol.md §8), so a command reads the card's files only after they changed,
    // and what the CLI reads warms the mail client's next start.
    const auto directory = card::ObjectCache::default_directory();
    cache_ =
        directory ? std::make_shared<card::ObjectCache>(*directory) : std::make_shared<card::ObjectCache>();
    card_ = std::make_unique<card::Card>(*transport_, options.profile, cache_);
    try {
        if (hold == CardHold::Throughout) hold_card();
        status_ = card_->status();
    } catch (const card::CardError& e) {
        if (e.kind() == card::ErrorKind::NotFound)
            throw CliError(Exit::NoCard, "the card in \"" + reader_ + "\" has no carta " +
                                             profile_text(options.profile) + " (not a cryptoCertum card?)");
        throw;
    }
    report_unfinished_imports();
}

// Every run looks for what an interrupted import left (pending.hpp) and says so. The
// objects read here stay in the session's cache for the command itself.
void CardSession::report_unfinished_imports() {
    if (status_.life_cycle == card::LifeCycle::Uninitialised) return;
    try {
        if (const auto report = pending_report(card_->contents()))
            std::cerr << "carta: warning: " << *report << std::endl;
    } catch (const std::exception&) {
        // The command itself will meet (and report) whatever stopped the reading.
    }
}

CardSession::~CardSession() = default;

std::optional<std::string> CardSession::lost_card_message() const {
    return cli::lost_card_message(context_);
}

std::unique_ptr<card::Card> CardSession::open_profile(card::Profile profile) {
    return std::make_unique<card::Card>(*transport_, profile, cache_);
}

card::ProfileStatus CardSession::refresh_status() {
    status_ = card_->status();
    return status_;
}

void CardSession::hold_card() {
    if (!transaction_) transaction_.emplace(*transport_);
}

void CardSession::require_pin_usable() const {
    const std::string profile = profile_text(status_.profile);
    switch (status_.life_cycle) {
        case card::LifeCycle::Uninitialised:
            throw CliError(Exit::Refused, "the " + profile + " is not initialised (run `carta init` first)");
        case card::LifeCycle::PinNotSet:
            throw CliError(Exit::Refused,
                           "the PIN of the " + profile + " is not set (set it with `carta pin unblock`)");
        case card::LifeCycle::Operational:
            break;
    }
    if (status_.pin.blocked())
        throw CliError(Exit::Blocked, "the PIN is blocked (unblock it with `carta pin unblock`)");
}

void CardSession::login() {
    require_pin_usable();
    auto pin = ask_code(card::Code::Pin);
    check_code_format(card::Code::Pin, pin);
    hold_card();
    with_code(card::Code::Pin, [&] { card_->verify(card::Code::Pin, pin); });
}

}  // namespace carta::cli
