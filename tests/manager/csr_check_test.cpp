// carta csr check: the checks a CA makes, on requests made by openssl and by the card.
#include "cli_fixture.hpp"

namespace carta::test {
namespace {

class CsrCheckTest : public CliTest {
  protected:
    // An openssl-made request; `subject` and `extra` as for `openssl req`.
    std::string request(const std::string& name, const std::string& subject,
                        const std::vector<std::string>& extra, const std::string& key = "rsa:2048") {
        std::vector<std::string> args{"req",
                                      "-new",
                                      "-newkey",
                                      key,
                                      "-nodes",
                                      "-keyout",
                                      path(name + ".key").string(),
                                      "-out",
                                      path(name).string(),
                                      "-subj",
                                      subject,
                                      "-config",
                                      path("openssl.cnf").string()};
        args.insert(args.end(), extra.begin(), extra.end());
        openssl(args);
        return path(name).string();
    }
    std::string good(const std::string& name = "good.csr") {
        return request(name, "/CN=Joe Doe/emailAddress=joedoe@yourdomain.com",
                       {"-addext", "subjectAltName=email:joedoe@yourdomain.com"});
    }
};

TEST_F(CsrCheckTest, GoodRequestPassesEveryCheck) {
    const auto result = carta({"csr", "check", good()});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(result.out,
              "ok    signature: valid (sha256WithRSAEncryption)\n"
              "ok    hash: SHA256\n"
              "ok    key: RSA-2048\n"
              "ok    subject CN: Joe Doe\n"
              "ok    subject e-mail: joedoe@yourdomain.com\n"
              "ok    subjectAltName: joedoe@yourdomain.com\n"
              "ok    e-mail match: subject and subjectAltName agree\n"
              "The request passes every check.\n");
}

TEST_F(CsrCheckTest, DerRequestIsReadToo) {
    const auto pem = good();
    openssl({"req", "-in", pem, "-outform", "DER", "-out", path("good.der").string()});
    EXPECT_EQ(carta({"csr", "check", path("good.der").string()}).exit_code, 0);
}

TEST_F(CsrCheckTest, SmallRsaKeyFails) {
    const auto csr = request("small.csr", "/CN=Joe Doe/emailAddress=joedoe@yourdomain.com",
                             {"-addext", "subjectAltName=email:joedoe@yourdomain.com"}, "rsa:1024");
    const auto result = carta({"csr", "check", csr});
    EXPECT_EQ(result.exit_code, 8) << describe(result);
    EXPECT_NE(result.out.find("FAIL  key: RSA-1024 is too small (RSA needs at least 2048 bits)\n"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("The request fails 1 check.\n"), std::string::npos) << result.out;
}

TEST_F(CsrCheckTest, MissingSubjectAltNameFails) {
    const auto csr = request("nosan.csr", "/CN=Joe Doe/emailAddress=joedoe@yourdomain.com", {});
    const auto result = carta({"csr", "check", csr});
    EXPECT_EQ(result.exit_code, 8) << describe(result);
    EXPECT_NE(
        result.out.find("FAIL  subjectAltName: no e-mail address (rfc822Name) in a subjectAltName extension"),
        std::string::npos)
        << result.out;
}

TEST_F(CsrCheckTest, DifferentAddressesInSubjectAndSubjectAltNameFail) {
    const auto csr = request("mismatch.csr", "/CN=Joe Doe/emailAddress=joedoe@yourdomain.com",
                             {"-addext", "subjectAltName=email:mallory@example.com"});
    const auto result = carta({"csr", "check", csr});
    EXPECT_EQ(result.exit_code, 8) << describe(result);
    EXPECT_NE(result.out.find(
                  "FAIL  e-mail match: the subject's joedoe@yourdomain.com is not in the subjectAltName"),
              std::string::npos)
        << result.out;
}

TEST_F(CsrCheckTest, SubjectWithoutCommonNameOrAddressFails) {
    const auto csr = request("bare.csr", "/O=Nobody", {});
    const auto result = carta({"csr", "check", csr, "--json"});
    EXPECT_EQ(result.exit_code, 8) << describe(result);
    const auto report = JsonValue::parse(result.out);
    EXPECT_FALSE(report["passed"].as_bool());
    int failed = 0;
    for (const auto& check : report["checks"].items()) failed += check["ok"].as_bool() ? 0 : 1;
    EXPECT_EQ(failed, 3);  // CN, subject e-mail, subjectAltName
}

TEST_F(CsrCheckTest, AlteredRequestFailsTheSignatureCheck) {
    openssl({"req", "-in", good(), "-outform", "DER", "-out", path("good.der").string()});
    auto der = read_text(path("good.der"));
    const auto at = der.find("Joe Doe");
    ASSERT_NE(at, std::string::npos);
    der[at] = 'X';  // "Xoe Doe": same length, so it still parses
    write_text(path("altered.der"), der);
    const auto result = carta({"csr", "check", path("altered.der").string()});
    EXPECT_EQ(result.exit_code, 8) << describe(result);
    EXPECT_EQ(result.out.rfind("FAIL  signature: does not verify", 0), 0u) << result.out;
}

TEST_F(CsrCheckTest, SomethingElseIsNotARequest) {
    write_text(path("junk.csr"),
               "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");
    const auto result = carta({"csr", "check", path("junk.csr").string()});
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_EQ(
        result.err.rfind("carta: " + path("junk.csr").string() + ": not a PKCS#10 certificate request", 0),
        0u)
        << result.err;
}

}  // namespace
}  // namespace carta::test
