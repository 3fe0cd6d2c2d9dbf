// carta readers, status, list.
#include <iostream>

#include "card_report.hpp"
#include "carta/card/card.hpp"
#include "commands.hpp"
#include "errors.hpp"
#include "objects.hpp"
#include "output.hpp"

namespace carta::cli {
namespace {

int run_readers(CommandContext& context) {
    const auto readers = read_readers(context);
    if (context.global.json)
        print_json(readers_json(readers));
    else
        print_readers(std::cout, readers);
    if (readers.empty()) throw CliError(Exit::NoCard, "no smart-card reader found");
    return 0;
}

int run_status(CommandContext& context) {
    CardSession session(context, CardHold::Throughout);
    const auto report = read_card_report(session);
    if (context.global.json)
        print_json(card_report_json(report));
    else
        print_card_report(std::cout, report);
    return 0;
}

int run_list(CommandContext& context) {
    const GlobalOptions& global = context.global;
    CardSession session(context, CardHold::Throughout);
    const auto contents = session.card().contents();
    if (global.json) {
        print_json(
            contents_json(contents).set("profile", std::string(card::profile_name(session.profile()))));
        return 0;
    }
    print_contents(std::cout, contents, 0);
    return 0;
}

}  // namespace

void add_card_commands(Command& app, CommandContext& context) {
    app.command("readers", "list the readers and whether a card is in them",
                [&context] { return run_readers(context); });
    app.command("status", "the card and, per profile, its state, tries left, keys and certificates",
                [&context] { return run_status(context); });
    app.command("list", "keys and certificates of the profile", [&context] { return run_list(context); });
}

}  // namespace carta::cli
