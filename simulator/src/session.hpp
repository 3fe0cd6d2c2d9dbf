// What the card forgets on a reset: the selected profile and file, which codes
// are verified, the security environments and the stored hash (docs §1, §7).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "carta/apdu/bytes.hpp"
#include "carta/sim/card_state.hpp"
#include "carta/sim/key_ops.hpp"
#include "code_store.hpp"

namespace carta::sim {

// MSE:SET for signing (CRT B6).
struct SigningEnvironment {
    std::uint8_t keyref = 0;
    std::uint8_t algorithm = 0;  // 42, 02, 52 or 44
    // PSS parameters from tag 95; absent: taken from the hash length at PSO:HASH.
    std::optional<HashId> pss_hash;
    std::optional<HashId> pss_mgf1_hash;
    std::optional<int> pss_salt_length;
};

// MSE:SET for deciphering (CRT B8).
struct DecipherEnvironment {
    std::uint8_t keyref = 0;
    DecryptionScheme scheme;
};

struct CodeStates {
    bool pin_verified = false;
    bool puk_verified = false;
    bool& verified(CodeKind kind) { return kind == CodeKind::pin ? pin_verified : puk_verified; }
};

struct Session {
    std::optional<ProfileId> profile;
    std::optional<std::uint16_t> current_file;
    std::array<CodeStates, 2> codes{};
    std::optional<SigningEnvironment> signing;
    std::optional<DecipherEnvironment> deciphering;
    std::optional<Bytes> signature_input;  // PSO:HASH, consumed by PSO:CDS

    CodeStates& codes_of(ProfileId id) { return codes[static_cast<std::size_t>(id)]; }
    void clear_environment() {
        signing.reset();
        deciphering.reset();
        signature_input.reset();
    }
};

}  // namespace carta::sim
