// How the minidriver answers: every entry point runs its body through guarded(),
// which turns every exception into a return code (no C++ exception crosses the C ABI),
// by one table for carta's card errors (errors.cpp).
#pragma once

#include <exception>
#include <stdexcept>

#include "carta/card/errors.hpp"
#include "carta/minidriver/v7.hpp"

namespace carta::md {

// A refusal of the minidriver's own (a bad parameter, an unknown file): its code as is.
class MdError : public std::runtime_error {
  public:
    explicit MdError(Dword code) : std::runtime_error("minidriver error"), code_(code) {}
    Dword code() const { return code_; }

  private:
    Dword code_;
};

[[noreturn]] inline void fail(Dword code) {
    throw MdError(code);
}
inline void require(bool condition, Dword code = rc::kInvalidParameter) {
    if (!condition) fail(code);
}

// The table: a card error's kind (and, for a transport failure, what failed underneath).
Dword scard_code(const card::CardError& error);
// Any exception, as guarded() catches it.
Dword scard_code(std::exception_ptr error) noexcept;

template <typename Body>
Dword guarded(Body&& body) noexcept {
    try {
        body();
        return rc::kSuccess;
    } catch (...) {
        return scard_code(std::current_exception());
    }
}

}  // namespace carta::md
