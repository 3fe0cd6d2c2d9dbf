// The slots: two per PC/SC reader, in the order the readers appeared
// (slot 2r: the common profile of reader r, slot 2r+1: its secure profile).
// Slot ids stay the same for the life of the module, also when a reader is
// unplugged and comes back under the same name.
//
// Reader and card presence come from the reader system only (PC/SC in
// production: pcscd, not the card): polled
// when C_GetSlotList asks, and at most every few tens of milliseconds for the
// calls that need to know whether a session's card is still there.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "carta/card/object_cache.hpp"
#include "locking.hpp"
#include "reader.hpp"
#include "reader_system.hpp"

namespace carta::pkcs11 {

class SlotManager {
  public:
    SlotManager(const Locking& locking, std::shared_ptr<card::ObjectCache> cache,
                std::shared_ptr<ReaderSystem> system);
    ~SlotManager();

    // C_GetSlotList. `for_count`: the call that asks for the number of slots;
    // the next call (with the buffer) gets the same list.
    std::vector<CK_SLOT_ID> slot_list(bool token_present, bool for_count);

    // Throws Pkcs11Error(CKR_SLOT_ID_INVALID).
    Reader& reader(CK_SLOT_ID slot);
    static card::Profile profile_of(CK_SLOT_ID slot) {
        return slot % 2 == 0 ? card::Profile::Common : card::Profile::Secure;
    }

    // Polls the readers: always with `force`, else only if the last poll is older than a moment.
    void refresh(bool force);

    // C_WaitForSlotEvent. Returns the slot of the next event; nullopt when
    // `block` is false and there is none. Blocks until an event or cancel().
    std::optional<CK_SLOT_ID> wait_for_event(bool block);
    // Wakes every blocked wait_for_event (C_Finalize); they return nullopt.
    void cancel();
    // Ends the transactions the readers keep between operations (C_Finalize).
    void release_cards();

  private:
    void poll();  // with mutex_ held
    std::optional<CK_SLOT_ID> take_event();

    const Locking& locking_;
    std::shared_ptr<card::ObjectCache> cache_;
    std::shared_ptr<ReaderSystem> system_;
    std::unique_ptr<Mutex> mutex_;  // readers_, monitor_, last_poll_, pending lists
    std::unique_ptr<ReaderMonitor> monitor_;
    std::vector<std::unique_ptr<Reader>> readers_;
    std::chrono::steady_clock::time_point last_poll_{};
    std::optional<std::vector<CK_SLOT_ID>> counted_[2];  // last "how many" answer per token_present

    // C_WaitForSlotEvent has its own monitor: a blocked SCardGetStatusChange
    // holds its context's lock inside pcsc-lite.
    std::unique_ptr<Mutex> wait_mutex_;
    std::unique_ptr<ReaderMonitor> wait_monitor_;  // under wait_mutex_
    std::atomic<ReaderMonitor*> waiting_on_{nullptr};
    // A new monitor for the waits, its baseline taken; nullptr while the service is down.
    std::unique_ptr<ReaderMonitor> new_wait_monitor();
    std::atomic<bool> cancelled_{false};
    const std::chrono::milliseconds card_hold_;  // for every reader (reader.hpp)
};

}  // namespace carta::pkcs11
