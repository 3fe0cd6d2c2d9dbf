#include "prompt.hpp"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "carta/card/text.hpp"
#include "errors.hpp"

namespace carta::cli {
namespace {

// The terminal's settings while echo is off, restored by a signal handler too,
// so that Ctrl-C at a prompt does not leave the terminal silent.
termios g_saved{};
volatile std::sig_atomic_t g_echo_off = 0;

void restore_terminal(int signal) {
    if (g_echo_off) tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

class EchoOff {
  public:
    EchoOff() {
        if (tcgetattr(STDIN_FILENO, &g_saved) != 0) return;
        termios quiet = g_saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        old_int_ = std::signal(SIGINT, restore_terminal);
        old_term_ = std::signal(SIGTERM, restore_terminal);
        old_hup_ = std::signal(SIGHUP, restore_terminal);
        if (tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0) g_echo_off = 1;
    }
    ~EchoOff() {
        if (g_echo_off) tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
        g_echo_off = 0;
        std::signal(SIGINT, old_int_);
        std::signal(SIGTERM, old_term_);
        std::signal(SIGHUP, old_hup_);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

  private:
    void (*old_int_)(int) = SIG_DFL;
    void (*old_term_)(int) = SIG_DFL;
    void (*old_hup_)(int) = SIG_DFL;
};

bool interactive() {
    return isatty(STDIN_FILENO) == 1;
}

// One line from the terminal without echo; the newline is not part of it.
SecretBytes read_hidden(const std::string& prompt) {
    SecretBytes line;
    EchoOff echo_off;  // before the prompt, so that nothing typed at once is echoed
    const std::string shown = prompt + ": ";
    if (write(STDERR_FILENO, shown.data(), shown.size()) < 0) {
        // nothing sensible to do: the user may still type
    }
    for (;;) {
        unsigned char c = 0;
        const ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (line.empty()) throw CliError(Exit::InvalidInput, "no input: nothing was typed");
            break;
        }
        if (c == '\n' || c == '\r') break;
        const std::uint8_t byte = c;
        line.append(ByteView(&byte, 1));
        c = 0;
    }
    return line;
}

const char* env_name(card::Code code) {
    return code == card::Code::Pin ? "CARTA_PIN" : "CARTA_PUK";
}

std::string no_terminal(const std::string& what, const std::string& variables) {
    return "cannot ask for the " + what + ": standard input is not a terminal and " + variables +
           " is not set";
}

std::string join_or(const std::vector<const char*>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
        text += names[i];
    }
    return text;
}

// A secret taken out of the environment: the copy returned is the only one left.
// The variable is unset and its text overwritten where it lay, so that neither
// /proc/PID/environ, a child process nor a core dump shows it afterwards.
std::optional<SecretBytes> take_from_environment(const char* name) {
    char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    SecretBytes secret{std::string_view(value)};
    secure_wipe(value, std::strlen(value));
    ::unsetenv(name);
    return secret;
}

bool equal(const SecretBytes& a, const SecretBytes& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace

void check_code_format(card::Code code, const SecretBytes& value) {
    if (auto problem = card::code_problem(code, value.view()))
        throw CliError(Exit::InvalidInput, problem->message);
}

SecretBytes ask_code(card::Code code, const std::string& prompt) {
    const std::string name(card::code_name(code));
    if (auto value = take_from_environment(env_name(code))) return std::move(*value);
    if (!interactive()) throw CliError(Exit::InvalidInput, no_terminal(name, env_name(code)));
    return read_hidden(prompt.empty() ? name : prompt);
}

SecretBytes ask_new_code(card::Code code, const std::vector<const char*>& environment,
                         const std::string& prompt) {
    const std::string name(card::code_name(code));
    for (const char* variable : environment) {
        if (auto value = take_from_environment(variable)) {
            check_code_format(code, *value);
            return std::move(*value);
        }
    }
    if (!interactive()) throw CliError(Exit::InvalidInput, no_terminal("new " + name, join_or(environment)));
    auto first =
        read_hidden(prompt + " (" + std::to_string(card::kCodeMinLength) + " to " +
                    std::to_string(card::kCodeMaxLength) + " bytes; a digit or Latin letter is one)");
    check_code_format(code, first);
    auto second = read_hidden(prompt + " again");
    if (!equal(first, second)) throw CliError(Exit::InvalidInput, "the two " + name + "s you typed differ");
    return first;
}

SecretBytes ask_password(const char* environment, const std::string& prompt) {
    if (auto value = take_from_environment(environment)) return std::move(*value);
    if (!interactive()) throw CliError(Exit::InvalidInput, no_terminal("password", environment));
    return read_hidden(prompt);
}

}  // namespace carta::cli
