// PIN and PUK rules of docs/card-protocol.md §3: the length rule, PIN blocks, and
// the salted hashes the card keeps instead of the codes.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "carta/apdu/bytes.hpp"
#include "carta/sim/card_state.hpp"

namespace carta::sim {

enum class CodeKind { pin, puk };

constexpr std::uint8_t try_limit(CodeKind kind) {
    return kind == CodeKind::pin ? kPinTryLimit : kPukTryLimit;
}
const char* code_name(CodeKind kind);  // "PIN" / "PUK"

// PBKDF2 work factor for new records; stored per record, so it can change later.
constexpr std::uint32_t kPbkdf2Iterations = 10000;

// 4 to 32 bytes, no 00 byte.
bool follows_length_rule(ByteView code);

// The code inside a PIN block (the code padded with 00). The block must be one of
// `sizes` bytes long (else 6700) and hold a code following the length rule with
// nothing but 00 after it (else 6A80). Neither failure costs a try.
SecretBytes code_from_block(ByteView block, std::initializer_list<std::size_t> sizes);

// A record for `code` with a fresh random salt and the full number of tries.
CodeRecord make_code_record(ByteView code, CodeKind kind, std::uint32_t iterations = kPbkdf2Iterations);

// A record for a code nobody knows (the secure profile's PIN at delivery): the
// hash of random bytes that never leave this function.
CodeRecord make_unknown_code_record(std::uint8_t tries_left);

// Whether `code` hashes to the record's hash (constant-time comparison).
bool code_matches(const CodeRecord& record, ByteView code);

}  // namespace carta::sim
