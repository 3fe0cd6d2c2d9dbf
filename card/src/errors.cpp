#include "carta/card/errors.hpp"

#include <array>
#include <string>

#include "carta/card/text.hpp"

namespace carta::card {
namespace {

struct StatusRule {
    std::uint16_t sw;
    ErrorKind kind;
    std::string_view what;
};

// How the card's answers read to a person (docs/card-protocol.md §9).
constexpr std::array<StatusRule, 16> kRules{{
    {0x6581, ErrorKind::CardMemory, "the card could not store the change; nothing was changed"},
    {0x6700, ErrorKind::InvalidData, "the card rejected the length of the data"},
    {0x6982, ErrorKind::NotAuthenticated, "the PIN must be verified first"},
    {0x6983, ErrorKind::CodeBlocked, "blocked"},
    {0x6985, ErrorKind::WrongState, "not possible in the profile's current state"},
    {0x6986, ErrorKind::NotAllowed, "not allowed on this profile"},
    {0x6A80, ErrorKind::InvalidData, "the card rejected the data"},
    {0x6A81, ErrorKind::NotSupported, "the card does not support this function"},
    {0x6A82, ErrorKind::NotFound, "no such object on the card"},
    {0x6A84, ErrorKind::NoSpace, "no free room on the card"},
    {0x6A86, ErrorKind::NotSupported, "the card does not support these parameters"},
    {0x6A88, ErrorKind::NotFound, "no such key on the card"},
    {0x6A89, ErrorKind::AlreadyExists, "an object with that reference already exists"},
    {0x6B00, ErrorKind::InvalidData, "offset outside the file"},
    {0x6D00, ErrorKind::NotSupported, "the card does not know this command"},
    {0x6E00, ErrorKind::NotSupported, "the card does not know this command class"},
}};

}  // namespace

void throw_for_status(apdu::StatusWord sw, std::string_view operation, std::optional<Code> code) {
    if (code) {
        const std::string name(code_name(*code));
        const std::string op(operation);
        if (sw.is_tries_left()) {
            const int left = sw.tries_left();
            if (left == 0)
                throw CardError(ErrorKind::CodeBlocked,
                                op + ": wrong " + name + "; the " + name + " is now blocked", sw, 0);
            throw CardError(ErrorKind::CodeIncorrect,
                            op + ": wrong " + name + ", " + std::to_string(left) +
                                (left == 1 ? " try" : " tries") + " left",
                            sw, left);
        }
        if (sw == apdu::sw::kAuthenticationMethodBlocked)
            throw CardError(ErrorKind::CodeBlocked, op + ": the " + name + " is blocked", sw, 0);
        if (sw == apdu::sw::kReferenceNotFound)
            throw CardError(ErrorKind::CodeNotSet, op + ": the " + name + " is not set", sw);
        if (sw == apdu::sw::kIncorrectData || sw == apdu::sw::kWrongLength)
            throw CardError(
                ErrorKind::CodeLength,
                op + ": the card rejected the " + name + " (it must be " + code_length_rule() + ")", sw);
    }
    for (const auto& rule : kRules)
        if (rule.sw == sw.value)
            throw CardError(
                rule.kind,
                std::string(operation) + ": " + std::string(rule.what) + " (" + sw.describe() + ")", sw);
    throw CardError(ErrorKind::Unexpected,
                    std::string(operation) + ": unexpected card answer " + sw.describe(), sw);
}

}  // namespace carta::card
