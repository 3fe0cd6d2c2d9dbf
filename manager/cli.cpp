// carta's command line: the global options, the help's footer, and a run from
// parsing to exit status. The subcommands register themselves (commands.hpp).
#include "cli.hpp"

#include <openssl/err.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "carta/apdu/trace.hpp"
#include "commands.hpp"
#include "errors.hpp"

namespace carta::cli {
namespace {

const char* const kEnvironmentHelp =
    "PINs and PUKs are never taken from the command line. carta reads them from\n"
    "these variables when set, else asks on the terminal without echo (new codes twice):\n"
    "  CARTA_PIN, CARTA_PUK           the current PIN / PUK (init: the ones to set)\n"
    "  CARTA_NEW_PIN, CARTA_NEW_PUK   a new PIN / PUK (pin change, pin unblock, puk change)\n"
    "  CARTA_P12_PASSWORD             the password of a PKCS#12 file\n"
    "  CARTA_READER                   the default for --reader\n"
    "A code or password read from a variable is removed from carta's environment at once.\n"
    "PINs and PUKs are UTF-8 text of 4 to 32 bytes (a digit or Latin letter takes one).\n"
    "p12 import writes under names starting \"carta-pending:\" until it is complete; every\n"
    "run reports such leftovers of an interrupted import (run it again, or delete them).\n"
    "Objects: a key's ID is its key reference in hex (21); a certificate has the ID of the\n"
    "key it certifies, or cert:N (its slot, 1-15), which is always accepted too. LABEL is\n"
    "an object's name.\n";

// What the process keeps beyond one run, set as a fresh process has it before the
// run and again after it (-v traces this run only; the tests run many in a process).
class ProcessState {
  public:
    ProcessState() { reset(); }
    ~ProcessState() { reset(); }
    ProcessState(const ProcessState&) = delete;
    ProcessState& operator=(const ProcessState&) = delete;

  private:
    static void reset() {
        apdu::Trace::reset();
        ERR_clear_error();  // a stale OpenSSL error must not explain this run's failure
    }
};

// --reader, --profile, --json, -v; the profile's name is turned into the Profile after parsing.
void add_global_options(CLI::App& app, GlobalOptions& global, std::string& profile) {
    app.add_option("--reader", global.reader,
                   "reader name, name prefix or index (default: $CARTA_READER, else the first with a card)");
    app.add_option("--profile", profile, "card profile: common (default) or secure")
        ->check(CLI::IsMember({"common", "secure"}));
    app.add_flag("--json", global.json, "machine-readable output where it fits");
    app.add_flag("-v,--verbose", global.verbose, "APDU trace on stderr (PINs and keys redacted)");
}

void add_commands(CLI::App& app, CommandContext& context) {
    Command root(app, context);
    add_card_commands(root, context);
    add_code_commands(root, context);
    add_key_commands(root, context);
    add_csr_commands(root, context);
    add_cert_commands(root, context);
    add_p12_commands(root, context);
    add_delete_command(root, context);
    add_desktop_commands(root, context);
    add_diagnose_command(root, context);
}

int usage_error(const std::string& message) {
    std::cerr << "carta: " << message << "\n(run `carta --help` for the usage)" << std::endl;
    return static_cast<int>(Exit::Usage);
}

}  // namespace

Command Command::command(const std::string& name, const std::string& help, std::function<int()> action) {
    CLI::App* sub = app_->add_subcommand(name, help);
    // CLI11 calls a subcommand's callback after those of its own subcommands: a
    // command whose subcommand was given (csr check) leaves the action to it.
    sub->callback([sub, context = context_, action = std::move(action)] {
        if (sub->get_subcommands().empty()) context->action = action;
    });
    return Command(*sub, *context_);
}

Command Command::group(const std::string& name, const std::string& help) {
    CLI::App* sub = app_->add_subcommand(name, help);
    sub->require_subcommand(1);
    return Command(*sub, *context_);
}

Command& Command::option(const std::string& name, std::string& value, const std::string& help) {
    last_ = app_->add_option(name, value, help);
    return *this;
}

Command& Command::flag(const std::string& name, bool& value, const std::string& help) {
    last_ = app_->add_flag(name, value, help);
    return *this;
}

Command& Command::required() {
    last_->required();
    return *this;
}

Command& Command::one_of(const std::vector<std::string>& allowed) {
    last_->check(CLI::IsMember(allowed));
    return *this;
}

int run(int argc, char** argv) {
    return run(argc, argv, apdu::pcsc_reader_system());
}

int run(int argc, char** argv, std::shared_ptr<apdu::ReaderSystem> readers) {
    const ProcessState fresh;
    CommandContext context;
    context.readers = std::move(readers);
    std::string profile = "common";

    CLI::App app{"carta: manage the keys, certificates, PIN and PUK of a carta (cryptoCertum) card.",
                 "carta"};
    app.footer(std::string("\n") + kEnvironmentHelp + "\n" + exit_code_help());
    app.require_subcommand(1);
    app.fallthrough();  // global options may follow the subcommand
    app.set_version_flag("--version", std::string("carta ") + CARTA_VERSION);
    add_global_options(app, context.global, profile);
    add_commands(app, context);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);
        return usage_error(e.what());
    }
    context.global.profile = profile == "secure" ? card::Profile::Secure : card::Profile::Common;
    if (context.global.verbose) apdu::Trace::enable_to_stderr();
    if (!context.action) return usage_error("no command given");
    try {
        return context.action();
    } catch (...) {
        return report_error(std::current_exception(), context);
    }
}

}  // namespace carta::cli
