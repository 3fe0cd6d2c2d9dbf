// Random bytes the card answered to GET CHALLENGE and nobody has taken yet.
//
// NSS asks every token with CKF_RNG for random bytes when it starts (to seed its
// own generator): one GET CHALLENGE of the largest size the card answers serves
// both tokens of a card and the calls after them, instead of one round trip each.
// Buffering is safe because every byte is handed out once and then wiped, and the
// pool belongs to one module instance (a forked child initialises its own) and to
// one insertion of the card (Reader::sync clears it).
#pragma once

#include <algorithm>
#include <cstddef>

#include "carta/apdu/bytes.hpp"

namespace carta::pkcs11 {

class RandomPool {
  public:
    // As much as one GET CHALLENGE answers (docs/card-protocol.md §7).
    static constexpr std::size_t kFill = 256;

    RandomPool() = default;
    RandomPool(const RandomPool&) = delete;
    RandomPool& operator=(const RandomPool&) = delete;
    ~RandomPool() { clear(); }

    // `length` bytes, topped up first with fetch(n) (n ≥ what is missing) if the pool is short.
    template <typename Fetch>
    Bytes take(std::size_t length, Fetch&& fetch) {
        if (pool_.size() < length) {
            Bytes fresh = fetch(std::max(kFill, length - pool_.size()));
            pool_.insert(pool_.end(), fresh.begin(), fresh.end());
            secure_wipe(fresh.data(), fresh.size());
        }
        Bytes out(pool_.begin(), pool_.begin() + static_cast<std::ptrdiff_t>(length));
        secure_wipe(pool_.data(), length);
        pool_.erase(pool_.begin(), pool_.begin() + static_cast<std::ptrdiff_t>(length));
        return out;
    }

    std::size_t size() const { return pool_.size(); }

    void clear() {
        secure_wipe(pool_.data(), pool_.size());
        pool_.clear();
    }

  private:
    Bytes pool_;
};

}  // namespace carta::pkcs11
