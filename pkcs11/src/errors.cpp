#include "errors.hpp"

#include <array>
#include <cstdio>
#include <new>
#include <utility>

namespace carta::pkcs11 {
namespace {

using card::ErrorKind;

// How each kind of card error reads to a PKCS#11 application.
constexpr std::array<std::pair<ErrorKind, CK_RV>, 16> kCardErrors{{
    {ErrorKind::CodeIncorrect, CKR_PIN_INCORRECT},
    {ErrorKind::CodeBlocked, CKR_PIN_LOCKED},
    {ErrorKind::CodeNotSet, CKR_USER_PIN_NOT_INITIALIZED},
    {ErrorKind::CodeLength, CKR_PIN_LEN_RANGE},
    {ErrorKind::NotAuthenticated, CKR_USER_NOT_LOGGED_IN},
    {ErrorKind::WrongState, CKR_FUNCTION_FAILED},
    {ErrorKind::NotAllowed, CKR_ACTION_PROHIBITED},
    {ErrorKind::NotFound, CKR_OBJECT_HANDLE_INVALID},
    {ErrorKind::AlreadyExists, CKR_FUNCTION_FAILED},
    {ErrorKind::NoSpace, CKR_DEVICE_MEMORY},
    {ErrorKind::InvalidData, CKR_DATA_INVALID},
    {ErrorKind::CardMemory, CKR_DEVICE_MEMORY},
    {ErrorKind::NotSupported, CKR_DEVICE_ERROR},
    {ErrorKind::Transport, CKR_DEVICE_ERROR},
    {ErrorKind::AnswerLost, CKR_DEVICE_ERROR},
    {ErrorKind::Unexpected, CKR_DEVICE_ERROR},
}};

using TransportKind = apdu::TransportError::Kind;
constexpr std::array<std::pair<TransportKind, CK_RV>, 8> kTransportErrors{{
    {TransportKind::NoReader, CKR_DEVICE_REMOVED},
    {TransportKind::NoCard, CKR_TOKEN_NOT_PRESENT},
    {TransportKind::CardRemoved, CKR_DEVICE_REMOVED},
    {TransportKind::CardReset, CKR_DEVICE_ERROR},
    {TransportKind::ServiceGone, CKR_DEVICE_ERROR},
    {TransportKind::Sharing, CKR_DEVICE_ERROR},
    {TransportKind::Timeout, CKR_DEVICE_ERROR},
    {TransportKind::Other, CKR_DEVICE_ERROR},
}};

#define CARTA_RV(name) \
    { name, #name }
constexpr std::pair<CK_RV, const char*> kNames[] = {
    CARTA_RV(CKR_OK),
    CARTA_RV(CKR_CANCEL),
    CARTA_RV(CKR_HOST_MEMORY),
    CARTA_RV(CKR_SLOT_ID_INVALID),
    CARTA_RV(CKR_GENERAL_ERROR),
    CARTA_RV(CKR_FUNCTION_FAILED),
    CARTA_RV(CKR_ARGUMENTS_BAD),
    CARTA_RV(CKR_NO_EVENT),
    CARTA_RV(CKR_NEED_TO_CREATE_THREADS),
    CARTA_RV(CKR_CANT_LOCK),
    CARTA_RV(CKR_ATTRIBUTE_READ_ONLY),
    CARTA_RV(CKR_ATTRIBUTE_SENSITIVE),
    CARTA_RV(CKR_ATTRIBUTE_TYPE_INVALID),
    CARTA_RV(CKR_ATTRIBUTE_VALUE_INVALID),
    CARTA_RV(CKR_ACTION_PROHIBITED),
    CARTA_RV(CKR_DATA_INVALID),
    CARTA_RV(CKR_DATA_LEN_RANGE),
    CARTA_RV(CKR_DEVICE_ERROR),
    CARTA_RV(CKR_DEVICE_MEMORY),
    CARTA_RV(CKR_DEVICE_REMOVED),
    CARTA_RV(CKR_ENCRYPTED_DATA_INVALID),
    CARTA_RV(CKR_ENCRYPTED_DATA_LEN_RANGE),
    CARTA_RV(CKR_FUNCTION_CANCELED),
    CARTA_RV(CKR_FUNCTION_NOT_PARALLEL),
    CARTA_RV(CKR_FUNCTION_NOT_SUPPORTED),
    CARTA_RV(CKR_KEY_HANDLE_INVALID),
    CARTA_RV(CKR_KEY_SIZE_RANGE),
    CARTA_RV(CKR_KEY_TYPE_INCONSISTENT),
    CARTA_RV(CKR_KEY_FUNCTION_NOT_PERMITTED),
    CARTA_RV(CKR_MECHANISM_INVALID),
    CARTA_RV(CKR_MECHANISM_PARAM_INVALID),
    CARTA_RV(CKR_OBJECT_HANDLE_INVALID),
    CARTA_RV(CKR_OPERATION_ACTIVE),
    CARTA_RV(CKR_OPERATION_NOT_INITIALIZED),
    CARTA_RV(CKR_PIN_INCORRECT),
    CARTA_RV(CKR_PIN_INVALID),
    CARTA_RV(CKR_PIN_LEN_RANGE),
    CARTA_RV(CKR_PIN_EXPIRED),
    CARTA_RV(CKR_PIN_LOCKED),
    CARTA_RV(CKR_SESSION_CLOSED),
    CARTA_RV(CKR_SESSION_COUNT),
    CARTA_RV(CKR_SESSION_HANDLE_INVALID),
    CARTA_RV(CKR_SESSION_PARALLEL_NOT_SUPPORTED),
    CARTA_RV(CKR_SESSION_READ_ONLY),
    CARTA_RV(CKR_SESSION_EXISTS),
    CARTA_RV(CKR_SESSION_READ_ONLY_EXISTS),
    CARTA_RV(CKR_SESSION_READ_WRITE_SO_EXISTS),
    CARTA_RV(CKR_SIGNATURE_INVALID),
    CARTA_RV(CKR_SIGNATURE_LEN_RANGE),
    CARTA_RV(CKR_TEMPLATE_INCOMPLETE),
    CARTA_RV(CKR_TEMPLATE_INCONSISTENT),
    CARTA_RV(CKR_TOKEN_NOT_PRESENT),
    CARTA_RV(CKR_TOKEN_NOT_RECOGNIZED),
    CARTA_RV(CKR_TOKEN_WRITE_PROTECTED),
    CARTA_RV(CKR_UNWRAPPING_KEY_HANDLE_INVALID),
    CARTA_RV(CKR_USER_ALREADY_LOGGED_IN),
    CARTA_RV(CKR_USER_NOT_LOGGED_IN),
    CARTA_RV(CKR_USER_PIN_NOT_INITIALIZED),
    CARTA_RV(CKR_USER_TYPE_INVALID),
    CARTA_RV(CKR_USER_ANOTHER_ALREADY_LOGGED_IN),
    CARTA_RV(CKR_USER_TOO_MANY_TYPES),
    CARTA_RV(CKR_RANDOM_SEED_NOT_SUPPORTED),
    CARTA_RV(CKR_RANDOM_NO_RNG),
    CARTA_RV(CKR_DOMAIN_PARAMS_INVALID),
    CARTA_RV(CKR_CURVE_NOT_SUPPORTED),
    CARTA_RV(CKR_BUFFER_TOO_SMALL),
    CARTA_RV(CKR_SAVED_STATE_INVALID),
    CARTA_RV(CKR_INFORMATION_SENSITIVE),
    CARTA_RV(CKR_STATE_UNSAVEABLE),
    CARTA_RV(CKR_CRYPTOKI_NOT_INITIALIZED),
    CARTA_RV(CKR_CRYPTOKI_ALREADY_INITIALIZED),
    CARTA_RV(CKR_MUTEX_BAD),
    CARTA_RV(CKR_MUTEX_NOT_LOCKED),
    CARTA_RV(CKR_FUNCTION_REJECTED),
};
#undef CARTA_RV

}  // namespace

Pkcs11Error::Pkcs11Error(CK_RV rv, const std::string& why)
    : std::runtime_error(why.empty() ? rv_name(rv) : why), rv_(rv) {}

void fail(CK_RV rv, const std::string& why) {
    throw Pkcs11Error(rv, why);
}

CK_RV rv_for(const card::CardError& error) {
    for (const auto& [kind, rv] : kCardErrors)
        if (kind == error.kind()) return rv;
    return CKR_DEVICE_ERROR;
}

CK_RV rv_for(const apdu::TransportError& error) {
    for (const auto& [kind, rv] : kTransportErrors)
        if (kind == error.kind()) return rv;
    return CKR_DEVICE_ERROR;
}

std::string rv_name(CK_RV rv) {
    for (const auto& [value, name] : kNames)
        if (value == rv) return name;
    char text[32];
    std::snprintf(text, sizeof text, "CKR_0x%08lX", static_cast<unsigned long>(rv));
    return text;
}

CK_RV rv_for_current_exception(std::string& detail) noexcept {
    try {
        try {
            throw;
        } catch (const Pkcs11Error& e) {
            detail = e.what();
            return e.rv();
        } catch (const card::CardError& e) {
            detail = e.what();
            return rv_for(e);
        } catch (const apdu::TransportError& e) {
            detail = e.what();
            return rv_for(e);
        } catch (const std::bad_alloc&) {
            detail = "out of memory";
            return CKR_HOST_MEMORY;
        } catch (const std::exception& e) {
            detail = e.what();
            return CKR_GENERAL_ERROR;
        } catch (...) {
            detail = "unknown exception";
            return CKR_GENERAL_ERROR;
        }
    } catch (...) {  // copying a message failed (bad_alloc)
        return CKR_GENERAL_ERROR;
    }
}

}  // namespace carta::pkcs11
