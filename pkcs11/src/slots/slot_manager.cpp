#include "slot_manager.hpp"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "errors.hpp"
#include "log.hpp"

namespace carta::pkcs11 {
namespace {

// How old a PC/SC poll may be for calls that only need to know whether a
// session's card is still there.
constexpr auto kPollInterval = std::chrono::milliseconds(50);
// Longer than pcsc-lite's longest finite wait: block until something happens.
constexpr auto kForever = std::chrono::hours(24 * 365);
// Without pcscd there is nothing to wait on: look again this often.
constexpr auto kNoServiceRetry = std::chrono::milliseconds(250);

// How long a reader keeps the card after an operation (reader.hpp): long enough for the
// calls a client makes in a row (C_Login then C_Sign, a start-up's C_GetTokenInfo and searches),
// short enough that another process waiting for the card does not notice.
constexpr std::chrono::milliseconds kDefaultCardHold{250};
constexpr std::chrono::milliseconds kMaxCardHold{5000};

std::chrono::milliseconds card_hold(const Locking& locking) {
    if (!locking.may_start_threads()) return std::chrono::milliseconds(0);
    const char* text = std::getenv("CARTA_CARD_HOLD_MS");
    if (text == nullptr || *text == '\0') return kDefaultCardHold;
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (*end != '\0' || value < 0) {
        log::line(std::string("CARTA_CARD_HOLD_MS=") + text + " is not a number of milliseconds; using " +
                  std::to_string(kDefaultCardHold.count()));
        return kDefaultCardHold;
    }
    return std::min(std::chrono::milliseconds(value), kMaxCardHold);
}

}  // namespace

SlotManager::SlotManager(const Locking& locking, std::shared_ptr<card::ObjectCache> cache,
                         std::shared_ptr<ReaderSystem> system)
    : locking_(locking),
      cache_(std::move(cache)),
      system_(std::move(system)),
      mutex_(locking.make_mutex()),
      wait_mutex_(locking.make_mutex()),
      card_hold_(card_hold(locking)) {
    std::lock_guard lock(*mutex_);
    poll();
    // What is there at C_Initialize is the starting point, not an event.
    for (auto& reader : readers_)
        while (reader->take_event() >= 0) {
        }
}

SlotManager::~SlotManager() = default;

void SlotManager::release_cards() {
    std::vector<Reader*> readers;
    {
        std::lock_guard lock(*mutex_);
        for (auto& reader : readers_) readers.push_back(reader.get());  // never removed from readers_
    }
    for (Reader* reader : readers) {
        std::lock_guard card(reader->mutex());
        reader->release_card();
    }
}

void SlotManager::poll() {
    last_poll_ = std::chrono::steady_clock::now();
    std::vector<apdu::ReaderState> states;
    bool something_happened = false;
    try {
        if (!monitor_) {
            monitor_ = system_->monitor();
        } else {
            // Counts card events too: a card pulled and put back between two
            // polls looks the same in presence and ATR, but not to this.
            something_happened = monitor_->wait_for_change(std::chrono::milliseconds(0));
        }
        states = monitor_->reader_states();
    } catch (const apdu::TransportError& e) {
        // pcscd is not running (or went away): no readers until it is back.
        if (monitor_) log::line(std::string("readers: ") + e.what());
        monitor_.reset();
    }
    std::vector<bool> seen(readers_.size(), false);
    bool explained = false;
    for (const auto& state : states) {
        std::size_t i = 0;
        while (i < readers_.size() && readers_[i]->name() != state.name) ++i;
        if (i == readers_.size()) {
            readers_.push_back(
                std::make_unique<Reader>(state.name, i, locking_, cache_, system_, card_hold_));
            explained = true;
        }
        if (i >= seen.size()) seen.resize(i + 1, false);
        seen[i] = true;
        explained |= readers_[i]->observe(state.card_present, state.atr);
    }
    for (std::size_t i = 0; i < readers_.size(); ++i)
        if (!seen[i]) explained |= readers_[i]->observe(false, {});
    // A card event that changed no reader's presence: a card went out and came
    // back (apdu::ReaderState does not say in which reader). Every card still
    // present is treated as newly inserted: its sessions and logins end.
    if (something_happened && !explained)
        for (auto& reader : readers_)
            if (reader->present()) reader->observe_reinsertion();
}

void SlotManager::refresh(bool force) {
    std::lock_guard lock(*mutex_);
    if (force || std::chrono::steady_clock::now() - last_poll_ >= kPollInterval) poll();
}

std::vector<CK_SLOT_ID> SlotManager::slot_list(bool token_present, bool for_count) {
    std::lock_guard lock(*mutex_);
    auto& counted = counted_[token_present ? 1 : 0];
    if (!for_count && counted) {
        auto list = std::move(*counted);
        counted.reset();
        return list;
    }
    poll();
    std::vector<CK_SLOT_ID> list;
    for (const auto& reader : readers_) {
        if (token_present && !reader->present()) continue;
        list.push_back(reader->index() * 2);
        list.push_back(reader->index() * 2 + 1);
    }
    if (for_count) counted = list;
    return list;
}

Reader& SlotManager::reader(CK_SLOT_ID slot) {
    std::lock_guard lock(*mutex_);
    const auto index = slot / 2;
    if (index >= readers_.size()) fail(CKR_SLOT_ID_INVALID, "no slot " + std::to_string(slot));
    return *readers_[index];
}

std::optional<CK_SLOT_ID> SlotManager::take_event() {
    for (const auto& reader : readers_) {
        const int which = reader->take_event();
        if (which >= 0) return reader->index() * 2 + static_cast<CK_SLOT_ID>(which);
    }
    return std::nullopt;
}

std::unique_ptr<ReaderMonitor> SlotManager::new_wait_monitor() {
    try {
        auto monitor = system_->monitor();
        monitor->reader_states();
        return monitor;
    } catch (const apdu::TransportError&) {
        return nullptr;
    }
}

std::optional<CK_SLOT_ID> SlotManager::wait_for_event(bool block) {
    std::unique_lock wait_lock(*wait_mutex_, std::defer_lock);
    if (block) {
        wait_lock.lock();
        // The waiting monitor takes its baseline before the poll below, so a
        // change between the two wakes the wait instead of being missed.
        if (!wait_monitor_) wait_monitor_ = new_wait_monitor();
    }
    while (true) {
        if (cancelled_.load()) return std::nullopt;
        {
            std::lock_guard lock(*mutex_);
            poll();
            if (auto slot = take_event()) return slot;
        }
        if (!block) return std::nullopt;
        if (!wait_monitor_) {
            std::this_thread::sleep_for(kNoServiceRetry);
            wait_monitor_ = new_wait_monitor();
            continue;
        }
        waiting_on_.store(wait_monitor_.get());
        try {
            if (!cancelled_.load()) wait_monitor_->wait_for_change(kForever);
        } catch (const apdu::TransportError& e) {
            log::line(std::string("C_WaitForSlotEvent: ") + e.what());
            waiting_on_.store(nullptr);
            wait_monitor_.reset();
            continue;
        }
        waiting_on_.store(nullptr);
    }
}

void SlotManager::cancel() {
    cancelled_.store(true);
    if (auto* monitor = waiting_on_.load()) monitor->cancel();
}

}  // namespace carta::pkcs11
