#include "cli_fixture.hpp"

#include <stdlib.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "carta/card/card.hpp"
#ifdef CARTA_CLI_IN_PROCESS
#include "in_process_run.hpp"
#endif

#if !defined(CARTA_BINARY) && !defined(CARTA_CLI_IN_PROCESS)
#error "CARTA_BINARY must be defined (path of the built carta)"
#endif
#ifndef CARTA_FRESH_CARD
#error "CARTA_FRESH_CARD must be defined (state file of a new card, made at build time)"
#endif

namespace carta::test {
namespace fs = std::filesystem;

namespace {

// Extensions of the test CA and of the certificates it issues.
const char* const kOpensslConfig = R"([req]
distinguished_name = dn
prompt = no
[dn]
CN = carta test CA
O = carta tests
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[smime]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
)";

}  // namespace

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string describe(const Result& result) {
    return "exit " + std::to_string(result.exit_code) + "\n--- stdout\n" + result.out + "--- stderr\n" +
           result.err;
}

void CliTest::SetUp() {
    std::string pattern = (fs::temp_directory_path() / "carta-cli-test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    write_text(path("openssl.cnf"), kOpensslConfig);
}

void CliTest::TearDown() {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
}

Result CliTest::carta(const std::vector<std::string>& args, Environment environment) const {
    environment.emplace("XDG_CACHE_HOME", (dir_ / "cache").string());
#ifdef CARTA_CLI_IN_PROCESS
    return run_in_process(args, environment, readers());
#else
    std::vector<std::string> argv{CARTA_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, environment);
#endif
}

#ifndef CARTA_CLI_IN_PROCESS
std::unique_ptr<Process> CliTest::start_carta(const std::vector<std::string>& args,
                                              Environment environment) const {
    std::vector<std::string> argv{CARTA_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    environment.emplace("XDG_CACHE_HOME", (dir_ / "cache").string());
    return std::make_unique<Process>(argv, environment);
}
#endif

JsonValue CliTest::carta_json(const std::vector<std::string>& args, const Environment& environment) const {
    auto with_json = args;
    with_json.push_back("--json");
    const auto result = carta(with_json, environment);
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    try {
        return JsonValue::parse(result.out);
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what() << "\n" << describe(result);
        return {};
    }
}

Result CliTest::openssl(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = run(argv, {{"OPENSSL_CONF", path("openssl.cnf").string()}});
    EXPECT_EQ(result.exit_code, 0) << "openssl " << args.at(0) << ": " << describe(result);
    return result;
}

void CliTest::make_ca() {
    openssl({"req", "-x509", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", path("ca.key").string(),
             "-out", path("ca.pem").string(), "-days", "30", "-config", path("openssl.cnf").string(),
             "-extensions", "v3_ca"});
}

fs::path CliTest::sign(const fs::path& csr, const std::string& name) {
    const auto certificate = path(name);
    openssl({"x509",
             "-req",
             "-in",
             csr.string(),
             "-CA",
             path("ca.pem").string(),
             "-CAkey",
             path("ca.key").string(),
             "-set_serial",
             "4097",
             "-days",
             "30",
             "-extfile",
             path("openssl.cnf").string(),
             "-extensions",
             "smime",
             "-copy_extensions",
             "copy",
             "-out",
             certificate.string()});
    return certificate;
}

fs::path CliTest::foreign_certificate(const std::string& name, const std::vector<std::string>& key_options) {
    std::vector<std::string> args{"req", "-new"};
    args.insert(args.end(), key_options.begin(), key_options.end());
    args.insert(args.end(),
                {"-nodes", "-keyout", path(name + ".key").string(), "-out", path(name + ".csr").string(),
                 "-subj", "/CN=Someone Else/emailAddress=someone@example.com", "-addext",
                 "subjectAltName=email:someone@example.com", "-config", path("openssl.cnf").string()});
    openssl(args);
    return sign(path(name + ".csr"), name + ".pem");
}

fs::path CliTest::to_der(const fs::path& pem, const std::string& name) {
    openssl({"x509", "-in", pem.string(), "-outform", "DER", "-out", path(name).string()});
    return path(name);
}

void CardTest::SetUp() {
    CliTest::SetUp();
    card_ = std::make_unique<TestCard>(fs::path(CARTA_FRESH_CARD), latency());
}

void CardTest::TearDown() {
    card_.reset();
    CliTest::TearDown();
}

void CardTest::init_card() {
    const auto result = carta({"init"}, {{"CARTA_PIN", kPin}, {"CARTA_PUK", kPuk}});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
}

std::string CardTest::generate_key(const std::string& algorithm) {
    const auto key = carta_json({"key", "generate", "--algorithm", algorithm}, pin());
    return key.has("id") ? key["id"].as_string() : std::string();
}

fs::path CardTest::make_csr(const std::string& key, const std::string& name) {
    const auto result = carta(
        {"csr", "--key", key, "--email", kEmail, "--cn", "Joe Doe", "--out", path(name).string()}, pin());
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    return path(name);
}

std::string CardTest::status_snapshot() {
    const auto result = carta({"status", "--json"});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    return result.out;
}

std::shared_ptr<apdu::ReaderSystem> CardTest::readers() const {
#ifdef CARTA_CLI_IN_PROCESS
    return card_->system();
#else
    return apdu::pcsc_reader_system();  // the private pcscd's (SimCard set PCSCLITE_CSOCK_NAME)
#endif
}

std::unique_ptr<apdu::Transport> CardTest::connect() const {
    return readers()->connect(card_->reader());
}

Bytes CardTest::card_public_key(const std::string& key_id) {
    const auto transport = connect();
    card::Card common(*transport, card::Profile::Common);
    const auto key = common.find_key(static_cast<std::uint8_t>(std::stoul(key_id, nullptr, 16)));
    if (!key) throw std::runtime_error("no key " + key_id + " on the card");
    return key->spki_der;
}

}  // namespace carta::test
