#include "sim_card.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "carta/sim/key_ops.hpp"
#include "carta/sim/state_store.hpp"
#include "code_store.hpp"
#include "test_certificate.hpp"

namespace carta::fuzz {
namespace {

// Saves succeed without touching the disk: each input starts from the template
// again, and the fuzzer would otherwise spend its time in fsync().
class DiscardingFileOps final : public sim::FileOps {
  public:
    int create_temporary(const std::filesystem::path&, const std::string&,
                         std::filesystem::path& created) override {
        created = "/dev/null";
        return -1;
    }
    void write_all(int, ByteView) override {}
    void sync(int) override {}
    void close(int) override {}
    void rename(const std::filesystem::path&, const std::filesystem::path&) override {}
    void sync_directory(const std::filesystem::path&) override {}
    void remove(const std::filesystem::path&) noexcept override {}
};

sim::KeyObject make_key(std::uint8_t keyref, sim::KeyAlgorithm algorithm, std::uint8_t flags) {
    sim::KeyObject key;
    key.keyref = keyref;
    key.flags = flags;
    key.name = sim::info(algorithm).name;
    key.key = sim::AsymmetricKey::generate(algorithm);
    return key;
}

sim::CardState template_state() {
    sim::CardState state;
    state.identity.card_number = "1625834976919804";
    state.identity.factory_id = Bytes{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
    auto& common = state.profile(sim::ProfileId::common);
    common.life_cycle = sim::LifeCycle::operational;
    common.label = "fuzz";
    common.pin = sim::make_code_record(as_bytes(kSimPin), sim::CodeKind::pin, 1);
    common.puk = sim::make_code_record(as_bytes(kSimPuk), sim::CodeKind::puk, 1);
    using namespace sim::flags;
    common.keys.emplace(
        0x21, make_key(0x21, sim::KeyAlgorithm::rsa2048, kMaySign | kMayDecipher | kGeneratedOnCard));
    common.keys.emplace(0x31, make_key(0x31, sim::KeyAlgorithm::p256, kMaySign | kGeneratedOnCard));
    sim::CertificateObject certificate;
    certificate.index = 1;
    certificate.name = "fuzz certificate";
    certificate.der = make_test_certificate();
    common.certificates.emplace(1, std::move(certificate));
    sim::relink_certificates(common);
    auto& secure = state.profile(sim::ProfileId::secure);
    secure.life_cycle = sim::LifeCycle::operational;
    secure.puk = sim::make_code_record(as_bytes(kSimPuk), sim::CodeKind::puk, 1);
    secure.pin = sim::make_unknown_code_record(0);
    return state;
}

std::filesystem::path write_template() {
    std::string directory = (std::filesystem::temp_directory_path() / "carta-fuzz-XXXXXX").string();
    if (::mkdtemp(directory.data()) == nullptr) std::abort();
    static const std::filesystem::path kept = directory;
    std::atexit([] {
        std::error_code ignored;
        std::filesystem::remove_all(kept, ignored);
    });
    const auto path = kept / "template.state";
    sim::StateStore(path).save(template_state());
    return path;
}

}  // namespace

const std::filesystem::path& sim_template_state() {
    static const std::filesystem::path path = write_template();
    return path;
}

std::unique_ptr<sim::VirtualCard> fresh_sim_card() {
    auto store =
        std::make_unique<sim::StateStore>(sim_template_state(), std::make_shared<DiscardingFileOps>());
    return std::make_unique<sim::VirtualCard>(std::move(store));
}

}  // namespace carta::fuzz
