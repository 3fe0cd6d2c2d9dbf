// The only file that talks to libpcsclite.
#include "carta/apdu/pcsc_transport.hpp"

#include <reader.h>
#include <winscard.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <utility>

namespace carta::apdu {

namespace {

constexpr const char* kPnpReader = "\\\\?PnP?\\Notification";
constexpr DWORD kProtocols = SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;
constexpr std::size_t kReceiveBufferSize = 65538;  // 65536 data bytes + SW1 SW2

// Errors that mean the context (and every handle on it) is dead: pcscd stopped or restarted.
bool is_service_error(LONG rv) {
    return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED || rv == SCARD_E_INVALID_HANDLE ||
           rv == SCARD_F_COMM_ERROR;
}

TransportError::Kind kind_of(LONG rv) {
    using Kind = TransportError::Kind;
    if (is_service_error(rv)) return Kind::ServiceGone;
    switch (rv) {
        case SCARD_W_RESET_CARD:
            return Kind::CardReset;
        case SCARD_W_REMOVED_CARD:
            return Kind::CardRemoved;
        case SCARD_E_NO_SMARTCARD:
            return Kind::NoCard;
        case SCARD_E_SHARING_VIOLATION:
            return Kind::Sharing;
        case SCARD_E_UNKNOWN_READER:
        case SCARD_E_READER_UNAVAILABLE:
        case SCARD_E_NO_READERS_AVAILABLE:
            return Kind::NoReader;
        case SCARD_E_TIMEOUT:
            return Kind::Timeout;
        default:
            return Kind::Other;
    }
}

std::string error_text(const std::string& what, LONG rv) {
    char code[16];
    std::snprintf(code, sizeof code, "0x%08X", static_cast<unsigned>(rv));
    return what + " failed: " + pcsc_stringify_error(rv) + " (" + code + ")";
}

[[noreturn]] void fail(const std::string& what, LONG rv) {
    throw TransportError(kind_of(rv), error_text(what, rv));
}

std::string on_reader(const char* call, const std::string& reader) {
    return std::string(call) + " on reader '" + reader + "'";
}

// Bits of a reader's event state that tell a reader or card change (plus the
// event counter in the upper 16 bits, which catches a quick remove + insert).
constexpr DWORD kRelevantStateBits = SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE | SCARD_STATE_EMPTY |
                                     SCARD_STATE_PRESENT | SCARD_STATE_MUTE;

bool relevant_change(DWORD before, DWORD after) {
    return ((before ^ after) & kRelevantStateBits) != 0 || (before >> 16) != (after >> 16);
}

}  // namespace

// ---- PcscContext -------------------------------------------------------------------

struct PcscContext::Impl {
    struct Known {
        std::string name;
        DWORD state = SCARD_STATE_UNAWARE;
    };

    std::atomic<SCARDCONTEXT> context{0};
    bool established = false;
    // Bumped by every re-establishment: handles from an older generation are dead.
    std::atomic<unsigned> generation{0};
    std::atomic<bool> cancel_requested{false};
    // The reader states last reported to the caller (reader_states / wait_for_change).
    std::optional<std::vector<Known>> known;

    void establish() {
        SCARDCONTEXT ctx = 0;
        const LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
        if (rv != SCARD_S_SUCCESS) {
            // Whatever the reason, without a context the PC/SC service is not usable.
            throw TransportError(TransportError::Kind::ServiceGone, error_text("SCardEstablishContext", rv));
        }
        context.store(ctx);
        established = true;
    }

    void release() noexcept {
        if (established) SCardReleaseContext(context.load());
        established = false;
        context.store(0);
    }

    void reestablish() {
        release();
        ++generation;
        known.reset();
        establish();
    }

    SCARDCONTEXT get() {
        if (!established) reestablish();
        return context.load();
    }

    // Runs `call(context)`; if it reports a dead service, re-establishes the context once and retries.
    template <typename Call>
    LONG with_context(Call&& call) {
        LONG rv = call(get());
        if (is_service_error(rv)) {
            reestablish();
            rv = call(get());
        }
        return rv;
    }
};

namespace {

LONG list_readers_raw(SCARDCONTEXT ctx, std::vector<std::string>& out) {
    out.clear();
    for (int attempt = 0; attempt < 5; ++attempt) {
        DWORD size = 0;
        LONG rv = SCardListReaders(ctx, nullptr, nullptr, &size);
        if (rv == SCARD_E_NO_READERS_AVAILABLE) return SCARD_S_SUCCESS;
        if (rv != SCARD_S_SUCCESS) return rv;
        std::vector<char> buffer(size + 1, '\0');
        rv = SCardListReaders(ctx, nullptr, buffer.data(), &size);
        if (rv == SCARD_E_INSUFFICIENT_BUFFER) continue;  // a reader appeared in between
        if (rv == SCARD_E_NO_READERS_AVAILABLE) return SCARD_S_SUCCESS;
        if (rv != SCARD_S_SUCCESS) return rv;
        // A multi-string: names separated by NULs, ended by an empty name.
        const std::size_t end = std::min<std::size_t>(size, buffer.size());
        std::size_t pos = 0;
        while (pos < end && buffer[pos] != '\0') {
            std::string name(buffer.data() + pos);
            pos += name.size() + 1;
            out.push_back(std::move(name));
        }
        return SCARD_S_SUCCESS;
    }
    return SCARD_E_INSUFFICIENT_BUFFER;
}

}  // namespace

PcscContext::PcscContext() : impl_(std::make_unique<Impl>()) {
    impl_->establish();
}

PcscContext::~PcscContext() {
    impl_->release();
}

std::vector<std::string> PcscContext::list_readers() {
    std::vector<std::string> readers;
    const LONG rv = impl_->with_context([&](SCARDCONTEXT ctx) { return list_readers_raw(ctx, readers); });
    if (rv != SCARD_S_SUCCESS) fail("SCardListReaders", rv);
    return readers;
}

std::vector<ReaderState> PcscContext::reader_states() {
    for (int attempt = 0;; ++attempt) {
        const std::vector<std::string> names = list_readers();
        std::vector<SCARD_READERSTATE> states(names.size());
        for (std::size_t i = 0; i < names.size(); ++i) {
            states[i].szReader = names[i].c_str();
            states[i].dwCurrentState = SCARD_STATE_UNAWARE;
        }
        LONG rv = SCARD_S_SUCCESS;
        if (!states.empty()) {
            rv = impl_->with_context([&](SCARDCONTEXT ctx) {
                return SCardGetStatusChange(ctx, 0, states.data(), static_cast<DWORD>(states.size()));
            });
        }
        if (rv == SCARD_E_UNKNOWN_READER && attempt < 3) continue;  // a reader vanished in between
        if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) fail("SCardGetStatusChange", rv);

        std::vector<ReaderState> result;
        std::vector<Impl::Known> known;
        for (std::size_t i = 0; i < names.size(); ++i) {
            const DWORD event = states[i].dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
            known.push_back({names[i], event});
            if ((event & (SCARD_STATE_UNKNOWN | SCARD_STATE_IGNORE)) != 0) continue;
            ReaderState state;
            state.name = names[i];
            state.card_present = (event & SCARD_STATE_PRESENT) != 0;
            state.card_in_use_exclusively = (event & SCARD_STATE_EXCLUSIVE) != 0;
            if (state.card_present) {
                const std::size_t atr_size = std::min<std::size_t>(states[i].cbAtr, sizeof states[i].rgbAtr);
                state.atr.assign(states[i].rgbAtr, states[i].rgbAtr + atr_size);
            }
            result.push_back(std::move(state));
        }
        impl_->known = std::move(known);
        return result;
    }
}

// The longest one SCardGetStatusChange of wait_for_change blocks (see there).
constexpr std::chrono::milliseconds kCancelSlice{1000};

bool PcscContext::wait_for_change(std::chrono::milliseconds timeout) {
    using Clock = std::chrono::steady_clock;
    Impl& impl = *impl_;
    if (!impl.known) reader_states();  // the baseline the caller is assumed to have seen
    const auto start = Clock::now();
    const auto max_wait = std::chrono::milliseconds(INFINITE - 1);
    const bool forever = timeout >= max_wait;
    const auto deadline = forever ? Clock::time_point::max() : start + timeout;

    while (true) {
        if (impl.cancel_requested.exchange(false)) return false;

        const unsigned generation = impl.generation.load();
        const std::vector<std::string> names = list_readers();
        if (!impl.known || impl.generation.load() != generation) {
            reader_states();  // the context was re-established: everything may have changed
            return true;
        }
        std::vector<Impl::Known>& known = *impl.known;
        const bool same_readers =
            names.size() == known.size() &&
            std::equal(names.begin(), names.end(), known.begin(),
                       [](const std::string& n, const Impl::Known& k) { return n == k.name; });
        if (!same_readers) {
            reader_states();  // a reader appeared or disappeared since the caller last looked
            return true;
        }

        std::vector<SCARD_READERSTATE> states(names.size() + 1);
        states[0].szReader = kPnpReader;
        // pcsc-lite keeps the reader count in the upper 16 bits of the PnP state.
        states[0].dwCurrentState = static_cast<DWORD>(names.size() << 16);
        for (std::size_t i = 0; i < names.size(); ++i) {
            states[i + 1].szReader = names[i].c_str();
            states[i + 1].dwCurrentState = known[i].state;
        }

        // SCardCancel interrupts only a wait already blocked in pcscd: a cancel() that lands
        // between the check of cancel_requested above and this call is lost. Waiting in slices
        // bounds that to one slice (C_Finalize racing C_WaitForSlotEvent could otherwise hang
        // for ever); an idle wait costs a list of the readers per slice.
        auto slice = kCancelSlice;
        if (!forever) {
            const auto now = Clock::now();
            slice =
                std::min(slice, now >= deadline
                                    ? std::chrono::milliseconds(0)
                                    : std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
        }
        const auto wait_ms = static_cast<DWORD>(slice.count());

        LONG rv = SCardGetStatusChange(impl.context.load(), wait_ms, states.data(),
                                       static_cast<DWORD>(states.size()));
        if (rv == SCARD_E_TIMEOUT) {
            if (!forever && Clock::now() >= deadline) return false;
            continue;
        }
        if (rv == SCARD_E_CANCELLED) {
            impl.cancel_requested.store(false);
            return false;
        }
        if (rv == SCARD_E_UNKNOWN_READER || rv == SCARD_E_READER_UNAVAILABLE) {
            reader_states();
            return true;
        }
        if (is_service_error(rv)) {
            // pcscd restarted: what the caller knows about readers is stale. Throws
            // TransportError(ServiceGone) if the service is still down.
            impl.reestablish();
            reader_states();
            return true;
        }
        if (rv != SCARD_S_SUCCESS) fail("SCardGetStatusChange", rv);

        bool changed = (states[0].dwEventState & SCARD_STATE_CHANGED) != 0;
        for (std::size_t i = 0; i < names.size(); ++i) {
            const DWORD now_state = states[i + 1].dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
            if (relevant_change(known[i].state, now_state)) changed = true;
            known[i].state = now_state;
        }
        if (changed) return true;
        // Only an irrelevant bit changed (e.g. another process connected): keep waiting.
        if (!forever && Clock::now() >= deadline) return false;
    }
}

void PcscContext::cancel() {
    impl_->cancel_requested.store(true);
    const SCARDCONTEXT ctx = impl_->context.load();
    if (ctx != 0) SCardCancel(ctx);
}

void PcscContext::reestablish() {
    impl_->reestablish();
}

// ---- PcscTransport -----------------------------------------------------------------

struct PcscTransport::Handle {
    SCARDHANDLE card = 0;
    DWORD protocol = 0;
    bool connected = false;
    unsigned generation = 0;  // of the context the handle was made on
    TransportError::Kind last_failure = TransportError::Kind::NoCard;

    void connect(PcscContext::Impl& ctx, const std::string& reader) {
        connected = false;
        LONG rv = ctx.with_context([&](SCARDCONTEXT c) {
            return SCardConnect(c, reader.c_str(), SCARD_SHARE_SHARED, kProtocols, &card, &protocol);
        });
        if (rv != SCARD_S_SUCCESS) {
            last_failure = kind_of(rv);
            fail(on_reader("SCardConnect", reader), rv);
        }
        connected = true;
        generation = ctx.generation.load();
    }

    // The handle is usable: connected on the context's current generation.
    void check(PcscContext::Impl& ctx, const std::string& reader) const {
        if (!connected) {
            throw TransportError(last_failure,
                                 "PC/SC reader '" + reader + "': not connected (reconnect failed)");
        }
        if (generation != ctx.generation.load()) {
            throw TransportError(
                TransportError::Kind::ServiceGone,
                "PC/SC reader '" + reader + "': the PC/SC context was re-established; reconnect");
        }
    }

    void disconnect_quietly(PcscContext::Impl& ctx) noexcept {
        // A handle of an older generation died with its context; do not touch it.
        if (connected && generation == ctx.generation.load()) SCardDisconnect(card, SCARD_LEAVE_CARD);
        connected = false;
    }
};

PcscTransport::PcscTransport(PcscContext& context, std::string reader)
    : context_(context), reader_(std::move(reader)), handle_(std::make_unique<Handle>()) {
    handle_->connect(context_.impl(), reader_);
}

PcscTransport::~PcscTransport() {
    handle_->disconnect_quietly(context_.impl());
}

Bytes PcscTransport::transmit(ByteView command) {
    handle_->check(context_.impl(), reader_);
    const SCARD_IO_REQUEST* pci = handle_->protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    Bytes response(kReceiveBufferSize);
    DWORD length = static_cast<DWORD>(response.size());
    const LONG rv = SCardTransmit(handle_->card, pci, command.data(), static_cast<DWORD>(command.size()),
                                  nullptr, response.data(), &length);
    // A card pulled (or pcscd stopped) mid-exchange shows up, depending on timing, as
    // SCARD_E_NOT_TRANSACTED, as a "successful" answer without a status word, or (pcscd
    // killed while it answers) as SCARD_W_SECURITY_VIOLATION; so any failure PC/SC gives no
    // kind of its own is diagnosed: the caller must hear what happened, not "some device error".
    const bool unexplained = rv != SCARD_S_SUCCESS && kind_of(rv) == TransportError::Kind::Other;
    if (unexplained || (rv == SCARD_S_SUCCESS && length < 2)) {
        if (const auto cut = what_cut_the_exchange())
            throw TransportError(
                *cut, on_reader("SCardTransmit", reader_) + (*cut == TransportError::Kind::CardRemoved
                                                                 ? " failed: the card was removed"
                                                                 : " failed: pcscd stopped"));
    }
    if (rv != SCARD_S_SUCCESS) fail(on_reader("SCardTransmit", reader_), rv);
    if (length < 2)
        throw TransportError(TransportError::Kind::Other, on_reader("SCardTransmit", reader_) + " returned " +
                                                              std::to_string(length) +
                                                              " bytes, no status word");
    response.resize(length);
    return response;
}

void PcscTransport::begin_transaction() {
    handle_->check(context_.impl(), reader_);
    const LONG rv = SCardBeginTransaction(handle_->card);
    if (rv != SCARD_S_SUCCESS) fail(on_reader("SCardBeginTransaction", reader_), rv);
}

void PcscTransport::end_transaction() {
    handle_->check(context_.impl(), reader_);
    const LONG rv = SCardEndTransaction(handle_->card, SCARD_LEAVE_CARD);
    if (rv != SCARD_S_SUCCESS) fail(on_reader("SCardEndTransaction", reader_), rv);
}

void PcscTransport::reconnect() {
    PcscContext::Impl& ctx = context_.impl();
    Handle& h = *handle_;
    if (h.connected && h.generation == ctx.generation.load()) {
        LONG rv = SCARD_S_SUCCESS;
        for (int attempt = 0; attempt < 3; ++attempt) {
            DWORD protocol = 0;
            rv = SCardReconnect(h.card, SCARD_SHARE_SHARED, kProtocols, SCARD_LEAVE_CARD, &protocol);
            if (rv == SCARD_S_SUCCESS) {
                h.protocol = protocol;
                return;
            }
            if (rv != SCARD_W_RESET_CARD) break;  // reset once more in between: try again
        }
        if (is_service_error(rv)) {
            // pcscd restarted: the context and this handle are dead.
            h.connected = false;
            ctx.reestablish();  // throws ServiceGone if pcscd is still down
        } else if (rv == SCARD_W_REMOVED_CARD || rv == SCARD_E_NO_SMARTCARD || rv == SCARD_W_UNPOWERED_CARD) {
            h.disconnect_quietly(ctx);  // maybe a card was inserted again: connect afresh below
        } else {
            fail(on_reader("SCardReconnect", reader_), rv);
        }
    }
    // Not connected, or the context was re-established (here or elsewhere): a new handle.
    h.connected = false;
    h.connect(ctx, reader_);
}

// Asked only after an exchange failed. The card leaving the reader cuts the exchange at
// once, but pcscd notices the empty reader only at its next poll: until then SCardStatus
// still says "present". So the answer is awaited for a moment (kRemovalNotice) rather
// than taken from the first look; the wait costs time only on this failure path. A pcscd
// that stopped under the exchange answers SCardStatus with a service error.
std::optional<TransportError::Kind> PcscTransport::what_cut_the_exchange() const {
    constexpr auto kRemovalNotice = std::chrono::milliseconds(1500);
    constexpr auto kLookAgain = std::chrono::milliseconds(50);
    const auto deadline = std::chrono::steady_clock::now() + kRemovalNotice;
    for (;;) {
        DWORD state = 0;
        DWORD protocol = 0;
        DWORD name_length = 0;
        DWORD atr_length = 0;
        const LONG rv =
            SCardStatus(handle_->card, nullptr, &name_length, &state, &protocol, nullptr, &atr_length);
        if (rv == SCARD_W_REMOVED_CARD || rv == SCARD_E_NO_SMARTCARD ||
            (rv == SCARD_S_SUCCESS && (state & SCARD_ABSENT)))
            return TransportError::Kind::CardRemoved;
        if (is_service_error(rv)) return TransportError::Kind::ServiceGone;
        if (rv != SCARD_S_SUCCESS || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(kLookAgain);
    }
}

Bytes PcscTransport::atr() const {
    handle_->check(context_.impl(), reader_);
    char name[MAX_READERNAME + 1] = {};
    DWORD name_length = sizeof name;
    DWORD state = 0;
    DWORD protocol = 0;
    std::uint8_t atr[MAX_ATR_SIZE] = {};
    DWORD atr_length = sizeof atr;
    const LONG rv = SCardStatus(handle_->card, name, &name_length, &state, &protocol, atr, &atr_length);
    if (rv != SCARD_S_SUCCESS) fail(on_reader("SCardStatus", reader_), rv);
    return Bytes(atr, atr + std::min<std::size_t>(atr_length, sizeof atr));
}

}  // namespace carta::apdu
