// The two subcommands of carta-sim and their exit codes.
#pragma once

#include <optional>
#include <string>

namespace carta::sim::tool {

// Exit codes, also listed in `carta-sim --help`.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;    // anything else (I/O, network setup)
constexpr int kExitStateFile = 2;  // the state file is missing, unreadable or invalid; or exists (init)
constexpr int kExitUsage = 64;     // bad command line

struct InitOptions {
    std::string state_file;
    std::optional<std::string> serial;
    std::optional<std::string> secure_puk;
    bool force = false;
};
int run_init(const InitOptions& options);

struct RunOptions {
    std::string state_file;
    std::string vpcd;
    std::string latency = "none";
    std::optional<std::string> pid_file;
    bool verbose = false;
};
int run_card(const RunOptions& options);

// One line on stderr, with a timestamp: "12:03:04.567 carta-sim: power on".
void log_event(const std::string& message);

}  // namespace carta::sim::tool
