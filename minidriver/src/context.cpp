#include "context.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "carta/apdu/tlv.hpp"

namespace carta::md {

namespace {

constexpr std::array<card::Profile, 2> kProfiles{card::Profile::Common, card::Profile::Secure};

constexpr tlv::Tag kPublicKeyTemplate = 0x7F49;
constexpr tlv::Tag kModulus = 0x81;
constexpr tlv::Tag kExponent = 0x82;

// "carta-1625834976919804-c21": at most 26 of the 39 characters a name may have, and the
// same on every machine and in every session, as the CSP's key container names must be.
std::u16string container_name(const std::string& card_number, card::Profile profile, std::uint8_t key_ref) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string name = "carta-" + card_number + "-" + (profile == card::Profile::Common ? "c" : "s");
    name += kHex[key_ref >> 4];
    name += kHex[key_ref & 0x0F];
    return std::u16string(name.begin(), name.end());
}

void add_containers(Snapshot& snapshot, card::Profile profile, const card::ProfileContents& contents) {
    std::vector<card::KeyObject> keys;
    for (const auto& key : contents.keys)
        if (card::key_algorithm_info(key.algorithm).is_rsa) keys.push_back(key);
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.key_ref < b.key_ref; });
    for (const auto& key : keys) {
        Container container;
        container.profile = profile;
        container.key_ref = key.key_ref;
        container.bits = card::key_algorithm_info(key.algorithm).bits;
        ByteView content = key.public_key_template;
        if (auto outer = tlv::find(content, kPublicKeyTemplate)) content = outer->value;
        const auto modulus = tlv::require(content, kModulus).value;
        const auto exponent = tlv::require(content, kExponent).value;
        container.modulus.assign(modulus.begin(), modulus.end());
        container.exponent.assign(exponent.begin(), exponent.end());
        for (const auto& certificate : contents.certificates) {
            if (!certificate.is_ca && certificate.key_ref == key.key_ref) {
                container.certificate = certificate.der;
                break;
            }
        }
        container.name = container_name(snapshot.card_number, profile, key.key_ref);
        snapshot.containers.push_back(std::move(container));
    }
}

// The CSP's default container: the first with a certificate, common profile first
// (where the holder's S/MIME keys live), else the first of all.
void choose_default(Snapshot& snapshot) {
    if (snapshot.containers.empty()) return;
    auto it = std::find_if(snapshot.containers.begin(), snapshot.containers.end(),
                           [](const Container& c) { return c.certificate.has_value(); });
    (it == snapshot.containers.end() ? snapshot.containers.front() : *it).is_default = true;
}

}  // namespace

Context::Context(CardData& data, std::unique_ptr<apdu::Transport> transport)
    : data_(data), transport_(std::move(transport)) {
    for (const auto profile : kProfiles)
        cards_[profile_index(profile)] = std::make_unique<card::Card>(*transport_, profile);
}

const Snapshot& Context::refresh() {
    Snapshot fresh;
    for (const auto profile : kProfiles) {
        const auto i = profile_index(profile);
        const bool keep = snapshot_ && authenticated_ && *authenticated_ != profile;
        fresh.status[i] = keep ? snapshot_->status[i] : card(profile).status();
    }
    fresh.card_number = fresh.status[0].card_number;
    const bool same_card = snapshot_ && snapshot_->card_number == fresh.card_number;
    const auto unchanged = [&](std::size_t i) {
        return same_card && snapshot_->status[i].change_counter == fresh.status[i].change_counter;
    };
    if (unchanged(0) && unchanged(1)) {
        snapshot_->status = fresh.status;  // the tries left may have moved
        return *snapshot_;
    }
    for (const auto profile : kProfiles) {
        const auto i = profile_index(profile);
        // A copy of what did not change: a failure below keeps the old snapshot whole.
        fresh.contents[i] = unchanged(i) ? snapshot_->contents[i] : card(profile).contents();
    }
    for (const auto profile : kProfiles)
        add_containers(fresh, profile, fresh.contents[profile_index(profile)]);
    choose_default(fresh);
    snapshot_ = std::move(fresh);
    return *snapshot_;
}

const Container& Context::container(Byte index) {
    const auto& snapshot = refresh();
    require(index < snapshot.containers.size(), rc::kNoKeyContainer);
    return snapshot.containers[index];
}

Byte* Context::csp_copy(ByteView bytes) {
    CspBuffer buffer(data_, bytes.size());
    if (!bytes.empty()) std::memcpy(buffer.get(), bytes.data(), bytes.size());
    return buffer.release();
}

Context& context_of(CardData* data) {
    require(data != nullptr && data->pvVendorSpecific != nullptr);
    return *static_cast<Context*>(data->pvVendorSpecific);
}

CspBuffer::CspBuffer(CardData& data, std::size_t size) : data_(data) {
    require(data.pfnCspAlloc != nullptr && data.pfnCspFree != nullptr);
    // A zero-length answer still gets a (1-byte) buffer: the CSP frees what it is given.
    bytes_ = static_cast<Byte*>(data.pfnCspAlloc(std::max<std::size_t>(size, 1)));
    if (!bytes_) throw std::bad_alloc();
}

CspBuffer::~CspBuffer() {
    if (bytes_) data_.pfnCspFree(bytes_);
}

Bytes reversed(ByteView bytes) {
    return Bytes(bytes.rbegin(), bytes.rend());
}

}  // namespace carta::md
