#include "carta/apdu/transport.hpp"

#include <map>
#include <mutex>

namespace carta::apdu {

namespace {

// Guards per transport. A transport is used by one thread at a time, but
// different threads hold guards on different transports concurrently.
struct GuardBook {
    std::mutex mutex;
    std::map<const Transport*, int> depth;
};

GuardBook& book() {
    static GuardBook* b = new GuardBook;  // never destroyed: guards may outlive static destruction
    return *b;
}

}  // namespace

TransactionGuard::TransactionGuard(Transport& transport) : transport_(transport), owner_(false) {
    GuardBook& b = book();
    {
        std::lock_guard lock(b.mutex);
        auto it = b.depth.find(&transport_);
        if (it != b.depth.end()) {
            ++it->second;
            return;
        }
    }
    // Not under the mutex: begin_transaction may block on another process.
    transport_.begin_transaction();  // if it throws, nothing is recorded
    owner_ = true;
    std::lock_guard lock(b.mutex);
    b.depth[&transport_] = 1;
}

TransactionGuard::~TransactionGuard() {
    GuardBook& b = book();
    bool end_now = false;
    {
        std::lock_guard lock(b.mutex);
        auto it = b.depth.find(&transport_);
        if (it == b.depth.end()) {
            end_now = owner_;
        } else if (--it->second == 0) {
            b.depth.erase(it);
            end_now = true;
        }
    }
    if (end_now) {
        try {
            transport_.end_transaction();
        } catch (...) {
            // The card or the service is gone; the transaction ended with it.
        }
    }
}

}  // namespace carta::apdu
