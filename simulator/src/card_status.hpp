// How a command handler ends early with a status word: it throws CardStatus and
// the card's dispatcher turns it into the two trailer bytes of the response.
#pragma once

#include <exception>

#include "carta/apdu/apdu.hpp"

namespace carta::sim {

class CardStatus : public std::exception {
  public:
    explicit CardStatus(apdu::StatusWord status) : status_(status) {}
    apdu::StatusWord status() const { return status_; }
    const char* what() const noexcept override { return "card status word"; }

  private:
    apdu::StatusWord status_;
};

// `require(pin_verified, sw::kSecurityStatusNotSatisfied)` reads like the doc's rule.
inline void require(bool condition, apdu::StatusWord otherwise) {
    if (!condition) throw CardStatus(otherwise);
}

[[noreturn]] inline void fail(apdu::StatusWord status) {
    throw CardStatus(status);
}

}  // namespace carta::sim
