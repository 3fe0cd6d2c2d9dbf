// PKCS#11 §5.7 Object management: C_CreateObject, C_CopyObject,
// C_DestroyObject, C_GetObjectSize, C_GetAttributeValue, C_SetAttributeValue,
// C_FindObjectsInit, C_FindObjects, C_FindObjectsFinal.
#include <algorithm>

#include "attributes.hpp"
#include "call.hpp"
#include "carta/card/openssl.hpp"
#include "guard.hpp"

namespace carta::pkcs11 {
namespace {

// The object a handle names, if the session may see it now.
ObjectRef object_of(SessionCall& call, CK_OBJECT_HANDLE handle) {
    if (slot_of_handle(handle) != call.session().slot()) fail(CKR_OBJECT_HANDLE_INVALID);
    auto store = call.slot().objects(false, Slot::wanted_for_handle(handle));
    const Object* object = call.slot().find_object(*store, handle);
    if (object == nullptr) call.object_missing(CKR_OBJECT_HANDLE_INVALID);
    return ObjectRef(std::move(store), *object);
}

std::string text_of(const Bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

// Certificates are the only objects an application can create: keys come
// from C_GenerateKeyPair, and the card stores nothing else.
CK_RV create_object(CK_SESSION_HANDLE handle, CK_ATTRIBUTE_PTR attributes, CK_ULONG count,
                    CK_OBJECT_HANDLE_PTR out) {
    if (out == nullptr) fail(CKR_ARGUMENTS_BAD);
    SessionCall call(handle);
    const Template t(attributes, count);
    const auto object_class = t.ulong(CKA_CLASS);
    if (!object_class) fail(CKR_TEMPLATE_INCOMPLETE, "CKA_CLASS missing");
    if (*object_class != CKO_CERTIFICATE)
        fail(CKR_ATTRIBUTE_VALUE_INVALID, "only certificates can be created");
    if (t.ulong(CKA_CERTIFICATE_TYPE).value_or(CKC_X_509) != CKC_X_509)
        fail(CKR_ATTRIBUTE_VALUE_INVALID, "only X.509 certificates");
    for (const auto& attribute : t.all())
        if (!has_attribute(ObjectKind::Certificate, CKK_RSA, attribute.type))
            fail(CKR_ATTRIBUTE_TYPE_INVALID, "not an attribute of certificates");
    if (t.boolean(CKA_TOKEN) == false) fail(CKR_TEMPLATE_INCONSISTENT, "session objects are not supported");
    if (t.boolean(CKA_PRIVATE) == true)
        fail(CKR_TEMPLATE_INCONSISTENT, "certificates on the card are public");
    const auto der = t.bytes(CKA_VALUE);
    if (!der || der->empty()) fail(CKR_TEMPLATE_INCOMPLETE, "CKA_VALUE missing");
    try {
        (void)ossl::parse_certificate_der(*der);
    } catch (const std::invalid_argument& e) {
        fail(CKR_ATTRIBUTE_VALUE_INVALID, e.what());
    }
    // CKA_ID, CKA_SUBJECT, CKA_ISSUER, CKA_SERIAL_NUMBER follow from the
    // certificate itself: the card links it to the key whose public key it holds.
    const bool is_ca = t.ulong(CKA_CERTIFICATE_CATEGORY) == CK_ULONG{2} || t.boolean(CKA_TRUSTED) == true;
    call.require_read_write();
    if (call.slot().login() != Login::User)
        fail(CKR_USER_NOT_LOGGED_IN, "the card stores objects after the PIN");
    *out = call.slot().write_certificate(*der, text_of(t.bytes(CKA_LABEL).value_or(Bytes{})), is_ca);
    return CKR_OK;
}

CK_RV copy_object(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object_handle, CK_OBJECT_HANDLE_PTR out) {
    if (out == nullptr) fail(CKR_ARGUMENTS_BAD);
    SessionCall call(handle);
    (void)object_of(call, object_handle);
    fail(CKR_ACTION_PROHIBITED, "objects on the card are not copyable (CKA_COPYABLE false)");
}

CK_RV destroy_object(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object_handle) {
    SessionCall call(handle);
    const ObjectRef object_ref = object_of(call, object_handle);
    const Object& object = *object_ref;
    call.require_read_write();
    // A key pair is one file on the card: destroying either half destroys both.
    call.slot().destroy(object);
    return CKR_OK;
}

CK_RV get_object_size(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object_handle, CK_ULONG_PTR size) {
    if (size == nullptr) fail(CKR_ARGUMENTS_BAD);
    SessionCall call(handle, SessionCall::Access::Shared);
    (void)object_of(call, object_handle);
    *size = CK_UNAVAILABLE_INFORMATION;
    return CKR_OK;
}

CK_RV get_attribute_value(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object_handle,
                          CK_ATTRIBUTE_PTR attributes, CK_ULONG count) {
    if (attributes == nullptr && count > 0) fail(CKR_ARGUMENTS_BAD);
    if (!fits_in_memory(attributes, count, sizeof(CK_ATTRIBUTE))) fail(CKR_ARGUMENTS_BAD);
    SessionCall call(handle, SessionCall::Access::Shared);
    return get_attribute_values(*object_of(call, object_handle), attributes, count);
}

// Only CKA_LABEL can change on the card (the object's name). CKA_ID is the
// card's key reference: "setting" it to its own value is fine, anything else
// is read-only, as is every other attribute.
CK_RV set_attribute_value(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object_handle,
                          CK_ATTRIBUTE_PTR attributes, CK_ULONG count) {
    SessionCall call(handle);
    const Template t(attributes, count);
    const ObjectRef object_ref = object_of(call, object_handle);
    const Object& object = *object_ref;
    call.require_read_write();
    if (!object.modifiable())
        fail(CKR_ACTION_PROHIBITED, "the object cannot be modified (CKA_MODIFIABLE false)");
    std::optional<std::string> label;
    for (const auto& attribute : t.all()) {
        const auto current = read_attribute(object, attribute.type);
        if (current.result == AttributeRead::Result::Invalid) fail(CKR_ATTRIBUTE_TYPE_INVALID);
        const Bytes wanted = t.bytes(attribute.type).value_or(Bytes{});
        if (attribute.type == CKA_LABEL) {
            label = text_of(wanted);
        } else if (current.result != AttributeRead::Result::Value || current.value != wanted) {
            fail(CKR_ATTRIBUTE_READ_ONLY, "only CKA_LABEL can be changed on the card");
        }
    }
    if (label && *label != object.label) call.slot().rename(object, *label);
    return CKR_OK;
}

CK_RV find_objects_init(CK_SESSION_HANDLE handle, CK_ATTRIBUTE_PTR attributes, CK_ULONG count) {
    SessionCall call(handle);
    const Template t(attributes, count);
    if (call.session().find) fail(CKR_OPERATION_ACTIVE);
    const auto store = call.slot().objects(true, Slot::wanted_for_class(t.ulong(CKA_CLASS)));
    auto find = std::make_unique<Session::Find>();
    for (const auto& object : store->objects())
        if (call.slot().find_object(*store, object.handle) != nullptr && matches(object, t))
            find->handles.push_back(object.handle);
    call.session().find = std::move(find);
    return CKR_OK;
}

CK_RV find_objects(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE_PTR out, CK_ULONG max, CK_ULONG_PTR count) {
    if (out == nullptr || count == nullptr) fail(CKR_ARGUMENTS_BAD);
    SessionCall call(handle);
    auto& find = call.session().find;
    if (!find) fail(CKR_OPERATION_NOT_INITIALIZED);
    const std::size_t n = std::min<std::size_t>(max, find->handles.size() - find->next);
    std::copy_n(find->handles.begin() + static_cast<std::ptrdiff_t>(find->next), n, out);
    find->next += n;
    *count = n;
    return CKR_OK;
}

CK_RV find_objects_final(CK_SESSION_HANDLE handle) {
    SessionCall call(handle);
    if (!call.session().find) fail(CKR_OPERATION_NOT_INITIALIZED);
    call.session().find.reset();
    return CKR_OK;
}

}  // namespace
}  // namespace carta::pkcs11

using namespace carta::pkcs11;

CK_RV C_CreateObject(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR attributes, CK_ULONG count,
                     CK_OBJECT_HANDLE_PTR object) {
    return guarded("C_CreateObject", [&] { return create_object(session, attributes, count, object); });
}

CK_RV C_CopyObject(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_PTR, CK_ULONG,
                   CK_OBJECT_HANDLE_PTR copy) {
    return guarded("C_CopyObject", [&] { return copy_object(session, object, copy); });
}

CK_RV C_DestroyObject(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object) {
    return guarded("C_DestroyObject", [&] { return destroy_object(session, object); });
}

CK_RV C_GetObjectSize(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ULONG_PTR size) {
    return guarded("C_GetObjectSize", [&] { return get_object_size(session, object, size); });
}

CK_RV C_GetAttributeValue(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_PTR attributes,
                          CK_ULONG count) {
    return guarded("C_GetAttributeValue",
                   [&] { return get_attribute_value(session, object, attributes, count); });
}

CK_RV C_SetAttributeValue(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_PTR attributes,
                          CK_ULONG count) {
    return guarded("C_SetAttributeValue",
                   [&] { return set_attribute_value(session, object, attributes, count); });
}

CK_RV C_FindObjectsInit(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR attributes, CK_ULONG count) {
    return guarded("C_FindObjectsInit", [&] { return find_objects_init(session, attributes, count); });
}

CK_RV C_FindObjects(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE_PTR objects, CK_ULONG max,
                    CK_ULONG_PTR count) {
    return guarded("C_FindObjects", [&] { return find_objects(session, objects, max, count); });
}

CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE session) {
    return guarded("C_FindObjectsFinal", [&] { return find_objects_final(session); });
}
