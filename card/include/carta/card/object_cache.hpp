// Public objects of a profile cached by card number + change counter
// (docs/card-protocol.md §8), each entry bound to the card's fingerprint (a hash of
// what the card itself answers: its object directory and the first page of every
// object file, see Card::contents()). Number and counter are only the card's claims;
// a card that claims another's gets a cache entry only if it also answers the same
// fingerprint. Thread-safe. Optionally backed by a directory so a new process starts
// warm (the PKCS#11 module uses $XDG_CACHE_HOME/carta).
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>

#include "carta/card/types.hpp"

namespace carta::card {

class ObjectCache {
  public:
    ObjectCache() = default;
    explicit ObjectCache(std::filesystem::path directory) : directory_(std::move(directory)) {}

    // The default on-disk location, or nullopt if caching to disk is off
    // (CARTA_CACHE=off) or no home/cache dir is known.
    static std::optional<std::filesystem::path> default_directory();

    struct Cached {
        ProfileContents contents;
        Bytes fingerprint;  // SHA-256 of the card's answers the contents were read with
    };
    std::optional<Cached> get(const std::string& card_number, Profile profile, std::uint32_t change_counter);
    void put(const std::string& card_number, Profile profile, std::uint32_t change_counter,
             const ProfileContents& contents, ByteView fingerprint);
    void forget(const std::string& card_number, Profile profile);

  private:
    struct Entry {
        std::uint32_t change_counter;
        ProfileContents contents;
        Bytes fingerprint;
    };
    std::optional<Entry> load(const std::string& key);
    void store(const std::string& key, const Entry& entry);

    std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    std::optional<std::filesystem::path> directory_;
};

}  // namespace carta::card
