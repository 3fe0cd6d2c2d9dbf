// carta_card_core_links_without_openssl (card/CMakeLists.txt): the card core used
// from a program that has no OpenSSL, as a Windows minidriver would use it. It
// compiles only if no public header of the core brings in OpenSSL's, and links only
// if no object file of the core or of the APDU layer refers to OpenSSL. Run as the
// test card.core_links_without_openssl, it also checks that the core works here.
#include <cstdio>

#include "carta/apdu/apdu.hpp"
#include "carta/apdu/bytes.hpp"
#include "carta/apdu/channel.hpp"
#include "carta/apdu/in_process_transport.hpp"
#include "carta/apdu/pcsc_transport.hpp"
#include "carta/apdu/tlv.hpp"
#include "carta/apdu/trace.hpp"
#include "carta/apdu/transport.hpp"
#include "carta/card/card.hpp"
#include "carta/card/errors.hpp"
#include "carta/card/key_encoding.hpp"
#include "carta/card/object_cache.hpp"
#include "carta/card/reader.hpp"
#include "carta/card/text.hpp"
#include "carta/card/types.hpp"

// Every OpenSSL header includes opensslv.h (or, before 3.0, defines HEADER_*).
#if defined(OPENSSL_VERSION_NUMBER) || defined(OPENSSL_OPENSSLV_H) || defined(HEADER_OPENSSLV_H)
#error "a public header of the card core or the APDU layer includes OpenSSL"
#endif

namespace {

using namespace carta;

// A card that knows no application: every command is answered 6A82.
class NoApplication : public apdu::Transport {
  public:
    Bytes transmit(ByteView) override { return {0x6A, 0x82}; }
    void begin_transaction() override {}
    void end_transaction() override {}
    void reconnect() override {}
    Bytes atr() const override { return {0x3B, 0x00}; }
    std::string reader_name() const override { return "no application"; }
};

int fail(const char* what) {
    std::fprintf(stderr, "card core without OpenSSL: %s\n", what);
    return 1;
}

}  // namespace

int main() {
    NoApplication transport;
    card::Card card(transport, card::Profile::Common, std::make_shared<card::ObjectCache>());
    try {
        card.status();
        return fail("a card without the application was selected");
    } catch (const card::CardError& e) {
        if (e.kind() != card::ErrorKind::NotFound) return fail(e.what());
    }
    const Bytes hash(32, 0xAB);
    if (card::digest_info(card::HashAlgorithm::Sha256, hash).size() != 19 + 32) return fail("DigestInfo");
    tlv::TlvWriter point;
    point.begin(0x7F49).add(0x86, Bytes(65, 0x04)).end();
    if (card::spki_from_template(card::KeyAlgorithm::P256, point.finish()).size() != 91) return fail("SPKI");
    SecretBytes code(std::string_view("1234"));
    if (card::code_problem(card::Code::Pin, code.view())) return fail("the PIN rule");
    std::puts("the card core works without OpenSSL");
    return 0;
}
