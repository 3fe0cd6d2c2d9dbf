// What one CardAcquireContext holds (in CARD_DATA's pvVendorSpecific): the transport
// over the CSP's handle, a card::Card per profile, and what the card's public
// contents look like as minidriver containers, re-read only when a profile's change
// counter moved. One mutex per context: the CSP may call from several threads.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "carta/card/card.hpp"
#include "carta/minidriver/v7.hpp"
#include "errors.hpp"

namespace carta::md {

// One RSA key of either profile, as a key-exchange container.
struct Container {
    card::Profile profile = card::Profile::Common;
    std::uint8_t key_ref = 0;
    unsigned bits = 0;
    Bytes modulus;                     // big-endian, as the card gives it
    Bytes exponent;                    // big-endian
    std::optional<Bytes> certificate;  // DER of the certificate that names this key
    std::u16string name;               // stable: card number + profile + key reference
    bool is_default = false;
    std::size_t key_bytes() const { return (bits + 7) / 8; }
};

// The state of the card as the last refresh() saw it.
struct Snapshot {
    std::string card_number;
    std::array<card::ProfileStatus, 2> status;      // by profile_index()
    std::array<card::ProfileContents, 2> contents;  // by profile_index()
    std::vector<Container> containers;              // index = the container index the CSP uses
};

constexpr std::size_t profile_index(card::Profile profile) {
    return profile == card::Profile::Common ? 0 : 1;
}

class Context {
  public:
    Context(CardData& data, std::unique_ptr<apdu::Transport> transport);
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    std::mutex& mutex() { return mutex_; }
    CardData& data() { return data_; }
    card::Card& card(card::Profile profile) { return *cards_[profile_index(profile)]; }

    // Two SELECTs (one per profile); the objects are read again only when a change
    // counter (or the card) differs from the last time.
    const Snapshot& refresh();
    // refresh(), then the container or SCARD_E_NO_KEY_CONTAINER.
    const Container& container(Byte index);

    // Which profile the CSP has authenticated a code of, if any. Selecting a profile
    // clears the other's security state (docs/card-protocol.md §2), so while one is
    // authenticated refresh() does not SELECT the other and keeps its last status.
    std::optional<card::Profile> authenticated() const { return authenticated_; }
    // The PIN identifier the CSP authenticated (v7.hpp's kRoleUser ...), 0 for none.
    Dword authenticated_pin() const { return authenticated_ ? authenticated_pin_ : 0; }
    void set_authenticated(std::optional<card::Profile> profile, Dword pin_id = 0) {
        authenticated_ = profile;
        authenticated_pin_ = pin_id;
    }

    // Memory for the caller: only through the CSP's allocator.
    Byte* csp_copy(ByteView bytes);

  private:
    CardData& data_;
    std::mutex mutex_;
    std::unique_ptr<apdu::Transport> transport_;
    std::array<std::unique_ptr<card::Card>, 2> cards_;
    std::optional<Snapshot> snapshot_;
    std::optional<card::Profile> authenticated_;
    Dword authenticated_pin_ = 0;
};

// The context behind a CARD_DATA the CSP passes in, or MdError(SCARD_E_INVALID_PARAMETER).
Context& context_of(CardData* data);

// A CSP allocation that is freed unless it is handed to the caller.
class CspBuffer {
  public:
    CspBuffer(CardData& data, std::size_t size);
    ~CspBuffer();
    CspBuffer(const CspBuffer&) = delete;
    CspBuffer& operator=(const CspBuffer&) = delete;
    Byte* get() const { return bytes_; }
    Byte* release() {
        Byte* out = bytes_;
        bytes_ = nullptr;
        return out;
    }

  private:
    CardData& data_;
    Byte* bytes_;
};

// Byte order: RSA integers cross the minidriver interface little-endian.
Bytes reversed(ByteView bytes);

}  // namespace carta::md
