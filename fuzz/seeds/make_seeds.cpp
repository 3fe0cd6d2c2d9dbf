#include <fstream>
#include <iostream>

#include "seeds.hpp"

namespace carta::fuzz::seeds {

void Corpus::write(const std::string& target, const std::string& name, ByteView content) const {
    const auto directory = root_ / target;
    std::filesystem::create_directories(directory);
    std::ofstream out(directory / name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(content.data()), static_cast<std::streamsize>(content.size()));
    if (!out) throw std::runtime_error("cannot write " + (directory / name).string());
}

void append_chunk(Bytes& out, ByteView chunk) {
    out.push_back(static_cast<std::uint8_t>(chunk.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(chunk.size()));
    out.insert(out.end(), chunk.begin(), chunk.end());
}

void append_u32(Bytes& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

}  // namespace carta::fuzz::seeds

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: carta_fuzz_make_seeds CORPUS_DIR\n";
        return 2;
    }
    try {
        const carta::fuzz::seeds::Corpus corpus(argv[1]);
        carta::fuzz::seeds::card_seeds(corpus);
        carta::fuzz::seeds::file_seeds(corpus);
    } catch (const std::exception& e) {
        std::cerr << "carta_fuzz_make_seeds: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
