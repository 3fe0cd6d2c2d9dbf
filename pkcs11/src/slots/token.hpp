// What the module knows about one profile of the card in a reader: the login
// state (one per token, shared by every session and thread), the last status
// the card reported, and the objects. Changed only with the reader's mutex held;
// the login state and the object snapshot may be read without it.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

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
    bool status_younger_than(Clock::duration age) const { return !tries_stale_ && counter_younger_than(age); }
    // Whether the change counter (what the objects depend on) was seen within `age`.
    bool counter_younger_than(Clock::duration age) const {
        return status_ && Clock::now() - status_time_ < age;
    }
    void set_status(const card::ProfileStatus& status);
    // Life cycle or codes changed (new codes, another process's reset): ask the card again.
    void invalidate_status() { status_time_ = Clock::time_point{}; }
    // A login attempt moved the try counters only: the change counter stays as seen.
    void invalidate_tries() { tries_stale_ = true; }
    // A code was verified: the card restored its counter to the limit (docs/card-protocol.md
    // §3), which the last status tells; nothing else moved, so no SELECT is needed to know.
    void tries_restored(card::Code code);

    // The profile's label and the change counter it was read at (the objects
    // are not loaded until someone asks for them; C_GetTokenInfo needs only this).
    struct Label {
        std::uint32_t change_counter;
        std::string text;
    };
    const std::optional<Label>& label() const { return label_; }
    void set_label(Label label) { label_ = std::move(label); }

    std::shared_ptr<const ObjectStore> objects() const { return objects_.load(); }
    void set_objects(std::shared_ptr<const ObjectStore> objects) { objects_.store(std::move(objects)); }

    // The card was removed or replaced: nothing known about it is valid any more.
    void forget();

  private:
    card::Profile profile_;
    std::atomic<std::uint64_t> login_word_{0};  // epoch * 4 + Login
    std::optional<card::ProfileStatus> status_;
    Clock::time_point status_time_{};
    bool tries_stale_ = false;
    std::optional<Label> label_;
    std::atomic<std::shared_ptr<const ObjectStore>> objects_;
};

}  // namespace carta::pkcs11
