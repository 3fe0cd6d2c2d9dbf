// Keys and certificates on the card, and the cache of public objects.
#include "card_fixture.hpp"
#include "carta/apdu/tlv.hpp"

namespace carta::card::test {
namespace {

class CardObjects : public CardTest {
  protected:
    void SetUp() override {
        CardTest::SetUp();
        initialise();
        common().verify(Code::Pin, secret(kPin));
    }
};

TEST_F(CardObjects, GeneratedKeyIsListedWithItsNameAndPublicKey) {
    const auto key = common().generate_key(KeyAlgorithm::Rsa2048, "mail key");
    EXPECT_EQ(key.key_ref, 0x21);
    EXPECT_EQ(key.name, "mail key");
    EXPECT_TRUE(key.generated_on_card());
    EXPECT_TRUE(key.can_sign());
    const auto listed = common().contents().keys;
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].spki_der, key.spki_der);
}

TEST_F(CardObjects, KeysOfEachAlgorithmGoToTheirOwnRange) {
    for (auto algorithm :
         {KeyAlgorithm::Rsa2048, KeyAlgorithm::Rsa3072, KeyAlgorithm::P256, KeyAlgorithm::P384}) {
        const auto key = common().generate_key(algorithm, std::string(key_algorithm_info(algorithm).name));
        EXPECT_EQ(key.algorithm, algorithm);
        EXPECT_EQ(key.key_ref >= 0x31, !key_algorithm_info(algorithm).is_rsa);
    }
    EXPECT_EQ(common().contents().keys.size(), 4u);
}

TEST_F(CardObjects, GenerationNeedsThePin) {
    common().logout(Code::Pin);
    try {
        common().generate_key(KeyAlgorithm::P256, "k");
        FAIL() << "generated without PIN";
    } catch (const CardError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotAuthenticated);
    }
}

TEST_F(CardObjects, CertificateIsStoredAndLinkedToItsKey) {
    const auto key = common().generate_key(KeyAlgorithm::P256, "key");
    const auto der = certificate_for(key.spki_der, "Joe Doe");
    const auto stored = common().write_certificate(der, "Joe Doe", false);
    EXPECT_EQ(stored.der, der);
    EXPECT_EQ(stored.key_ref, key.key_ref);
    EXPECT_FALSE(stored.is_ca);
    ASSERT_EQ(common().contents().certificates.size(), 1u);
}

TEST_F(CardObjects, CaCertificateIsMarkedAsSuch) {
    const auto ca_key = ossl::PKey(EVP_PKEY_Q_keygen(ossl::context(), nullptr, "EC", "P-256"));
    const auto stored =
        common().write_certificate(certificate_for(ossl::spki_der(ca_key.get()), "Test CA"), "CA", true);
    EXPECT_TRUE(stored.is_ca);
    EXPECT_EQ(stored.key_ref, 0);
}

TEST_F(CardObjects, MalformedCertificateIsRefusedAndNothingIsStored) {
    const Bytes garbage{0x30, 0x03, 0x01, 0x02};
    EXPECT_THROW(common().write_certificate(garbage, "bad", false), CardError);
    EXPECT_TRUE(common().contents().certificates.empty());
}

TEST_F(CardObjects, RenameChangesTheName) {
    const auto key = common().generate_key(KeyAlgorithm::P256, "old");
    common().rename(key.fid(), "new");
    EXPECT_EQ(common().contents().keys.at(0).name, "new");
}

TEST_F(CardObjects, DeleteRemovesTheKey) {
    const auto key = common().generate_key(KeyAlgorithm::P256, "gone");
    common().delete_object(key.fid());
    EXPECT_TRUE(common().contents().keys.empty());
}

TEST_F(CardObjects, ImportedKeySignsLikeTheOriginal) {
    ossl::PKey original(EVP_PKEY_Q_keygen(ossl::context(), nullptr, "RSA", static_cast<size_t>(2048)));
    unsigned char* der = nullptr;
    const int length =
        i2d_PrivateKey(original.get(), &der);  // traditional PKCS#1: the crypto library converts
    const Bytes traditional(der, der + length);
    OPENSSL_clear_free(der, static_cast<size_t>(length));
    const auto pkcs8 = ossl::pkcs8_private_key(traditional);
    const auto key = common().import_key(pkcs8.view(), "imported");
    EXPECT_EQ(key.spki_der, ossl::spki_der(original.get()));
    EXPECT_FALSE(key.generated_on_card());
}

TEST_F(CardObjects, ImportedEcKeyGoesToAnEcKeyReference) {
    ossl::PKey original(EVP_PKEY_Q_keygen(ossl::context(), nullptr, "EC", "P-384"));
    const auto pkcs8 = ossl::pkcs8_private_key(ossl::der_of<i2d_PrivateKey>(original.get(), "key"));
    const auto key = common().import_key(pkcs8.view(), "imported");
    EXPECT_TRUE(kEcKeyRefs.contains(key.key_ref));
    EXPECT_EQ(key.algorithm, KeyAlgorithm::P384);
    EXPECT_EQ(key.spki_der, ossl::spki_der(original.get()));
}

TEST_F(CardObjects, ImportOfWhatIsNoPkcs8KeyIsRefusedBeforeTheCardIsAsked) {
    const auto before = apdus();
    try {
        common().import_key(Bytes{0x30, 0x03, 0x02, 0x01, 0x00}, "nothing");
        FAIL() << "imported a non-key";
    } catch (const CardError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidData);
    }
    EXPECT_EQ(apdus(), before);
}

// The core writes the SubjectPublicKeyInfo itself (key_encoding.hpp): OpenSSL reads it
// and writes the same bytes back, for every algorithm of the card.
TEST_F(CardObjects, PublicKeyDerIsWhatOpenSslWrites) {
    for (const auto& info : key_algorithms()) {
        if (info.is_rsa && info.bits > 2048) continue;  // slow to generate; same code as 2048
        const auto key = common().generate_key(info.algorithm, std::string(info.name));
        EXPECT_EQ(ossl::spki_der(ossl::public_key_from_spki(key.spki_der).get()), key.spki_der) << info.name;
        EXPECT_EQ(
            ossl::spki_der(ossl::public_key_from_template(info.algorithm, key.public_key_template).get()),
            key.spki_der)
            << info.name;
    }
}

TEST_F(CardObjects, CardInfoNamesTheModelAndNumber) {
    const auto info = common().info();
    EXPECT_EQ(info.card_number, CARTA_TEMPLATE_CARD_NUMBER);
    EXPECT_FALSE(info.model.empty());
}

TEST_F(CardObjects, KeyNameWithControlCharactersIsRefused) {
    const auto error = [&]() -> std::optional<CardError> {
        try {
            common().generate_key(KeyAlgorithm::P256, "\x1b]0;owned\a");
        } catch (const CardError& e) {
            return e;
        }
        return std::nullopt;
    }();
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind(), ErrorKind::InvalidData);
    EXPECT_TRUE(common().contents().keys.empty());
}

TEST_F(CardObjects, UnchangedCardIsServedFromTheCacheWithOneApdu) {
    common().generate_key(KeyAlgorithm::P256, "key");
    common().contents();
    const auto before = apdus();
    common().contents();
    EXPECT_EQ(apdus() - before, 1u);  // the SELECT that tells the change counter
}

TEST_F(CardObjects, ChangeOnTheCardInvalidatesTheCache) {
    common().contents();
    // Another host (another Card without this cache) changes the card.
    Card other(*transport_, Profile::Common);
    other.generate_key(KeyAlgorithm::P256, "from elsewhere");
    EXPECT_EQ(common().contents().keys.size(), 1u);
}

TEST_F(CardObjects, DiskCacheLetsANewProcessStartWarm) {
    common().generate_key(KeyAlgorithm::P256, "key");
    const auto cache_dir = dir_ / "cache";
    {
        Card first(*transport_, Profile::Common, std::make_shared<ObjectCache>(cache_dir));
        first.contents();
    }
    Card second(*transport_, Profile::Common, std::make_shared<ObjectCache>(cache_dir));
    const auto before = second.channel().apdus_sent();
    EXPECT_EQ(second.contents().keys.size(), 1u);
    // The SELECT: its card number, change counter and content digest prove the copy current.
    EXPECT_EQ(second.channel().apdus_sent() - before, 1u);
}

TEST_F(CardObjects, CardClaimingAnotherCardsNumberAndCounterGetsItsOwnObjects) {
    // Two cards made from one template: same number; the same steps give the same change
    // counter and the same directory layout, but each has its own key.
    common().generate_key(KeyAlgorithm::P256, "key");
    std::filesystem::copy_file(template_card(), dir_ / "twin.state");
    sim::VirtualCard twin_card(dir_ / "twin.state");
    apdu::InProcessTransport twin_transport(twin_card);
    Card twin(twin_transport, Profile::Common);
    auto pin = secret(kPin);
    twin.initialise(secret(kPuk), &pin, "test card");
    twin.verify(Code::Pin, secret(kPin));
    const auto twin_key = twin.generate_key(KeyAlgorithm::P256, "key");
    ASSERT_EQ(twin.status().card_number, common().status().card_number);
    ASSERT_EQ(twin.status().change_counter, common().status().change_counter);

    const auto cache_dir = dir_ / "cache";
    Card(*transport_, Profile::Common, std::make_shared<ObjectCache>(cache_dir)).contents();
    Card impostor(twin_transport, Profile::Common, std::make_shared<ObjectCache>(cache_dir));
    const auto shown = impostor.contents();
    ASSERT_EQ(shown.keys.size(), 1u);
    EXPECT_EQ(shown.keys[0].spki_der, twin_key.spki_der);
}

TEST_F(CardObjects, CacheEntryOfAnotherCardIsReplacedByWhatThisCardHolds) {
    common().generate_key(KeyAlgorithm::P256, "key");
    const auto cache = std::make_shared<ObjectCache>();
    // An entry for this card's number and counter with a content digest the card does not answer.
    const auto status = common().status();
    auto claimed = status;
    claimed.content_digest = Bytes(32, 0xAB);
    cache->put(claimed, ProfileContents{"forged", {}, {}});
    Card card(*transport_, Profile::Common, cache);
    EXPECT_EQ(card.contents().keys.size(), 1u);
    EXPECT_EQ(cache->get(status)->label, "test card");
}

TEST_F(CardObjects, SummaryOfAnUncachedProfileReadsOnlyTheDirectory) {
    common().generate_key(KeyAlgorithm::P256, "key");
    Card fresh(*transport_, Profile::Common, std::make_shared<ObjectCache>());
    const auto before = fresh.channel().apdus_sent();
    const auto summary = fresh.summary();
    EXPECT_EQ(summary.label, "test card");
    EXPECT_FALSE(summary.contents);
    EXPECT_EQ(fresh.channel().apdus_sent() - before, 3u);  // SELECT, SELECT 5032, READ BINARY
}

TEST_F(CardObjects, SummaryOfACachedProfileIsOneSelectWithTheObjects) {
    common().generate_key(KeyAlgorithm::P256, "key");
    common().contents();
    const auto before = apdus();
    const auto summary = common().summary();
    ASSERT_TRUE(summary.contents);
    EXPECT_EQ(summary.contents->keys.size(), 1u);
    EXPECT_EQ(summary.label, "test card");
    EXPECT_EQ(apdus() - before, 1u);
}

TEST_F(CardObjects, NewProcessDescribingTheTokenAgainSendsOnlyTheSelect) {
    const auto cache_dir = dir_ / "cache";
    Card(*transport_, Profile::Common, std::make_shared<ObjectCache>(cache_dir)).summary();
    Card second(*transport_, Profile::Common, std::make_shared<ObjectCache>(cache_dir));
    const auto before = second.channel().apdus_sent();
    const auto summary = second.summary();
    EXPECT_EQ(summary.label, "test card");
    EXPECT_FALSE(summary.contents);  // the label alone: no object was read
    EXPECT_EQ(second.channel().apdus_sent() - before, 1u);
}

TEST_F(CardObjects, CachedLabelAloneIsNoListOfCertificates) {
    const auto key = common().generate_key(KeyAlgorithm::P256, "key");
    common().write_certificate(certificate_for(key.spki_der, "Joe Doe"), "Joe Doe", false);
    const auto cache_dir = dir_ / "cache";
    Card(*transport_, Profile::Common, std::make_shared<ObjectCache>(cache_dir)).summary();
    Card second(*transport_, Profile::Common, std::make_shared<ObjectCache>(cache_dir));
    EXPECT_EQ(second.contents(Card::Need::Certificates).certificates.size(), 1u);
}

TEST_F(CardObjects, LabelChangedByAnotherHostIsReadAgain) {
    const auto cache_dir = dir_ / "cache";
    Card(*transport_, Profile::Common, std::make_shared<ObjectCache>(cache_dir)).summary();
    Card other(*transport_, Profile::Common);  // another host, without this cache
    other.set_label("renamed");
    Card second(*transport_, Profile::Common, std::make_shared<ObjectCache>(cache_dir));
    EXPECT_EQ(second.summary().label, "renamed");
}

TEST_F(CardObjects, CachedLabelAloneNeverReplacesTheObjects) {
    common().generate_key(KeyAlgorithm::P256, "key");
    const auto status = common().status();
    ObjectCache cache;
    auto everything = common().contents();
    cache.put(status, everything);
    ProfileContents label_only{"test card", {}, {}, false, false};
    cache.put(status, label_only);
    const auto cached = cache.get(status);
    ASSERT_TRUE(cached);
    EXPECT_TRUE(cached->certificates_listed);
    EXPECT_EQ(cached->keys.size(), 1u);
}

TEST_F(CardObjects, CacheFileOfTheFormatBeforeLabelsAloneIsAMiss) {
    const auto cache_dir = dir_ / "cache";
    std::filesystem::create_directories(cache_dir);
    const auto status = common().status();
    // Format 03 had no "certificates listed" element: all its entries listed them.
    tlv::TlvWriter writer;
    writer.begin(0xE0);
    writer.add_byte(0xC0, 0x03);
    writer.add(0xC1, Bytes{static_cast<std::uint8_t>(status.change_counter >> 24),
                           static_cast<std::uint8_t>(status.change_counter >> 16),
                           static_cast<std::uint8_t>(status.change_counter >> 8),
                           static_cast<std::uint8_t>(status.change_counter)});
    writer.add(0xC2, status.content_digest);
    writer.add_byte(0xC3, 0);
    writer.add(0x50, Bytes{'o', 'l', 'd'});
    writer.end();
    const auto file = writer.finish();
    {
        std::ofstream out(cache_dir / (status.card_number + "-common"), std::ios::binary);
        out.write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
    }
    Card card(*transport_, Profile::Common, std::make_shared<ObjectCache>(cache_dir));
    EXPECT_EQ(card.summary().label, "test card");
}

TEST_F(CardObjects, StatusWithTheContentsCostsNoMoreThanTheContentsAlone) {
    common().generate_key(KeyAlgorithm::P256, "key");
    Card alone(*transport_, Profile::Common, std::make_shared<ObjectCache>());
    const auto before_alone = alone.channel().apdus_sent();
    alone.contents();
    const auto contents_alone = alone.channel().apdus_sent() - before_alone;

    Card both(*transport_, Profile::Common, std::make_shared<ObjectCache>());
    const auto before = both.channel().apdus_sent();
    const auto [status, contents] = both.status_and_contents();
    EXPECT_EQ(both.channel().apdus_sent() - before, contents_alone);  // one SELECT answers both
    EXPECT_EQ(status.change_counter, common().status().change_counter);
    EXPECT_EQ(contents.keys.size(), 1u);
}

TEST_F(CardObjects, ContentDigestFollowsTheObjectsNotTheTryCounters) {
    const auto empty = common().status().content_digest;
    EXPECT_EQ(empty.size(), 32u);
    EXPECT_THROW(common().verify(Code::Pin, secret("9999")), CardError);
    EXPECT_EQ(common().status().content_digest, empty);
    common().verify(Code::Pin, secret(kPin));
    common().generate_key(KeyAlgorithm::P256, "key");
    EXPECT_NE(common().status().content_digest, empty);
}

TEST_F(CardObjects, CorruptDiskCacheIsIgnored) {
    const auto cache_dir = dir_ / "cache";
    std::filesystem::create_directories(cache_dir);
    {
        std::ofstream out(cache_dir / (std::string(CARTA_TEMPLATE_CARD_NUMBER) + "-common"));
        out << "garbage";
    }
    Card card(*transport_, Profile::Common, std::make_shared<ObjectCache>(cache_dir));
    EXPECT_TRUE(card.contents().keys.empty());
}

}  // namespace
}  // namespace carta::card::test
