// What the module knows about one profile of the card in a reader: the login
// state (one per token, shared by every session and thread), the last status
// the card reported, and the objects. Changed only with the reader's mutex held;
// the login state and the object snapshot may be read without it.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

#include "carta/card/types.hpp"
#include "object_store.hpp"

namespace carta::pkcs11 {

enum class Login { None, User, SecurityOfficer };

class Token {
  public:
    using Clock = std::chrono::steady_clock;

    explicit Token(card::Profile profile) : profile_(profile) {}

    card::Profile profile() const { return profile_; }

    // The login state belongs to one insertion of the card (`epoch`, see Reader):
    // asked about another, it is None.
    Login login(std::uint64_t epoch) const;
    void set_login(Login login, std::uint64_t epoch);

    // The last SELECT's answer and when it came.
    const std::optional<card::ProfileStatus>& status() const { return status_; }
    bool status_younger_than(Clock::duration age) const {
        return status_ && Clock::now() - status_time_ < age;
    }
    void set_status(const card::ProfileStatus& status);
    // Try counters or life cycle changed (login attempts, new codes): ask the card again.
    void invalidate_status() { status_time_ = Clock::time_point{}; }

    std::shared_ptr<const ObjectStore> objects() const { return objects_.load(); }
    void set_objects(std::shared_ptr<const ObjectStore> objects) { objects_.store(std::move(objects)); }

    // The card was removed or replaced: nothing known about it is valid any more.
    void forget();

  private:
    card::Profile profile_;
    std::atomic<std::uint64_t> login_word_{0};  // epoch * 4 + Login
    std::optional<card::ProfileStatus> status_;
    Clock::time_point status_time_{};
    std::atomic<std::shared_ptr<const ObjectStore>> objects_;
};

}  // namespace carta::pkcs11
