#include "card_report.hpp"

#include "carta/card/text.hpp"
#include "errors.hpp"
#include "objects.hpp"
#include "output.hpp"

namespace carta::cli {

std::vector<apdu::ReaderState> read_readers(CommandContext& context) {
    try {
        return context.readers->monitor()->reader_states();
    } catch (const apdu::TransportError& e) {
        throw CliError(Exit::NoCard, std::string("the PC/SC service (pcscd) is not reachable: ") + e.what());
    }
}

void print_readers(std::ostream& out, const std::vector<apdu::ReaderState>& readers) {
    for (std::size_t i = 0; i < readers.size(); ++i) {
        const auto& reader = readers[i];
        out << i << "  " << card::printable(reader.name) << "  ";
        if (!reader.card_present) {
            out << "no card\n";
            continue;
        }
        out << "card present" << (reader.card_in_use_exclusively ? " (in exclusive use)" : "") << ", ATR "
            << to_hex(reader.atr) << "\n";
    }
}

Json readers_json(const std::vector<apdu::ReaderState>& readers) {
    Json list = Json::array();
    for (std::size_t i = 0; i < readers.size(); ++i)
        list.push(Json::object()
                      .set("index", static_cast<std::int64_t>(i))
                      .set("name", readers[i].name)
                      .set("card_present", readers[i].card_present)
                      .set("in_use_exclusively", readers[i].card_in_use_exclusively)
                      .set("atr", readers[i].card_present ? Json(to_hex(readers[i].atr, 0)) : Json()));
    return list;
}

CardReport read_card_report(CardSession& session) {
    CardReport report{session.reader(), session.card().info(), {}};
    for (const auto profile : {card::Profile::Common, card::Profile::Secure}) {
        auto card = session.open_profile(profile);
        ProfileView view;
        view.status = card->status();
        view.contents = card->contents();
        report.profiles.push_back(std::move(view));
    }
    return report;
}

namespace {

void print_profile(std::ostream& out, const ProfileView& view) {
    const auto& status = view.status;
    out << "\n" << profile_text(status.profile) << ": " << profile_state(status);
    if (!view.contents.label.empty()) out << "  (label " << quoted_label(view.contents.label) << ")";
    out << "\n";
    if (status.life_cycle == card::LifeCycle::Uninitialised) {
        out << "  no PIN or PUK set; run `carta init`"
            << (status.profile == card::Profile::Common ? "" : " --profile secure") << "\n";
    } else {
        if (status.pin.set)
            out << "  PIN: " << status.pin.tries_left << " of " << status.pin.max_tries << " tries left\n";
        else
            out << "  PIN: not set\n";
        out << "  PUK: " << status.puk.tries_left << " of " << status.puk.max_tries << " tries left\n";
    }
    print_contents(out, view.contents, 2);
}

}  // namespace

void print_card_report(std::ostream& out, const CardReport& report) {
    const auto& info = report.info;
    out << "Reader:       " << card::printable(report.reader) << "\n"
        << "Card number:  " << spaced_card_number(info.card_number) << "\n"
        << "Model:        " << card::printable(info.model)
        << (info.manufacturer.empty() ? "" : ", " + card::printable(info.manufacturer)) << "\n";
    for (const auto& view : report.profiles) print_profile(out, view);
}

Json card_report_json(const CardReport& report) {
    Json by_profile = Json::object();
    for (const auto& view : report.profiles)
        by_profile.set(std::string(card::profile_name(view.status.profile)),
                       profile_json(view.status, view.contents));
    return Json::object()
        .set("reader", report.reader)
        .set("card_number", report.info.card_number)
        .set("model", report.info.model)
        .set("manufacturer", report.info.manufacturer)
        .set("version", report.info.version)
        .set("profiles", std::move(by_profile));
}

}  // namespace carta::cli
