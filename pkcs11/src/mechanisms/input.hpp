// The input of a multi-part operation: hashed as it comes (mechanisms with a
// hash, and digests), or collected up to a limit (the "raw" mechanisms, whose
// data goes to the card or to OpenSSL in one piece). Every family's operations
// take their input through this one class.
#pragma once

#include <optional>

#include "carta/apdu/bytes.hpp"
#include "carta/card/openssl.hpp"
#include "carta/card/types.hpp"

namespace carta::pkcs11 {

class HashOrCollect {
  public:
    // `max_data`: the most a mechanism without a hash takes (CKR_DATA_LEN_RANGE past it).
    HashOrCollect(std::optional<card::HashAlgorithm> hash, std::size_t max_data);

    void add(ByteView part);
    // The hash (mechanisms with one) or all the data.
    SecretBytes take();

  private:
    std::optional<card::HashAlgorithm> hash_;
    std::size_t max_data_;
    ossl::Md md_;
    ossl::MdCtx ctx_;
    SecretBytes data_;
};

}  // namespace carta::pkcs11
