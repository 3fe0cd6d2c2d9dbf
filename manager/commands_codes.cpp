// carta init, pin change, pin unblock, puk change.
#include <iostream>

#include "carta/card/card.hpp"
#include "commands.hpp"
#include "errors.hpp"
#include "objects.hpp"
#include "output.hpp"
#include "prompt.hpp"

namespace carta::cli {
namespace {

struct InitOptions {
    std::string label;
};

constexpr std::size_t kMaxProfileLabel = card::kMaxLabelLength;

void require_initialised(const card::ProfileStatus& status) {
    if (status.life_cycle == card::LifeCycle::Uninitialised)
        throw CliError(Exit::Refused, "the " + profile_text(status.profile) +
                                          " is not initialised (run `carta init` first)");
}

void require_puk_usable(const card::ProfileStatus& status) {
    require_initialised(status);
    if (status.puk.blocked())
        throw CliError(Exit::Blocked, "the PUK of the " + profile_text(status.profile) +
                                          " is blocked; it cannot be used any more");
}

// What a code command prints when it succeeded: the message, and the state it left.
void done(const GlobalOptions& global, CardSession& session, const std::string& message) {
    const auto status = session.refresh_status();
    if (global.json) {
        print_json(Json::object()
                       .set("result", message)
                       .set("profile", std::string(card::profile_name(status.profile)))
                       .set("state", profile_state(status))
                       .set("pin_tries_left", tries_json(status.pin))
                       .set("puk_tries_left", tries_json(status.puk)));
        return;
    }
    std::cout << message << "\n";
}

int run_init(CommandContext& context, const InitOptions& options) {
    const GlobalOptions& global = context.global;
    check_label(options.label, kMaxProfileLabel);
    CardSession session(context);
    const auto& status = session.status();
    if (status.life_cycle != card::LifeCycle::Uninitialised)
        throw CliError(Exit::Refused, "the " + profile_text(status.profile) + " is already initialised (" +
                                          profile_state(status) + ")");
    auto puk = ask_new_code(card::Code::Puk, {"CARTA_NEW_PUK", "CARTA_PUK"}, "New PUK");
    auto pin = ask_new_code(card::Code::Pin, {"CARTA_NEW_PIN", "CARTA_PIN"}, "New PIN");
    session.card().initialise(puk, &pin, options.label);
    done(global, session,
         "Initialised the " + profile_text(status.profile) + " of card " +
             spaced_card_number(status.card_number) + ": PIN and PUK set.");
    return 0;
}

int run_pin_change(CommandContext& context) {
    const GlobalOptions& global = context.global;
    CardSession session(context);
    session.require_pin_usable();
    auto old_pin = ask_code(card::Code::Pin, "Current PIN");
    check_code_format(card::Code::Pin, old_pin);
    auto new_pin = ask_new_code(card::Code::Pin, {"CARTA_NEW_PIN"}, "New PIN");
    with_code(card::Code::Pin, [&] { session.card().change(card::Code::Pin, old_pin, new_pin); });
    done(global, session, "PIN changed.");
    return 0;
}

int run_pin_unblock(CommandContext& context) {
    const GlobalOptions& global = context.global;
    CardSession session(context);
    require_puk_usable(session.status());
    auto puk = ask_code(card::Code::Puk);
    check_code_format(card::Code::Puk, puk);
    auto new_pin = ask_new_code(card::Code::Pin, {"CARTA_NEW_PIN"}, "New PIN");
    with_code(card::Code::Puk, [&] { session.card().unblock_pin(puk, new_pin); });
    done(global, session, "PIN set and unblocked.");
    return 0;
}

int run_puk_change(CommandContext& context) {
    const GlobalOptions& global = context.global;
    CardSession session(context);
    require_puk_usable(session.status());
    auto old_puk = ask_code(card::Code::Puk, "Current PUK");
    check_code_format(card::Code::Puk, old_puk);
    auto new_puk = ask_new_code(card::Code::Puk, {"CARTA_NEW_PUK"}, "New PUK");
    with_code(card::Code::Puk, [&] { session.card().change(card::Code::Puk, old_puk, new_puk); });
    done(global, session, "PUK changed.");
    return 0;
}

}  // namespace

void add_code_commands(Command& app, CommandContext& context) {
    auto init = std::make_shared<InitOptions>();
    app.command("init", "initialise the profile: set PUK and PIN (asked twice on a terminal)",
                [&context, init] { return run_init(context, *init); })
        .option("--label", init->label, "the profile's label (at most 29 bytes)");

    Command pin = app.group("pin", "change or unblock the PIN");
    pin.command("change", "change the PIN (current PIN, then the new one)",
                [&context] { return run_pin_change(context); });
    pin.command("unblock", "set a new PIN with the PUK (also unblocks it)",
                [&context] { return run_pin_unblock(context); });
    Command puk = app.group("puk", "change the PUK");
    puk.command("change", "change the PUK (current PUK, then the new one)",
                [&context] { return run_puk_change(context); });
}

}  // namespace carta::cli
