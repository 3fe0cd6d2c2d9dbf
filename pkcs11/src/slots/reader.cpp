#include "reader.hpp"

#include "errors.hpp"
#include "fork_gate.hpp"
#include "log.hpp"

namespace carta::pkcs11 {
namespace {

using TransportKind = apdu::TransportError::Kind;

// The card documented in docs/card-protocol.md §1 says "Certum" in its ATR's
// historical bytes. Other cards in other readers are not our tokens.
bool recognised_atr(ByteView atr) {
    static constexpr std::string_view kMark = "Certum";
    const std::string text(atr.begin(), atr.end());
    return text.find(kMark) != std::string::npos;
}

}  // namespace

// The card in a reader, reached through a transport of its own (reader_system.hpp).
struct Reader::Connection {
    std::unique_ptr<apdu::Transport> transport;
    card::Card common;
    card::Card secure;
    // The transaction kept between operations (keep_card); ends before the transport closes.
    std::unique_ptr<apdu::TransactionGuard> kept;

    Connection(ReaderSystem& system, const std::string& reader,
               const std::shared_ptr<card::ObjectCache>& cache)
        : transport(system.connect(reader)),
          common(*transport, card::Profile::Common, cache),
          secure(*transport, card::Profile::Secure, cache) {}
};

Reader::Reader(std::string name, std::size_t index, const Locking& locking,
               std::shared_ptr<card::ObjectCache> cache, std::shared_ptr<ReaderSystem> system,
               std::chrono::milliseconds hold)
    : name_(std::move(name)),
      index_(index),
      cache_(std::move(cache)),
      system_(std::move(system)),
      mutex_(locking.make_mutex()),
      hold_(hold) {}

Reader::~Reader() {
    {
        std::lock_guard lock(hold_mutex_);
        stopping_ = true;
        release_at_.reset();
    }
    hold_changed_.notify_all();
    if (releaser_.joinable()) {
        releaser_.join();
        fork_gate::leave();  // the pass the releaser ended with
    }
}

void Reader::keep_card() {
    if (hold_.count() > 0 && connection_ && !connection_->kept)
        connection_->kept = std::make_unique<apdu::TransactionGuard>(*connection_->transport);
}

void Reader::release_card() {
    if (connection_) connection_->kept.reset();
}

void Reader::arm_release() noexcept {
    try {
        arm_release_or_throw();
    } catch (const std::exception& e) {
        // No timer: the card must not stay taken, so it goes back now.
        log::line("reader '" + name_ + "': cannot release the card later (" + e.what() + "); released now");
        {
            std::lock_guard lock(hold_mutex_);
            release_at_.reset();
        }
        release_card();
    }
}

void Reader::arm_release_or_throw() {
    if (!connection_ || !connection_->kept) return;
    bool releaser_idle = false;
    {
        std::lock_guard lock(hold_mutex_);
        if (stopping_) return;
        releaser_idle = !release_at_;
        release_at_ = std::chrono::steady_clock::now() + hold_;
    }
    if (releaser_.joinable()) {
        // A releaser sleeping until an earlier deadline looks again when it passes (no
        // wake-up per operation); one sleeping with nothing to do must wake.
        if (releaser_idle) hold_changed_.notify_all();
        return;
    }
    fork_gate::enter();  // the new thread's pass, until it first sleeps
    try {
        releaser_ = std::thread([this] { release_when_due(); });
    } catch (...) {
        fork_gate::leave();
        throw;
    }
}

void Reader::release_when_due() {
    std::unique_lock lock(hold_mutex_);
    while (!stopping_) {
        if (!release_at_ || std::chrono::steady_clock::now() < *release_at_) {
            sleep_until_due(lock);
            continue;
        }
        release_at_.reset();
        lock.unlock();
        try {
            mutex_->lock();
        } catch (const std::exception& e) {
            // The application's LockMutex failed: try again a little later.
            log::line("reader '" + name_ + "': releasing the card: " + e.what());
            lock.lock();
            if (!release_at_) release_at_ = std::chrono::steady_clock::now() + hold_;
            continue;
        }
        {
            std::lock_guard again(hold_mutex_);
            // An operation that ran while this thread waited for mutex_ armed a new release.
            if (!release_at_ && !stopping_) release_card();
        }
        mutex_->unlock();
        lock.lock();
    }
    // Returns with its pass; ~Reader gives it back once the thread is gone.
}

void Reader::sleep_until_due(std::unique_lock<std::mutex>& lock) {
    fork_gate::leave();
    if (release_at_) {
        const auto deadline = *release_at_;
        hold_changed_.wait_until(lock, deadline);
    } else {
        hold_changed_.wait(lock);
    }
    // Not with hold_mutex_ held: a fork under way may keep this thread waiting.
    lock.unlock();
    fork_gate::enter();
    lock.lock();
}

bool Reader::observe(bool card_present, ByteView atr) {
    const bool ours = card_present && recognised_atr(atr);
    const bool same_card = atr_.size() == atr.size() && std::equal(atr_.begin(), atr_.end(), atr.begin());
    if (ours == present_.load() && (!ours || same_card)) return false;
    atr_.assign(atr.begin(), atr.end());
    present_.store(ours);
    ++epoch_;
    raise_events();
    return true;
}

void Reader::observe_reinsertion() {
    log::line("reader '" + name_ + "': card events without a change in presence: the card counts as new");
    ++epoch_;
    raise_events();
}

int Reader::take_event() {
    unsigned events = events_.load();
    while (events != 0) {
        const int bit = (events & 1U) != 0 ? 0 : 1;
        if (events_.compare_exchange_weak(events, events & ~(1U << bit))) return bit;
    }
    return -1;
}

void Reader::raise_events() {
    events_.fetch_or(3U);
}

void Reader::sync() {
    const auto now = epoch_.load();
    if (synced_epoch_ == now) return;
    connection_.reset();
    for (auto& token : tokens_) token.forget();
    random_pool_.clear();
    synced_epoch_ = now;
}

card::Card& Reader::connect(card::Profile profile) {
    sync();
    if (!present_.load()) fail(CKR_DEVICE_REMOVED, "no card in reader '" + name_ + "'");
    if (!connection_) {
        try {
            connection_ = std::make_unique<Connection>(*system_, name_, cache_);
        } catch (const apdu::TransportError& e) {
            if (e.kind() == TransportKind::NoCard || e.kind() == TransportKind::CardRemoved ||
                e.kind() == TransportKind::NoReader || e.kind() == TransportKind::ServiceGone) {
                mark_removed();
                fail(CKR_DEVICE_REMOVED, e.what());
            }
            fail(CKR_DEVICE_ERROR, e.what());
        }
    }
    // Selecting a profile clears the other profile's security state on the card
    // (docs/card-protocol.md §2): whoever was logged in there no longer is.
    const auto other = profile == card::Profile::Common ? card::Profile::Secure : card::Profile::Common;
    if (login(other) != Login::None) set_login(other, Login::None);
    return profile == card::Profile::Common ? connection_->common : connection_->secure;
}

bool Reader::recover(TransportKind kind, const std::string& what, int attempt) {
    switch (kind) {
        case TransportKind::CardReset:
        case TransportKind::ServiceGone:
            // Another process reset the card, or pcscd restarted: the card's
            // security state is gone. Connect afresh and try once more.
            log::line("reader '" + name_ + "': " + what + "; reconnecting (login state lost)");
            for (auto& token : tokens_) {
                token.set_login(Login::None, epoch_.load());
                token.invalidate_status();
            }
            connection_.reset();
            if (attempt == 0) return true;
            // Lost again at once: the card cannot be reached now (pcscd still
            // restarting). Its sessions end as for a removed card, which is also
            // what a session idle during the restart sees (docs/fault-matrix.md).
            mark_removed();
            fail(CKR_DEVICE_REMOVED, what);
        case TransportKind::CardRemoved:
        case TransportKind::NoCard:
        case TransportKind::NoReader:
            mark_removed();
            fail(CKR_DEVICE_REMOVED, what);
        default:
            fail(CKR_DEVICE_ERROR, what);
    }
}

void Reader::mark_removed() {
    if (present_.exchange(false)) {
        ++epoch_;
        raise_events();
    }
    sync();
}

}  // namespace carta::pkcs11
