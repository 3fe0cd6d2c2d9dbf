#include "guard.hpp"

#include <cstdio>

namespace carta::pkcs11 {

void log_call(const char* function, CK_RV rv, const std::string& detail,
              std::chrono::steady_clock::duration took) noexcept {
    try {
        const double ms = std::chrono::duration<double, std::milli>(took).count();
        char timing[32];
        std::snprintf(timing, sizeof timing, " (%.1f ms)", ms);
        std::string text = std::string(function) + " -> " + rv_name(rv) + timing;
        if (!detail.empty() && detail != rv_name(rv)) text += ": " + detail;
        log::line(text);
    } catch (...) {
    }
}

}  // namespace carta::pkcs11
