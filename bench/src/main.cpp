// carta-bench: carta's PKCS#11 module on the simulated card against SoftHSM2 and
// raw OpenSSL. scripts/bench.sh prepares the card and the SoftHSM2 token and runs
// this; see bench/README.md and `carta-bench --help`.
//
// Steps that must start from a fresh process (a Thunderbird-like start with a
// cold or warm cache, login + first signature) run this same program again as a
// child (`--child start|login-sign`), with the APDU trace going to a file of its own.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "card_logic.hpp"
#include "child.hpp"
#include "journeys.hpp"
#include "measure.hpp"
#include "ossl.hpp"
#include "p11.hpp"
#include "results.hpp"
#include "transport.hpp"

namespace carta::bench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage = R"(carta-bench: RSA-2048 signing, start-up, login and key generation through
carta's PKCS#11 module on the simulated card, against SoftHSM2 and raw OpenSSL.
scripts/bench.sh prepares everything and runs this; run it directly only with a
card and a token prepared as bench.sh does.

usage: carta-bench --carta-module SO --out DIR [options]

  --carta-module SO      libcarta-pkcs11.so
  --carta-token LABEL    token label of the card's common profile (default: bench)
  --softhsm-module SO    default /usr/lib/softhsm/libsofthsm2.so (SOFTHSM2_CONF must be set)
  --softhsm-token LABEL  default: bench
  --key-label LABEL      the signing key on both tokens (default: bench-key); made on
                         the SoftHSM2 token with C_GenerateKeyPair if missing
  --reader NAME          PC/SC reader for the transport and card floors (default: $CARTA_READER)
  --card-key-ref HEX     the card's key reference of the signing key, for the card floor (default: 21)
  --card-dir DIR         scripts/simcard's directory: CPU time of its pcscd and carta-sim is recorded
                         (default: $CARTA_SIMCARD_DIR)
  --card-state FILE      that card's state file: a copy of it measures the card's own work per
                         signature in this process, without vpcd
  --journey-socket PATH  pcscd socket of a second card, the same as the first but with a real card's
                         timings (carta-sim --latency realistic): the journeys a user feels are
                         measured on it (start cold and warm, one signed send, opening one message)
  --out DIR              writes results.json, results.md
  --plot-data FILE       also writes the sign throughput as columns for gnuplot
  --work DIR             traces and object caches of the child runs (default: DIR/work.tmp)
  --sessions LIST        default 1,2,4
  --seconds S            signing time per run of a throughput cell (default 1)
  --repeats N            runs per throughput cell, all cells interleaved; the median counts (default 5)
  --child-runs N         runs of each fresh-process figure (start, login + sign; default 5)
  --keygen-runs A,B      RSA-2048 and RSA-3072 key generations per stack (default 5,3; 0 skips)
  --transport-count N    timed round trips for the transport floor (default 2000)
  --commit TEXT          noted in the results
  --quick                a smoke run: one run of 0.2 s per cell, one of everything else,
                         100 round trips
  -h, --help

PINs come from the environment: CARTA_PIN (the card), CARTA_BENCH_SOFTHSM_PIN (SoftHSM2).
Exit status 0, or 1 with a message on stderr.
)";

struct Options {
    std::string carta_module, carta_token = "bench";
    std::string softhsm_module = "/usr/lib/softhsm/libsofthsm2.so", softhsm_token = "bench";
    std::string key_label = "bench-key";
    std::string reader, out, plot_data, work, commit;
    std::uint8_t card_key_ref = 0x21;
    std::string card_dir;    // scripts/simcard's DIR, for the pids of pcscd and carta-sim
    std::string card_state;  // its state file, for card_logic.hpp
    std::string journey_socket;
    std::vector<int> sessions{1, 2, 4};
    double seconds = 1;
    int repeats = 5;     // runs of each throughput cell
    int child_runs = 5;  // runs of each fresh-process figure
    int keygen_2048 = 5, keygen_3072 = 3;
    int transport_count = 2000;
    bool quick = false;
    // child mode
    std::string child, module, token;
    long repeat = 0;
    bool as_nss = false;
};

std::vector<int> int_list(const std::string& text) {
    std::vector<int> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) out.push_back(std::stoi(item));
    return out;
}

Options parse(int argc, char** argv) {
    Options o;
    if (const char* r = std::getenv("CARTA_READER")) o.reader = r;
    if (const char* d = std::getenv("CARTA_SIMCARD_DIR")) o.card_dir = d;
    bool seconds_given = false, keygen_given = false, transport_given = false, repeats_given = false,
         child_runs_given = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
            return argv[++i];
        };
        if (a == "-h" || a == "--help") {
            std::cout << kUsage;
            std::exit(0);
        } else if (a == "--carta-module") {
            o.carta_module = next();
        } else if (a == "--carta-token") {
            o.carta_token = next();
        } else if (a == "--softhsm-module") {
            o.softhsm_module = next();
        } else if (a == "--softhsm-token") {
            o.softhsm_token = next();
        } else if (a == "--key-label") {
            o.key_label = next();
        } else if (a == "--reader") {
            o.reader = next();
        } else if (a == "--card-key-ref") {
            o.card_key_ref = static_cast<std::uint8_t>(std::stoul(next(), nullptr, 16));
        } else if (a == "--card-dir") {
            o.card_dir = next();
        } else if (a == "--card-state") {
            o.card_state = next();
        } else if (a == "--journey-socket") {
            o.journey_socket = next();
        } else if (a == "--out") {
            o.out = next();
        } else if (a == "--plot-data") {
            o.plot_data = next();
        } else if (a == "--work") {
            o.work = next();
        } else if (a == "--commit") {
            o.commit = next();
        } else if (a == "--sessions") {
            o.sessions = int_list(next());
        } else if (a == "--seconds") {
            o.seconds = std::stod(next());
            seconds_given = true;
        } else if (a == "--repeats") {
            o.repeats = std::stoi(next());
            repeats_given = true;
        } else if (a == "--child-runs") {
            o.child_runs = std::stoi(next());
            child_runs_given = true;
        } else if (a == "--keygen-runs") {
            const auto runs = int_list(next());
            if (runs.size() != 2) throw std::runtime_error("--keygen-runs wants two numbers: A,B");
            o.keygen_2048 = runs[0];
            o.keygen_3072 = runs[1];
            keygen_given = true;
        } else if (a == "--transport-count") {
            o.transport_count = std::stoi(next());
            transport_given = true;
        } else if (a == "--quick") {
            o.quick = true;
        } else if (a == "--child") {
            o.child = next();
        } else if (a == "--module") {
            o.module = next();
        } else if (a == "--token") {
            o.token = next();
        } else if (a == "--repeat") {
            o.repeat = std::stol(next());
        } else if (a == "--as-nss") {
            o.as_nss = true;
        } else {
            throw std::runtime_error("unknown argument " + a + " (see --help)");
        }
    }
    if (o.quick) {
        if (!seconds_given) o.seconds = 0.2;
        if (!keygen_given) o.keygen_2048 = o.keygen_3072 = 1;
        if (!transport_given) o.transport_count = 100;
        if (!repeats_given) o.repeats = 1;
        if (!child_runs_given) o.child_runs = 1;
    }
    if (o.child.empty()) {
        if (o.carta_module.empty() || o.out.empty())
            throw std::runtime_error("--carta-module and --out are needed");
        if (o.sessions.empty() ||
            std::any_of(o.sessions.begin(), o.sessions.end(), [](int n) { return n < 1; }))
            throw std::runtime_error("--sessions: positive numbers");
        if (o.work.empty()) o.work = o.out + "/work.tmp";
    }
    return o;
}

// ------------------------------------------------------------------ the run

void say(const std::string& text) {
    std::cerr << "carta-bench: " << text << std::endl;
}

class OpensslWorker final : public Worker {
  public:
    OpensslWorker(EVP_PKEY* key, SignMechanism mechanism, std::size_t message_bytes)
        : signer_(key, mechanism), data_(sample_message(message_bytes)) {}
    void operation() override { signer_.sign(data_); }

  private:
    OpensslSigner signer_;
    Bytes data_;
};

class P11Worker final : public Worker {
  public:
    P11Worker(const Module& module, CK_SLOT_ID slot, CK_OBJECT_HANDLE key, SignMechanism mechanism,
              std::size_t message_bytes)
        : module_(module),
          session_(module.open_session(slot)),
          key_(key),
          mechanism_(mechanism),
          data_(sample_message(message_bytes)) {}
    ~P11Worker() override { module_.f()->C_CloseSession(session_); }
    void operation() override { module_.sign(session_, key_, mechanism_, data_); }

  private:
    const Module& module_;
    CK_SESSION_HANDLE session_;
    CK_OBJECT_HANDLE key_;
    Mechanism mechanism_;
    Bytes data_;
};

// A stack under test: its name and how to make a signing worker.
struct Stack {
    std::string name;
    std::function<std::unique_ptr<Worker>(SignMechanism, std::size_t message_bytes)> make;
    std::function<void(unsigned bits)> generate;  // one key generation
    Watched watched{};                            // the card's processes, for carta
};

// One cell for each stack, in an order that turns with `rep`.
void sign_cells(Results& r, const Options& o, const std::vector<Stack>& stacks, int rep,
                SignMechanism mechanism, int sessions, std::size_t message_bytes) {
    for (std::size_t k = 0; k < stacks.size(); ++k) {
        const Stack& stack = stacks[(k + static_cast<std::size_t>(rep)) % stacks.size()];
        const auto t = run_threads(
            sessions, o.seconds, [&](int) { return stack.make(mechanism, message_bytes); }, stack.watched);
        r.sign_cell(stack.name, mechanism, sessions, message_bytes).runs.push_back(t);
        say("sign " + std::to_string(rep + 1) + "/" + std::to_string(o.repeats) + " " + stack.name + " " +
            mechanism_name(mechanism) + " " + std::to_string(message_bytes) + " bytes " +
            std::to_string(sessions) + " session(s): " + std::to_string(static_cast<long>(t.per_second())) +
            " ops/s");
    }
}

// Every cell (mechanism x sessions x stack) `repeats` times, interleaved: a busy
// machine then slows all stacks alike instead of whichever cell it hits. Then 1 and 2
// sessions signing a large message: whether one session's hashing overlaps with the
// card's work for the other (with the usual message there is next to nothing to overlap).
void throughput(Results& r, const Options& o, const std::vector<Stack>& stacks) {
    for (int rep = 0; rep < o.repeats; ++rep) {
        for (const auto mechanism : {SignMechanism::Pkcs1Sha256, SignMechanism::PssSha256})
            for (const int n : o.sessions) sign_cells(r, o, stacks, rep, mechanism, n, kSampleMessageBytes);
        for (const int n : {1, 2})
            sign_cells(r, o, stacks, rep, SignMechanism::Pkcs1Sha256, n, kLargeMessageBytes);
    }
}

void keygen(Results& r, const Options& o, const std::vector<Stack>& stacks) {
    const int most = std::max(o.keygen_2048, o.keygen_3072);
    for (int i = 0; i < most; ++i) {
        for (const auto& [bits, runs] : {std::pair{2048u, o.keygen_2048}, std::pair{3072u, o.keygen_3072}}) {
            if (i >= runs) continue;
            for (const auto& stack : stacks) {
                const auto t = Clock::now();
                stack.generate(bits);
                const double seconds = seconds_since(t);
                r.keygen[stack.name][bits].push_back(seconds);
                say("key generation " + std::to_string(i + 1) + "/" + std::to_string(runs) + " " +
                    stack.name + " RSA-" + std::to_string(bits) + ": " +
                    std::to_string(static_cast<long>(seconds * 1e3)) + " ms");
            }
        }
    }
}

// Signs once with each mechanism and checks the signature with OpenSSL against
// the key's CKA_MODULUS / CKA_PUBLIC_EXPONENT.
void verify_token_signatures(Results& r, const std::string& stack, const Module& module,
                             CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
    const auto n = module.attribute(session, key, CKA_MODULUS);
    const auto e = module.attribute(session, key, CKA_PUBLIC_EXPONENT);
    if (!n || !e) throw std::runtime_error(stack + ": the key shows no modulus or exponent");
    const Pkey pub = rsa_public_key(*n, *e);
    for (const auto mechanism : {SignMechanism::Pkcs1Sha256, SignMechanism::PssSha256}) {
        const Bytes data = sample_message();
        const Bytes signature = module.sign(session, key, Mechanism(mechanism), data);
        const bool ok = verify(pub.get(), mechanism, data, signature);
        r.verified[stack + " " + mechanism_name(mechanism)] = ok;
        if (!ok) say("WARNING: " + stack + " " + mechanism_name(mechanism) + " signature does not verify");
    }
}

// A module, initialised, with a logged-in R/W session on a token and the signing key.
struct Token {
    explicit Token(const std::string& path) : module(path) { module.initialize(); }
    Module module;
    CK_SLOT_ID slot = 0;
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;

    Stack stack(const std::string& name) {
        return {name,
                [this](SignMechanism m, std::size_t bytes) {
                    return std::make_unique<P11Worker>(module, slot, key, m, bytes);
                },
                [this](unsigned bits) {
                    module.destroy(session, module.generate_rsa(session, bits, "bench-keygen"));
                }};
    }
};

void open_token(Token& t, const std::string& stack, const std::string& token_label, const std::string& pin,
                const std::string& key_label, bool generate_if_missing) {
    const auto slot = find_token(t.module, token_label);
    if (!slot) throw std::runtime_error(stack + ": no token labelled '" + token_label + "'");
    t.slot = *slot;
    t.session = t.module.open_session(t.slot, true);
    t.module.login(t.session, pin);
    auto keys = t.module.find(t.session, CKO_PRIVATE_KEY, key_label);
    if (keys.empty() && generate_if_missing) {
        say(stack + ": generating the signing key '" + key_label + "' (C_GenerateKeyPair)");
        t.module.generate_rsa(t.session, 2048, key_label);
        keys = t.module.find(t.session, CKO_PRIVATE_KEY, key_label);
    }
    if (keys.empty()) throw std::runtime_error(stack + ": no private key labelled '" + key_label + "'");
    t.key = keys.front();
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
        }
    return "unknown CPU";
}

std::string utc_now() {
    char text[32];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
    return text;
}

// pcscd and carta-sim of a `scripts/simcard` instance, from its pid files.
Watched card_processes(const std::string& dir) {
    Watched w;
    if (dir.empty()) return w;
    auto pid = [&](const char* file) {
        std::ifstream in(dir + "/" + file);
        int value = 0;
        in >> value;
        return value;
    };
    w.pcscd = pid("pcscd.pid");
    w.sim = pid("carta-sim.pid");
    if (w.pcscd == 0 || w.sim == 0) say("no pid files in " + dir + ": the card's CPU time is not recorded");
    return w;
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

int run(const Options& o) {
    const std::string carta_pin = require_env("CARTA_PIN");
    const std::string softhsm_pin = require_env("CARTA_BENCH_SOFTHSM_PIN");
    require_env("SOFTHSM2_CONF");
    fs::create_directories(o.out);
    fs::create_directories(o.work);

    Results r;
    r.date = utc_now();
    r.cpu = cpu_model();
    r.cores = static_cast<int>(std::thread::hardware_concurrency());
    r.commit = o.commit;
    r.quick = o.quick;
    r.seconds_per_cell = o.seconds;
    r.load_before = load_average();

    // 1. The transport floor, before anything else holds the card.
    if (!o.reader.empty()) {
        const auto t = measure_transport(o.reader, 20, o.transport_count);
        r.transport = t.round_trips;
        r.transport_apdu = t.apdu;
        say("transport floor: median " + std::to_string(summarize(t.round_trips).median * 1e6) + " us");
        const auto f =
            measure_card_floor(o.reader, carta_pin, o.card_key_ref, o.quick ? 1 : 5, o.quick ? 10 : 200);
        r.floor_verify = f.verify;
        r.floor_signature = f.signature;
        say("card floor: VERIFY " + std::to_string(summarize(f.verify).median * 1e3) + " ms, signature " +
            std::to_string(summarize(f.signature).median * 1e3) + " ms");
        if (!o.card_state.empty())
            r.card_logic_cpu =
                card_logic_cpu_per_signature(o.card_state, carta_pin, o.card_key_ref, o.quick ? 20 : 500);
    } else {
        say("no --reader or CARTA_READER: transport floor skipped");
    }

    // 2. Fresh processes: starts (carta cold, warm, without cache; SoftHSM2) and
    // login + signature. They run before this process logs in to the card: a
    // child's SELECT of the other profile would clear the PIN state it relies on.
    // SoftHSM2's key is made first, so that its child finds it.
    {
        Token softhsm(o.softhsm_module);
        open_token(softhsm, kSofthsm, o.softhsm_token, softhsm_pin, o.key_label, true);
        softhsm.module.finalize();
    }
    const std::string cache = o.work + "/cache";
    const long repeat = o.quick ? 3 : 20;
    for (int i = 0; i < o.child_runs; ++i) {
        auto traced = [&](const std::string& name, std::map<std::string, std::string> env) {
            const std::string trace = o.work + "/trace-" + name + "-" + std::to_string(i + 1) + ".txt";
            fs::remove(trace);
            env["CARTA_APDU_TRACE"] = trace;
            env["XDG_CACHE_HOME"] = cache;
            return env;
        };
        fs::remove_all(cache);
        fs::create_directories(cache);
        for (const auto& [key, name, cache_setting] :
             {std::tuple<std::string, std::string, std::string>{"carta cold", "start-cold", ""},
              {"carta warm", "start-warm", ""},
              {"carta no cache", "start-nocache", "off"}}) {
            auto& runs = r.start[key];
            runs.push_back(start_in_child(o.carta_module, traced(name, {{"CARTA_CACHE", cache_setting}})));
            say("start " + std::to_string(i + 1) + "/" + std::to_string(o.child_runs) + " " + key + ": " +
                std::to_string(runs.back().seconds * 1e3) + " ms, " +
                std::to_string(runs.back().apdus.value_or(-1)) + " APDUs");
        }
        r.start[kSofthsm].push_back(start_in_child(o.softhsm_module, {}));
        r.login_sign[kCarta].push_back(
            login_sign_in_child(o.carta_module, o.carta_token, o.key_label, repeat, false,
                                traced("login-sign", {{"CARTA_BENCH_PIN", carta_pin}})));
        r.login_sign[kSofthsm].push_back(login_sign_in_child(o.softhsm_module, o.softhsm_token, o.key_label,
                                                             repeat, false,
                                                             {{"CARTA_BENCH_PIN", softhsm_pin}}));
    }

    // 2b. The journeys, on the card with a real card's timings.
    if (!o.journey_socket.empty())
        run_journeys(r, {o.carta_module, o.carta_token, o.key_label, carta_pin, o.journey_socket, o.work,
                         o.child_runs});

    // 3. The three stacks side by side in this process.
    const Pkey openssl_key = generate_rsa(2048);
    for (const auto m : {SignMechanism::Pkcs1Sha256, SignMechanism::PssSha256}) {
        OpensslSigner signer(openssl_key.get(), m);
        const Bytes data = sample_message();
        r.verified[std::string(kOpenssl) + " " + mechanism_name(m)] =
            verify(openssl_key.get(), m, data, signer.sign(data));
    }
    Stack openssl{kOpenssl,
                  [&](SignMechanism m, std::size_t bytes) {
                      return std::make_unique<OpensslWorker>(openssl_key.get(), m, bytes);
                  },
                  [](unsigned bits) { generate_rsa(bits); }};
    Token softhsm(o.softhsm_module);
    open_token(softhsm, kSofthsm, o.softhsm_token, softhsm_pin, o.key_label, false);
    verify_token_signatures(r, kSofthsm, softhsm.module, softhsm.session, softhsm.key);
    Token carta(o.carta_module);
    open_token(carta, kCarta, o.carta_token, carta_pin, o.key_label, false);
    verify_token_signatures(r, kCarta, carta.module, carta.session, carta.key);

    Stack carta_stack = carta.stack(kCarta);
    carta_stack.watched = card_processes(o.card_dir);
    const std::vector<Stack> stacks{carta_stack, softhsm.stack(kSofthsm), openssl};
    throughput(r, o, stacks);
    keygen(r, o, stacks);
    carta.module.finalize();
    softhsm.module.finalize();
    r.load_after = load_average();

    write_json(r, o.out + "/results.json");
    write_markdown(r, o.out + "/results.md");
    if (!o.plot_data.empty()) write_plot_data(r, o.plot_data);
    say("wrote " + o.out + "/results.md and results.json");
    return 0;
}

}  // namespace
}  // namespace carta::bench

int main(int argc, char** argv) {
    using namespace carta::bench;
    try {
        const Options o = parse(argc, argv);
        if (o.child == "start") return child_start(o.module);
        if (o.child == "login-sign")
            return child_login_sign(o.module, o.token, o.key_label, o.repeat, o.as_nss);
        if (o.child == "login-decrypt") return child_login_decrypt(o.module, o.token, o.key_label);
        if (!o.child.empty()) throw std::runtime_error("unknown --child " + o.child);
        return run(o);
    } catch (const std::exception& e) {
        std::cerr << "carta-bench: " << e.what() << std::endl;
        return 1;
    }
}
