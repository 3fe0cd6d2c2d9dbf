#include "files.hpp"

#include <cstring>
#include <string_view>

namespace carta::md {

namespace {

constexpr std::string_view kMscp = "mscp";

bool is_root(const char* directory) {
    return directory == nullptr || *directory == '\0';
}

void check_directory(const char* directory) {
    if (!is_root(directory) && std::string_view(directory) != kMscp) fail(rc::kDirNotFound);
}

Bytes card_id(const Snapshot& snapshot) {
    Bytes id(16, 0);
    const auto& number = snapshot.card_number;
    std::memcpy(id.data(), number.data(), std::min(number.size(), id.size()));
    return id;
}

Bytes container_map(const Snapshot& snapshot) {
    Bytes out;
    for (const auto& container : snapshot.containers) {
        ContainerMapRecord record{};
        std::copy(container.name.begin(),
                  container.name.begin() + std::min<std::size_t>(container.name.size(), 39), record.wszGuid);
        record.bFlags = kContainerValid | (container.is_default ? kContainerDefault : 0);
        record.wSigKeySizeBits = 0;  // every RSA key is a key-exchange key (it signs too)
        record.wKeyExchangeKeySizeBits = static_cast<Word>(container.bits);
        const auto* bytes = reinterpret_cast<const Byte*>(&record);
        out.insert(out.end(), bytes, bytes + sizeof record);
    }
    return out;
}

// "kxc" and two decimal digits; nullopt for any other name.
std::optional<std::size_t> certificate_index(std::string_view name) {
    if (name.size() != 5 || name.substr(0, 3) != "kxc") return std::nullopt;
    const char tens = name[3], ones = name[4];
    if (tens < '0' || tens > '9' || ones < '0' || ones > '9') return std::nullopt;
    return static_cast<std::size_t>((tens - '0') * 10 + (ones - '0'));
}

}  // namespace

Bytes cache_file(std::uint32_t common_counter, std::uint32_t secure_counter) {
    // Counters only grow, so their sum changes with either of them (modulo 2^16, which
    // 65536 changes between two reads by the same CSP would be needed to defeat).
    const auto freshness = static_cast<Word>((common_counter + secure_counter) & 0xFFFF);
    CardCacheFile file{};
    file.bVersion = static_cast<Byte>(version::kCacheFile);
    file.bPinsFreshness = 0;
    file.wContainersFreshness = freshness;
    file.wFilesFreshness = freshness;
    const auto* bytes = reinterpret_cast<const Byte*>(&file);
    return Bytes(bytes, bytes + sizeof file);
}

std::string certificate_file_name(std::size_t index) {
    return "kxc" + std::string(1, static_cast<char>('0' + index / 10 % 10)) +
           std::string(1, static_cast<char>('0' + index % 10));
}

Bytes read_virtual_file(Context& context, const char* directory, const char* name) {
    require(name != nullptr && *name != '\0');
    check_directory(directory);
    const std::string_view file(name);
    if (is_root(directory)) {
        if (file == "cardapps") return Bytes{'m', 's', 'c', 'p', 0, 0, 0, 0};
        if (file == "cardid") return card_id(context.refresh());
        if (file == "cardcf") {
            const auto& snapshot = context.refresh();
            return cache_file(snapshot.status[0].change_counter, snapshot.status[1].change_counter);
        }
        fail(rc::kFileNotFound);
    }
    if (file == "cmapfile") return container_map(context.refresh());
    if (const auto index = certificate_index(file)) {
        const auto& snapshot = context.refresh();
        if (*index < snapshot.containers.size() && snapshot.containers[*index].certificate)
            return *snapshot.containers[*index].certificate;
    }
    fail(rc::kFileNotFound);
}

std::vector<std::string> list_virtual_files(Context& context, const char* directory) {
    check_directory(directory);
    if (is_root(directory)) return {"cardid", "cardcf", "cardapps"};
    std::vector<std::string> names{"cmapfile"};
    const auto& snapshot = context.refresh();
    for (std::size_t i = 0; i < snapshot.containers.size(); ++i)
        if (snapshot.containers[i].certificate) names.push_back(certificate_file_name(i));
    return names;
}

}  // namespace carta::md
