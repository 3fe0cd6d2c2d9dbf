#include <cstdio>
#include <string>

#include "carta/apdu/apdu.hpp"

namespace carta::apdu {

namespace {

const char* exact_meaning(std::uint16_t value) {
    switch (value) {
        case 0x9000:
            return "success";
        case 0x6300:
            return "verification failed";
        case 0x6700:
            return "wrong length";
        case 0x6881:
            return "logical channel not supported";
        case 0x6883:
            return "last command of the chain expected";
        case 0x6884:
            return "command chaining not supported";
        case 0x6981:
            return "command incompatible with file structure";
        case 0x6982:
            return "security status not satisfied";
        case 0x6983:
            return "authentication method blocked";
        case 0x6984:
            return "reference data not usable";
        case 0x6985:
            return "conditions of use not satisfied";
        case 0x6986:
            return "command not allowed (no current EF)";
        case 0x6A80:
            return "incorrect parameters in the command data field";
        case 0x6A81:
            return "function not supported";
        case 0x6A82:
            return "file or application not found";
        case 0x6A84:
            return "not enough memory space in the file";
        case 0x6A86:
            return "incorrect parameters P1-P2";
        case 0x6A88:
            return "referenced data or reference data not found";
        case 0x6A89:
            return "file already exists";
        case 0x6B00:
            return "wrong parameters P1-P2";
        case 0x6D00:
            return "instruction code not supported or invalid";
        case 0x6E00:
            return "class not supported";
        case 0x6F00:
            return "no precise diagnosis";
        case 0x6581:
            return "memory failure";
        default:
            return nullptr;
    }
}

std::string count_text(std::uint8_t xx) {
    return std::to_string(xx == 0 ? 256 : xx);
}

std::string meaning(StatusWord sw) {
    if (const char* exact = exact_meaning(sw.value)) return exact;
    const std::uint8_t sw1 = sw.sw1();
    const std::uint8_t sw2 = sw.sw2();
    if (sw1 == 0x61) return count_text(sw2) + " more bytes available";
    if (sw1 == 0x6C) return "wrong Le, " + count_text(sw2) + " expected";
    if (sw.is_tries_left()) {
        const int tries = sw.tries_left();
        return "verification failed, " + std::to_string(tries) + (tries == 1 ? " try left" : " tries left");
    }
    switch (sw1) {
        case 0x62:
            return "warning, state of non-volatile memory unchanged";
        case 0x63:
            return "warning, state of non-volatile memory changed";
        case 0x64:
            return "execution error, state of non-volatile memory unchanged";
        case 0x65:
            return "execution error, state of non-volatile memory changed";
        case 0x66:
            return "security-related issue";
        default:
            return "unknown status";
    }
}

}  // namespace

std::string StatusWord::describe() const {
    char hex[8];
    std::snprintf(hex, sizeof hex, "%04X", static_cast<unsigned>(value));
    return std::string(hex) + ": " + meaning(*this);
}

}  // namespace carta::apdu
