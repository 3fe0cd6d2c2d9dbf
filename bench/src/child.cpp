// The figures that need a fresh process: carta-bench runs itself again as a
// child (`--child start|login-sign|login-decrypt`), which measures and prints key=value lines.
#include "child.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "measure.hpp"
#include "ossl.hpp"

extern char** environ;

namespace carta::bench {
namespace {

// Commands ("> " lines) in the APDU trace this process writes to, if any.
std::optional<long> trace_commands() {
    const char* path = std::getenv("CARTA_APDU_TRACE");
    if (path == nullptr || *path == '\0' || std::string(path) == "0" || std::string(path) == "1")
        return std::nullopt;
    std::ifstream in(path);
    long n = 0;
    for (std::string line; std::getline(in, line);)
        if (line.rfind("> ", 0) == 0) ++n;
    return n;
}

std::optional<long> difference(const std::optional<long>& a, const std::optional<long>& b) {
    if (!a || !b) return std::nullopt;
    return *b - *a;
}

void put(const char* key, double value) {
    std::cout << key << '=' << value << '\n';
}

void put(const char* key, const std::optional<long>& value) {
    if (value) std::cout << key << '=' << *value << '\n';
}

// Runs this program with `args`, the environment changed by `set` (an empty
// value unsets); returns the key=value lines it printed.
std::map<std::string, std::string> run_child(const std::vector<std::string>& args,
                                             const std::map<std::string, std::string>& set) {
    std::vector<std::string> env_text;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        const std::string name = entry.substr(0, entry.find('='));
        if (set.count(name) == 0) env_text.push_back(entry);
    }
    for (const auto& [name, value] : set)
        if (!value.empty()) env_text.push_back(name + "=" + value);
    std::vector<std::string> argv_text{"/proc/self/exe"};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv_ptr, env_ptr;
    for (auto& s : argv_text) argv_ptr.push_back(s.data());
    for (auto& s : env_text) env_ptr.push_back(s.data());
    argv_ptr.push_back(nullptr);
    env_ptr.push_back(nullptr);

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    std::cout.flush();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        ::dup2(pipe_fds[1], STDOUT_FILENO);
        ::execve("/proc/self/exe", argv_ptr.data(), env_ptr.data());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    std::string output;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n > 0) {
            output.append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    ::close(pipe_fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("child run '" + args[1] + "' failed (see above)");
    std::map<std::string, std::string> values;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);)
        if (const auto eq = line.find('='); eq != std::string::npos)
            values[line.substr(0, eq)] = line.substr(eq + 1);
    return values;
}

double number_of(const std::map<std::string, std::string>& v, const std::string& key) {
    const auto it = v.find(key);
    if (it == v.end()) throw std::runtime_error("child run did not report " + key);
    return std::stod(it->second);
}

std::optional<long> count_of(const std::map<std::string, std::string>& v, const std::string& key) {
    const auto it = v.find(key);
    if (it == v.end()) return std::nullopt;
    return std::stol(it->second);
}

}  // namespace

std::string require_env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') throw std::runtime_error(std::string("set ") + name);
    return value;
}

// C_Initialize, C_GetSlotList, C_GetSlotInfo + C_GetTokenInfo per slot, a
// session on each token, every certificate's CKA_VALUE (and label and ID, as
// NSS reads them), C_Finalize. From dlopen to dlclose.
int child_start(const std::string& module_path) {
    const auto start = Clock::now();
    long tokens = 0, certificates = 0, bytes = 0;
    // Where the time goes: load (dlopen), C_Initialize, slots (C_GetSlotList, C_GetSlotInfo,
    // C_GetTokenInfo), objects (sessions, certificates), finalize (C_Finalize + dlclose).
    double load = 0, initialize = 0, slots = 0, objects = 0;
    {
        auto t = Clock::now();
        Module module(module_path);
        load = seconds_since(t);
        t = Clock::now();
        module.initialize(Module::kAsNss);  // a Thunderbird-like start
        initialize = seconds_since(t);
        t = Clock::now();
        const auto slot_list = module.slots(false);
        slots = seconds_since(t);
        for (const CK_SLOT_ID slot : slot_list) {
            t = Clock::now();
            CK_SLOT_INFO slot_info{};
            check(module.f()->C_GetSlotInfo(slot, &slot_info), "C_GetSlotInfo");
            CK_TOKEN_INFO token_info{};
            const bool present = (slot_info.flags & CKF_TOKEN_PRESENT) != 0;
            if (present) check(module.f()->C_GetTokenInfo(slot, &token_info), "C_GetTokenInfo");
            slots += seconds_since(t);
            if (!present || (token_info.flags & CKF_TOKEN_INITIALIZED) == 0)
                continue;  // SoftHSM2's free slot
            ++tokens;
            t = Clock::now();
            const CK_SESSION_HANDLE session = module.open_session(slot);
            for (const CK_OBJECT_HANDLE cert : module.find(session, CKO_CERTIFICATE)) {
                const auto value = module.attribute(session, cert, CKA_VALUE);
                module.attribute(session, cert, CKA_LABEL);
                module.attribute(session, cert, CKA_ID);
                ++certificates;
                if (value) bytes += static_cast<long>(value->size());
            }
            module.close_session(session);
            objects += seconds_since(t);
        }
        module.finalize();
    }
    const double seconds = seconds_since(start);
    put("seconds", seconds);
    put("load_seconds", load);
    put("initialize_seconds", initialize);
    put("slots_seconds", slots);
    put("objects_seconds", objects);
    put("finalize_seconds", seconds - load - initialize - slots - objects);
    put("tokens", tokens);
    put("certificates", certificates);
    put("certificate_bytes", bytes);
    put("apdus", trace_commands());
    return 0;
}

Bytes sample_message(std::size_t bytes) {
    Bytes data(bytes);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 37 + 11);
    return data;
}

namespace {

// C_Initialize with `flags`, and a session on the token labelled `token`.
CK_SESSION_HANDLE initialize_and_open(Module& module, const std::string& token, CK_FLAGS flags) {
    module.initialize(flags);
    const auto slot = find_token(module, token);
    if (!slot) throw std::runtime_error("no token labelled '" + token + "'");
    return module.open_session(*slot);
}

}  // namespace

// C_Login, finding the key, one signature; then --repeat more signatures.
int child_login_sign(const std::string& module_path, const std::string& token, const std::string& key_label,
                     long repeat, bool as_nss) {
    const std::string pin = require_env("CARTA_BENCH_PIN");
    Module module(module_path);
    const CK_SESSION_HANDLE session =
        initialize_and_open(module, token, as_nss ? Module::kAsNss : CKF_OS_LOCKING_OK);
    const Mechanism mechanism(SignMechanism::Pkcs1Sha256);
    const Bytes data = sample_message();

    const auto a0 = trace_commands();
    auto t = Clock::now();
    module.login(session, pin);
    put("login_seconds", seconds_since(t));
    const auto a1 = trace_commands();
    t = Clock::now();
    const auto keys = module.find(session, CKO_PRIVATE_KEY, key_label);
    if (keys.empty()) throw std::runtime_error("no private key labelled '" + key_label + "'");
    put("find_seconds", seconds_since(t));
    const auto a2 = trace_commands();
    t = Clock::now();
    module.sign(session, keys.front(), mechanism, data);
    put("sign_seconds", seconds_since(t));
    const auto a3 = trace_commands();
    t = Clock::now();
    for (long i = 0; i < repeat; ++i) module.sign(session, keys.front(), mechanism, data);
    put("repeat_seconds", seconds_since(t));
    const auto a4 = trace_commands();
    put("repeat", repeat);
    put("login_apdus", difference(a0, a1));
    put("find_apdus", difference(a1, a2));
    put("sign_apdus", difference(a2, a3));
    put("repeat_apdus", difference(a3, a4));
    module.close_session(session);
    module.finalize();
    return 0;
}

int child_login_decrypt(const std::string& module_path, const std::string& token,
                        const std::string& key_label) {
    const std::string pin = require_env("CARTA_BENCH_PIN");
    Module module(module_path);
    const CK_SESSION_HANDLE session = initialize_and_open(module, token, Module::kAsNss);  // a mail client
    const auto public_keys = module.find(session, CKO_PUBLIC_KEY, key_label);
    if (public_keys.empty()) throw std::runtime_error("no public key labelled '" + key_label + "'");
    const auto n = module.attribute(session, public_keys.front(), CKA_MODULUS);
    const auto e = module.attribute(session, public_keys.front(), CKA_PUBLIC_EXPONENT);
    if (!n || !e) throw std::runtime_error("the public key shows no modulus or exponent");
    const Bytes message_key(32, 0x5A);
    const Bytes ciphertext = encrypt_pkcs1(rsa_public_key(*n, *e).get(), message_key);

    const auto a0 = trace_commands();
    const auto t = Clock::now();
    module.login(session, pin);
    const auto keys = module.find(session, CKO_PRIVATE_KEY, key_label);
    if (keys.empty()) throw std::runtime_error("no private key labelled '" + key_label + "'");
    const Bytes plaintext = module.decrypt_pkcs1(session, keys.front(), ciphertext);
    put("seconds", seconds_since(t));
    put("apdus", difference(a0, trace_commands()));
    if (plaintext != message_key) throw std::runtime_error("C_Decrypt gave another plaintext");
    module.close_session(session);
    module.finalize();
    return 0;
}

StartResult start_in_child(const std::string& module, const std::map<std::string, std::string>& env) {
    const auto v = run_child({"--child", "start", "--module", module}, env);
    StartResult r;
    r.seconds = number_of(v, "seconds");
    for (const char* phase : {"load", "initialize", "slots", "objects", "finalize"})
        r.phases[phase] = number_of(v, std::string(phase) + "_seconds");
    r.apdus = count_of(v, "apdus");
    r.tokens = count_of(v, "tokens").value_or(0);
    r.certificates = count_of(v, "certificates").value_or(0);
    r.certificate_bytes = count_of(v, "certificate_bytes").value_or(0);
    return r;
}

LoginSignResult login_sign_in_child(const std::string& module, const std::string& token,
                                    const std::string& key, long repeat, bool as_nss,
                                    std::map<std::string, std::string> env) {
    std::vector<std::string> arguments{
        "--child", "login-sign",  "--module", module,     "--token",
        token,     "--key-label", key,        "--repeat", std::to_string(repeat)};
    if (as_nss) arguments.push_back("--as-nss");
    const auto v = run_child(arguments, env);
    LoginSignResult r;
    r.login_seconds = number_of(v, "login_seconds");
    r.find_seconds = number_of(v, "find_seconds");
    r.sign_seconds = number_of(v, "sign_seconds");
    r.repeat_seconds = number_of(v, "repeat_seconds");
    r.repeat = count_of(v, "repeat").value_or(0);
    r.login_apdus = count_of(v, "login_apdus");
    r.find_apdus = count_of(v, "find_apdus");
    r.sign_apdus = count_of(v, "sign_apdus");
    r.repeat_apdus = count_of(v, "repeat_apdus");
    return r;
}

JourneyResult login_decrypt_in_child(const std::string& module, const std::string& token,
                                     const std::string& key, std::map<std::string, std::string> env) {
    const auto v = run_child(
        {"--child", "login-decrypt", "--module", module, "--token", token, "--key-label", key}, env);
    JourneyResult r;
    r.seconds = number_of(v, "seconds");
    r.apdus = count_of(v, "apdus");
    return r;
}

}  // namespace carta::bench
