#include "carta/apdu/apdu.hpp"

#include <string>

namespace carta::apdu {

namespace {

std::string prefix(std::size_t size) {
    return "APDU of " + std::to_string(size) + " bytes: ";
}

[[noreturn]] void fail(std::size_t size, const std::string& what) {
    throw ApduError(prefix(size) + what);
}

std::size_t short_le(std::uint8_t le) {
    return le == 0 ? kShortMaxLe : le;
}

std::size_t extended_le(std::uint8_t high, std::uint8_t low) {
    const std::size_t le = static_cast<std::size_t>(high) << 8 | low;
    return le == 0 ? kExtendedMaxLe : le;
}

}  // namespace

CommandApdu CommandApdu::parse(ByteView raw) {
    const std::size_t n = raw.size();
    if (n < 4) fail(n, "too short, a command needs at least the 4 header bytes CLA INS P1 P2");

    CommandApdu apdu;
    apdu.cla = raw[0];
    apdu.ins = raw[1];
    apdu.p1 = raw[2];
    apdu.p2 = raw[3];

    if (n == 4) return apdu;  // case 1
    if (n == 5) {             // case 2S
        apdu.ne = short_le(raw[4]);
        return apdu;
    }

    const std::size_t body = n - 5;  // bytes after the first length byte
    if (raw[4] != 0) {
        // Short Lc: case 3S (Lc data) or 4S (Lc data Le).
        const std::size_t lc = raw[4];
        if (body != lc && body != lc + 1) {
            fail(n, "Lc says " + std::to_string(lc) + " data bytes but " + std::to_string(body) + " follow");
        }
        apdu.data.assign(raw.begin() + 5, raw.begin() + 5 + static_cast<std::ptrdiff_t>(lc));
        if (body == lc + 1) apdu.ne = short_le(raw[n - 1]);
        return apdu;
    }

    // First length byte 00 with more bytes following: extended length.
    if (n == 6) fail(n, "truncated extended length field (00 must be followed by 2 bytes)");
    apdu.extended = true;
    if (n == 7) {  // case 2E
        apdu.ne = extended_le(raw[5], raw[6]);
        return apdu;
    }
    const std::size_t lc = static_cast<std::size_t>(raw[5]) << 8 | raw[6];
    if (lc == 0) fail(n, "extended Lc of 0 followed by " + std::to_string(n - 7) + " bytes");
    const std::size_t rest = n - 7;  // bytes after the extended Lc
    if (rest == lc + 1) {
        fail(n, "extended Lc of " + std::to_string(lc) +
                    " followed by a short (1-byte) Le; extended Le needs 2 bytes");
    }
    if (rest != lc && rest != lc + 2) {
        fail(n, "extended Lc says " + std::to_string(lc) + " data bytes but " + std::to_string(rest) +
                    " follow");
    }
    apdu.data.assign(raw.begin() + 7, raw.begin() + 7 + static_cast<std::ptrdiff_t>(lc));
    if (rest == lc + 2) apdu.ne = extended_le(raw[n - 2], raw[n - 1]);  // case 4E, else 3E
    return apdu;
}

Bytes CommandApdu::encode(bool force_extended) const {
    if (data.size() > kExtendedMaxData) {
        throw ApduError("command data of " + std::to_string(data.size()) + " bytes exceeds the maximum of " +
                        std::to_string(kExtendedMaxData));
    }
    if (ne && (*ne == 0 || *ne > kExtendedMaxLe)) {
        throw ApduError("Ne of " + std::to_string(*ne) + " is outside 1.." + std::to_string(kExtendedMaxLe));
    }
    const bool ext = force_extended || extended || needs_extended();

    Bytes out{cla, ins, p1, p2};
    out.reserve(4 + 3 + data.size() + 2);
    if (!data.empty()) {
        if (ext) {
            out.push_back(0x00);
            out.push_back(static_cast<std::uint8_t>(data.size() >> 8));
            out.push_back(static_cast<std::uint8_t>(data.size() & 0xFF));
        } else {
            out.push_back(static_cast<std::uint8_t>(data.size()));
        }
        out.insert(out.end(), data.begin(), data.end());
    }
    if (ne) {
        const std::size_t le = *ne;  // 256 -> 00, 65536 -> 0000 by truncation
        if (ext) {
            if (data.empty()) out.push_back(0x00);  // case 2E: 00 Le Le
            out.push_back(static_cast<std::uint8_t>((le >> 8) & 0xFF));
            out.push_back(static_cast<std::uint8_t>(le & 0xFF));
        } else {
            out.push_back(static_cast<std::uint8_t>(le & 0xFF));
        }
    }
    return out;
}

int CommandApdu::iso_case() const {
    if (data.empty()) return ne ? 2 : 1;
    return ne ? 4 : 3;
}

ResponseApdu ResponseApdu::parse(ByteView raw) {
    if (raw.size() < 2) {
        throw ApduError("response of " + std::to_string(raw.size()) +
                        " bytes: too short, a response needs at least the 2 status bytes SW1 SW2");
    }
    ResponseApdu response;
    response.data.assign(raw.begin(), raw.end() - 2);
    response.status = StatusWord(raw[raw.size() - 2], raw[raw.size() - 1]);
    return response;
}

Bytes ResponseApdu::encode() const {
    Bytes out;
    out.reserve(data.size() + 2);
    out.insert(out.end(), data.begin(), data.end());
    out.push_back(status.sw1());
    out.push_back(status.sw2());
    return out;
}

}  // namespace carta::apdu
