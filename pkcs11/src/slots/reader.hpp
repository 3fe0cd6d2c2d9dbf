// One PC/SC reader and the card in it. A card yields two tokens (and so two
// slots): the common profile and the secure profile. Both share the reader's
// connection and its mutex, which is held across each card operation, so the
// two profiles' commands never interleave on the card.
//
// Presence and the insertion `epoch` are atomics: they are updated by the slot
// manager's PC/SC polling and by failed card operations, and read without
// locks by C_GetSlotInfo/C_GetSessionInfo. Everything tied to one insertion of
// the card (the connection, the tokens' status and objects) is dropped lazily
// by the first card operation that sees a new epoch.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "carta/apdu/transport.hpp"
#include "carta/card/card.hpp"
#include "carta/card/object_cache.hpp"
#include "locking.hpp"
#include "random_pool.hpp"
#include "reader_system.hpp"
#include "token.hpp"

namespace carta::pkcs11 {

class Reader {
  public:
    // `hold`: how long the card stays in this process's transaction after an operation
    // (0: released at once).
    Reader(std::string name, std::size_t index, const Locking& locking,
           std::shared_ptr<card::ObjectCache> cache, std::shared_ptr<ReaderSystem> system,
           std::chrono::milliseconds hold);
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    const std::string& name() const { return name_; }
    std::size_t index() const { return index_; }

    bool present() const { return present_.load(); }
    std::uint64_t epoch() const { return epoch_.load(); }

    // What PC/SC reports now (the slot manager's polling, under its mutex).
    // A change is an insertion or a removal (or a different card): the epoch
    // moves on and both slots get an event.
    // Returns true for a change.
    bool observe(bool card_present, ByteView atr);
    // The card was (probably) pulled and put back between two polls.
    void observe_reinsertion();
    // Takes one pending slot event: 0 = common profile's slot, 1 = secure's; -1 = none.
    int take_event();

    Login login(card::Profile profile) const { return token(profile).login(epoch()); }
    void set_login(card::Profile profile, Login login) { token(profile).set_login(login, epoch()); }

    Mutex& mutex() { return *mutex_; }
    Token& token(card::Profile profile) { return tokens_[index_of(profile)]; }
    const Token& token(card::Profile profile) const { return tokens_[index_of(profile)]; }

    // With mutex() held: runs `f(card::Card&)` on `profile`, connecting first if
    // needed. A reset card or a restarted pcscd is recovered from once (the login
    // is gone then); a removed card ends in CKR_DEVICE_REMOVED. Card errors other
    // than transport ones propagate unchanged.
    template <typename F>
    decltype(auto) with_card(card::Profile profile, F&& f);

    // With mutex() held: drops what belongs to an earlier insertion of the card.
    void sync();

    // With mutex() held: ends a transaction kept after the last operation (C_Finalize).
    void release_card();

    // With mutex() held: the card's randomness not yet handed out (both profiles share it).
    RandomPool& random_pool() { return random_pool_; }

  private:
    struct Connection;
    static std::size_t index_of(card::Profile profile) { return profile == card::Profile::Common ? 0 : 1; }
    card::Card& connect(card::Profile profile);
    // Handles a transport failure of a card operation; true: try once more.
    bool recover(apdu::TransportError::Kind kind, const std::string& what, int attempt);
    void mark_removed();
    void raise_events();

    // The card kept between operations (docs/card-protocol.md §10): after an operation the
    // reader keeps its PC/SC transaction for hold_ more, so that the next operation of this
    // process, if it comes that soon, needs no SELECT and no repeated MSE:SET (nobody else
    // can have used the card in between). Another process waits at most hold_ for the card.
    void keep_card();  // with mutex_: the operation starts; begins the transaction if not kept
    // With mutex_: the operation ended; release the card hold_ from now (or at once if no
    // thread can do it later). Runs in a destructor, so it throws nothing.
    void arm_release() noexcept;
    void arm_release_or_throw();
    // The releaser thread: started by the first release armed, it lives until the reader
    // ends (C_Finalize) and sleeps between releases. It holds a fork_gate pass whenever it
    // does not sleep (fork_gate.hpp).
    void release_when_due();
    void sleep_until_due(std::unique_lock<std::mutex>& lock);

    const std::string name_;
    const std::size_t index_;
    std::shared_ptr<card::ObjectCache> cache_;
    std::shared_ptr<ReaderSystem> system_;
    std::unique_ptr<Mutex> mutex_;
    std::atomic<bool> present_{false};
    std::atomic<std::uint64_t> epoch_{1};
    std::atomic<unsigned> events_{0};  // bit 0: common slot, bit 1: secure slot
    Bytes atr_;                        // slot manager's mutex

    // Under mutex_:
    std::array<Token, 2> tokens_{Token(card::Profile::Common), Token(card::Profile::Secure)};
    std::unique_ptr<Connection> connection_;
    RandomPool random_pool_;
    std::uint64_t synced_epoch_ = 0;

    // Keeping the card (keep_card):
    const std::chrono::milliseconds hold_;
    std::mutex hold_mutex_;  // after mutex_ when both are taken
    std::condition_variable hold_changed_;
    std::optional<std::chrono::steady_clock::time_point> release_at_;  // hold_mutex_
    bool stopping_ = false;                                            // hold_mutex_
    std::thread releaser_;                                             // mutex_
};

template <typename F>
decltype(auto) Reader::with_card(card::Profile profile, F&& f) {
    struct ReleaseLater {
        Reader& reader;
        ~ReleaseLater() { reader.arm_release(); }
    };
    for (int attempt = 0;; ++attempt) {
        card::Card& card = connect(profile);
        try {
            const ReleaseLater release{*this};
            keep_card();
            return f(card);
        } catch (const apdu::TransportError& e) {
            if (!recover(e.kind(), e.what(), attempt)) throw;
        } catch (const card::CardError& e) {
            if (e.kind() != card::ErrorKind::Transport) throw;
            // The card library keeps the transport's kind of failure in the error.
            const auto kind = e.transport_kind().value_or(apdu::TransportError::Kind::Other);
            if (!recover(kind, e.what(), attempt)) throw;
        }
    }
}

}  // namespace carta::pkcs11
