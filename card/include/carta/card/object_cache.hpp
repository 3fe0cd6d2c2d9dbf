// Public objects of a profile cached by card number + change counter
// (docs/card-protocol.md §8), each entry bound to the card's fingerprint (a hash of
// what the card itself answers: its object directory and the first page of every
// object file, see Card::contents()). Number and counter are only the card's claims;
// a card that claims another's gets a cache entry only if it also answers the same
// fingerprint. Thread-safe. Optionally backed by a directory so a new process starts
// warm (the PKCS#11 module uses $XDG_CACHE_HOME/carta).
//
// The fingerprint is a SHA-256, but the card core carries no hash of its own (it
// builds without OpenSSL, for a Windows minidriver too): whoever makes the cache hands
// SHA-256 in, ossl::sha256 from carta_card_crypto here, the platform's (CNG) there. Only
// a cache needs it, so a Card without a cache hashes nothing.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include "carta/card/types.hpp"

namespace carta::card {

class ObjectCache {
  public:
    // SHA-256 of its argument (the on-disk format 02 stores SHA-256 fingerprints).
    using Sha256 = std::function<Bytes(ByteView)>;

    explicit ObjectCache(Sha256 sha256) : sha256_(std::move(sha256)) {}
    ObjectCache(std::filesystem::path directory, Sha256 sha256)
        : sha256_(std::move(sha256)), directory_(std::move(directory)) {}

    // The fingerprint of the card's answers `data` (see Card::contents()).
    Bytes fingerprint(ByteView data) const { return sha256_(data); }

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

    const Sha256 sha256_;
    std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    std::optional<std::filesystem::path> directory_;
};

}  // namespace carta::card
