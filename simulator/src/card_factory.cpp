// A new card as it leaves the factory (docs §2).
#include <future>
#include <stdexcept>
#include <vector>

#include "carta/sim/key_ops.hpp"
#include "carta/sim/virtual_card.hpp"
#include "code_store.hpp"
#include "ossl.hpp"

namespace carta::sim {

namespace {

constexpr const char* kSecureLabel = "profil kwalifikowany";

// `count` random decimal digits, without modulo bias.
std::string random_digits(std::size_t count) {
    std::string digits;
    while (digits.size() < count) {
        std::uint8_t byte = 0;
        ossl::random_bytes(&byte, 1);
        if (byte < 250) digits += static_cast<char>('0' + byte % 10);
    }
    return digits;
}

std::string random_card_number() {
    std::string number;
    do number = random_digits(16);
    while (number[0] == '0');
    return number;
}

bool all_digits(const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

FreshCard VirtualCard::create_fresh(const std::filesystem::path& state_file,
                                    const FreshCardOptions& options) {
    FreshCard card;
    card.card_number = options.card_number.value_or(random_card_number());
    if (!is_valid_card_number(card.card_number))
        throw std::runtime_error("card number must be 16 digits, the first one not 0");
    card.secure_puk = options.secure_puk.value_or(random_digits(8));
    if (!all_digits(card.secure_puk) || !follows_length_rule(as_bytes(card.secure_puk)))
        throw std::runtime_error("secure profile PUK must be 4 to 32 digits");
    StateStore store(state_file);
    if (!options.overwrite && store.exists())
        throw std::runtime_error(state_file.string() + " exists (use --force to overwrite it)");

    CardState state;
    state.identity.card_number = card.card_number;
    state.identity.factory_id.resize(8);
    ossl::random_bytes(state.identity.factory_id.data(), state.identity.factory_id.size());

    Profile& secure = state.profile(ProfileId::secure);
    secure.life_cycle = LifeCycle::operational;
    secure.label = kSecureLabel;
    secure.puk = make_code_record(as_bytes(card.secure_puk), CodeKind::puk);
    secure.pin = make_unknown_code_record(0);  // blocked until RESET RETRY COUNTER with the PUK

    // Ten keys: generated concurrently, RSA-3072 is slow.
    std::vector<std::pair<std::uint8_t, std::future<std::shared_ptr<const AsymmetricKey>>>> keys;
    for (int i = 0; i < 5; ++i) {
        keys.emplace_back(kFirstRsaKeyRef + i,
                          std::async(std::launch::async, AsymmetricKey::generate, KeyAlgorithm::rsa3072));
        keys.emplace_back(kFirstEcKeyRef + i,
                          std::async(std::launch::async, AsymmetricKey::generate, KeyAlgorithm::p384));
    }
    for (auto& [keyref, future] : keys) {
        KeyObject key;
        key.keyref = keyref;
        key.key = future.get();
        key.flags = flags::kGeneratedOnCard | flags::kMaySign | (key.key->is_rsa() ? flags::kMayDecipher : 0);
        secure.keys.emplace(keyref, std::move(key));
    }
    store.save(state);
    return card;
}

}  // namespace carta::sim
