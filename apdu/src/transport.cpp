#include "carta/apdu/transport.hpp"

#include <map>
#include <mutex>

namespace carta::apdu {

namespace {

// Guards per transport. A transport is used by one thread at a time, but
// different threads hold guards on different transports concurrently.
struct GuardBook {
    struct Transaction {
        int depth = 1;
        std::unique_ptr<KnownCardState> known = std::make_unique<KnownCardState>();
    };
    std::mutex mutex;
    std::map<const Transport*, Transaction> open;
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
        auto it = b.open.find(&transport_);
        if (it != b.open.end()) {
            ++it->second.depth;
            return;
        }
    }
    // Not under the mutex: begin_transaction may block on another process.
    transport_.begin_transaction();  // if it throws, nothing is recorded
    owner_ = true;
    std::lock_guard lock(b.mutex);
    b.open[&transport_] = GuardBook::Transaction{};
}

TransactionGuard::~TransactionGuard() {
    GuardBook& b = book();
    bool end_now = false;
    {
        std::lock_guard lock(b.mutex);
        auto it = b.open.find(&transport_);
        if (it == b.open.end()) {
            end_now = owner_;
        } else if (--it->second.depth == 0) {
            b.open.erase(it);
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

void KnownCardState::after(const CommandApdu& command, const ResponseApdu& response) {
    // A refused command may have left anything behind (a failed MSE, for one, leaves no
    // environment): only what accepted commands did is known.
    if (!response.ok()) return forget();
    const auto effect = [&](std::uint8_t flag) { return (command.flags & flag) != 0; };
    if (effect(apdu_flags::kKeepsState)) return;
    if (effect(apdu_flags::kKeepsSelection)) {
        answer_tries_changed = true;
    } else if (effect(apdu_flags::kSelectsApplication)) {
        application = command.data;
        answer_tries_changed = false;
        if (response.data.empty())
            selection_answer.reset();  // SELECT without an answer (P2 0C)
        else
            selection_answer = response.data;
        environments.clear();
    } else if (effect(apdu_flags::kSetsEnvironment)) {
        environments[environment_key(command)] = command.data;
    } else {
        forget();
    }
}

bool KnownCardState::has_environment(const CommandApdu& command) const {
    const auto set = environments.find(environment_key(command));
    return set != environments.end() && set->second == command.data;
}

KnownCardState* TransactionGuard::known_state(const Transport& transport) {
    GuardBook& b = book();
    std::lock_guard lock(b.mutex);
    auto it = b.open.find(&transport);
    return it == b.open.end() ? nullptr : it->second.known.get();
}

}  // namespace carta::apdu
