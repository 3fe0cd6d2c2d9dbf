#include "objects.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "carta/card/text.hpp"
#include "errors.hpp"
#include "pending.hpp"

namespace carta::cli {
namespace {

std::optional<std::uint8_t> parse_key_id(std::string_view text) {
    if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
    if (text.size() != 2) return std::nullopt;
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return static_cast<std::uint8_t>(value);
}

std::optional<std::uint8_t> parse_certificate_slot(std::string_view text) {
    if (!text.starts_with("cert:")) return std::nullopt;
    text.remove_prefix(5);
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
        value < card::kFirstCertificateIndex || value > card::kLastCertificateIndex)
        throw CliError(Exit::InvalidInput, "\"cert:" + std::string(text) + "\": a slot is cert:" +
                                               std::to_string(card::kFirstCertificateIndex) +
                                               " to cert:" + std::to_string(card::kLastCertificateIndex));
    return static_cast<std::uint8_t>(value);
}

std::string known_keys(const card::ProfileContents& contents) {
    if (contents.keys.empty()) return "there are no keys on the card";
    std::string text = "keys on the card: ";
    for (std::size_t i = 0; i < contents.keys.size(); ++i)
        text += (i ? ", " : "") + key_id(contents.keys[i]) + " " + quoted_label(contents.keys[i].name);
    return text;
}

std::string known_certificates(const card::ProfileContents& contents) {
    if (contents.certificates.empty()) return "there are no certificates on the card";
    std::string text = "certificates on the card: ";
    for (std::size_t i = 0; i < contents.certificates.size(); ++i) {
        const auto& c = contents.certificates[i];
        text += (i ? ", " : "") + certificate_id(c) +
                (c.key_ref != 0 ? " (" + certificate_slot(c) + ")" : std::string()) + " " +
                quoted_label(c.name);
    }
    return text;
}

}  // namespace

std::string quoted_label(std::string_view text) {
    return "\"" + card::printable(text) + "\"";
}

std::string key_id(std::uint8_t key_ref) {
    static const char kHex[] = "0123456789abcdef";
    return {kHex[key_ref >> 4], kHex[key_ref & 0x0F]};
}

std::string key_id(const card::KeyObject& key) {
    return key_id(key.key_ref);
}

std::string certificate_slot(const card::CertificateObject& certificate) {
    return "cert:" + std::to_string(certificate.index);
}

std::string certificate_id(const card::CertificateObject& certificate) {
    return certificate.key_ref != 0 ? key_id(certificate.key_ref) : certificate_slot(certificate);
}

std::string algorithm_text(card::KeyAlgorithm algorithm) {
    return std::string(card::key_algorithm_display_name(algorithm));
}

std::string default_key_label(card::KeyAlgorithm algorithm) {
    return "carta " + algorithm_text(algorithm) + " key";
}

std::vector<std::string> key_usage(const card::KeyObject& key) {
    std::vector<std::string> usage;
    if (key.can_sign()) usage.emplace_back("sign");
    if (key.can_decipher()) usage.emplace_back("decipher");
    return usage;
}

void check_label(const std::string& label, std::size_t max_bytes) {
    if (auto problem = card::label_problem(label, max_bytes)) throw CliError(Exit::InvalidInput, *problem);
    if (is_pending(label))
        throw CliError(Exit::InvalidInput, "a label must not start with \"" + std::string(kPendingMark) +
                                               "\" (it marks unfinished imports)");
}

std::string fit_label(std::string_view text) {
    return card::sanitized_label(text, kMaxObjectName);
}

const card::KeyObject& find_key(const card::ProfileContents& contents, const std::string& selector) {
    if (auto ref = parse_key_id(selector)) {
        for (const auto& key : contents.keys)
            if (key.key_ref == *ref) return key;
    }
    const card::KeyObject* found = nullptr;
    for (const auto& key : contents.keys) {
        if (key.name != selector) continue;
        if (found != nullptr)
            throw CliError(Exit::InvalidInput, "several keys are labelled " + quoted_label(selector) +
                                                   "; choose one by its ID (" + known_keys(contents) + ")");
        found = &key;
    }
    if (found == nullptr)
        throw CliError(Exit::InvalidInput,
                       "no key " + quoted_label(selector) + " (" + known_keys(contents) + ")");
    return *found;
}

const card::CertificateObject& find_certificate(const card::ProfileContents& contents,
                                                const std::string& selector) {
    if (auto slot = parse_certificate_slot(selector)) {
        for (const auto& certificate : contents.certificates)
            if (certificate.index == *slot) return certificate;
        throw CliError(Exit::InvalidInput,
                       "no certificate in " + selector + " (" + known_certificates(contents) + ")");
    }
    std::vector<const card::CertificateObject*> found;
    if (auto ref = parse_key_id(selector)) {
        for (const auto& certificate : contents.certificates)
            if (certificate.key_ref == *ref) found.push_back(&certificate);
    }
    if (found.empty()) {
        for (const auto& certificate : contents.certificates)
            if (certificate.name == selector) found.push_back(&certificate);
    }
    if (found.size() > 1)
        throw CliError(Exit::InvalidInput, "several certificates match " + quoted_label(selector) +
                                               "; choose one by its slot (" + known_certificates(contents) +
                                               ")");
    if (found.empty())
        throw CliError(Exit::InvalidInput, "no certificate " + quoted_label(selector) + " (" +
                                               known_certificates(contents) + ")");
    return *found.front();
}

Selection select_objects(const card::ProfileContents& contents, const std::string& selector) {
    Selection selection;
    if (auto slot = parse_certificate_slot(selector)) {
        selection.certificates.push_back(find_certificate(contents, selector));
        return selection;
    }
    if (auto ref = parse_key_id(selector)) {
        for (const auto& key : contents.keys)
            if (key.key_ref == *ref) selection.keys.push_back(key);
        for (const auto& certificate : contents.certificates)
            if (certificate.key_ref == *ref) selection.certificates.push_back(certificate);
        if (!selection.empty()) return selection;
    }
    for (const auto& key : contents.keys)
        if (key.name == selector) selection.keys.push_back(key);
    for (const auto& certificate : contents.certificates)
        if (certificate.name == selector) selection.certificates.push_back(certificate);
    if (selection.empty())
        throw CliError(Exit::InvalidInput, "no object " + quoted_label(selector) + " (" +
                                               known_keys(contents) + "; " + known_certificates(contents) +
                                               ")");
    if (selection.keys.size() + selection.certificates.size() > 1)
        throw CliError(Exit::InvalidInput, "several objects are labelled " + quoted_label(selector) +
                                               "; choose by ID or cert:N (" + known_keys(contents) + "; " +
                                               known_certificates(contents) + ")");
    return selection;
}

}  // namespace carta::cli
