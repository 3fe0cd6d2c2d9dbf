// CardAcquireContext, the properties and the virtual files, through the real pcscd.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "fixture.hpp"

namespace carta::md::test {
namespace {

constexpr std::string_view kCardNumber = "1625834976919804";  // tests/CMakeLists.txt's template card

Dword dword_at(const Bytes& bytes, std::size_t offset = 0) {
    Dword value = 0;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

std::vector<ContainerMapRecord> records(const Bytes& cmapfile) {
    std::vector<ContainerMapRecord> out(cmapfile.size() / sizeof(ContainerMapRecord));
    std::memcpy(out.data(), cmapfile.data(), out.size() * sizeof(ContainerMapRecord));
    return out;
}

std::string name_of(const ContainerMapRecord& record) {
    std::string name;
    for (const char16_t c : record.wszGuid) {
        if (c == 0) break;
        name.push_back(static_cast<char>(c));
    }
    return name;
}

int run(const std::string& command) {
    return std::system(command.c_str());
}

TEST_F(MinidriverTest, AcquireContextFillsTheTableAndAnswersUnsupportedForTheRest) {
    auto& d = csp().data();
    EXPECT_EQ(d.dwVersion, version::kSeven);
    EXPECT_NE(d.pvVendorSpecific, nullptr);
    EXPECT_NE(d.pfnCardSignData, nullptr);
    EXPECT_NE(d.pfnCardRSADecrypt, nullptr);
    EXPECT_EQ(d.pfnCardWriteFile(&d, nullptr, const_cast<char*>("cardid"), 0, nullptr, 0),
              rc::kUnsupportedFeature);
    EXPECT_EQ(d.pfnCardCreateContainer(&d, 0, 1, kAtKeyExchange, 2048, nullptr), rc::kUnsupportedFeature);
    EXPECT_EQ(d.pfnCardDeleteContainer(&d, 0, 0), rc::kUnsupportedFeature);
    EXPECT_EQ(d.pfnCardCreateContainerEx(&d, 0, 1, kAtKeyExchange, 2048, nullptr, 1),
              rc::kUnsupportedFeature);
}

TEST_F(MinidriverTest, AcquireContextRefusesACspOlderThanVersionSix) {
    drop_csp();  // one context at a time on this card
    Csp old(card().reader(), 5);
    EXPECT_EQ(old.acquire_status(), rc::kRevisionMismatch);
    EXPECT_EQ(old.data().pvVendorSpecific, nullptr);
}

TEST_F(MinidriverTest, CapabilitiesSayNoCompressionAndNoKeyGeneration) {
    CardCapabilities capabilities{version::kCapabilities, 1, 1};
    EXPECT_EQ(csp().transact([&](CardData& d) { return d.pfnCardQueryCapabilities(&d, &capabilities); }),
              rc::kSuccess);
    EXPECT_EQ(capabilities.fCertificateCompression, 0u);
    EXPECT_EQ(capabilities.fKeyGen, 0u);
}

TEST_F(MinidriverTest, PropertiesDescribeAReadOnlyCardWithFourCodes) {
    Bytes value;
    ASSERT_EQ(csp().get_property(u"Read Only Mode", value), rc::kSuccess);
    EXPECT_EQ(dword_at(value), 1u);
    ASSERT_EQ(csp().get_property(u"Cache Mode", value), rc::kSuccess);
    EXPECT_EQ(dword_at(value), cache_mode::kGlobal);
    ASSERT_EQ(csp().get_property(u"PIN List", value), rc::kSuccess);
    EXPECT_EQ(dword_at(value), 0x1Eu);  // PINs 1-4
    ASSERT_EQ(csp().get_property(u"Card Serial Number", value), rc::kSuccess);
    EXPECT_EQ(std::string(value.begin(), value.end()), kCardNumber);
    ASSERT_EQ(csp().get_property(u"Key Sizes", value, kAtKeyExchange), rc::kSuccess);
    ASSERT_EQ(value.size(), sizeof(CardKeySizes));
    EXPECT_EQ(dword_at(value, 4), 2048u);   // minimum
    EXPECT_EQ(dword_at(value, 8), 2048u);   // default
    EXPECT_EQ(dword_at(value, 12), 4096u);  // maximum
    EXPECT_EQ(dword_at(value, 16), 1024u);  // step

    ASSERT_EQ(csp().get_property(u"PIN Information", value, kRoleUser), rc::kSuccess);
    PinInfo info{};
    ASSERT_EQ(value.size(), sizeof info);
    std::memcpy(&info, value.data(), sizeof info);
    EXPECT_EQ(info.PinType, secret_type::kAlphaNumeric);
    EXPECT_EQ(info.PinPurpose, secret_purpose::kPrimaryCardPin);
    EXPECT_EQ(info.dwUnblockPermission, pin_set(kRoleAdmin));

    EXPECT_EQ(csp().get_property(u"No Such Property", value), rc::kInvalidParameter);
    EXPECT_EQ(csp().get_property(u"PIN Information", value, 7), rc::kInvalidParameter);
}

TEST_F(MinidriverTest, GetPropertyReportsTheSizeNeededForASmallBuffer) {
    Dword size = 0;
    Byte small[2];
    EXPECT_EQ(csp().transact([&](CardData& d) {
        return d.pfnCardGetProperty(&d, u"Card Identifier", small, sizeof small, &size, 0);
    }),
              rc::kInsufficientBuffer);
    EXPECT_EQ(size, 16u);
}

TEST_F(MinidriverTest, SetPropertyTakesTheParentWindowAndRefusesTheRest) {
    Dword window = 0;
    EXPECT_EQ(csp().transact([&](CardData& d) {
        return d.pfnCardSetProperty(&d, u"Parent Window", reinterpret_cast<Byte*>(&window), sizeof window, 0);
    }),
              rc::kSuccess);
    EXPECT_EQ(csp().transact([&](CardData& d) {
        return d.pfnCardSetProperty(&d, u"Read Only Mode", reinterpret_cast<Byte*>(&window), sizeof window,
                                    0);
    }),
              rc::kInvalidParameter);
}

TEST_F(MinidriverTest, CardIdIsTheCardNumberAndStableAcrossContexts) {
    Bytes id;
    ASSERT_EQ(csp().read_file(nullptr, "cardid", id), rc::kSuccess);
    EXPECT_EQ(std::string(id.begin(), id.end()), kCardNumber);
    drop_csp();
    auto again = another_csp();
    Bytes id_again;
    ASSERT_EQ(again->read_file(nullptr, "cardid", id_again), rc::kSuccess);
    EXPECT_EQ(id_again, id);
    Bytes guid;
    ASSERT_EQ(again->get_property(u"Card Identifier", guid), rc::kSuccess);
    EXPECT_EQ(guid, id);
}

TEST_F(MinidriverTest, CardAppsNamesMscp) {
    Bytes apps;
    ASSERT_EQ(csp().read_file(nullptr, "cardapps", apps), rc::kSuccess);
    EXPECT_EQ(apps, (Bytes{'m', 's', 'c', 'p', 0, 0, 0, 0}));
}

TEST_F(MinidriverTest, EnumFilesListsTheRootAndMscp) {
    std::string names;
    ASSERT_EQ(csp().enum_files(nullptr, names), rc::kSuccess);
    EXPECT_EQ(names, std::string("cardid\0cardcf\0cardapps\0\0", 24));
    ASSERT_EQ(csp().enum_files("mscp", names), rc::kSuccess);
    EXPECT_EQ(names, std::string("cmapfile\0kxc00\0\0", 16));  // only key 21 has a certificate
    EXPECT_EQ(csp().enum_files("nosuch", names), rc::kDirNotFound);
}

TEST_F(MinidriverTest, UnknownFilesAreNotFound) {
    Bytes bytes;
    EXPECT_EQ(csp().read_file(nullptr, "nosuch", bytes), rc::kFileNotFound);
    EXPECT_EQ(csp().read_file("mscp", "kxc01", bytes), rc::kFileNotFound);  // a key without certificate
    EXPECT_EQ(csp().read_file("mscp", "kxc99", bytes), rc::kFileNotFound);
    EXPECT_EQ(csp().read_file("other", "cmapfile", bytes), rc::kDirNotFound);
}

TEST_F(MinidriverTest, FileInfoGivesEachFilesSize) {
    for (const auto& [directory, name] : std::vector<std::pair<const char*, const char*>>{
             {nullptr, "cardid"}, {nullptr, "cardcf"}, {"mscp", "cmapfile"}, {"mscp", "kxc00"}}) {
        Bytes content;
        ASSERT_EQ(csp().read_file(directory, name, content), rc::kSuccess) << name;
        CardFileInfo info{version::kFileInfo, 0, 0};
        ASSERT_EQ(csp().transact([&](CardData& d) {
            return d.pfnCardGetFileInfo(&d, const_cast<char*>(directory), const_cast<char*>(name), &info);
        }),
                  rc::kSuccess);
        EXPECT_EQ(info.cbFileSize, content.size()) << name;
        EXPECT_EQ(info.AccessCondition, access::kEveryoneReadAdminWrite);
    }
}

TEST_F(MinidriverTest, CmapfileHasOneRecordPerRsaKeyOfBothProfiles) {
    Bytes cmapfile;
    ASSERT_EQ(csp().read_file("mscp", "cmapfile", cmapfile), rc::kSuccess);
    ASSERT_EQ(cmapfile.size() % 86, 0u);
    const auto all = records(cmapfile);
    // The common profile's RSA key 21, then the secure profile's five RSA-3072 keys
    // (the P-256 key 31 and the P-384 keys are not RSA: not containers).
    ASSERT_EQ(all.size(), 6u);
    EXPECT_EQ(name_of(all[0]), "carta-" + std::string(kCardNumber) + "-c21");
    EXPECT_EQ(all[0].bFlags, kContainerValid | kContainerDefault);
    EXPECT_EQ(all[0].wKeyExchangeKeySizeBits, 2048);
    EXPECT_EQ(all[0].wSigKeySizeBits, 0);
    for (std::size_t i = 1; i < all.size(); ++i) {
        EXPECT_EQ(name_of(all[i]), "carta-" + std::string(kCardNumber) + "-s2" + std::to_string(i));
        EXPECT_EQ(all[i].bFlags, kContainerValid);
        EXPECT_EQ(all[i].wKeyExchangeKeySizeBits, 3072);
        EXPECT_LE(name_of(all[i]).size(), 39u);
    }
    Bytes pin_id;
    ASSERT_EQ(csp().container_property(0, u"PIN Identifier", pin_id), rc::kSuccess);
    EXPECT_EQ(dword_at(pin_id), kRoleUser);
    ASSERT_EQ(csp().container_property(1, u"PIN Identifier", pin_id), rc::kSuccess);
    EXPECT_EQ(dword_at(pin_id), kSecurePin);
}

TEST_F(MinidriverTest, KxcIsTheCertificateOfItsContainersKey) {
    Bytes certificate;
    ASSERT_EQ(csp().read_file("mscp", "kxc00", certificate), rc::kSuccess);
    EXPECT_EQ(certificate, certificate_der());
}

TEST_F(MinidriverTest, ContainerInfoGivesTheKeyExchangePublicKeyOfTheCertificate) {
    ContainerInfo info{version::kContainerInfo, 0, 0, nullptr, 0, nullptr};
    ASSERT_EQ(csp().transact([&](CardData& d) { return d.pfnCardGetContainerInfo(&d, 0, 0, &info); }),
              rc::kSuccess);
    EXPECT_EQ(info.cbSigPublicKey, 0u);
    ASSERT_EQ(info.cbKeyExPublicKey, 8u + 12u + 256u);
    const Bytes blob(info.pbKeyExPublicKey, info.pbKeyExPublicKey + info.cbKeyExPublicKey);
    csp().free(info.pbKeyExPublicKey);
    EXPECT_EQ(blob[0], 0x06);                   // PUBLICKEYBLOB
    EXPECT_EQ(dword_at(blob, 4), 0xA400u);      // CALG_RSA_KEYX
    EXPECT_EQ(dword_at(blob, 8), 0x31415352u);  // RSA1
    EXPECT_EQ(dword_at(blob, 12), 2048u);
    EXPECT_EQ(dword_at(blob, 16), 65537u);
    // The modulus, little-endian, is the certificate's: its big-endian bytes appear in
    // the certificate's SubjectPublicKeyInfo.
    const Bytes modulus(blob.rbegin(), blob.rbegin() + 256);
    const auto spki = certificate_spki();
    EXPECT_NE(std::search(spki.begin(), spki.end(), modulus.begin(), modulus.end()), spki.end());
    EXPECT_EQ(csp().transact([&](CardData& d) { return d.pfnCardGetContainerInfo(&d, 6, 0, &info); }),
              rc::kNoKeyContainer);
}

TEST_F(MinidriverTest, CardcfChangesWhenTheCliChangesTheCard) {
    Bytes before;
    ASSERT_EQ(csp().read_file(nullptr, "cardcf", before), rc::kSuccess);
    ASSERT_EQ(before.size(), 6u);
    EXPECT_EQ(before[0], 1);  // CARD_CACHE_FILE_CURRENT_VERSION
    Bytes same;
    ASSERT_EQ(csp().read_file(nullptr, "cardcf", same), rc::kSuccess);
    EXPECT_EQ(same, before);

    // carta's CLI, another process: delete the CA certificate, then import it again.
    const std::string cli = std::string("CARTA_PIN=") + std::string(kPin) + " " + CARTA_CLI + " ";
    ASSERT_EQ(run(cli + "delete cert:3 >/dev/null"), 0);
    Bytes after_delete;
    ASSERT_EQ(csp().read_file(nullptr, "cardcf", after_delete), rc::kSuccess);
    EXPECT_NE(after_delete, before);
    ASSERT_EQ(run(cli + "cert import " + std::string(CARTA_PKCS11_TEST_CARDS) + "/ca.pem >/dev/null"), 0);
    Bytes after_import;
    ASSERT_EQ(csp().read_file(nullptr, "cardcf", after_import), rc::kSuccess);
    EXPECT_NE(after_import, after_delete);
    EXPECT_NE(after_import, before);
}

TEST_F(MinidriverTest, QueryFreeSpaceSaysTheCspCanCreateNothing) {
    CardFreeSpaceInfo info{version::kFreeSpace, 1, 1, 0};
    ASSERT_EQ(csp().transact([&](CardData& d) { return d.pfnCardQueryFreeSpace(&d, 0, &info); }),
              rc::kSuccess);
    EXPECT_EQ(info.dwBytesAvailable, 0u);
    EXPECT_EQ(info.dwKeyContainersAvailable, 0u);
    EXPECT_EQ(info.dwMaxKeyContainers, 6u);
}

// minidriver/carta-minidriver.reg registers the DLL for the ATR this card answers.
TEST_F(MinidriverTest, TheRegistrationNamesTheCardsAtr) {
    std::ifstream reg(CARTA_MINIDRIVER_REG);
    ASSERT_TRUE(reg) << CARTA_MINIDRIVER_REG;
    const Bytes atr(csp().data().pbAtr, csp().data().pbAtr + csp().data().cbAtr);
    int atr_lines = 0;
    for (std::string line; std::getline(reg, line);) {
        if (line.rfind("\"ATR\"=hex:", 0) != 0) continue;
        ++atr_lines;
        std::string hex = line.substr(10);
        while (!hex.empty() && (hex.back() == '\r' || hex.back() == ' ')) hex.pop_back();
        std::replace(hex.begin(), hex.end(), ',', ' ');
        EXPECT_EQ(from_hex(hex), atr) << line;
    }
    EXPECT_EQ(atr_lines, 2);  // 64-bit and WOW6432Node

    // The MSI's (carta-minidriver.wxs): the same ATR, for both components.
    std::ifstream wxs(CARTA_MINIDRIVER_WXS);
    ASSERT_TRUE(wxs) << CARTA_MINIDRIVER_WXS;
    const std::string marker = "Name=\"ATR\" Type=\"binary\" Value=\"";
    int wxs_atrs = 0;
    for (std::string line; std::getline(wxs, line);) {
        const auto at = line.find(marker);
        if (at == std::string::npos) continue;
        ++wxs_atrs;
        const auto start = at + marker.size();
        EXPECT_EQ(from_hex(line.substr(start, line.find('"', start) - start)), atr) << line;
    }
    EXPECT_EQ(wxs_atrs, 2);
}

TEST_F(MinidriverTest, APulledCardIsReportedAsRemoved) {
    Bytes bytes;
    ASSERT_EQ(csp().read_file(nullptr, "cardcf", bytes), rc::kSuccess);
    card().pull();
    // Straight to the minidriver, without the harness's transaction (which the CSP
    // would fail itself): the minidriver's own transmit meets the empty reader.
    auto& d = csp().data();
    Byte* out = nullptr;
    Dword size = 0;
    const Dword rv = d.pfnCardReadFile(&d, nullptr, const_cast<char*>("cardcf"), 0, &out, &size);
    EXPECT_TRUE(rv == rc::kRemovedCard || rv == rc::kNoSmartcard) << std::hex << rv;
    EXPECT_EQ(out, nullptr);
}

}  // namespace
}  // namespace carta::md::test
