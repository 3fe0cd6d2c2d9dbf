// The card's dispatcher: parse, class check, chaining, command table, Le handling.
#include "carta/sim/virtual_card.hpp"

#include <iostream>
#include <mutex>

#include "apdu_framing.hpp"
#include "card_context.hpp"
#include "card_status.hpp"
#include "carta/apdu/tlv.hpp"
#include "carta/sim/key_ops.hpp"
#include "commands.hpp"

namespace carta::sim {

using namespace apdu;

namespace {

constexpr std::uint8_t kInsGetResponse = 0xC0;

// CLA 00/80, or 10/90 with the chaining bit (docs §1).
StatusWord check_class(std::uint8_t cla) {
    if (cla == 0xFF) return sw::kClaNotSupported;
    const std::uint8_t base = cla & ~kClaChaining;
    if (base == 0x00 || base == 0x80) return sw::kOk;
    // Interindustry or proprietary class with logical channel bits, or channels 4-19.
    const bool channel_bits = (base & 0x6C) == 0 && (base & 0x03) != 0;
    if (channel_bits || (cla >= 0x40 && cla <= 0x7F)) return sw::kLogicalChannelNotSupported;
    return sw::kClaNotSupported;
}

// Wipes a command's data (PIN blocks, keys) however processing ends.
struct WipeOnExit {
    Bytes& data;
    ~WipeOnExit() { secure_wipe(data.data(), data.size()); }
};

}  // namespace

struct VirtualCard::Impl {
    Impl(std::unique_ptr<StateStore> store_in, CardOptions options)
        : store(std::move(store_in)),
          context(store->load(), *store, LatencyModel(options.latency, std::move(options.sleeper))) {}

    Bytes process(ByteView raw) {
        CommandApdu command;
        try {
            command = CommandApdu::parse(raw);
        } catch (const std::exception&) {
            return status_only(sw::kWrongLength);  // malformed: nothing changes
        }
        WipeOnExit wipe{command.data};
        if (const StatusWord status = check_class(command.cla); !status.ok()) return status_only(status);

        if (command.ins == kInsGetResponse && !chain.active()) {
            if (command.cla != 0x00)
                return status_only(command.is_chained() ? sw::kChainingNotSupported : sw::kClaNotSupported);
            return pending.get_response(command);
        }
        pending.clear();  // only GET RESPONSE may follow a 61xx
        chain.check_continues(command);

        const CommandEntry* entry = nullptr;
        switch (find_command(command.cla, command.ins, entry)) {
            case Lookup::found:
                break;
            case Lookup::wrong_class:
                return status_only(sw::kClaNotSupported);
            case Lookup::unknown:
                return status_only(sw::kInsNotSupported);
        }
        std::optional<CommandApdu> whole = chain.accept(std::move(command));
        if (!whole) return status_only(sw::kOk);  // a middle part of a chain
        WipeOnExit wipe_whole{whole->data};
        return pending.fit(entry->handler(context, *whole), *whole);
    }

    void reset_session() {
        context.session() = Session{};
        chain.clear();
        pending.clear();
    }

    std::unique_ptr<StateStore> store;
    CardContext context;
    CommandChain chain;
    PendingResponse pending;
    mutable std::mutex mutex;
};

VirtualCard::VirtualCard(const std::filesystem::path& state_file, CardOptions options)
    : VirtualCard(std::make_unique<StateStore>(state_file), std::move(options)) {}

VirtualCard::VirtualCard(std::unique_ptr<StateStore> store, CardOptions options)
    : impl_(std::make_unique<Impl>(std::move(store), std::move(options))) {}

VirtualCard::~VirtualCard() = default;

const Bytes& VirtualCard::answer_to_reset() {
    // cryptoCertum 3.6; the historical bytes spell "Certum01".
    static const Bytes atr = {0x3B, 0x7F, 0x96, 0x00, 0x00, 0x80, 0x31, 0x80, 0x58, 0x43,
                              0x65, 0x72, 0x74, 0x75, 0x6D, 0x30, 0x31, 0x82, 0x90, 0x00};
    return atr;
}

Bytes VirtualCard::process(ByteView command) {
    std::lock_guard lock(impl_->mutex);
    impl_->context.begin_command();
    Bytes response;
    try {
        response = impl_->process(command);
    } catch (const PowerLost&) {
        // No answer from a card without power; it comes back reset.
        impl_->reset_session();
        return {};
    } catch (const CardStatus& status) {
        response = status_only(status.status());
    } catch (const tlv::TlvError&) {
        response = status_only(sw::kIncorrectData);
    } catch (const std::exception& error) {
        std::cerr << "carta-sim: internal error: " << error.what() << "\n";
        response = status_only(sw::kUnknownError);
    } catch (...) {
        response = status_only(sw::kUnknownError);
    }
    try {
        impl_->context.wait_like_the_real_card();  // the rest of the real card's time, if any
    } catch (const PowerLost&) {
        impl_->reset_session();
        return {};
    } catch (...) {  // a sleeper that throws must not turn into an exception out of process()
    }
    return response;
}

void VirtualCard::power_cycle() {
    std::lock_guard lock(impl_->mutex);
    impl_->reset_session();
}

CardState VirtualCard::state() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->context.state();
}

}  // namespace carta::sim
