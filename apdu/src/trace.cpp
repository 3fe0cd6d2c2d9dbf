#include "carta/apdu/trace.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace carta::apdu {

namespace {

// --- redaction ------------------------------------------------------------------

std::string redacted(std::size_t count) {
    return "<" + std::to_string(count) + " bytes redacted>";
}

std::string join(const std::string& a, const std::string& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    return a + " " + b;
}

// --- output ---------------------------------------------------------------------

struct TraceState {
    std::mutex mutex;
    std::atomic<bool> configured{false};
    std::atomic<bool> enabled{false};
    std::FILE* out = nullptr;  // stderr or an owned file
    bool owns_out = false;
};

// Never destroyed, so tracing from static destructors stays safe.
TraceState& state() {
    static TraceState* s = new TraceState;
    return *s;
}

void close_locked(TraceState& s) {
    if (s.owns_out && s.out != nullptr) std::fclose(s.out);
    s.out = nullptr;
    s.owns_out = false;
    s.enabled.store(false);
}

void open_file_locked(TraceState& s, const std::string& path) {
    close_locked(s);
    std::FILE* f = std::fopen(path.c_str(), "a");
    if (f == nullptr) {
        std::fprintf(stderr, "carta: cannot open APDU trace file %s; trace disabled\n", path.c_str());
    } else {
        s.out = f;
        s.owns_out = true;
        s.enabled.store(true);
    }
    s.configured.store(true);
}

void use_stderr_locked(TraceState& s) {
    close_locked(s);
    s.out = stderr;
    s.enabled.store(true);
    s.configured.store(true);
}

void configure_from_environment_locked(TraceState& s) {
    const char* value = std::getenv("CARTA_APDU_TRACE");
    const std::string setting = value != nullptr ? value : "";
    if (setting.empty() || setting == "0") {
        close_locked(s);
        s.configured.store(true);
    } else if (setting == "1") {
        use_stderr_locked(s);
    } else {
        open_file_locked(s, setting);
    }
}

TraceState& configured_state() {
    TraceState& s = state();
    if (!s.configured.load()) {
        std::lock_guard lock(s.mutex);
        if (!s.configured.load()) configure_from_environment_locked(s);
    }
    return s;
}

void write_line(const std::string& line) {
    TraceState& s = configured_state();
    std::lock_guard lock(s.mutex);
    if (!s.enabled.load() || s.out == nullptr) return;
    std::fputs(line.c_str(), s.out);
    std::fputc('\n', s.out);
    std::fflush(s.out);
}

}  // namespace

std::string redacted_command(ByteView raw, std::uint8_t flags) {
    if (raw.size() < 4 || (flags & apdu_flags::kSecretData) == 0) return to_hex(raw);
    const std::string header = to_hex(raw.first(4));
    CommandApdu parsed;
    try {
        parsed = CommandApdu::parse(raw);
    } catch (const ApduError&) {
        // Malformed: everything after the header could be secret.
        return raw.size() == 4 ? header : join(header, redacted(raw.size() - 4));
    }
    if (parsed.data.empty()) return to_hex(raw);
    const std::size_t lc_size = parsed.extended ? 3 : 1;
    const std::size_t data_start = 4 + lc_size;
    const std::size_t data_end = data_start + parsed.data.size();
    return join(join(join(header, to_hex(raw.subspan(4, lc_size))), redacted(parsed.data.size())),
                to_hex(raw.subspan(data_end)));
}

std::string redacted_response(ByteView raw_response, std::uint8_t flags) {
    if (raw_response.size() <= 2 || (flags & apdu_flags::kSecretResponse) == 0) return to_hex(raw_response);
    const std::size_t data_size = raw_response.size() - 2;
    return join(redacted(data_size), to_hex(raw_response.subspan(data_size)));
}

bool Trace::enabled() {
    return configured_state().enabled.load();
}

void Trace::command(ByteView raw_command, std::uint8_t flags) {
    if (!enabled()) return;
    write_line("> " + redacted_command(raw_command, flags));
}

void Trace::response(ByteView raw_response, std::uint8_t flags) {
    if (!enabled()) return;
    std::string line = "< " + redacted_response(raw_response, flags);
    if (raw_response.size() >= 2) {
        const StatusWord sw(raw_response[raw_response.size() - 2], raw_response[raw_response.size() - 1]);
        line += "  (" + sw.describe() + ")";
    }
    write_line(line);
}

void Trace::enable_to_stderr() {
    TraceState& s = state();
    std::lock_guard lock(s.mutex);
    use_stderr_locked(s);
}

void Trace::enable_to_file(const std::string& path) {
    TraceState& s = state();
    std::lock_guard lock(s.mutex);
    open_file_locked(s, path);
}

void Trace::disable() {
    TraceState& s = state();
    std::lock_guard lock(s.mutex);
    close_locked(s);
    s.configured.store(true);
}

void Trace::configure_from_environment() {
    TraceState& s = state();
    std::lock_guard lock(s.mutex);
    configure_from_environment_locked(s);
}

void Trace::reset() {
    TraceState& s = state();
    std::lock_guard lock(s.mutex);
    close_locked(s);
    s.configured.store(false);
}

}  // namespace carta::apdu
