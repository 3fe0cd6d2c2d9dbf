#include "json_text.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "measure.hpp"

namespace carta::bench {

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
            out += escape;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string json_number(double value) {
    if (!std::isfinite(value)) return "null";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

std::string json_number(const std::optional<double>& value) {
    return value ? json_number(*value) : "null";
}

std::string json_times(const std::vector<double>& seconds) {
    const Summary s = summarize(seconds);
    std::ostringstream out;
    out << "{\"n\": " << s.n << ", \"median_ms\": " << json_number(s.median * 1e3)
        << ", \"min_ms\": " << json_number(s.min * 1e3) << ", \"max_ms\": " << json_number(s.max * 1e3)
        << ", \"p10_ms\": " << json_number(s.p10 * 1e3) << ", \"p90_ms\": " << json_number(s.p90 * 1e3);
    if (seconds.size() <= 20) {
        out << ", \"runs_ms\": [";
        for (std::size_t i = 0; i < seconds.size(); ++i)
            out << (i ? ", " : "") << json_number(seconds[i] * 1e3);
        out << "]";
    }
    out << "}";
    return out.str();
}

}  // namespace carta::bench
