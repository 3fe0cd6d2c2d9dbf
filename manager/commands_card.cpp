// carta readers, status, list.
#include <iostream>

#include "carta/card/card.hpp"
#include "carta/card/text.hpp"
#include "commands.hpp"
#include "errors.hpp"
#include "objects.hpp"
#include "output.hpp"

namespace carta::cli {
namespace {

int run_readers(CommandContext& context) {
    const GlobalOptions& global = context.global;
    std::vector<apdu::ReaderState> readers;
    try {
        readers = context.readers->monitor()->reader_states();
    } catch (const apdu::TransportError& e) {
        throw CliError(Exit::NoCard, std::string("the PC/SC service (pcscd) is not reachable: ") + e.what());
    }
    if (global.json) {
        Json list = Json::array();
        for (std::size_t i = 0; i < readers.size(); ++i)
            list.push(Json::object()
                          .set("index", static_cast<std::int64_t>(i))
                          .set("name", readers[i].name)
                          .set("card_present", readers[i].card_present)
                          .set("in_use_exclusively", readers[i].card_in_use_exclusively)
                          .set("atr", readers[i].card_present ? Json(to_hex(readers[i].atr, 0)) : Json()));
        print_json(list);
    } else {
        for (std::size_t i = 0; i < readers.size(); ++i) {
            const auto& reader = readers[i];
            std::cout << i << "  " << reader.name << "  ";
            if (!reader.card_present) {
                std::cout << "no card\n";
                continue;
            }
            std::cout << "card present" << (reader.card_in_use_exclusively ? " (in exclusive use)" : "")
                      << ", ATR " << to_hex(reader.atr) << "\n";
        }
    }
    if (readers.empty()) throw CliError(Exit::NoCard, "no smart-card reader found");
    return 0;
}

int run_status(CommandContext& context) {
    const GlobalOptions& global = context.global;
    CardSession session(context);
    const auto info = session.card().info();
    struct ProfileView {
        card::ProfileStatus status;
        card::ProfileContents contents;
    };
    std::vector<ProfileView> profiles;
    for (const auto profile : {card::Profile::Common, card::Profile::Secure}) {
        auto card = session.open_profile(profile);
        ProfileView view;
        view.status = card->status();
        view.contents = card->contents();
        profiles.push_back(std::move(view));
    }
    if (global.json) {
        Json by_profile = Json::object();
        for (const auto& view : profiles)
            by_profile.set(std::string(card::profile_name(view.status.profile)),
                           profile_json(view.status, view.contents));
        print_json(Json::object()
                       .set("reader", session.reader())
                       .set("card_number", info.card_number)
                       .set("model", info.model)
                       .set("manufacturer", info.manufacturer)
                       .set("version", info.version)
                       .set("profiles", std::move(by_profile)));
        return 0;
    }
    std::cout << "Reader:       " << session.reader() << "\n"
              << "Card number:  " << spaced_card_number(info.card_number) << "\n"
              << "Model:        " << card::printable(info.model)
              << (info.manufacturer.empty() ? "" : ", " + card::printable(info.manufacturer)) << "\n";
    for (const auto& view : profiles) {
        const auto& status = view.status;
        std::cout << "\n" << profile_text(status.profile) << ": " << profile_state(status);
        if (!view.contents.label.empty())
            std::cout << "  (label " << quoted_label(view.contents.label) << ")";
        std::cout << "\n";
        if (status.life_cycle == card::LifeCycle::Uninitialised) {
            std::cout << "  no PIN or PUK set; run `carta init`"
                      << (status.profile == card::Profile::Common ? "" : " --profile secure") << "\n";
        } else {
            if (status.pin.set)
                std::cout << "  PIN: " << status.pin.tries_left << " of " << status.pin.max_tries
                          << " tries left\n";
            else
                std::cout << "  PIN: not set\n";
            std::cout << "  PUK: " << status.puk.tries_left << " of " << status.puk.max_tries
                      << " tries left\n";
        }
        print_contents(std::cout, view.contents, 2);
    }
    return 0;
}

int run_list(CommandContext& context) {
    const GlobalOptions& global = context.global;
    CardSession session(context);
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
