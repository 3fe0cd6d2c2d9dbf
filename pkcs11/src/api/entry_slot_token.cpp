// PKCS#11 §5.5 Slot and token management: C_GetSlotList, C_GetSlotInfo,
// C_GetTokenInfo, C_WaitForSlotEvent, C_GetMechanismList, C_GetMechanismInfo,
// C_InitToken, C_InitPIN, C_SetPIN.
#include <string_view>

#include "call.hpp"
#include "codes.hpp"
#include "guard.hpp"
#include "mechanisms.hpp"

namespace carta::pkcs11 {
namespace {

CK_RV get_slot_list(CK_BBOOL token_present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
    if (count == nullptr) fail(CKR_ARGUMENTS_BAD);
    const auto slots = module()->slots().slot_list(token_present != CK_FALSE, list == nullptr);
    if (list == nullptr) {
        *count = slots.size();
        return CKR_OK;
    }
    if (*count < slots.size()) {
        *count = slots.size();
        return CKR_BUFFER_TOO_SMALL;
    }
    std::copy(slots.begin(), slots.end(), list);
    *count = slots.size();
    return CKR_OK;
}

CK_RV get_slot_info(CK_SLOT_ID id, CK_SLOT_INFO_PTR info) {
    if (info == nullptr) fail(CKR_ARGUMENTS_BAD);
    auto m = module();
    Slot slot = m->slot(id);
    m->slots().refresh(false);
    *info = slot.slot_info();
    return CKR_OK;
}

CK_RV get_token_info(CK_SLOT_ID id, CK_TOKEN_INFO_PTR info) {
    if (info == nullptr) fail(CKR_ARGUMENTS_BAD);
    auto m = module();
    Slot slot = m->slot(id);
    m->slots().refresh(false);
    const auto counts = m->sessions().count(id);
    *info = slot.token_info({counts.all, counts.read_write});
    return CKR_OK;
}

CK_RV wait_for_slot_event(CK_FLAGS flags, CK_SLOT_ID_PTR slot, CK_VOID_PTR reserved) {
    if (slot == nullptr || reserved != nullptr) fail(CKR_ARGUMENTS_BAD);
    auto m = module();
    const auto event = m->slots().wait_for_event((flags & CKF_DONT_BLOCK) == 0);
    if (m->finalizing()) fail(CKR_CRYPTOKI_NOT_INITIALIZED, "C_Finalize was called");
    if (!event) fail(CKR_NO_EVENT);
    *slot = *event;
    return CKR_OK;
}

CK_RV get_mechanism_list(CK_SLOT_ID id, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count) {
    if (count == nullptr) fail(CKR_ARGUMENTS_BAD);
    auto m = module();
    Slot slot = m->slot(id);
    if (!slot.token_present()) fail(CKR_TOKEN_NOT_PRESENT);
    std::vector<CK_MECHANISM_TYPE> types;
    for (const auto& spec : all_mechanisms())
        if (offered_on(spec, slot.profile())) types.push_back(spec.type);
    if (list == nullptr) {
        *count = types.size();
        return CKR_OK;
    }
    if (*count < types.size()) {
        *count = types.size();
        return CKR_BUFFER_TOO_SMALL;
    }
    std::copy(types.begin(), types.end(), list);
    *count = types.size();
    return CKR_OK;
}

CK_RV get_mechanism_info(CK_SLOT_ID id, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info) {
    if (info == nullptr) fail(CKR_ARGUMENTS_BAD);
    auto m = module();
    Slot slot = m->slot(id);
    if (!slot.token_present()) fail(CKR_TOKEN_NOT_PRESENT);
    const MechanismSpec* spec = find_mechanism(type);
    if (spec == nullptr || !offered_on(*spec, slot.profile())) fail(CKR_MECHANISM_INVALID);
    *info = mechanism_info(*spec);
    return CKR_OK;
}

CK_RV init_token(CK_SLOT_ID id, CK_UTF8CHAR_PTR so_pin, CK_ULONG so_pin_length, CK_UTF8CHAR_PTR label) {
    if (label == nullptr) fail(CKR_ARGUMENTS_BAD);
    auto m = module();
    Slot slot = m->slot(id);
    if (!slot.token_present()) fail(CKR_TOKEN_NOT_PRESENT);
    if (m->sessions().count(id).all != 0) fail(CKR_SESSION_EXISTS);
    const auto code = code_from(so_pin, so_pin_length);
    slot.init_token(code, std::string_view(reinterpret_cast<const char*>(label), 32));
    return CKR_OK;
}

CK_RV init_pin(CK_SESSION_HANDLE handle, CK_UTF8CHAR_PTR pin, CK_ULONG length) {
    SessionCall call(handle);
    call.require_read_write();
    call.slot().init_pin(code_from(pin, length));
    return CKR_OK;
}

CK_RV set_pin(CK_SESSION_HANDLE handle, CK_UTF8CHAR_PTR old_pin, CK_ULONG old_length, CK_UTF8CHAR_PTR new_pin,
              CK_ULONG new_length) {
    SessionCall call(handle);
    call.require_read_write();
    call.slot().set_pin(code_from(old_pin, old_length), code_from(new_pin, new_length));
    return CKR_OK;
}

}  // namespace
}  // namespace carta::pkcs11

using namespace carta::pkcs11;

CK_RV C_GetSlotList(CK_BBOOL token_present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
    return guarded("C_GetSlotList", [&] { return get_slot_list(token_present, list, count); });
}

CK_RV C_GetSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info) {
    return guarded("C_GetSlotInfo", [&] { return get_slot_info(slot, info); });
}

CK_RV C_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
    return guarded("C_GetTokenInfo", [&] { return get_token_info(slot, info); });
}

CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR slot, CK_VOID_PTR reserved) {
    return guarded("C_WaitForSlotEvent", [&] { return wait_for_slot_event(flags, slot, reserved); });
}

CK_RV C_GetMechanismList(CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count) {
    return guarded("C_GetMechanismList", [&] { return get_mechanism_list(slot, list, count); });
}

CK_RV C_GetMechanismInfo(CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info) {
    return guarded("C_GetMechanismInfo", [&] { return get_mechanism_info(slot, type, info); });
}

CK_RV C_InitToken(CK_SLOT_ID slot, CK_UTF8CHAR_PTR so_pin, CK_ULONG so_pin_length, CK_UTF8CHAR_PTR label) {
    return guarded("C_InitToken", [&] { return init_token(slot, so_pin, so_pin_length, label); });
}

CK_RV C_InitPIN(CK_SESSION_HANDLE session, CK_UTF8CHAR_PTR pin, CK_ULONG length) {
    return guarded("C_InitPIN", [&] { return init_pin(session, pin, length); });
}

CK_RV C_SetPIN(CK_SESSION_HANDLE session, CK_UTF8CHAR_PTR old_pin, CK_ULONG old_length,
               CK_UTF8CHAR_PTR new_pin, CK_ULONG new_length) {
    return guarded("C_SetPIN", [&] { return set_pin(session, old_pin, old_length, new_pin, new_length); });
}
