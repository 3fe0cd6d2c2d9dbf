// Public objects of a profile cached by card number + change counter + content digest
// (docs/card-protocol.md §8): the SELECT that starts every transaction answers all three,
// so a cached copy is proven current without reading a file. Number and counter alone are
// only the card's claims, which two cards restored from one saved state share; the digest
// (SHA-256 over the profile's public files, computed by the card) tells them apart.
// Thread-safe. Optionally backed by a directory so a new process starts warm (the PKCS#11
// module and the CLI use $XDG_CACHE_HOME/carta).
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>

#include "carta/card/types.hpp"

namespace carta::card {

class ObjectCache {
  public:
    ObjectCache() = default;  // in memory only
    explicit ObjectCache(std::filesystem::path directory) : directory_(std::move(directory)) {}

    // The default on-disk location, or nullopt if caching to disk is off
    // (CARTA_CACHE=off) or no home/cache dir is known.
    static std::optional<std::filesystem::path> default_directory();

    // The contents cached for the profile `status` describes (its card number, change counter
    // and content digest), if any.
    std::optional<ProfileContents> get(const ProfileStatus& status);
    // Caches `contents`, read from the card in the transaction whose SELECT answered `status`.
    // Contents without their keys (ProfileContents::keys_listed false) or without their
    // certificates (the label alone) are cached too, but never over a more complete copy of
    // the same counter and digest.
    void put(const ProfileStatus& status, const ProfileContents& contents);
    void forget(const std::string& card_number, Profile profile);

  private:
    struct Entry {
        std::uint32_t change_counter;
        Bytes content_digest;
        ProfileContents contents;
    };
    std::optional<Entry> load(const std::string& key);
    void store(const std::string& key, const Entry& entry);

    std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    std::optional<std::filesystem::path> directory_;
};

}  // namespace carta::card
