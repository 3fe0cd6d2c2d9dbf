#include "pending.hpp"

#include "carta/card/text.hpp"
#include "objects.hpp"

namespace carta::cli {

std::string pending_name(std::string_view label) {
    return card::sanitized_label(std::string(kPendingMark) + std::string(label), kMaxObjectName);
}

bool is_pending(std::string_view name) {
    return name.starts_with(kPendingMark);
}

std::optional<std::string> pending_report(const card::ProfileContents& contents) {
    std::string objects;
    std::string deletes;
    auto add = [&](const std::string& id, const std::string& name) {
        objects += (objects.empty() ? "" : ", ") + id + " " + quoted_label(name);
        deletes += (deletes.empty() ? "" : "; ") + std::string("carta delete ") + id;
    };
    // Certificates first: deleting a key deletes its certificates too.
    for (const auto& certificate : contents.certificates)
        if (is_pending(certificate.name)) add(certificate_slot(certificate), certificate.name);
    for (const auto& key : contents.keys)
        if (is_pending(key.name)) add(key_id(key), key.name);
    if (objects.empty()) return std::nullopt;
    return "an import was interrupted and left " + objects +
           " on the card. Run the same `carta p12 import` again to complete it, or remove what it left with "
           "`" +
           deletes + "`";
}

}  // namespace carta::cli
