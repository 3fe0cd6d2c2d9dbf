// Public objects of a profile cached by card number + change counter
// (docs/card-protocol.md §8): a host that sees the same counter on SELECT
// reads nothing else. Thread-safe. Optionally backed by a directory so a new
// process starts warm (the PKCS#11 module uses $XDG_CACHE_HOME/carta).
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

    std::optional<ProfileContents> get(const std::string& card_number, Profile profile,
                                       std::uint32_t change_counter);
    void put(const std::string& card_number, Profile profile, std::uint32_t change_counter,
             const ProfileContents& contents);
    void forget(const std::string& card_number, Profile profile);

  private:
    struct Entry {
        std::uint32_t change_counter;
        ProfileContents contents;
    };
    std::optional<Entry> load(const std::string& key);
    void store(const std::string& key, const Entry& entry);

    std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    std::optional<std::filesystem::path> directory_;
};

}  // namespace carta::card
