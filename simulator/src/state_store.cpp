// Serialising and parsing the state file; see state_store.hpp for the format.
#include "carta/sim/state_store.hpp"

#include <charconv>
#include <vector>

#include "carta/sim/key_ops.hpp"
#include "code_store.hpp"

namespace carta::sim {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kHeader = "carta-sim-state 1";
constexpr std::string_view kCodeScheme = "pbkdf2-sha256";

// Text that contains private keys: built in one buffer reserved up front (no
// reallocation leaves copies behind) and wiped when done.
class SecretText {
  public:
    explicit SecretText(std::size_t capacity) { text_.reserve(capacity); }
    ~SecretText() { secure_wipe(text_.data(), text_.size()); }
    SecretText(const SecretText&) = delete;
    SecretText& operator=(const SecretText&) = delete;

    SecretText& word(std::string_view word) {
        if (!text_.empty() && text_.back() != '\n') text_ += ' ';
        text_ += word;
        return *this;
    }
    SecretText& hex(ByteView bytes) {
        static constexpr char kDigits[] = "0123456789ABCDEF";
        if (!text_.empty() && text_.back() != '\n') text_ += ' ';
        if (bytes.empty()) text_ += '-';
        for (const std::uint8_t b : bytes) {
            text_ += kDigits[b >> 4];
            text_ += kDigits[b & 0x0F];
        }
        return *this;
    }
    SecretText& hex_byte(std::uint8_t b) { return hex(ByteView(&b, 1)); }
    SecretText& text(std::string_view utf8) { return hex(as_bytes(utf8)); }
    SecretText& number(std::uint64_t value) { return word(std::to_string(value)); }
    void end_line() { text_ += '\n'; }
    SecretBytes take() { return SecretBytes(as_bytes(text_)); }

  private:
    std::string text_;
};

void write_code(SecretText& out, std::string_view keyword, const std::optional<CodeRecord>& code) {
    out.word(keyword);
    if (!code) {
        out.word("-");
    } else {
        out.word(kCodeScheme)
            .number(code->iterations)
            .hex(code->salt)
            .hex(code->hash)
            .number(code->tries_left);
    }
    out.end_line();
}

std::size_t capacity_for(const CardState& state) {
    std::size_t size = 1024;
    for (const auto& profile : state.profiles) {
        size += 512 + 2 * profile.label.size();
        for (const auto& [keyref, key] : profile.keys)
            size += 128 + 2 * (key.name.size() + key.key->pkcs8().size());
        for (const auto& [index, cert] : profile.certificates)
            size += 128 + 2 * (cert.name.size() + cert.der.size());
    }
    return size;
}

// ---------------------------------------------------------------------------
// parsing

class Parser {
  public:
    Parser(ByteView text, std::string source) : source_(std::move(source)) {
        const std::string_view all(reinterpret_cast<const char*>(text.data()), text.size());
        std::size_t start = 0;
        while (start < all.size()) {
            std::size_t end = all.find('\n', start);
            if (end == std::string_view::npos) end = all.size();
            lines_.push_back(all.substr(start, end - start));
            start = end + 1;
        }
    }

    CardState parse() {
        CardState state;
        if (next_line() != kHeader)
            error("header", "not a carta-sim state file (expected '" + std::string(kHeader) + "')");
        auto tokens = expect("card_number", 1);
        state.identity.card_number = std::string(tokens[0]);
        if (!is_valid_card_number(state.identity.card_number))
            error("card_number", "must be 16 digits, the first one not 0");
        state.identity.factory_id = hex("factory_id", expect("factory_id", 1)[0], 8);
        for (const ProfileId id : {ProfileId::common, ProfileId::secure}) {
            tokens = expect("profile", 1);
            if (tokens[0] != profile_name(id))
                error("profile", "expected profile '" + std::string(profile_name(id)) + "'");
            state.profile(id) = parse_profile();
        }
        expect("end", 0);
        if (!at_end()) {
            line_number_ = index_ + 1;
            error("end", "unexpected text after 'end'");
        }
        return state;
    }

  private:
    using Tokens = std::vector<std::string_view>;

    [[noreturn]] void error(const std::string& field, const std::string& problem) const {
        throw StateFileError(source_ + " line " + std::to_string(line_number_) + ": " + field + ": " +
                             problem);
    }

    bool at_end() {
        while (index_ < lines_.size() && !lines_[index_].empty() && lines_[index_][0] == '#') ++index_;
        return index_ >= lines_.size();
    }

    std::string_view next_line() {
        while (index_ < lines_.size() && !lines_[index_].empty() && lines_[index_][0] == '#') ++index_;
        if (index_ >= lines_.size()) {
            line_number_ = index_ + 1;
            error("file", "ends too early (truncated?)");
        }
        line_number_ = ++index_;
        return lines_[index_ - 1];
    }

    Tokens peek_tokens() {
        std::size_t save_index = index_, save_line = line_number_;
        Tokens tokens = split(next_line());
        index_ = save_index;
        line_number_ = save_line;
        return tokens;
    }

    static Tokens split(std::string_view line) {
        Tokens tokens;
        std::size_t start = 0;
        while (start <= line.size()) {
            std::size_t end = line.find(' ', start);
            if (end == std::string_view::npos) end = line.size();
            tokens.push_back(line.substr(start, end - start));
            start = end + 1;
        }
        return tokens;
    }

    // The tokens after `keyword`; exactly `count` of them.
    Tokens expect(std::string_view keyword, std::size_t count) {
        Tokens tokens = split(next_line());
        if (tokens[0] != keyword)
            error(std::string(keyword),
                  "expected '" + std::string(keyword) + "', found '" + std::string(tokens[0]) + "'");
        tokens.erase(tokens.begin());
        for (const auto token : tokens)
            if (token.empty()) error(std::string(keyword), "empty value (double space?)");
        if (tokens.size() != count)
            error(std::string(keyword),
                  "expected " + std::to_string(count) + " values, found " + std::to_string(tokens.size()));
        return tokens;
    }

    Bytes hex(const std::string& field, std::string_view token,
              std::optional<std::size_t> size = std::nullopt) {
        if (token == "-" && size.value_or(0) == 0) return {};
        Bytes bytes;
        try {
            bytes = from_hex(token);
        } catch (const std::invalid_argument&) {
            error(field, "not hexadecimal");
        }
        if (size && bytes.size() != *size)
            error(field, "must be " + std::to_string(*size) + " bytes, not " + std::to_string(bytes.size()));
        return bytes;
    }

    std::uint8_t hex_byte(const std::string& field, std::string_view token) {
        return hex(field, token, 1)[0];
    }

    std::uint64_t number(const std::string& field, std::string_view token, std::uint64_t max) {
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
        if (ec != std::errc() || end != token.data() + token.size()) error(field, "not a decimal number");
        if (value > max) error(field, std::to_string(value) + " is larger than " + std::to_string(max));
        return value;
    }

    std::string text(const std::string& field, std::string_view token, std::size_t max) {
        const Bytes bytes = hex(field, token);
        if (bytes.size() > max) error(field, "longer than " + std::to_string(max) + " bytes");
        return std::string(bytes.begin(), bytes.end());
    }

    // Checks that `tokens` is "name value name value ..." with the given names.
    void expect_names(const std::string& field, const Tokens& tokens,
                      std::initializer_list<std::string_view> names) {
        std::size_t i = 0;
        for (const auto name : names) {
            if (tokens.size() <= i + 1 || tokens[i] != name)
                error(field,
                      "expected '" + std::string(name) + " <value>' at position " + std::to_string(i + 2));
            i += 2;
        }
        if (tokens.size() != i) error(field, "unexpected values after the last field");
    }

    std::optional<CodeRecord> parse_code(std::string_view keyword, CodeKind kind) {
        Tokens tokens = split(next_line());
        const std::string field(keyword);
        if (tokens[0] != keyword)
            error(field, "expected '" + field + "', found '" + std::string(tokens[0]) + "'");
        if (tokens.size() == 2 && tokens[1] == "-") return std::nullopt;
        if (tokens.size() != 6) error(field, "expected '" + field + " -' or 5 values");
        if (tokens[1] != kCodeScheme) error(field, "unknown hash scheme '" + std::string(tokens[1]) + "'");
        CodeRecord record;
        record.iterations = static_cast<std::uint32_t>(number(field + " iterations", tokens[2], 10'000'000));
        if (record.iterations == 0) error(field + " iterations", "must be at least 1");
        const Bytes salt = hex(field + " salt", tokens[3], record.salt.size());
        const Bytes hash = hex(field + " hash", tokens[4], record.hash.size());
        std::copy(salt.begin(), salt.end(), record.salt.begin());
        std::copy(hash.begin(), hash.end(), record.hash.begin());
        record.tries_left =
            static_cast<std::uint8_t>(number(field + " tries left", tokens[5], try_limit(kind)));
        return record;
    }

    void parse_key(Profile& profile, const Tokens& tokens) {
        const std::string field = "key";
        if (tokens.size() < 2) error(field, "missing keyref");
        const std::uint8_t keyref = hex_byte("key keyref", tokens[1]);
        if (!is_keyref(keyref)) error("key keyref", "not a key reference (21-2A, 31-3A)");
        if (profile.keys.count(keyref) != 0)
            error("key keyref", "key " + std::string(tokens[1]) + " appears twice");
        const Tokens rest(tokens.begin() + 2, tokens.end());
        expect_names(field, rest, {"flags", "name", "pkcs8"});
        KeyObject key;
        key.keyref = keyref;
        key.flags = hex_byte("key flags", rest[1]);
        if ((key.flags & ~flags::kKeyMask) != 0) error("key flags", "unknown bits set");
        key.name = text("key name", rest[3], kMaxNameLength);
        SecretBytes der(hex("key pkcs8", rest[5]));
        try {
            // The card wrote these keys itself: parsing is enough (the pairwise check tests
            // primes and costs ~100 ms per RSA-3072 key).
            key.key = AsymmetricKey::from_pkcs8(der.view(), false);
        } catch (const KeyFormatError& e) {
            error("key pkcs8", e.what());
        }
        if (key.key->is_rsa() != is_rsa_keyref(keyref))
            error("key pkcs8",
                  std::string(info(key.key->algorithm()).name) + " key in a slot for the other type");
        profile.keys.emplace(keyref, std::move(key));
    }

    void parse_certificate(Profile& profile, const Tokens& tokens) {
        const std::string field = "certificate";
        if (tokens.size() < 2) error(field, "missing index");
        const int index = static_cast<int>(number("certificate index", tokens[1], kCertificateSlots));
        if (index < 1) error("certificate index", "must be 1 to 15");
        if (profile.certificates.count(index) != 0) error("certificate index", "certificate appears twice");
        const Tokens rest(tokens.begin() + 2, tokens.end());
        expect_names(field, rest, {"flags", "name", "der"});
        CertificateObject certificate;
        certificate.index = index;
        certificate.flags = hex_byte("certificate flags", rest[1]);
        if ((certificate.flags & ~flags::kCertificateMask) != 0)
            error("certificate flags", "unknown bits set");
        certificate.name = text("certificate name", rest[3], kMaxNameLength);
        certificate.der = hex("certificate der", rest[5]);
        if (!is_der_sequence(certificate.der)) error("certificate der", "not a DER SEQUENCE");
        if (certificate.der.size() > kMaxCertificateSize) error("certificate der", "too large");
        profile.certificates.emplace(index, std::move(certificate));
    }

    Profile parse_profile() {
        Profile profile;
        const std::uint8_t life_cycle = hex_byte("life_cycle", expect("life_cycle", 1)[0]);
        if (life_cycle < 0x03 || life_cycle > 0x05) error("life_cycle", "must be 03, 04 or 05");
        profile.life_cycle = static_cast<LifeCycle>(life_cycle);
        profile.change_counter =
            static_cast<std::uint32_t>(number("change_counter", expect("change_counter", 1)[0], 0xFFFFFFFF));
        profile.label = text("label", expect("label", 1)[0], kMaxLabelLength);
        profile.pin = parse_code("pin", CodeKind::pin);
        profile.puk = parse_code("puk", CodeKind::puk);
        const std::size_t codes_line = line_number_;
        const bool want_puk = profile.life_cycle != LifeCycle::uninitialised;
        const bool want_pin = profile.life_cycle == LifeCycle::operational;
        if (profile.puk.has_value() != want_puk || profile.pin.has_value() != want_pin) {
            line_number_ = codes_line;
            error("pin/puk", "do not fit life cycle " + std::to_string(life_cycle) +
                                 " (03: none, 04: PUK only, 05: both)");
        }
        for (;;) {
            const Tokens tokens = peek_tokens();
            if (tokens[0] == "profile" || tokens[0] == "end") break;
            next_line();
            if (tokens[0] == "key")
                parse_key(profile, tokens);
            else if (tokens[0] == "certificate")
                parse_certificate(profile, tokens);
            else
                error(std::string(tokens[0]), "unknown field (expected key, certificate, profile or end)");
            if (profile.life_cycle == LifeCycle::uninitialised)
                error(std::string(tokens[0]), "an uninitialised profile holds no objects");
        }
        relink_certificates(profile);
        return profile;
    }

    std::string source_;
    std::vector<std::string_view> lines_;
    std::size_t index_ = 0;
    std::size_t line_number_ = 0;
};

}  // namespace

SecretBytes serialise_state(const CardState& state) {
    SecretText out(capacity_for(state));
    out.word(kHeader).end_line();
    out.word("# The card's secure memory: private keys in clear. PIN and PUK only as salted hashes.")
        .end_line();
    out.word("card_number").word(state.identity.card_number).end_line();
    out.word("factory_id").hex(state.identity.factory_id).end_line();
    for (const ProfileId id : {ProfileId::common, ProfileId::secure}) {
        const Profile& profile = state.profile(id);
        out.word("profile").word(profile_name(id)).end_line();
        out.word("life_cycle").hex_byte(static_cast<std::uint8_t>(profile.life_cycle)).end_line();
        out.word("change_counter").number(profile.change_counter).end_line();
        out.word("label").text(profile.label).end_line();
        write_code(out, "pin", profile.pin);
        write_code(out, "puk", profile.puk);
        for (const auto& [keyref, key] : profile.keys) {
            out.word("key").hex_byte(keyref).word("flags").hex_byte(key.flags).word("name").text(key.name);
            out.word("pkcs8").hex(key.key->pkcs8().view()).end_line();
        }
        for (const auto& [index, certificate] : profile.certificates) {
            out.word("certificate")
                .number(static_cast<std::uint64_t>(index))
                .word("flags")
                .hex_byte(certificate.flags);
            out.word("name").text(certificate.name).word("der").hex(certificate.der).end_line();
        }
    }
    out.word("end").end_line();
    return out.take();
}

CardState parse_state(ByteView text, const std::string& source) {
    return Parser(text, source).parse();
}

StateStore::StateStore(fs::path path, std::shared_ptr<FileOps> ops)
    : path_(std::move(path)), ops_(std::move(ops)) {}

bool StateStore::exists() const {
    std::error_code ignored;
    return fs::exists(path_, ignored);
}

CardState StateStore::load() const {
    const SecretBytes content(read_whole_file(path_));
    return parse_state(content.view(), path_.string());
}

void StateStore::save(const CardState& state) {
    const SecretBytes content = serialise_state(state);
    write_file_atomically(*ops_, path_, content.view());
}

}  // namespace carta::sim
