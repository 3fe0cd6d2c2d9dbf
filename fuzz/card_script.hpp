// The operations of the card-library fuzzer, one per Card method (and variants),
// with fixed arguments: what the library sends is not the point, what it does
// with the card's answers is. Shared with the seed maker, which records a real
// card's answers to the same operations.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carta/card/card.hpp"

namespace carta::fuzz {

enum CardOperation : std::uint8_t {
    kStatus,
    kInfo,
    kContents,
    kFindKey,
    kVerifyPin,
    kVerifyPuk,
    kIsVerified,
    kLogout,
    kChangePin,
    kUnblockPin,
    kSetPinWithPuk,
    kInitialise,
    kErase,
    kSetLabel,
    kGenerateEc,
    kGenerateRsa,
    kImportKey,
    kWriteCertificate,
    kRename,
    kDelete,
    kSignPkcs1,
    kSignPss,
    kSignEcdsa,
    kDecipherPkcs1,
    kDecipherOaep,
    kRandom,
    kCardOperationCount
};

// Runs operation `op % kCardOperationCount`; throws what the card library throws.
void run_card_operation(card::Card& card, std::uint8_t op);

}  // namespace carta::fuzz
