#include "output.hpp"

#include <iostream>

#include "certificates.hpp"
#include "objects.hpp"

namespace carta::cli {
namespace {

std::string pad(int indent) {
    return std::string(static_cast<std::size_t>(indent), ' ');
}

// The certificates that share a key's ID.
Json::Array certificates_of(const card::KeyObject& key, const card::ProfileContents& contents) {
    Json::Array slots;
    for (const auto& certificate : contents.certificates)
        if (certificate.key_ref == key.key_ref) slots.emplace_back(certificate_slot(certificate));
    return slots;
}

std::string join(const std::vector<std::string>& words, const std::string& separator) {
    std::string text;
    for (std::size_t i = 0; i < words.size(); ++i) text += (i ? separator : "") + words[i];
    return text;
}

std::string origin(const card::KeyObject& key) {
    if (key.generated_on_card()) return "generated";
    if (key.flags & card::key_flags::kImported) return "imported";
    return "preloaded";
}

}  // namespace

Json tries_json(const card::CodeStatus& code) {
    if (!code.set) return nullptr;
    return code.tries_left;
}

std::string profile_state(const card::ProfileStatus& status) {
    if (status.life_cycle == card::LifeCycle::Uninitialised) return "uninitialised";
    if (status.puk.blocked()) return "PUK blocked";
    if (status.life_cycle == card::LifeCycle::PinNotSet) return "PIN not set";
    if (status.pin.blocked()) return "PIN blocked";
    return "active";
}

std::string spaced_card_number(const std::string& digits) {
    std::string text;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && i % 4 == 0) text += ' ';
        text += digits[i];
    }
    return text;
}

Json key_json(const card::KeyObject& key, const card::ProfileContents& contents) {
    Json::Array usage;
    for (auto& word : key_usage(key)) usage.emplace_back(std::move(word));
    return Json::object()
        .set("id", key_id(key))
        .set("label", key.name)
        .set("algorithm", std::string(card::key_algorithm_info(key.algorithm).name))
        .set("usage", std::move(usage))
        .set("origin", origin(key))
        .set("certificates", certificates_of(key, contents));
}

Json certificate_json(const card::CertificateObject& certificate) {
    const auto info = describe_certificate(certificate.der);
    return Json::object()
        .set("id", certificate_id(certificate))
        .set("slot", certificate_slot(certificate))
        .set("label", certificate.name)
        .set("ca", certificate.is_ca)
        .set("key", certificate.key_ref != 0 ? Json(key_id(certificate.key_ref)) : Json(nullptr))
        .set("subject", info.subject)
        .set("issuer", info.issuer)
        .set("email", info.email.empty() ? Json(nullptr) : Json(info.email))
        .set("serial", info.serial)
        .set("not_before", info.not_before)
        .set("not_after", info.not_after)
        .set("sha256", info.sha256);
}

namespace {

Json keys_json(const card::ProfileContents& contents) {
    Json keys = Json::array();
    for (const auto& key : contents.keys) keys.push(key_json(key, contents));
    return keys;
}

Json certificates_json(const card::ProfileContents& contents) {
    Json certificates = Json::array();
    for (const auto& certificate : contents.certificates) certificates.push(certificate_json(certificate));
    return certificates;
}

}  // namespace

Json contents_json(const card::ProfileContents& contents) {
    return Json::object()
        .set("label", contents.label)
        .set("keys", keys_json(contents))
        .set("certificates", certificates_json(contents));
}

Json profile_json(const card::ProfileStatus& status, const card::ProfileContents& contents) {
    return Json::object()
        .set("state", profile_state(status))
        .set("life_cycle", std::string(card::life_cycle_name(status.life_cycle)))
        .set("label", contents.label)
        .set("pin_tries_left", tries_json(status.pin))
        .set("pin_max_tries", status.pin.max_tries)
        .set("puk_tries_left", tries_json(status.puk))
        .set("puk_max_tries", status.puk.max_tries)
        .set("change_counter", static_cast<std::int64_t>(status.change_counter))
        .set("keys", keys_json(contents))
        .set("certificates", certificates_json(contents));
}

void print_key(std::ostream& out, const card::KeyObject& key, const card::ProfileContents& contents,
               int indent) {
    std::vector<std::string> certificates;
    for (const auto& certificate : contents.certificates)
        if (certificate.key_ref == key.key_ref) certificates.push_back(certificate_slot(certificate));
    out << pad(indent) << "key " << key_id(key) << "  " << algorithm_text(key.algorithm) << "  "
        << quoted_label(key.name) << "  " << join(key_usage(key), "+") << ", " << origin(key);
    if (!certificates.empty()) out << ", certificate " << join(certificates, ", ");
    out << "\n";
}

void print_certificate(std::ostream& out, const card::CertificateObject& certificate, int indent) {
    const auto info = describe_certificate(certificate.der);
    out << pad(indent) << "certificate " << certificate_id(certificate);
    if (certificate.key_ref != 0) out << " (" << certificate_slot(certificate) << ")";
    out << "  " << quoted_label(certificate.name) << (certificate.is_ca ? "  CA" : "") << "\n";
    out << pad(indent + 4) << "subject " << info.subject << "\n";
    out << pad(indent + 4) << "issuer  " << info.issuer << "\n";
    out << pad(indent + 4) << "valid   " << info.not_before << " to " << info.not_after << "\n";
}

void print_contents(std::ostream& out, const card::ProfileContents& contents, int indent) {
    if (contents.keys.empty() && contents.certificates.empty()) {
        out << pad(indent) << "no keys or certificates\n";
        return;
    }
    for (const auto& key : contents.keys) print_key(out, key, contents, indent);
    for (const auto& certificate : contents.certificates) print_certificate(out, certificate, indent);
}

void print_json(const Json& value) {
    std::cout << value.dump() << std::endl;
}

}  // namespace carta::cli
