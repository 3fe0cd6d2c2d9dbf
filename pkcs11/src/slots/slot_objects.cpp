// Slot: objects written to, generated on and deleted from the card.
#include "carta/card/errors.hpp"
#include "carta/card/text.hpp"
#include "errors.hpp"
#include "slot.hpp"

namespace carta::pkcs11 {
namespace {

// The card library's label rule (valid UTF-8, no control characters, 64 bytes), as
// C_CreateObject, C_GenerateKeyPair and C_SetAttributeValue report a bad CKA_LABEL.
void check_label(std::string_view label) {
    if (auto problem = card::label_problem(label, card::kMaxNameLength))
        fail(CKR_ATTRIBUTE_VALUE_INVALID, *problem);
}

}  // namespace

CK_OBJECT_HANDLE Slot::write_certificate(ByteView der, std::string_view label, bool is_ca) {
    check_label(label);
    std::lock_guard lock(reader_.mutex());
    card::CertificateObject cert;
    try {
        cert = card_call([&](card::Card& card) { return card.write_certificate(der, label, is_ca); });
    } catch (const card::CardError& e) {
        if (e.kind() == card::ErrorKind::InvalidData) fail(CKR_ATTRIBUTE_VALUE_INVALID, e.what());
        throw;
    }
    reload_objects();
    return make_handle(id_, ObjectKind::Certificate, cert.index);
}

std::pair<CK_OBJECT_HANDLE, CK_OBJECT_HANDLE> Slot::generate_key(card::KeyAlgorithm algorithm,
                                                                 std::string_view label,
                                                                 std::uint8_t usage_flags) {
    check_label(label);
    std::lock_guard lock(reader_.mutex());
    const auto key =
        card_call([&](card::Card& card) { return card.generate_key(algorithm, label, usage_flags); });
    reload_objects();
    return {make_handle(id_, ObjectKind::PublicKey, key.key_ref),
            make_handle(id_, ObjectKind::PrivateKey, key.key_ref)};
}

void Slot::rename(const Object& object, std::string_view label) {
    if (!object.modifiable())
        fail(CKR_ACTION_PROHIBITED, "the object cannot be modified (CKA_MODIFIABLE false)");
    check_label(label);
    std::lock_guard lock(reader_.mutex());
    card_call([&](card::Card& card) { card.rename(object.fid(), label); });
    reload_objects();
}

void Slot::destroy(const Object& object) {
    if (!object.destroyable())
        fail(CKR_ACTION_PROHIBITED,
             object.kind == ObjectKind::Profile
                 ? "the token's profile object describes the token and cannot be deleted"
                 : "the secure profile's keys cannot be deleted");
    std::lock_guard lock(reader_.mutex());
    card_call([&](card::Card& card) { card.delete_object(object.fid()); });
    reload_objects();
}

}  // namespace carta::pkcs11
