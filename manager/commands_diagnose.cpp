// carta diagnose: one report to attach to a bug: versions, readers, the card's
// status (as `carta status` reads it) with the APDU trace of that reading, and
// whether carta's module is registered in the user's Thunderbird and Firefox
// profiles. Every part that fails says why in its place; the report is still made.
// Nothing secret gets in: the trace redacts what the card library flags secret
// (PINs, PUKs, keys, plaintexts), and the report holds no other card data.
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include "card_report.hpp"
#include "carta/apdu/trace.hpp"
#include "carta/card/text.hpp"
#include "commands.hpp"
#include "errors.hpp"
#include "mozilla_profiles.hpp"
#include "nss_modules.hpp"
#include "objects.hpp"
#include "output.hpp"

#ifndef CARTA_PCSCLITE_VERSION
#error "CARTA_PCSCLITE_VERSION must be defined (pcsc-lite's version at build time)"
#endif

namespace carta::cli {
namespace {
namespace fs = std::filesystem;

struct DiagnoseOptions {
    bool check_pin = false;
};

// The APDU trace of this process into memory while this lives: a memfd the trace
// appends to through /proc, so that no file is left behind.
class TraceCapture {
  public:
    TraceCapture() : fd_(::memfd_create("carta-diagnose-trace", MFD_CLOEXEC)) {
        if (fd_ >= 0) apdu::Trace::enable_to_file("/proc/self/fd/" + std::to_string(fd_));
    }
    ~TraceCapture() {
        apdu::Trace::reset();
        if (fd_ >= 0) ::close(fd_);
    }
    TraceCapture(const TraceCapture&) = delete;
    TraceCapture& operator=(const TraceCapture&) = delete;

    std::vector<std::string> lines() const {
        std::vector<std::string> lines;
        if (fd_ < 0) return {"(no trace: memfd_create failed)"};
        std::string text;
        char buffer[4096];
        for (off_t at = 0;;) {
            const ssize_t n = ::pread(fd_, buffer, sizeof buffer, at);
            if (n <= 0) break;
            text.append(buffer, static_cast<std::size_t>(n));
            at += n;
        }
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        return lines;
    }

  private:
    int fd_;
};

std::string error_text(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown error";
    }
}

struct Section {
    std::optional<Json> json;  // the part, or nullopt if it failed
    std::string text;
    std::string error;
};

// Runs `read`, which fills a section; an exception becomes the section's error.
template <typename Read>
Section section(Read&& read) {
    Section part;
    try {
        read(part);
    } catch (...) {
        part.error = error_text(std::current_exception());
    }
    return part;
}

std::string system_text() {
    struct utsname name {};
    if (::uname(&name) != 0) return "unknown";
    return std::string(name.sysname) + " " + name.release + " " + name.machine;
}

Json versions_json() {
    return Json::object()
        .set("carta", CARTA_VERSION)
        .set("openssl", OpenSSL_version(OPENSSL_VERSION))
        .set("openssl_built_with", OPENSSL_VERSION_TEXT)
        .set("pcsc_lite_built_with", CARTA_PCSCLITE_VERSION)
        .set("system", system_text());
}

void print_versions(std::ostream& out) {
    out << "carta       " << CARTA_VERSION << "\n"
        << "OpenSSL     " << OpenSSL_version(OPENSSL_VERSION) << " (built with " << OPENSSL_VERSION_TEXT
        << ")\n"
        << "pcsc-lite   built with " << CARTA_PCSCLITE_VERSION << "\n"
        << "system      " << system_text() << "\n";
}

// The card's status as `carta status` reads it, and with --check-pin a PIN verification.
struct CardSections {
    Section card;
    Section pin_check;
};

CardSections read_card(CommandContext& context, const DiagnoseOptions& options) {
    CardSections parts;
    std::optional<CardSession> session;
    parts.card = section([&](Section& part) {
        session.emplace(context);
        const auto report = read_card_report(*session);
        part.json = card_report_json(report);
        std::ostringstream text;
        print_card_report(text, report);
        part.text = text.str();
    });
    if (!options.check_pin) return parts;
    parts.pin_check = section([&](Section& part) {
        if (!session) throw CliError(Exit::NoCard, "no card session (see above)");
        session->login();
        const std::string verified = "the PIN of the " + profile_text(session->profile()) + " was verified";
        part.text = verified + "\n";
        part.json = Json::object().set("verified", true).set("message", verified);
    });
    return parts;
}

// Whether carta's module is in each profile of Thunderbird and Firefox (read only).
Section read_desktop() {
    return section([](Section& part) {
        Json applications = Json::object();
        for (const auto& application : mozilla::applications()) {
            Json profiles = Json::array();
            part.text += std::string(application.name) + ":\n";
            std::size_t found = 0;
            for (const auto& root : mozilla::profile_roots(application)) {
                std::error_code error;
                if (!fs::exists(root / "profiles.ini", error)) continue;
                for (const auto& profile : mozilla::read_profiles_ini(root / "profiles.ini")) {
                    ++found;
                    Json modules = Json::array();
                    std::string listed;
                    for (const auto& entry :
                         nss::read_module_list(profile.directory / nss::kModuleFile).entries) {
                        if (entry.name != "carta" &&
                            fs::path(entry.library).filename() != "libcarta-pkcs11.so")
                            continue;
                        modules.push(Json::object().set("name", entry.name).set("library", entry.library));
                        listed += (listed.empty() ? "" : ", ") + quoted_label(entry.name) + " (" +
                                  card::printable(entry.library) + ")";
                    }
                    const auto user = mozilla::profile_in_use(profile.directory);
                    profiles.push(Json::object()
                                      .set("name", profile.name)
                                      .set("directory", profile.directory.string())
                                      .set("in_use_by", user ? Json(*user) : Json())
                                      .set("carta_modules", std::move(modules)));
                    part.text += "  " + card::printable(profile.directory.string()) + ": " +
                                 (listed.empty() ? "carta not registered" : "registered " + listed) +
                                 (user ? ", in use by " + *user : "") + "\n";
                }
            }
            if (found == 0) part.text += "  no profiles\n";
            applications.set(application.command, std::move(profiles));
        }
        part.json = std::move(applications);
    });
}

Json section_json(const Section& part) {
    if (part.json) return *part.json;
    return Json::object().set("error", part.error);
}

void print_section(std::ostream& out, const std::string& title, const Section& part) {
    out << "\n== " << title << "\n";
    if (!part.json)
        out << "error: " << part.error << "\n";
    else
        out << part.text;
}

int run_diagnose(CommandContext& context, const DiagnoseOptions& options) {
    const Section readers = section([&](Section& part) {
        const auto states = read_readers(context);
        part.json = readers_json(states);
        std::ostringstream text;
        print_readers(text, states);
        part.text = states.empty() ? "no smart-card reader found\n" : text.str();
    });
    CardSections card;
    std::vector<std::string> trace;
    {
        const TraceCapture capture;
        card = read_card(context, options);
        trace = capture.lines();
    }
    if (context.global.verbose) apdu::Trace::enable_to_stderr();
    const Section desktop = read_desktop();

    if (context.global.json) {
        Json trace_json = Json::array();
        for (const auto& line : trace) trace_json.push(line);
        auto report = Json::object()
                          .set("versions", versions_json())
                          .set("readers", section_json(readers))
                          .set("card", section_json(card.card));
        if (options.check_pin) report.set("pin_check", section_json(card.pin_check));
        print_json(report.set("apdu_trace", std::move(trace_json)).set("desktop", section_json(desktop)));
        return 0;
    }
    std::cout << "carta diagnose: attach this report to a bug report (PINs, PUKs and keys are redacted)\n\n";
    print_versions(std::cout);
    print_section(std::cout, "Readers", readers);
    print_section(std::cout, "Card (carta status)", card.card);
    if (options.check_pin) print_section(std::cout, "PIN check", card.pin_check);
    std::cout << "\n== APDU trace of the above (secrets redacted)\n";
    for (const auto& line : trace) std::cout << line << "\n";
    print_section(std::cout, "Thunderbird and Firefox profiles", desktop);
    return 0;
}

}  // namespace

void add_diagnose_command(Command& app, CommandContext& context) {
    auto options = std::make_shared<DiagnoseOptions>();
    app.command("diagnose",
                "a report to attach to a bug: versions, readers, card status, APDU trace (redacted)",
                [&context, options] { return run_diagnose(context, *options); })
        .flag("--check-pin", options->check_pin,
              "also verify the PIN (asked for; a wrong one costs a try) and trace it, redacted");
}

}  // namespace carta::cli
