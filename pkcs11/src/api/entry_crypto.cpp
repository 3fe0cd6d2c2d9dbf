// PKCS#11 §5.8-5.13 Encryption, decryption, message digesting, signing and
// verifying (and the recover and dual-function variants, which the module
// does not offer). Each *Init finds the mechanism's row (mechanisms.hpp) and
// puts the operation its family starts into the session; the output rules
// (NULL buffer = length query, short buffer = CKR_BUFFER_TOO_SMALL with the
// operation still active, any other error ends it) are applied in one place:
// deliver().
#include <array>
#include <optional>
#include <stdexcept>
#include <utility>

#include "call.hpp"
#include "guard.hpp"
#include "mechanisms.hpp"
#include "operations.hpp"
#include "template.hpp"

namespace carta::pkcs11 {
namespace {

ByteView input_of(CK_BYTE_PTR data, CK_ULONG length) {
    if (data == nullptr && length > 0) fail(CKR_ARGUMENTS_BAD);
    if (!fits_in_memory(data, length)) fail(CKR_ARGUMENTS_BAD, "a buffer length past the end of memory");
    return data == nullptr ? ByteView{} : ByteView(data, length);
}

// Where a session keeps the operation of each use that has output.
constexpr std::array<std::pair<Use, std::unique_ptr<OutputOperation> Session::*>, 4> kOutputSlots{{
    {Use::Sign, &Session::sign},
    {Use::Encrypt, &Session::encrypt},
    {Use::Decrypt, &Session::decrypt},
    {Use::Digest, &Session::digest},
}};

std::unique_ptr<OutputOperation>& output_slot(Session& session, Use use) {
    for (const auto& [output, slot] : kOutputSlots)
        if (output == use) return session.*slot;
    throw std::logic_error("verification has no output");
}

// The key for an operation, checked against the mechanism table.
ObjectRef usable_key(SessionCall& call, CK_OBJECT_HANDLE handle, const MechanismSpec& spec, Use use) {
    if (slot_of_handle(handle) != call.session().slot()) fail(CKR_KEY_HANDLE_INVALID);
    auto store = call.slot().objects(false);
    const Object* key = call.slot().find_object(*store, handle);
    if (key == nullptr) call.object_missing(CKR_KEY_HANDLE_INVALID);
    if (!key->is_key()) fail(CKR_KEY_HANDLE_INVALID);
    const bool needs_private = use == Use::Sign || use == Use::Decrypt;
    if (needs_private && !key->is_private()) fail(CKR_KEY_TYPE_INCONSISTENT, "a private key is needed");
    if (family_of(*key) != spec.family)
        fail(CKR_KEY_TYPE_INCONSISTENT, "the mechanism is for another key type");
    if (key->key_bits < spec.min_key_bits || key->key_bits > spec.max_key_bits) fail(CKR_KEY_SIZE_RANGE);
    const bool signing = use == Use::Sign || use == Use::Verify;
    if (signing ? !key->can_sign() : !key->can_decipher())
        fail(CKR_KEY_FUNCTION_NOT_PERMITTED, "the key's usage does not allow this");
    return ObjectRef(std::move(store), *key);
}

CK_RV output_init(CK_SESSION_HANDLE handle, Use use, CK_MECHANISM_PTR mechanism,
                  CK_OBJECT_HANDLE key_handle) {
    if (mechanism == nullptr) fail(CKR_ARGUMENTS_BAD);
    SessionCall call(handle);
    auto& active = output_slot(call.session(), use);
    if (active) fail(CKR_OPERATION_ACTIVE);
    const MechanismSpec* spec = find_mechanism(mechanism->mechanism);
    if (spec == nullptr || !offers(*spec, use)) fail(CKR_MECHANISM_INVALID);
    std::optional<ObjectRef> key;
    if (use != Use::Digest) key = usable_key(call, key_handle, *spec, use);
    active = start_output(*spec, use, *mechanism, key ? key->get() : nullptr);
    return CKR_OK;
}

// Produces the operation's output into the application's buffer (§5.2).
template <typename Feed>
CK_RV deliver(SessionCall& call, Use use, CK_BYTE_PTR out, CK_ULONG_PTR out_length, Feed&& feed) {
    auto& active = output_slot(call.session(), use);
    if (!active) fail(CKR_OPERATION_NOT_INITIALIZED);
    try {
        OutputOperation& operation = *active;
        if (!operation.pending) {
            const OutputSize size = operation.output_size();
            if (out == nullptr) {
                *out_length = size.bytes;
                return CKR_OK;
            }
            if (size.exact && *out_length < size.bytes) {
                *out_length = size.bytes;
                return CKR_BUFFER_TOO_SMALL;
            }
            feed(operation);
            operation.pending = operation.finish(call.slot());
        }
        const CK_RV rv = copy_out(operation.pending->view(), out, out_length);
        if (rv == CKR_OK && out != nullptr) active.reset();  // delivered: the operation is over
        return rv;
    } catch (...) {
        active.reset();
        throw;
    }
}

CK_RV run(CK_SESSION_HANDLE handle, Use use, CK_BYTE_PTR data, CK_ULONG length, CK_BYTE_PTR out,
          CK_ULONG_PTR out_length) {
    if (out_length == nullptr) fail(CKR_ARGUMENTS_BAD);
    const ByteView input = input_of(data, length);
    SessionCall call(handle);
    return deliver(call, use, out, out_length, [&](OutputOperation& operation) { operation.update(input); });
}

CK_RV update(CK_SESSION_HANDLE handle, Use use, CK_BYTE_PTR part, CK_ULONG length) {
    const ByteView input = input_of(part, length);
    SessionCall call(handle);
    auto& active = output_slot(call.session(), use);
    if (!active) fail(CKR_OPERATION_NOT_INITIALIZED);
    try {
        active->update(input);
    } catch (...) {
        active.reset();
        throw;
    }
    return CKR_OK;
}

// C_EncryptUpdate / C_DecryptUpdate: RSA has no partial output; all of it comes with *Final.
CK_RV update_with_output(CK_SESSION_HANDLE handle, Use use, CK_BYTE_PTR part, CK_ULONG length,
                         CK_ULONG_PTR out_length) {
    if (out_length == nullptr) fail(CKR_ARGUMENTS_BAD);
    const CK_RV rv = update(handle, use, part, length);
    *out_length = 0;
    return rv;
}

CK_RV finish(CK_SESSION_HANDLE handle, Use use, CK_BYTE_PTR out, CK_ULONG_PTR out_length) {
    if (out_length == nullptr) fail(CKR_ARGUMENTS_BAD);
    SessionCall call(handle);
    return deliver(call, use, out, out_length, [](OutputOperation&) {});
}

CK_RV verify_init(CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key_handle) {
    if (mechanism == nullptr) fail(CKR_ARGUMENTS_BAD);
    SessionCall call(handle);
    if (call.session().verify) fail(CKR_OPERATION_ACTIVE);
    const MechanismSpec* spec = find_mechanism(mechanism->mechanism);
    if (spec == nullptr || !offers(*spec, Use::Verify)) fail(CKR_MECHANISM_INVALID);
    const ObjectRef key_ref = usable_key(call, key_handle, *spec, Use::Verify);
    const Object& key = *key_ref;
    call.session().verify = start_verify(*spec, *mechanism, key);
    return CKR_OK;
}

// An error ends the verification; so does its last step (`last`), whatever the outcome.
template <typename Body>
CK_RV with_verify(CK_SESSION_HANDLE handle, bool last, Body&& body) {
    SessionCall call(handle);
    auto& active = call.session().verify;
    if (!active) fail(CKR_OPERATION_NOT_INITIALIZED);
    try {
        body(*active);
    } catch (...) {
        active.reset();
        throw;
    }
    if (last) active.reset();
    return CKR_OK;
}

CK_RV verify(CK_SESSION_HANDLE handle, CK_BYTE_PTR data, CK_ULONG length, CK_BYTE_PTR signature,
             CK_ULONG signature_length) {
    const ByteView input = input_of(data, length);
    const ByteView sig = input_of(signature, signature_length);
    return with_verify(handle, true, [&](VerifyOperation& operation) {
        operation.update(input);
        operation.finish(sig);
    });
}

CK_RV verify_update(CK_SESSION_HANDLE handle, CK_BYTE_PTR part, CK_ULONG length) {
    const ByteView input = input_of(part, length);
    return with_verify(handle, false, [&](VerifyOperation& operation) { operation.update(input); });
}

CK_RV verify_final(CK_SESSION_HANDLE handle, CK_BYTE_PTR signature, CK_ULONG signature_length) {
    const ByteView sig = input_of(signature, signature_length);
    return with_verify(handle, true, [&](VerifyOperation& operation) { operation.finish(sig); });
}

CK_RV digest_key(CK_SESSION_HANDLE handle) {
    SessionCall call(handle);
    if (!call.session().digest) fail(CKR_OPERATION_NOT_INITIALIZED);
    call.session().digest.reset();
    fail(CKR_KEY_INDIGESTIBLE, "keys on the card cannot be digested");
}

}  // namespace
}  // namespace carta::pkcs11

using namespace carta::pkcs11;

CK_RV C_EncryptInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key) {
    return guarded("C_EncryptInit", [&] { return output_init(s, Use::Encrypt, m, key); });
}
CK_RV C_Encrypt(CK_SESSION_HANDLE s, CK_BYTE_PTR data, CK_ULONG n, CK_BYTE_PTR out, CK_ULONG_PTR out_n) {
    return guarded("C_Encrypt", [&] { return run(s, Use::Encrypt, data, n, out, out_n); });
}
CK_RV C_EncryptUpdate(CK_SESSION_HANDLE s, CK_BYTE_PTR part, CK_ULONG n, CK_BYTE_PTR, CK_ULONG_PTR out_n) {
    return guarded("C_EncryptUpdate", [&] { return update_with_output(s, Use::Encrypt, part, n, out_n); });
}
CK_RV C_EncryptFinal(CK_SESSION_HANDLE s, CK_BYTE_PTR out, CK_ULONG_PTR out_n) {
    return guarded("C_EncryptFinal", [&] { return finish(s, Use::Encrypt, out, out_n); });
}

CK_RV C_DecryptInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key) {
    return guarded("C_DecryptInit", [&] { return output_init(s, Use::Decrypt, m, key); });
}
CK_RV C_Decrypt(CK_SESSION_HANDLE s, CK_BYTE_PTR data, CK_ULONG n, CK_BYTE_PTR out, CK_ULONG_PTR out_n) {
    return guarded("C_Decrypt", [&] { return run(s, Use::Decrypt, data, n, out, out_n); });
}
CK_RV C_DecryptUpdate(CK_SESSION_HANDLE s, CK_BYTE_PTR part, CK_ULONG n, CK_BYTE_PTR, CK_ULONG_PTR out_n) {
    return guarded("C_DecryptUpdate", [&] { return update_with_output(s, Use::Decrypt, part, n, out_n); });
}
CK_RV C_DecryptFinal(CK_SESSION_HANDLE s, CK_BYTE_PTR out, CK_ULONG_PTR out_n) {
    return guarded("C_DecryptFinal", [&] { return finish(s, Use::Decrypt, out, out_n); });
}

CK_RV C_DigestInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m) {
    return guarded("C_DigestInit", [&] { return output_init(s, Use::Digest, m, CK_INVALID_HANDLE); });
}
CK_RV C_Digest(CK_SESSION_HANDLE s, CK_BYTE_PTR data, CK_ULONG n, CK_BYTE_PTR out, CK_ULONG_PTR out_n) {
    return guarded("C_Digest", [&] { return run(s, Use::Digest, data, n, out, out_n); });
}
CK_RV C_DigestUpdate(CK_SESSION_HANDLE s, CK_BYTE_PTR part, CK_ULONG n) {
    return guarded("C_DigestUpdate", [&] { return update(s, Use::Digest, part, n); });
}
CK_RV C_DigestKey(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE) {
    return guarded("C_DigestKey", [&] { return digest_key(s); });
}
CK_RV C_DigestFinal(CK_SESSION_HANDLE s, CK_BYTE_PTR out, CK_ULONG_PTR out_n) {
    return guarded("C_DigestFinal", [&] { return finish(s, Use::Digest, out, out_n); });
}

CK_RV C_SignInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key) {
    return guarded("C_SignInit", [&] { return output_init(s, Use::Sign, m, key); });
}
CK_RV C_Sign(CK_SESSION_HANDLE s, CK_BYTE_PTR data, CK_ULONG n, CK_BYTE_PTR out, CK_ULONG_PTR out_n) {
    return guarded("C_Sign", [&] { return run(s, Use::Sign, data, n, out, out_n); });
}
CK_RV C_SignUpdate(CK_SESSION_HANDLE s, CK_BYTE_PTR part, CK_ULONG n) {
    return guarded("C_SignUpdate", [&] { return update(s, Use::Sign, part, n); });
}
CK_RV C_SignFinal(CK_SESSION_HANDLE s, CK_BYTE_PTR out, CK_ULONG_PTR out_n) {
    return guarded("C_SignFinal", [&] { return finish(s, Use::Sign, out, out_n); });
}
CK_RV C_SignRecoverInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR, CK_OBJECT_HANDLE) {
    return guarded("C_SignRecoverInit", [&] { return after_session_check(s, CKR_FUNCTION_NOT_SUPPORTED); });
}
CK_RV C_SignRecover(CK_SESSION_HANDLE s, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_SignRecover", [&] { return after_session_check(s, CKR_FUNCTION_NOT_SUPPORTED); });
}

CK_RV C_VerifyInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key) {
    return guarded("C_VerifyInit", [&] { return verify_init(s, m, key); });
}
CK_RV C_Verify(CK_SESSION_HANDLE s, CK_BYTE_PTR data, CK_ULONG n, CK_BYTE_PTR sig, CK_ULONG sig_n) {
    return guarded("C_Verify", [&] { return verify(s, data, n, sig, sig_n); });
}
CK_RV C_VerifyUpdate(CK_SESSION_HANDLE s, CK_BYTE_PTR part, CK_ULONG n) {
    return guarded("C_VerifyUpdate", [&] { return verify_update(s, part, n); });
}
CK_RV C_VerifyFinal(CK_SESSION_HANDLE s, CK_BYTE_PTR sig, CK_ULONG sig_n) {
    return guarded("C_VerifyFinal", [&] { return verify_final(s, sig, sig_n); });
}
CK_RV C_VerifyRecoverInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR, CK_OBJECT_HANDLE) {
    return guarded("C_VerifyRecoverInit", [&] { return after_session_check(s, CKR_FUNCTION_NOT_SUPPORTED); });
}
CK_RV C_VerifyRecover(CK_SESSION_HANDLE s, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_VerifyRecover", [&] { return after_session_check(s, CKR_FUNCTION_NOT_SUPPORTED); });
}

CK_RV C_DigestEncryptUpdate(CK_SESSION_HANDLE s, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_DigestEncryptUpdate",
                   [&] { return after_session_check(s, CKR_FUNCTION_NOT_SUPPORTED); });
}
CK_RV C_DecryptDigestUpdate(CK_SESSION_HANDLE s, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_DecryptDigestUpdate",
                   [&] { return after_session_check(s, CKR_FUNCTION_NOT_SUPPORTED); });
}
CK_RV C_SignEncryptUpdate(CK_SESSION_HANDLE s, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_SignEncryptUpdate", [&] { return after_session_check(s, CKR_FUNCTION_NOT_SUPPORTED); });
}
CK_RV C_DecryptVerifyUpdate(CK_SESSION_HANDLE s, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_DecryptVerifyUpdate",
                   [&] { return after_session_check(s, CKR_FUNCTION_NOT_SUPPORTED); });
}
