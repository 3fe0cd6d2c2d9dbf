// The seed maker (carta_fuzz_make_seeds): writes the committed seed corpora,
// fuzz/corpus/<target>/<name>. Seeds are recorded from the real stack (the card
// library talking to the simulated card) or built with OpenSSL, so they are
// valid inputs the fuzzers then mutate. Run by `scripts/fuzz.sh seeds`.
#pragma once

#include <filesystem>
#include <string>

#include "carta/apdu/bytes.hpp"

namespace carta::fuzz::seeds {

class Corpus {
  public:
    explicit Corpus(std::filesystem::path root) : root_(std::move(root)) {}
    void write(const std::string& target, const std::string& name, ByteView content) const;

  private:
    std::filesystem::path root_;
};

void append_chunk(Bytes& out, ByteView chunk);  // [u16 length][chunk], as FuzzInput::chunk() reads
void append_u32(Bytes& out, std::uint32_t value);

// apdu_tlv, sim_commands, card_answers, state_file, object_cache.
void card_seeds(const Corpus& corpus);
// cli_readers, pkcs11_params.
void file_seeds(const Corpus& corpus);

}  // namespace carta::fuzz::seeds
