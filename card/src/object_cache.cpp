#include "carta/card/object_cache.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "card_files.hpp"
#include "carta/apdu/tlv.hpp"

namespace carta::card {
namespace {

// On-disk format, all BER-TLV (tags are carta's own):
//   E0 { C0 format, C1 counter(4), C2 content digest, C3 keys-listed(1), C4 certificates-listed(1),
//        50 label, A1 { 80 keyref, 81 alg-index, 82 name, 83 flags, 84 template }*,
//        A2 { 80 index, 82 name, 83 is-ca, 84 keyref, 85 der }* }
// C2 is the content digest the card reports in its FCI. Earlier formats are misses: 02 held a
// digest the host computed over the card's answers, which no card reports; 03 had no C4 (its
// entries always listed the certificates), and a carta reading 03 would take a label-only
// entry for a profile without certificates.
constexpr std::uint8_t kFormat = 0x04;

std::string key_of(const std::string& card_number, Profile profile) {
    return card_number + "-" + std::string(profile_name(profile));
}

// How much of a profile an entry lists: the label alone, the certificates too, everything.
int completeness(const ProfileContents& contents) {
    if (!contents.certificates_listed) return 0;
    return contents.keys_listed ? 2 : 1;
}

std::string text(ByteView bytes) {
    return {bytes.begin(), bytes.end()};
}

std::uint8_t byte_of(const tlv::Tlv& element) {
    if (element.value.size() != 1) throw tlv::TlvError("expected one byte");
    return element.value[0];
}

Bytes serialise(std::uint32_t counter, ByteView content_digest, const ProfileContents& contents) {
    tlv::TlvWriter writer;
    writer.begin(0xE0);
    writer.add_byte(0xC0, kFormat);
    writer.add(0xC1, Bytes{static_cast<std::uint8_t>(counter >> 24), static_cast<std::uint8_t>(counter >> 16),
                           static_cast<std::uint8_t>(counter >> 8), static_cast<std::uint8_t>(counter)});
    writer.add(0xC2, content_digest);
    writer.add_byte(0xC3, contents.keys_listed ? 1 : 0);
    writer.add_byte(0xC4, contents.certificates_listed ? 1 : 0);
    writer.add(0x50, as_bytes(contents.label));
    for (const auto& key : contents.keys) {
        writer.begin(0xA1);
        writer.add_byte(0x80, key.key_ref);
        writer.add_byte(0x81, static_cast<std::uint8_t>(key.algorithm));
        writer.add(0x82, as_bytes(key.name));
        writer.add_byte(0x83, key.flags);
        writer.add(0x84, key.public_key_template);
        writer.end();
    }
    for (const auto& cert : contents.certificates) {
        writer.begin(0xA2);
        writer.add_byte(0x80, cert.index);
        writer.add(0x82, as_bytes(cert.name));
        writer.add_byte(0x83, cert.is_ca ? 1 : 0);
        writer.add_byte(0x84, cert.key_ref);
        writer.add(0x85, cert.der);
        writer.end();
    }
    writer.end();
    return writer.finish();
}

struct Stored {
    std::uint32_t counter;
    Bytes content_digest;
    ProfileContents contents;
};

Stored deserialise(ByteView file) {
    const auto body = tlv::require(file, 0xE0).value;
    if (byte_of(tlv::require(body, 0xC0)) != kFormat) throw tlv::TlvError("unknown cache format");
    const auto counter_bytes = tlv::require(body, 0xC1).value;
    if (counter_bytes.size() != 4) throw tlv::TlvError("bad counter");
    std::uint32_t counter = 0;
    for (auto b : counter_bytes) counter = counter << 8 | b;
    const auto digest = tlv::require(body, 0xC2).value;
    ProfileContents contents;
    contents.keys_listed = byte_of(tlv::require(body, 0xC3)) != 0;
    contents.certificates_listed = byte_of(tlv::require(body, 0xC4)) != 0;
    for (const auto& element : tlv::parse_all(body)) {
        if (element.tag == 0x50) {
            contents.label = text(element.value);
        } else if (element.tag == 0xA1) {
            const auto algorithm = byte_of(tlv::require(element.value, 0x81));
            if (algorithm > static_cast<std::uint8_t>(KeyAlgorithm::P384))
                throw tlv::TlvError("bad algorithm");
            contents.keys.push_back(files::make_key_object(
                byte_of(tlv::require(element.value, 0x80)), static_cast<KeyAlgorithm>(algorithm),
                text(tlv::require(element.value, 0x82).value), byte_of(tlv::require(element.value, 0x83)),
                Bytes(tlv::require(element.value, 0x84).value.begin(),
                      tlv::require(element.value, 0x84).value.end())));
        } else if (element.tag == 0xA2) {
            CertificateObject cert;
            cert.index = byte_of(tlv::require(element.value, 0x80));
            cert.name = text(tlv::require(element.value, 0x82).value);
            cert.is_ca = byte_of(tlv::require(element.value, 0x83)) != 0;
            cert.key_ref = byte_of(tlv::require(element.value, 0x84));
            const auto der = tlv::require(element.value, 0x85).value;
            cert.der.assign(der.begin(), der.end());
            contents.certificates.push_back(std::move(cert));
        }
    }
    return {counter, Bytes(digest.begin(), digest.end()), std::move(contents)};
}

}  // namespace

std::optional<std::filesystem::path> ObjectCache::default_directory() {
    if (const char* off = std::getenv("CARTA_CACHE"); off != nullptr && std::string_view(off) == "off")
        return std::nullopt;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg == '/')
        return std::filesystem::path(xdg) / "carta";
    if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/')
        return std::filesystem::path(home) / ".cache" / "carta";
    return std::nullopt;
}

std::optional<ProfileContents> ObjectCache::get(const ProfileStatus& status) {
    std::lock_guard lock(mutex_);
    const auto key = key_of(status.card_number, status.profile);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
        auto loaded = load(key);
        if (!loaded) return std::nullopt;
        it = entries_.emplace(key, std::move(*loaded)).first;
    }
    const Entry& entry = it->second;
    if (entry.change_counter != status.change_counter || entry.content_digest != status.content_digest)
        return std::nullopt;
    return entry.contents;
}

void ObjectCache::put(const ProfileStatus& status, const ProfileContents& contents) {
    std::lock_guard lock(mutex_);
    const auto key = key_of(status.card_number, status.profile);
    // Less never replaces more of the same contents (the label alone, or the certificates
    // alone, over the certificates or everything).
    const auto it = entries_.find(key);
    if (it != entries_.end() && it->second.change_counter == status.change_counter &&
        it->second.content_digest == status.content_digest &&
        completeness(it->second.contents) > completeness(contents))
        return;
    Entry entry{status.change_counter, status.content_digest, contents};
    store(key, entry);
    entries_[key] = std::move(entry);
}

void ObjectCache::forget(const std::string& card_number, Profile profile) {
    std::lock_guard lock(mutex_);
    const auto key = key_of(card_number, profile);
    entries_.erase(key);
    if (directory_) {
        std::error_code ignored;
        std::filesystem::remove(*directory_ / key, ignored);
    }
}

// A cache that cannot be read is a cache miss, never an error.
std::optional<ObjectCache::Entry> ObjectCache::load(const std::string& key) {
    if (!directory_) return std::nullopt;
    std::ifstream in(*directory_ / key, std::ios::binary);
    if (!in) return std::nullopt;
    const Bytes file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        auto stored = deserialise(file);
        return Entry{stored.counter, std::move(stored.content_digest), std::move(stored.contents)};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// Written to a temporary file and renamed, so a reader sees the old or the new file.
void ObjectCache::store(const std::string& key, const Entry& entry) {
    if (!directory_) return;
    std::error_code error;
    std::filesystem::create_directories(*directory_, error);
    if (error) return;
    const auto bytes = serialise(entry.change_counter, entry.content_digest, entry.contents);
    const auto target = *directory_ / key;
    const auto temporary = *directory_ / (key + ".tmp." + std::to_string(::getpid()));
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!out) {
            std::filesystem::remove(temporary, error);
            return;
        }
    }
    std::filesystem::rename(temporary, target, error);
    if (error) std::filesystem::remove(temporary, error);
}

}  // namespace carta::card
