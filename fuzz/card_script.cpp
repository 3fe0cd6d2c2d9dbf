#include "card_script.hpp"

#include <array>
#include <functional>

namespace carta::fuzz {
namespace {

const SecretBytes kPin{std::string_view("123456")};
const SecretBytes kPuk{std::string_view("87654321")};
const Bytes kHash32(32, 0xA5);
const Bytes kHash48(48, 0x5A);

card::SignScheme scheme(card::SignScheme::Kind kind) {
    card::SignScheme s;
    s.kind = kind;
    return s;
}

card::DecipherScheme oaep() {
    card::DecipherScheme s;
    s.kind = card::DecipherScheme::Kind::RsaOaep;
    s.oaep_hash = card::HashAlgorithm::Sha256;
    s.oaep_label = {0x01, 0x02};
    return s;
}

// A DER SEQUENCE that is no certificate.
const Bytes kDer{0x30, 0x03, 0x02, 0x01, 0x01};

using Operation = std::function<void(card::Card&)>;

// In the order of CardOperation.
const std::array<Operation, kCardOperationCount> kOperations{{
    [](card::Card& c) { (void)c.status(); },
    [](card::Card& c) { (void)c.info(); },
    [](card::Card& c) { (void)c.contents(); },
    [](card::Card& c) { (void)c.find_key(0x21); },
    [](card::Card& c) { c.verify(card::Code::Pin, kPin); },
    [](card::Card& c) { c.verify(card::Code::Puk, kPuk); },
    [](card::Card& c) { (void)c.is_verified(card::Code::Pin); },
    [](card::Card& c) { c.logout(card::Code::Pin); },
    [](card::Card& c) { c.change(card::Code::Pin, kPin, kPin); },
    [](card::Card& c) { c.unblock_pin(kPuk, kPin); },
    [](card::Card& c) { c.set_pin_with_verified_puk(kPin); },
    [](card::Card& c) { c.initialise(kPuk, &kPin, "label"); },
    [](card::Card& c) { c.erase(kPuk); },
    [](card::Card& c) { c.set_label("label"); },
    [](card::Card& c) { (void)c.generate_key(card::KeyAlgorithm::P256, "ec"); },
    [](card::Card& c) { (void)c.generate_key(card::KeyAlgorithm::Rsa2048, "rsa", card::key_flags::kSign); },
    [](card::Card& c) { (void)c.import_key(kDer, "imported"); },
    [](card::Card& c) { (void)c.write_certificate(kDer, "certificate", false); },
    [](card::Card& c) { c.rename(0x1021, "renamed"); },
    [](card::Card& c) { c.delete_object(0x2001); },
    [](card::Card& c) { (void)c.sign(0x21, scheme(card::SignScheme::Kind::RsaPkcs1Hash), kHash32); },
    [](card::Card& c) { (void)c.sign(0x21, scheme(card::SignScheme::Kind::RsaPss), kHash32); },
    [](card::Card& c) { (void)c.sign(0x31, scheme(card::SignScheme::Kind::Ecdsa), kHash48); },
    [](card::Card& c) { (void)c.decipher(0x21, card::DecipherScheme{}, Bytes(256, 0x42)); },
    [](card::Card& c) { (void)c.decipher(0x21, oaep(), Bytes(256, 0x42)); },
    [](card::Card& c) { (void)c.random(300); },
}};

}  // namespace

void run_card_operation(card::Card& card, std::uint8_t op) {
    kOperations[op % kOperations.size()](card);
}

}  // namespace carta::fuzz
