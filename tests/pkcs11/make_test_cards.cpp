// Makes the card states the PKCS#11 tests start from, once per build, from the
// build's template card (tests/CMakeLists.txt): in-process, through the
// simulator and the card library, so no pcscd is needed.
//
//   make_test_cards TEMPLATE OUTDIR
//
// OUTDIR/ready.state: the common profile initialised (PUK kPuk, PIN kPin, label
//   "carta test"), an RSA-2048 key (21, sign + decipher) with an S/MIME
//   certificate (index 1), a P-256 key (31) with its certificate (2), and the
//   test CA's certificate (3, a CA certificate).
// OUTDIR/ca.pem, ca-key.pem, rsa-cert.pem, ec-cert.pem: the same for clients.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "carta/apdu/in_process_transport.hpp"
#include "carta/card/card.hpp"
#include "carta/sim/virtual_card.hpp"
#include "test_pki.hpp"

namespace fs = std::filesystem;
using namespace carta;

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: make_test_cards TEMPLATE OUTDIR\n";
        return 64;
    }
    try {
        const fs::path out = argv[2];
        fs::create_directories(out);
        const fs::path state = out / "ready.state";
        fs::copy_file(argv[1], state, fs::copy_options::overwrite_existing);

        sim::VirtualCard virtual_card(state);
        apdu::InProcessTransport transport(virtual_card);
        card::Card common(transport, card::Profile::Common);
        const SecretBytes pin(std::string_view("123456"));
        common.initialise(SecretBytes(std::string_view("87654321")), &pin, "carta test");
        common.verify(card::Code::Pin, pin);
        const auto rsa = common.generate_key(card::KeyAlgorithm::Rsa2048, "test rsa");
        const auto ec = common.generate_key(card::KeyAlgorithm::P256, "test ec");

        const auto ca = pkcs11::test::make_ca("carta Test CA");
        const Bytes rsa_cert =
            pkcs11::test::issue_certificate(ca, rsa.spki_der, "Jan Testowy", "jan@example.com");
        const Bytes ec_cert =
            pkcs11::test::issue_certificate(ca, ec.spki_der, "Jan Testowy EC", "jan@example.com");
        common.write_certificate(rsa_cert, "Jan Testowy", false);
        common.write_certificate(ec_cert, "Jan Testowy EC", false);
        common.write_certificate(pkcs11::test::der_of_certificate(ca.certificate.get()), "carta Test CA",
                                 true);
        common.logout(card::Code::Pin);

        const auto write = [&](const char* name, const std::string& text) {
            std::ofstream(out / name, std::ios::binary) << text;
        };
        write("ca.pem", pkcs11::test::pem_of_certificate(ca.certificate.get()));
        write("ca-key.pem", pkcs11::test::pem_of_private_key(ca.key.get()));
        write("rsa-cert.pem", pkcs11::test::pem_of_certificate(ossl::parse_certificate_der(rsa_cert).get()));
        write("ec-cert.pem", pkcs11::test::pem_of_certificate(ossl::parse_certificate_der(ec_cert).get()));
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "make_test_cards: " << e.what() << "\n";
        return 1;
    }
}
