#include "card_context.hpp"

#include <iostream>

#include "card_status.hpp"

namespace carta::sim {

using namespace apdu;

ProfileId CardContext::profile_id() const {
    require(session_.profile.has_value(), sw::kConditionsNotSatisfied);
    return *session_.profile;
}

void CardContext::require_initialised() const {
    require(profile().life_cycle != LifeCycle::uninitialised, sw::kConditionsNotSatisfied);
}

void CardContext::require_pin() {
    require(profile().life_cycle == LifeCycle::operational, sw::kConditionsNotSatisfied);
    require(codes().pin_verified, sw::kSecurityStatusNotSatisfied);
}

void CardContext::commit(CardState next) {
    try {
        store_.save(next);
    } catch (const DirectorySyncError& error) {
        // The file already holds `next` (the rename happened): memory must follow it.
        std::cerr << "carta-sim: warning: " << error.what() << "\n";
    } catch (const std::exception& error) {
        std::cerr << "carta-sim: cannot store the card state: " << error.what() << "\n";
        throw CardStatus(sw::kMemoryFailure);
    }
    state_ = std::move(next);
}

void CardContext::begin_command() {
    started_ = std::chrono::steady_clock::now();
    note(CardOperation::other);
}

void CardContext::wait_like_the_real_card() const {
    if (!latency_.pad(operation_, algorithm_, started_)) throw PowerLost{};
}

CardState CardContext::edit_with_new_change_counter() const {
    CardState next = state_;
    ++next.profile(profile_id()).change_counter;
    return next;
}

}  // namespace carta::sim
