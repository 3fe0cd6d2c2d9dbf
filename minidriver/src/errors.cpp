// carta's errors as SCARD codes: the CSP shows the user a message by the code (a wrong
// PIN with the tries left, a blocked PIN, a pulled card), so each kind has its own.
#include "errors.hpp"

#include <new>
#include <utility>

namespace carta::md {

namespace {

using card::ErrorKind;
using Kind = apdu::TransportError::Kind;

constexpr std::pair<ErrorKind, Dword> kCardErrors[] = {
    {ErrorKind::CodeIncorrect, rc::kWrongChv},
    {ErrorKind::CodeBlocked, rc::kChvBlocked},
    {ErrorKind::CodeNotSet, rc::kNoAccess},    // the profile has no PIN yet: nothing to enter
    {ErrorKind::CodeLength, rc::kInvalidChv},  // refused before any try was spent
    {ErrorKind::NotAuthenticated, rc::kSecurityViolation},
    {ErrorKind::WrongState, rc::kSecurityViolation},
    {ErrorKind::NotAllowed, rc::kNoAccess},
    {ErrorKind::NotFound, rc::kNoKeyContainer},
    {ErrorKind::AlreadyExists, rc::kWriteTooMany},
    {ErrorKind::NoSpace, rc::kWriteTooMany},
    {ErrorKind::InvalidData, rc::kBadData},  // e.g. a ciphertext whose padding does not check
    {ErrorKind::CardMemory, rc::kUnexpected},
    {ErrorKind::NotSupported, rc::kUnsupportedFeature},
    {ErrorKind::AnswerLost, rc::kCommDataLost},
    {ErrorKind::Unexpected, rc::kUnexpected},
};

constexpr std::pair<Kind, Dword> kTransportErrors[] = {
    {Kind::NoReader, rc::kReaderUnavailable},
    {Kind::NoCard, rc::kNoSmartcard},
    {Kind::CardRemoved, rc::kRemovedCard},
    {Kind::CardReset, rc::kResetCard},
    {Kind::ServiceGone, rc::kNoService},
    {Kind::Sharing, rc::kSharingViolation},
    {Kind::Timeout, rc::kTimeout},
    {Kind::Other, rc::kCommDataLost},
};

Dword transport_code(Kind kind) {
    for (const auto& [k, code] : kTransportErrors)
        if (k == kind) return code;
    return rc::kCommDataLost;
}

}  // namespace

Dword scard_code(const card::CardError& error) {
    if (error.kind() == ErrorKind::Transport)
        return transport_code(error.transport_kind().value_or(Kind::Other));
    for (const auto& [kind, code] : kCardErrors)
        if (kind == error.kind()) return code;
    return rc::kUnexpected;
}

Dword scard_code(std::exception_ptr error) noexcept {
    try {
        std::rethrow_exception(error);
    } catch (const MdError& e) {
        return e.code();
    } catch (const card::CardError& e) {
        return scard_code(e);
    } catch (const apdu::TransportError& e) {
        return transport_code(e.kind());
    } catch (const std::bad_alloc&) {
        return rc::kNoMemory;
    } catch (...) {
        return rc::kUnexpected;
    }
}

}  // namespace carta::md
