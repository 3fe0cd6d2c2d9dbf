// Test support: a carta-sim virtual card in a reader of a private, real pcscd.
//
//   TEST(Pkcs11, Login) {
//       carta::test::SimCard card;            // ~1 s: pcscd + carta-sim up, card present
//       // PC/SC clients in this process (and children) now talk to the private pcscd;
//       // card.reader() is the reader's PC/SC name.
//   }
//
// Built on scripts/simcard (see there). The constructor runs `simcard up` in a fresh
// directory and sets PCSCLITE_CSOCK_NAME, CARTA_SIMCARD_DIR and CARTA_READER in this
// process's environment; the destructor runs `simcard down --purge` and removes the
// directory. If the test process dies, the instance tears itself down.
//
// libpcsclite reads PCSCLITE_CSOCK_NAME once per process. Every SimCard of a process
// therefore uses the same directory (and socket path), one after the other: at most
// one SimCard may be alive in a process at a time (constructing a second throws).
// Under ctest every test runs in its own process anyway.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace carta::test {

class SimCard {
  public:
    enum class Latency { None, Realistic };

    // Starts a fresh card (`carta-sim init`), or, if `initial_state` is given, a copy of
    // that state file (the original is never modified).
    explicit SimCard(const std::filesystem::path& initial_state = {}, Latency latency = Latency::None);
    explicit SimCard(Latency latency) : SimCard({}, latency) {}
    ~SimCard();

    SimCard(const SimCard&) = delete;
    SimCard& operator=(const SimCard&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    // The reader's name as PC/SC lists it, e.g. "carta-sim 00 00".
    const std::string& reader() const { return reader_; }
    // The card's state file, as carta-sim reads and writes it.
    std::filesystem::path state_file() const { return dir_ / "card.state"; }
    // pcscd's socket (also in PCSCLITE_CSOCK_NAME).
    std::filesystem::path socket_path() const { return dir_ / "pcscd.comm"; }

    // Each returns once PC/SC shows the change; throws std::runtime_error on failure.
    void pull();           // card removed from the reader
    void insert();         // card back in the reader
    void restart_pcscd();  // new pcscd on the same socket; existing PC/SC contexts become invalid
    void restart_sim();    // carta-sim stopped and started again on the same state
    void kill_sim();       // carta-sim SIGKILLed (it finishes nothing) and started again on the same state

    // A fault at an exact moment, e.g. while a command is on the card: sends `signal` to
    // pcscd or carta-sim and returns at once, waiting for nothing (safe from any thread).
    // SIGUSR1 to carta-sim pulls the card (insert() puts it back), SIGKILL kills it
    // (restart_sim() starts it again), SIGTERM to pcscd stops it (restart_pcscd()).
    enum class Process { Pcscd, Sim };
    void send_signal(Process process, int signal) const;

    // Runs `scripts/simcard ARGS... --dir dir()`; returns its stdout; throws if it fails.
    std::string simcard(const std::vector<std::string>& args) const;

  private:
    std::filesystem::path dir_;
    std::string reader_;
};

}  // namespace carta::test
