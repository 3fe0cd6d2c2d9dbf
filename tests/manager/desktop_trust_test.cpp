// carta thunderbird --trust-card-ca: the CA certificates on the card trusted for
// e-mail only in the profile's cert9.db (read back with NSS's certutil).
#include "desktop_fixture.hpp"

namespace carta::test {
namespace {
namespace fs = std::filesystem;

class CardCaTrustTest : public DesktopCardTest {
  protected:
    void SetUp() override {
        DesktopCardTest::SetUp();
        init_card();
        make_ca();
        // The chain as a CA hands it out: the user's certificate and the CA's.
        const auto issued = sign(make_csr(generate_key("p256"), "joe.csr"), "joe.pem");
        write_text(path("chain.pem"), read_text(issued) + read_text(path("ca.pem")));
        const auto imported = carta({"cert", "import", path("chain.pem").string()}, pin());
        ASSERT_EQ(imported.exit_code, 0) << describe(imported);
        profile_ = make_default_profile();
        ASSERT_EQ(certutil({"-N", "--empty-password"}).exit_code, 0);
    }

    Result certutil(std::vector<std::string> args) const {
        args.insert(args.begin() + 1, {"-d", "sql:" + profile_.string()});
        args.insert(args.begin(), "certutil");
        return run(args);
    }
    // `certutil -L`'s line for `nickname`, its trust at the end.
    std::string listed(const std::string& nickname) const {
        const auto out = certutil({"-L"}).out;
        const auto at = out.find("\n" + nickname + " ");
        if (at == std::string::npos) return "(not listed)\n" + out;
        const auto end = out.find('\n', at + 1);
        return out.substr(at + 1, end - at - 1);
    }
    static std::string trust_of(std::string line) {
        line.erase(line.find_last_not_of(' ') + 1);  // certutil pads the column
        return line.substr(line.find_last_of(' ') + 1);
    }

    Result trust_card_ca(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"thunderbird", "--trust-card-ca", "--module", module().string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return carta(args, home_environment());
    }

    fs::path profile_;
};

TEST_F(CardCaTrustTest, CaOnTheCardIsTrustedForEmailOnlyAndTheUsersCertificateNotAtAll) {
    const auto result = trust_card_ca();
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("CA \"CN=carta test CA, O=carta tests\""), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("imported, trusted for e-mail only"), std::string::npos) << result.out;
    EXPECT_EQ(trust_of(listed("carta test CA")), ",C,");
    const auto all = certutil({"-L"}).out;
    EXPECT_EQ(all.find("Joe Doe"), std::string::npos) << all;
    EXPECT_EQ(trust_card_ca().out.find("imported"), std::string::npos);  // the second run: already trusted
}

TEST_F(CardCaTrustTest, TrustTheUserGaveIsKeptAndOnlyEmailIsAdded) {
    ASSERT_EQ(certutil({"-A", "-n", "my CA", "-t", "CT,,", "-i", path("ca.pem").string()}).exit_code, 0);
    const auto result = trust_card_ca();
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("e-mail trust added"), std::string::npos) << result.out;
    EXPECT_EQ(trust_of(listed("my CA")), "CT,C,");
    EXPECT_NE(listed("carta test CA").rfind("(not listed)", 0), std::string::npos);
}

TEST_F(CardCaTrustTest, DryRunTrustsNothing) {
    const auto result = trust_card_ca({"--dry-run"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("would import, trusted for e-mail only"), std::string::npos) << result.out;
    EXPECT_NE(listed("carta test CA").rfind("(not listed)", 0), std::string::npos);
    EXPECT_EQ(read_text(profile_ / "pkcs11.txt").find("name=carta"), std::string::npos);
}

TEST_F(CardCaTrustTest, WithoutTheFlagNoCertificateIsImported) {
    const auto result = carta({"thunderbird", "--module", module().string()}, home_environment());
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(listed("carta test CA").rfind("(not listed)", 0), std::string::npos);
}

TEST_F(DesktopCardTest, CardWithoutCaCertificateIsRefusedBeforeAnythingChanges) {
    init_card();
    const auto profile = make_default_profile();
    ASSERT_EQ(run({"certutil", "-N", "-d", "sql:" + profile.string(), "--empty-password"}).exit_code, 0);
    const auto result =
        carta({"thunderbird", "--trust-card-ca", "--module", module().string()}, home_environment());
    EXPECT_EQ(result.exit_code, 6) << describe(result);
    EXPECT_NE(result.err.find("no CA certificate"), std::string::npos) << result.err;
    EXPECT_EQ(read_text(profile / "pkcs11.txt").find("name=carta"), std::string::npos);
}

}  // namespace
}  // namespace carta::test
