// carta-sim run: the card in a vpcd reader until SIGTERM/SIGINT.
//
// States: connecting (retry every 200 ms: pcscd not up yet, or restarted),
// connected, pulled (SIGUSR1; the reader shows no card until SIGUSR2). Losing the
// connection is a power loss for the card: its security state is gone.
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "carta/apdu/bytes.hpp"
#include "carta/sim/file_ops.hpp"
#include "carta/sim/virtual_card.hpp"
#include "commands.hpp"
#include "power_watch.hpp"
#include "signal_pipe.hpp"
#include "vpcd_connection.hpp"

namespace carta::sim::tool {

namespace {

constexpr int kRetryMilliseconds = 200;

// vpcd's control messages (one byte).
constexpr std::uint8_t kPowerOff = 0x00;
constexpr std::uint8_t kPowerOn = 0x01;
constexpr std::uint8_t kReset = 0x02;
constexpr std::uint8_t kGetAtr = 0x04;

enum class Mode { connecting, connected, pulled };

class PidFile {
  public:
    // Written atomically: whoever started us may read the file at any moment
    // (scripts/simcard writes the same pid there first), and an empty file reads as
    // "not running".
    explicit PidFile(std::optional<std::string> path) : path_(std::move(path)) {
        if (!path_) return;
        const std::string text = std::to_string(::getpid()) + "\n";
        FileOps ops;
        try {
            write_file_atomically(ops, *path_, as_bytes(text));
        } catch (const DirectorySyncError&) {
            // the pid is in place; only its durability across a crash is in doubt
        } catch (const std::system_error& error) {
            throw std::runtime_error("cannot write the pid file " + *path_ + ": " + error.code().message());
        }
    }
    ~PidFile() {
        if (!path_) return;
        std::ifstream in(*path_);
        long pid = 0;
        if (in >> pid && pid == ::getpid()) ::unlink(path_->c_str());  // only if it is still ours
    }

  private:
    std::optional<std::string> path_;
};

class Runner {
  public:
    Runner(VirtualCard& card, SignalFd& signals, PowerWatch& power, Endpoint endpoint, bool verbose)
        : card_(card), signals_(signals), power_(power), endpoint_(std::move(endpoint)), verbose_(verbose) {}

    int run() {
        log_event("card " + card_.state().identity.card_number + ", reader at " + endpoint_.text());
        while (!stop_) {
            if (mode_ == Mode::connecting) try_connect();
            wait_and_handle();
        }
        close_connection();
        log_event("exit");
        return kExitOk;
    }

  private:
    void try_connect() {
        connection_ = VpcdConnection::connect(endpoint_);
        if (!connection_) return;
        power_.watch_connection(connection_->fd());
        card_.power_cycle();  // a new connection is a fresh insertion
        mode_ = Mode::connected;
        log_event("connected to vpcd at " + endpoint_.text());
    }

    void wait_and_handle() {
        pollfd watch[2] = {{signals_.fd(), POLLIN, 0}, {-1, POLLIN, 0}};
        if (mode_ == Mode::connected) watch[1].fd = connection_->fd();
        const int timeout = mode_ == Mode::connecting ? kRetryMilliseconds : -1;
        const int result = ::poll(watch, 2, timeout);
        if (result < 0) return;  // EINTR: look again
        const bool signalled = (watch[0].revents & POLLIN) != 0;
        while (const auto signal = power_.next_signal(signalled)) handle_signal(*signal);
        if (mode_ == Mode::connected && (watch[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0)
            handle_input();
    }

    void handle_signal(int signal) {
        switch (signal) {
            case SIGTERM:
            case SIGINT:
                log_event(signal == SIGTERM ? "SIGTERM: stopping" : "SIGINT: stopping");
                stop_ = true;
                break;
            case SIGUSR1:
                if (mode_ == Mode::pulled) break;
                close_connection();
                card_.power_cycle();
                mode_ = Mode::pulled;
                log_event("card pulled (SIGUSR1)");
                break;
            case SIGUSR2:
                if (mode_ != Mode::pulled) break;
                mode_ = Mode::connecting;
                log_event("card inserted (SIGUSR2)");
                break;
            default:
                break;
        }
    }

    // Closing in the middle of an APDU (a pull during a long command) makes vpcd
    // hand pcscd an empty answer; PcscTransport reports that as a removed card.
    void close_connection() {
        power_.watch_connection(-1);
        connection_.reset();
    }

    void lose_connection() {
        close_connection();
        card_.power_cycle();
        mode_ = Mode::connecting;
        log_event("connection to vpcd lost (pcscd stopped?): card powered off, reconnecting");
    }

    void handle_input() {
        const bool open = connection_->receive();
        while (mode_ == Mode::connected) {
            auto message = connection_->next_message();
            if (!message) break;
            if (!answer(*message)) {
                lose_connection();
                return;
            }
            secure_wipe(message->data(), message->size());
            // A signal that arrived during a long command (kept by its sleep) is handled
            // between messages; any other waits for the next poll, before the next message.
            while (const auto signal = power_.next_signal(false)) handle_signal(*signal);
            if (stop_) return;
        }
        if (!open && mode_ == Mode::connected) lose_connection();
    }

    // Handles one message from vpcd; false if the answer could not be sent.
    bool answer(const Bytes& message) {
        if (message.size() == 1) {
            switch (message[0]) {
                case kPowerOff:
                    card_.power_cycle();
                    log_event("power off");
                    return true;
                case kPowerOn:
                    card_.power_cycle();
                    log_event("power on");
                    return true;
                case kReset:
                    card_.power_cycle();
                    log_event("reset");
                    return true;
                case kGetAtr:
                    return connection_->send(card_.atr());
                default:
                    log_event("unknown vpcd control " + to_hex(message));
                    return true;
            }
        }
        const Bytes response = card_.process(message);
        if (response.empty()) {
            // The card lost power during the command (pulled, stopped, vpcd gone):
            // no answer; the signal or the hang-up is handled next.
            log_event("command abandoned: the card lost power");
            return true;
        }
        if (verbose_ && message.size() >= 4 && response.size() >= 2) {
            // Header and status only: the data may hold PINs or keys.
            log_event("APDU " + to_hex(ByteView(message).first(4)) + " -> " +
                      to_hex(ByteView(response).last(2), 0));
        }
        return connection_->send(response);
    }

    VirtualCard& card_;
    SignalFd& signals_;
    PowerWatch& power_;
    Endpoint endpoint_;
    bool verbose_;
    Mode mode_ = Mode::connecting;
    std::optional<VpcdConnection> connection_;
    bool stop_ = false;
};

}  // namespace

void log_event(const std::string& message) {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm local{};
    localtime_r(&seconds, &local);
    std::ostringstream line;
    line << std::put_time(&local, "%H:%M:%S") << '.' << std::setw(3) << std::setfill('0') << millis
         << " carta-sim: " << message << '\n';
    std::cerr << line.str() << std::flush;
}

int run_card(const RunOptions& options) {
    const auto latency = latency_from_name(options.latency);
    if (!latency) {
        std::cerr << "carta-sim: --latency must be none or realistic\n";
        return kExitUsage;
    }
    Endpoint endpoint;
    try {
        endpoint = Endpoint::parse(options.vpcd);
    } catch (const std::exception& error) {
        std::cerr << "carta-sim: " << error.what() << "\n";
        return kExitUsage;
    }
    SignalFd signals;  // before any thread exists, so that every thread blocks them
    PowerWatch power(signals);
    CardOptions card_options;
    card_options.latency = *latency;
    card_options.sleeper = [&power](std::chrono::milliseconds duration) { return power.sleep(duration); };
    std::unique_ptr<VirtualCard> card;
    try {
        card = std::make_unique<VirtualCard>(options.state_file, card_options);
    } catch (const StateFileError& error) {
        std::cerr << "carta-sim: bad state file: " << error.what() << "\n";
        return kExitStateFile;
    } catch (const std::exception& error) {
        std::cerr << "carta-sim: cannot load the state file: " << error.what() << "\n";
        return kExitStateFile;
    }
    try {
        PidFile pid_file(options.pid_file);
        return Runner(*card, signals, power, endpoint, options.verbose).run();
    } catch (const std::exception& error) {
        std::cerr << "carta-sim: " << error.what() << "\n";
        return kExitFailure;
    }
}

}  // namespace carta::sim::tool
