// Errors inside the module and how they become a CK_RV at the ABI boundary.
#pragma once

#include <stdexcept>
#include <string>

#include "carta/apdu/transport.hpp"
#include "carta/card/errors.hpp"
#include "ck.hpp"

namespace carta::pkcs11 {

// A PKCS#11 return value thrown from inside the module; `guarded` returns it.
class Pkcs11Error : public std::runtime_error {
  public:
    explicit Pkcs11Error(CK_RV rv, const std::string& why = {});
    CK_RV rv() const { return rv_; }

  private:
    CK_RV rv_;
};

[[noreturn]] void fail(CK_RV rv, const std::string& why = {});

// The default CK_RV for a card error (table in errors.cpp). Callers that know
// better (a decryption failing with InvalidData...) translate before this.
CK_RV rv_for(const card::CardError& error);
CK_RV rv_for(const apdu::TransportError& error);

// "CKR_PIN_INCORRECT"; "CKR_0x..." for values it does not know.
std::string rv_name(CK_RV rv);

// The CK_RV for the exception being handled (call inside a catch block only);
// `detail` receives its message for the debug log.
CK_RV rv_for_current_exception(std::string& detail) noexcept;

}  // namespace carta::pkcs11
