// The card as the command handlers see it: the stored state, the session, the
// rules every handler shares (profile selected, life cycle, PIN) and commit(),
// the only way stored state changes.
#pragma once

#include <optional>

#include "carta/sim/card_state.hpp"
#include "carta/sim/latency.hpp"
#include "carta/sim/state_store.hpp"
#include "session.hpp"

namespace carta::sim {

// Thrown when the card lost power in the middle of a command (a pull during a
// long operation with realistic latency): nothing is stored, nothing answered.
struct PowerLost {};

class CardContext {
  public:
    CardContext(CardState state, StateStore& store, LatencyModel latency)
        : state_(std::move(state)), store_(store), latency_(std::move(latency)) {}

    const CardState& state() const { return state_; }
    Session& session() { return session_; }

    // The selected profile (6985 if none).
    ProfileId profile_id() const;
    const Profile& profile() const { return state_.profile(profile_id()); }
    CodeStates& codes() { return session_.codes_of(profile_id()); }

    // Life cycle 04 or 05 (6985 in 03).
    void require_initialised() const;
    // Life cycle 05 (6985) and the PIN verified in this session (6982).
    void require_pin();

    // Stores `next` and then makes it the card's state. If it cannot be stored the
    // card keeps its old state and the command answers 6581 (CardStatus thrown).
    void commit(CardState next);
    // A copy of the state with the selected profile's change counter increased:
    // the start of every change a host may have cached (docs §8).
    CardState edit_with_new_change_counter() const;

    // For the latency model: what this command did (default: other).
    void note(CardOperation operation, std::optional<KeyAlgorithm> algorithm = std::nullopt) {
        operation_ = operation;
        algorithm_ = algorithm;
    }
    // Starts the clock of a new command.
    void begin_command();
    // Takes as long as the real card would have taken so far (latency model), so
    // that a power loss in that time happens before the result is stored: throws
    // PowerLost then. Called before commit() by long commands with a lasting effect.
    void wait_like_the_real_card() const;

  private:
    CardState state_;
    StateStore& store_;
    Session session_;
    LatencyModel latency_;
    std::chrono::steady_clock::time_point started_;
    CardOperation operation_ = CardOperation::other;
    std::optional<KeyAlgorithm> algorithm_;
};

}  // namespace carta::sim
