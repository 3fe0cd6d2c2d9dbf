// What `carta readers` and `carta status` report, read once and printed as text or
// JSON: shared with `carta diagnose`, which puts the same report in its own.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "carta/apdu/pcsc_transport.hpp"
#include "carta/card/card.hpp"
#include "json.hpp"
#include "session.hpp"

namespace carta::cli {

// The readers PC/SC lists; CliError(NoCard) when pcscd cannot be reached.
std::vector<apdu::ReaderState> read_readers(CommandContext& context);
// "0  NAME  card present, ATR 3B 7F ..." per reader.
void print_readers(std::ostream& out, const std::vector<apdu::ReaderState>& readers);
Json readers_json(const std::vector<apdu::ReaderState>& readers);

struct ProfileView {
    card::ProfileStatus status;
    card::ProfileContents contents;
};

// The card of a session: its reader, identity, and each profile's state, tries and objects.
struct CardReport {
    std::string reader;
    card::CardInfo info;
    std::vector<ProfileView> profiles;  // common, secure
};

CardReport read_card_report(CardSession& session);
void print_card_report(std::ostream& out, const CardReport& report);
Json card_report_json(const CardReport& report);

}  // namespace carta::cli
