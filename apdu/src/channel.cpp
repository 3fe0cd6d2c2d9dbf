#include "carta/apdu/channel.hpp"

#include <optional>
#include <string>
#include <utility>

#include "carta/apdu/trace.hpp"

namespace carta::apdu {

namespace {

constexpr std::uint8_t kInsGetResponse = 0xC0;

std::size_t count_from_sw2(std::uint8_t sw2) {
    return sw2 == 0 ? kShortMaxLe : sw2;
}

// GET RESPONSE goes to the logical channel of the command it continues.
std::uint8_t get_response_class(std::uint8_t cla) {
    if ((cla & 0xE0) == 0x00) return cla & 0x03;           // first interindustry: channels 0-3
    if ((cla & 0xC0) == 0x40) return 0x40 | (cla & 0x0F);  // further interindustry: channels 4-19
    return 0x00;                                           // proprietary classes
}

// Command bytes may hold a PIN block: every copy the channel makes is wiped when it goes.
class WipedBytes {
  public:
    explicit WipedBytes(Bytes bytes) : bytes_(std::move(bytes)) {}
    WipedBytes(const WipedBytes&) = delete;
    WipedBytes& operator=(const WipedBytes&) = delete;
    ~WipedBytes() { secure_wipe(bytes_.data(), bytes_.size()); }
    operator ByteView() const { return bytes_; }

  private:
    Bytes bytes_;
};

struct WipedCommand {
    CommandApdu apdu;
    ~WipedCommand() { secure_wipe(apdu.data.data(), apdu.data.size()); }
};

}  // namespace

ApduChannel::ApduChannel(Transport& transport, Options options) : transport_(transport), options_(options) {}

Bytes ApduChannel::send(ByteView raw, std::uint8_t flags) {
    Trace::command(raw, flags);
    ++apdus_sent_;
    Bytes response = transport_.transmit(raw);
    Trace::response(response, flags);
    return response;
}

Bytes ApduChannel::encode(const CommandApdu& command) const {
    if (options_.use_extended_length) return command.encode();
    if (!command.extended && command.ne.value_or(0) <= kShortMaxLe) return command.encode();
    WipedCommand short_form{command};
    short_form.apdu.extended = false;
    if (short_form.apdu.ne && *short_form.apdu.ne > kShortMaxLe) short_form.apdu.ne = kShortMaxLe;
    return short_form.apdu.encode();
}

Bytes ApduChannel::exchange(const CommandApdu& command) {
    const WipedBytes raw(encode(command));
    return send(raw, command.flags);
}

ResponseApdu ApduChannel::complete(const CommandApdu& command) {
    WipedBytes first(encode(command));
    ResponseApdu response = ResponseApdu::parse(send(first, command.flags));

    // 6Cxx: wrong Le; send the same command again, once, with the Le the card wants.
    std::optional<WipedBytes> second;
    if (response.status.sw1() == 0x6C) {
        WipedCommand again{command};
        again.apdu.ne = count_from_sw2(response.status.sw2());
        response = ResponseApdu::parse(send(second.emplace(encode(again.apdu)), command.flags));
    }

    // 61xx: more data waiting; collect it with GET RESPONSE.
    std::size_t rounds = 0;
    while (response.status.sw1() == 0x61) {
        if (rounds == options_.max_response_rounds) {
            throw ApduError("card still reports more data (" + response.status.describe() + ") after " +
                            std::to_string(rounds) + " GET RESPONSE rounds");
        }
        ++rounds;
        CommandApdu get_response;
        get_response.cla = get_response_class(command.cla);
        get_response.ins = kInsGetResponse;
        get_response.ne = count_from_sw2(response.status.sw2());
        // A continuation carries the answer of the command it continues: its response
        // is as secret as that command's (GET RESPONSE itself sends no data).
        get_response.flags = command.flags & apdu_flags::kSecretResponse;
        ResponseApdu part = ResponseApdu::parse(send(get_response.encode(), get_response.flags));
        if (part.status.sw1() == 0x6C) {
            get_response.ne = count_from_sw2(part.status.sw2());
            part = ResponseApdu::parse(send(get_response.encode(), get_response.flags));
        }
        response.data.insert(response.data.end(), part.data.begin(), part.data.end());
        response.status = part.status;
    }
    return response;
}

ResponseApdu ApduChannel::transmit(const CommandApdu& command) {
    if (options_.use_extended_length || command.data.size() <= kShortMaxData) return complete(command);

    // Command chaining (ISO 7816-4 5.3.3): 255-byte parts, CLA bit 5 set on all but the last.
    const Bytes& data = command.data;
    std::size_t offset = 0;
    while (data.size() - offset > kShortMaxData) {
        WipedCommand part;
        part.apdu.cla = command.cla | kClaChaining;
        part.apdu.ins = command.ins;
        part.apdu.p1 = command.p1;
        part.apdu.p2 = command.p2;
        part.apdu.data.assign(data.begin() + static_cast<std::ptrdiff_t>(offset),
                              data.begin() + static_cast<std::ptrdiff_t>(offset + kShortMaxData));
        offset += kShortMaxData;
        const WipedBytes raw(part.apdu.encode());
        ResponseApdu response = ResponseApdu::parse(send(raw, command.flags));
        if (!response.ok()) return response;
    }
    WipedCommand last;
    last.apdu.cla = command.cla;
    last.apdu.ins = command.ins;
    last.apdu.p1 = command.p1;
    last.apdu.p2 = command.p2;
    last.apdu.data.assign(data.begin() + static_cast<std::ptrdiff_t>(offset), data.end());
    last.apdu.ne = command.ne;
    last.apdu.flags = command.flags;
    return complete(last.apdu);
}

}  // namespace carta::apdu
