// The one shape of every entry point:
//
//   CK_RV C_Sign(...) { return guarded("C_Sign", [&] { return sign(...); }); }
//
// `guarded` catches every exception (no C++ exception may cross the C ABI),
// turns it into a CK_RV (errors.hpp) and writes the debug log line.
#pragma once

#include <chrono>
#include <string>

#include "errors.hpp"
#include "log.hpp"

namespace carta::pkcs11 {

void log_call(const char* function, CK_RV rv, const std::string& detail,
              std::chrono::steady_clock::duration took) noexcept;

template <typename Body>
CK_RV guarded(const char* function, Body&& body) noexcept {
    const auto start = std::chrono::steady_clock::now();
    CK_RV rv = CKR_GENERAL_ERROR;
    std::string detail;
    try {
        rv = body();
    } catch (...) {
        rv = rv_for_current_exception(detail);
    }
    if (log::enabled()) log_call(function, rv, detail, std::chrono::steady_clock::now() - start);
    return rv;
}

}  // namespace carta::pkcs11
