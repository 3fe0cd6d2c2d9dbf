// The carta-sim executable: init, its refusals and exit codes, and `run` against
// a fake vpcd (the vpcd wire protocol, signals, reconnection) without pcscd.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>

#include "card_harness.hpp"
#include "carta/apdu/bytes.hpp"
#include "file_contents.hpp"

#ifndef CARTA_SIM_BINARY
#error "CARTA_SIM_BINARY must name the carta-sim executable"
#endif

extern char** environ;

namespace carta::sim::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// carta-sim with `args`, stdout and stderr into files of `dir`.
class SimProcess {
  public:
    SimProcess(const TempDir& dir, std::vector<std::string> args) : dir_(dir) {
        args.insert(args.begin(), CARTA_SIM_BINARY);
        std::vector<char*> argv;
        for (auto& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, (dir / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
        posix_spawn_file_actions_addopen(&actions, 2, (dir / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
        if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
    }
    ~SimProcess() {
        if (pid_ > 0 && !exit_code_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    int wait() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return *exit_code_;
    }
    void signal(int number) { ::kill(pid_, number); }
    std::string out() const { return file_contents(dir_ / "stdout"); }
    std::string err() const { return file_contents(dir_ / "stderr"); }

  private:
    const TempDir& dir_;
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
};

int run_to_end(const TempDir& dir, std::vector<std::string> args, std::string* err = nullptr,
               std::string* out = nullptr) {
    SimProcess process(dir, std::move(args));
    const int code = process.wait();
    if (err) *err = process.err();
    if (out) *out = process.out();
    return code;
}

TEST(CartaSimInit, WritesANewCardAndPrintsThePuk) {
    TempDir dir;
    std::string out;
    ASSERT_EQ(
        run_to_end(dir, {"init", "--state", (dir / "card.state").string(), "--serial", "1111222233334444"},
                   nullptr, &out),
        0);
    EXPECT_NE(out.find("secure profile PUK: "), std::string::npos) << out;
    EXPECT_NE(out.find("1111222233334444"), std::string::npos);
    EXPECT_NE(file_contents(dir / "card.state").find("card_number 1111222233334444"), std::string::npos);

    std::string err;
    EXPECT_EQ(run_to_end(dir, {"init", "--state", (dir / "card.state").string()}, &err), 2);  // exists
    EXPECT_NE(err.find("--force"), std::string::npos);
    EXPECT_EQ(
        run_to_end(dir, {"init", "--state", (dir / "other.state").string(), "--serial", "0111222233334444"},
                   &err),
        1);
    EXPECT_NE(err.find("16 digits"), std::string::npos);
    EXPECT_EQ(run_to_end(dir, {"init"}, &err), 64);
}

TEST(CartaSimRun, BadStateFileExitsWith2AndNamesTheField) {
    TempDir dir;
    std::string state = file_contents(template_state());
    const auto at = state.find("change_counter 0");
    state.replace(at, 16, "change_counter x");
    std::ofstream(dir / "card.state") << state;
    std::string err;
    EXPECT_EQ(
        run_to_end(dir, {"run", "--state", (dir / "card.state").string(), "--vpcd", "127.0.0.1:1"}, &err), 2);
    EXPECT_NE(err.find("change_counter"), std::string::npos) << err;
    EXPECT_NE(err.find("line 7"), std::string::npos) << err;
    EXPECT_EQ(run_to_end(dir, {"run", "--state", (dir / "missing").string(), "--vpcd", "127.0.0.1:1"}, &err),
              2);
    EXPECT_EQ(
        run_to_end(dir, {"run", "--state", (dir / "card.state").string(), "--vpcd", "nohostport"}, &err), 64);
    EXPECT_EQ(run_to_end(dir,
                         {"run", "--state", (dir / "card.state").string(), "--vpcd", "127.0.0.1:1",
                          "--latency", "slow"},
                         &err),
              64);
}

// The vpcd side of the wire: a listening socket, one connection at a time.
class FakeVpcd {
  public:
    explicit FakeVpcd(int port = 0) {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int on = 1;
        ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(listener_, 1);
        socklen_t length = sizeof address;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
    }
    ~FakeVpcd() {
        disconnect();
        ::close(listener_);
    }
    std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }

    bool accept(std::chrono::milliseconds timeout) {
        pollfd watch{listener_, POLLIN, 0};
        if (::poll(&watch, 1, static_cast<int>(timeout.count())) != 1) return false;
        connection_ = ::accept(listener_, nullptr, nullptr);
        return connection_ >= 0;
    }
    void disconnect() {
        if (connection_ >= 0) ::close(connection_);
        connection_ = -1;
    }
    // Like vpcd: the length and the payload in two writes.
    void send(const Bytes& payload) {
        const std::uint8_t length[2] = {static_cast<std::uint8_t>(payload.size() >> 8),
                                        static_cast<std::uint8_t>(payload.size())};
        ::send(connection_, length, 2, MSG_NOSIGNAL);
        ::send(connection_, payload.data(), payload.size(), MSG_NOSIGNAL);
    }
    // The next message, or nullopt if the connection closed / nothing came in time.
    std::optional<Bytes> receive(std::chrono::milliseconds timeout = 5000ms) {
        std::uint8_t length[2];
        if (!read_exactly(length, 2, timeout)) return std::nullopt;
        Bytes payload(static_cast<std::size_t>(length[0] << 8 | length[1]));
        if (!read_exactly(payload.data(), payload.size(), timeout)) return std::nullopt;
        return payload;
    }
    Bytes exchange(const Bytes& payload) {
        send(payload);
        return receive().value_or(Bytes{});
    }
    // True when the peer closed the connection.
    bool closed_by_peer(std::chrono::milliseconds timeout) {
        std::uint8_t byte;
        return !read_exactly(&byte, 1, timeout);
    }

  private:
    bool read_exactly(std::uint8_t* out, std::size_t size, std::chrono::milliseconds timeout) {
        std::size_t done = 0;
        while (done < size) {
            pollfd watch{connection_, POLLIN, 0};
            if (::poll(&watch, 1, static_cast<int>(timeout.count())) != 1) return false;
            const ssize_t n = ::recv(connection_, out + done, size - done, 0);
            if (n <= 0) return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }

    int listener_ = -1;
    int connection_ = -1;
    int port_ = 0;
};

TEST(CartaSimRun, SpeaksVpcdAndHandlesSignals) {
    TempDir dir;
    fs::copy_file(template_state(), dir / "card.state");
    FakeVpcd vpcd;
    SimProcess sim(dir, {"run", "--state", (dir / "card.state").string(), "--vpcd", vpcd.endpoint(),
                         "--pid-file", (dir / "pid").string()});
    ASSERT_TRUE(vpcd.accept(5000ms)) << sim.err();
    EXPECT_EQ(vpcd.exchange({0x04}), from_hex("3B 7F 96 00 00 80 31 80 58 43 65 72 74 75 6D 30 31 82 90 00"));
    vpcd.send({0x01});  // power on: no answer
    EXPECT_EQ(vpcd.exchange(from_hex("00 A4 04 0C 0A A0 00 00 01 67 45 53 49 47 4E")), from_hex("90 00"));
    const auto challenge = vpcd.exchange(from_hex("00 84 00 00 08"));
    EXPECT_EQ(challenge.size(), 10u);
    EXPECT_TRUE(fs::exists(dir / "pid"));

    // A reset loses the selection.
    vpcd.send({0x02});
    EXPECT_EQ(vpcd.exchange(from_hex("00 A4 02 0C 02 50 32")), from_hex("69 85"));

    // Pulled: the connection closes and stays closed until SIGUSR2.
    sim.signal(SIGUSR1);
    EXPECT_TRUE(vpcd.closed_by_peer(5000ms));
    vpcd.disconnect();
    EXPECT_FALSE(vpcd.accept(600ms));
    sim.signal(SIGUSR2);
    ASSERT_TRUE(vpcd.accept(5000ms));
    EXPECT_EQ(vpcd.exchange({0x04}).size(), 20u);

    // vpcd going away (pcscd restart): carta-sim reconnects by itself.
    vpcd.disconnect();
    ASSERT_TRUE(vpcd.accept(5000ms));
    EXPECT_EQ(vpcd.exchange(from_hex("00 A4 02 0C 02 50 32")), from_hex("69 85"));  // powered off in between

    sim.signal(SIGTERM);
    EXPECT_EQ(sim.wait(), 0);
    const std::string log = sim.err();
    for (const char* event : {"connected to vpcd", "power on", "reset", "card pulled", "card inserted",
                              "connection to vpcd lost", "exit"})
        EXPECT_NE(log.find(event), std::string::npos) << event << " missing in:\n" << log;
    EXPECT_FALSE(fs::exists(dir / "pid"));
}

// With realistic latency a P-256 generation takes a second; a pull in that time
// leaves no key and no answer, as on a real card that lost power.
TEST(CartaSimRun, PullDuringGenerationStoresNoKey) {
    TempDir dir;
    fs::copy_file(template_state(), dir / "card.state");
    FakeVpcd vpcd;
    SimProcess sim(dir, {"run", "--state", (dir / "card.state").string(), "--vpcd", vpcd.endpoint(),
                         "--latency", "realistic"});
    ASSERT_TRUE(vpcd.accept(5000ms)) << sim.err();
    const Bytes select = from_hex("00 A4 04 0C 0A A0 00 00 01 67 45 53 49 47 4F");
    ASSERT_EQ(vpcd.exchange(select), from_hex("90 00"));
    ASSERT_EQ(vpcd.exchange(from_hex("80 44 00 00 0C 84 04 31323334 83 04 31323334")), from_hex("90 00"));
    ASSERT_EQ(vpcd.exchange(from_hex("00 20 00 83 10 31323334 000000000000000000000000")), from_hex("90 00"));
    vpcd.send(from_hex("00 47 00 31 03 80 01 41 00"));
    std::this_thread::sleep_for(300ms);
    sim.signal(SIGUSR1);
    EXPECT_FALSE(vpcd.receive(5000ms).has_value());  // closed without an answer
    vpcd.disconnect();
    sim.signal(SIGUSR2);
    ASSERT_TRUE(vpcd.accept(5000ms));
    ASSERT_EQ(vpcd.exchange(select), from_hex("90 00"));
    EXPECT_EQ(vpcd.exchange(from_hex("00 CB 00 FF 05 B6 03 83 01 31 00")), from_hex("6A 88"));
    sim.signal(SIGTERM);
    EXPECT_EQ(sim.wait(), 0);
    const std::string state = file_contents(dir / "card.state");
    const std::string common = state.substr(0, state.find("profile secure"));
    EXPECT_EQ(common.find("key 31 "), std::string::npos);
    EXPECT_NE(sim.err().find("command abandoned"), std::string::npos) << sim.err();
}

TEST(CartaSimRun, WaitsForVpcdToListen) {
    TempDir dir;
    fs::copy_file(template_state(), dir / "card.state");
    int port = 0;
    {
        FakeVpcd probe;  // find a free port, then close it: pcscd is "not up yet"
        port = probe.port();
    }
    SimProcess sim(dir, {"run", "--state", (dir / "card.state").string(), "--vpcd",
                         "127.0.0.1:" + std::to_string(port)});
    std::this_thread::sleep_for(500ms);
    FakeVpcd vpcd(port);
    ASSERT_TRUE(vpcd.accept(2000ms)) << "carta-sim did not retry: " << sim.err();
    EXPECT_EQ(vpcd.exchange({0x04}).size(), 20u);
    sim.signal(SIGINT);
    EXPECT_EQ(sim.wait(), 0);
}

}  // namespace
}  // namespace carta::sim::testing
