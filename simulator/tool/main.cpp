// carta-sim: a virtual cryptoCertum-like card for carta's tests and demos.
//   carta-sim init --state FILE [--serial 16DIGITS] [--secure-puk DIGITS] [--force]
//   carta-sim run  --state FILE --vpcd HOST:PORT [--latency none|realistic] [--pid-file F]
#include <CLI/CLI.hpp>

#include "commands.hpp"

using namespace carta::sim::tool;

int main(int argc, char** argv) {
    CLI::App app{"carta-sim: the carta virtual smart card (docs/card-protocol.md)"};
    app.require_subcommand(1);
    app.footer(
        "Exit codes: 0 success, 1 failure, 2 state file missing/invalid (or exists, for init), "
        "64 bad command line.");

    InitOptions init;
    auto* init_command = app.add_subcommand("init", "write the state file of a new card");
    init_command->add_option("--state", init.state_file, "state file to create")->required();
    init_command->add_option("--serial", init.serial, "card number, 16 digits (default: random)");
    init_command->add_option("--secure-puk", init.secure_puk,
                             "PUK of the secure profile, 4-32 digits "
                             "(default: 8 random digits, printed)");
    init_command->add_flag("--force", init.force, "overwrite an existing state file");

    RunOptions run;
    auto* run_command = app.add_subcommand("run", "put the card into a vsmartcard vpcd reader");
    run_command->add_option("--state", run.state_file, "the card's state file (rewritten on every change)")
        ->required();
    run_command->add_option("--vpcd", run.vpcd, "vpcd's address, HOST:PORT (e.g. 127.0.0.1:35963)")
        ->required();
    run_command->add_option("--latency", run.latency, "none (default) or realistic (cryptoCertum 3.6 timing)")
        ->check(CLI::IsMember({"none", "realistic"}));
    run_command->add_option("--pid-file", run.pid_file, "write the process id here");
    run_command->add_flag("-v,--verbose", run.verbose, "log every APDU's header and status word");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? kExitOk : kExitUsage;
    }
    if (*init_command) return run_init(init);
    return run_card(run);
}
