// The on-disk object cache ($XDG_CACHE_HOME/carta) fed corrupt files: another
// program, a full disk or an older carta can leave anything there, and the
// PKCS#11 module reads it at every start. A file that cannot be read must be a
// cache miss, and what is read must be what a put() of it writes back.
#include "carta/card/object_cache.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_input.hpp"

namespace carta::fuzz {
namespace {

const std::string kCardNumber = "1625834976919804";

const std::filesystem::path& cache_directory() {
    static const std::filesystem::path directory = [] {
        // /dev/shm when there is one: a file write per input on a real disk is slow.
        const std::filesystem::path base = std::filesystem::is_directory("/dev/shm")
                                               ? std::filesystem::path("/dev/shm")
                                               : std::filesystem::temp_directory_path();
        std::string path = (base / "carta-fuzz-cache-XXXXXX").string();
        if (::mkdtemp(path.data()) == nullptr) std::abort();
        return std::filesystem::path(path);
    }();
    static const bool cleanup = [] {
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(cache_directory(), ignored);
        });
        return true;
    }();
    (void)cleanup;
    return directory;
}

void write(const std::filesystem::path& path, ByteView data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

}  // namespace
}  // namespace carta::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace carta;
    using namespace carta::fuzz;
    FuzzInput input(data, size);
    card::ProfileStatus status;
    status.card_number = kCardNumber;
    status.change_counter = input.u32();
    for (int i = 0; i < 32; ++i) status.content_digest.push_back(input.byte());
    const auto& directory = cache_directory();
    write(directory / (kCardNumber + "-common"), input.rest());

    card::ObjectCache reader(directory);
    const auto contents = reader.get(status);
    if (!contents) return 0;
    // Written back and read by a new cache (a new process), it is the same.
    card::ObjectCache writer(directory);
    writer.put(status, *contents);
    card::ObjectCache again(directory);
    const auto reread = again.get(status);
    require(reread.has_value());
    const auto& back = *reread;
    require(back.label == contents->label && back.keys.size() == contents->keys.size() &&
            back.certificates.size() == contents->certificates.size() &&
            back.keys_listed == contents->keys_listed &&
            back.certificates_listed == contents->certificates_listed);
    for (std::size_t i = 0; i < contents->keys.size(); ++i)
        require(back.keys[i].spki_der == contents->keys[i].spki_der &&
                back.keys[i].name == contents->keys[i].name);
    for (std::size_t i = 0; i < contents->certificates.size(); ++i)
        require(back.certificates[i].der == contents->certificates[i].der);
    return 0;
}
