// CardQueryCapabilities and the v6/v7 properties: what the card is (read-only, no key
// generation, its PINs) for the CSP's dialogs and caches. Each property is a small
// function making its bytes; one helper applies the output rule (too small a buffer:
// SCARD_E_INSUFFICIENT_BUFFER with the size needed).
#include <cstring>
#include <mutex>
#include <string_view>

#include "context.hpp"
#include "entries.hpp"
#include "files.hpp"

namespace carta::md {

namespace {

template <typename T>
Bytes bytes_of(const T& value) {
    const auto* p = reinterpret_cast<const Byte*>(&value);
    return Bytes(p, p + sizeof value);
}

Bytes dword(Dword value) {
    return bytes_of(value);
}

void deliver(const Bytes& value, Byte* out, Dword out_size, Dword* data_size) {
    require(data_size != nullptr);
    *data_size = static_cast<Dword>(value.size());
    if (out_size < value.size()) fail(rc::kInsufficientBuffer);
    require(out != nullptr);
    std::memcpy(out, value.data(), value.size());
}

void check_pin_id(Dword pin_id) {
    require(pin_id >= kRoleUser && pin_id <= kSecurePuk);
}

PinInfo pin_info(Dword pin_id) {
    check_pin_id(pin_id);
    const bool puk = pin_id == kRoleAdmin || pin_id == kSecurePuk;
    PinInfo info{};
    info.dwVersion = version::kPinInfo;
    info.PinType = secret_type::kAlphaNumeric;  // typed on the keyboard, no PIN pad
    info.PinPurpose = puk                   ? secret_purpose::kUnblockOnly
                      : pin_id == kRoleUser ? secret_purpose::kPrimaryCardPin
                                            : secret_purpose::kDigitalSignature;
    info.dwChangePermission = pin_set(pin_id);                           // each code changes itself
    info.dwUnblockPermission = puk ? kPinSetNone : pin_set(pin_id + 1);  // the profile's PUK
    info.PinCachePolicy = {version::kPinCachePolicy, kPinCacheNormal, 0};
    info.dwFlags = 0;
    return info;
}

Bytes card_property(Context& context, std::u16string_view name, Dword flags) {
    if (name == u"Capabilities") return bytes_of(CardCapabilities{version::kCapabilities, 0, 0});
    if (name == u"Read Only Mode") return dword(1);                // the CSP writes nothing to the card
    if (name == u"Cache Mode") return dword(cache_mode::kGlobal);  // cardcf tells when to re-read
    if (name == u"Supports Windows x.509 Enrollment") return dword(0);
    if (name == u"PIN List")
        return dword(pin_set(kRoleUser) | pin_set(kRoleAdmin) | pin_set(kSecurePin) | pin_set(kSecurePuk));
    if (name == u"PIN Information") return bytes_of(pin_info(flags));
    if (name == u"PIN Strength Verify" || name == u"PIN Strength Change" || name == u"PIN Strength Unblock") {
        check_pin_id(flags);
        return dword(kPinStrengthPlaintext);
    }
    if (name == u"Key Sizes") {
        if (flags != kAtKeyExchange && flags != kAtSignature) fail(rc::kUnsupportedFeature);
        return bytes_of(CardKeySizes{version::kKeySizes, 2048, 2048, 4096, 1024});
    }
    if (name == u"Authenticated State") {
        const Dword pin_id = context.authenticated_pin();
        return dword(pin_id == 0 ? kPinSetNone : pin_set(pin_id));
    }
    if (name == u"Card Identifier") return read_virtual_file(context, nullptr, "cardid");
    if (name == u"Card Serial Number") {
        const auto& number = context.refresh().card_number;
        return Bytes(number.begin(), number.end());
    }
    if (name == u"Free Space") {
        const auto count = static_cast<Dword>(context.refresh().containers.size());
        return bytes_of(CardFreeSpaceInfo{version::kFreeSpace, 0, 0, count});
    }
    fail(rc::kInvalidParameter);
}

}  // namespace

Dword CARTA_MD_API CardQueryCapabilities(CardData* data, CardCapabilities* capabilities) {
    return guarded([&] {
        context_of(data);
        require(capabilities != nullptr);
        require(capabilities->dwVersion <= version::kCapabilities, rc::kRevisionMismatch);
        // Certificates are stored as DER, keys are generated with carta's CLI.
        *capabilities = CardCapabilities{version::kCapabilities, 0, 0};
    });
}

Dword CARTA_MD_API CardGetProperty(CardData* data, const Wchar* property, Byte* out, Dword out_size,
                                   Dword* data_size, Dword flags) {
    return guarded([&] {
        auto& context = context_of(data);
        require(property != nullptr);
        const std::lock_guard lock(context.mutex());
        deliver(card_property(context, property, flags), out, out_size, data_size);
    });
}

Dword CARTA_MD_API CardSetProperty(CardData* data, const Wchar* property, Byte* in, Dword in_size,
                                   Dword flags) {
    (void)in;
    (void)in_size;
    return guarded([&] {
        context_of(data);
        require(property != nullptr && flags == 0);
        const std::u16string_view name(property);
        // No UI of its own: the window and the PIN dialog's text are the CSP's business.
        if (name == u"Parent Window" || name == u"PIN Context String") return;
        fail(rc::kInvalidParameter);
    });
}

Dword CARTA_MD_API CardGetContainerProperty(CardData* data, Byte index, const Wchar* property, Byte* out,
                                            Dword out_size, Dword* data_size, Dword flags) {
    return guarded([&] {
        auto& context = context_of(data);
        require(property != nullptr && flags == 0);
        const std::u16string_view name(property);
        if (name == u"Container Info") {
            ContainerInfo info{};
            info.dwVersion = version::kContainerInfo;
            if (out_size < sizeof info) {
                deliver(bytes_of(info), out, out_size, data_size);  // reports the size
                return;
            }
            const Dword rv = CardGetContainerInfo(data, index, 0, &info);
            if (rv != rc::kSuccess) fail(rv);
            deliver(bytes_of(info), out, out_size, data_size);
            return;
        }
        const std::lock_guard lock(context.mutex());
        if (name == u"PIN Identifier") {
            const auto& container = context.container(index);
            deliver(dword(container.profile == card::Profile::Common ? kRoleUser : kSecurePin), out, out_size,
                    data_size);
            return;
        }
        fail(rc::kInvalidParameter);
    });
}

}  // namespace carta::md
