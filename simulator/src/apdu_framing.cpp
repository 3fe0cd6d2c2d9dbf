#include "apdu_framing.hpp"

#include <algorithm>

#include "card_status.hpp"

namespace carta::sim {

using namespace apdu;

Bytes status_only(StatusWord status) {
    return {status.sw1(), status.sw2()};
}

CommandChain::Header CommandChain::header_of(const CommandApdu& command) {
    return {static_cast<std::uint8_t>(command.cla & ~kClaChaining), command.ins, command.p1, command.p2};
}

void CommandChain::check_continues(const CommandApdu& command) {
    if (header_ && header_of(command) != *header_) {
        clear();
        fail(sw::kLastCommandOfChainExpected);
    }
}

std::optional<CommandApdu> CommandChain::accept(CommandApdu part) {
    check_continues(part);
    if (data_.size() + part.data.size() > kMaxData) {
        clear();
        fail(sw::kNotEnoughMemory);
    }
    if (part.is_chained()) {
        if (part.data.empty()) {
            clear();
            fail(sw::kWrongLength);
        }
        if (!header_) {
            header_ = header_of(part);
            data_.reserve(kMaxData);  // no reallocation: it would leave copies of secrets
        }
        data_.insert(data_.end(), part.data.begin(), part.data.end());
        secure_wipe(part.data.data(), part.data.size());
        return std::nullopt;
    }
    if (!header_) return part;
    // The last part: the whole command, with the Le of the last part.
    Bytes whole;
    whole.reserve(data_.size() + part.data.size());
    whole.insert(whole.end(), data_.begin(), data_.end());
    whole.insert(whole.end(), part.data.begin(), part.data.end());
    secure_wipe(part.data.data(), part.data.size());
    part.data = std::move(whole);
    clear();
    return part;
}

void CommandChain::clear() {
    secure_wipe(data_.data(), data_.size());
    data_.clear();
    header_.reset();
}

void PendingResponse::clear() {
    secure_wipe(rest_.data(), rest_.size());
    rest_.clear();
    rest_.shrink_to_fit();
}

Bytes PendingResponse::take(std::size_t ne) {
    const std::size_t n = std::min(ne, rest_.size());
    Bytes out(rest_.begin(), rest_.begin() + static_cast<std::ptrdiff_t>(n));
    Bytes left(rest_.begin() + static_cast<std::ptrdiff_t>(n), rest_.end());
    clear();
    rest_ = std::move(left);
    if (rest_.empty()) {
        out.push_back(0x90);
        out.push_back(0x00);
    } else {
        out.push_back(0x61);
        out.push_back(static_cast<std::uint8_t>(rest_.size() > 0xFF ? 0x00 : rest_.size()));
    }
    return out;
}

Bytes PendingResponse::get_response(const CommandApdu& command) {
    require(command.p1 == 0x00 && command.p2 == 0x00, sw::kIncorrectP1P2);
    require(command.data.empty() && command.ne.has_value(), sw::kWrongLength);
    require(!rest_.empty(), sw::kConditionsNotSatisfied);
    return take(*command.ne);
}

Bytes PendingResponse::fit(Reply reply, const CommandApdu& command) {
    clear();
    const std::size_t ne = command.ne.value_or(0);
    if (reply.data.empty() || !reply.status.ok()) {
        secure_wipe(reply.data.data(), reply.data.size());
        return status_only(reply.status);
    }
    if (ne == 0) {
        // No Le: a case-4 command as T=0 transmits it (the ATR announces T=0). The
        // card says how much it has (61xx) and the host fetches it with GET RESPONSE.
        rest_ = std::move(reply.data);
        return {0x61, static_cast<std::uint8_t>(rest_.size() > 0xFF ? 0x00 : rest_.size())};
    }
    if (reply.data.size() <= ne) {
        reply.data.push_back(0x90);
        reply.data.push_back(0x00);
        return std::move(reply.data);
    }
    if (reply.repeatable && !command.extended && reply.data.size() <= kShortMaxLe) {
        // "Wrong Le, the right one is xx": the host sends the command again.
        const auto exact = static_cast<std::uint8_t>(reply.data.size() & 0xFF);
        secure_wipe(reply.data.data(), reply.data.size());
        return {0x6C, exact};
    }
    rest_ = std::move(reply.data);
    return take(ne);
}

}  // namespace carta::sim
