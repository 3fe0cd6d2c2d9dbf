// Reading a whole file back, for tests that check what the card wrote to disk.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace carta::sim::testing {

inline std::string file_contents(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace carta::sim::testing
