// The command line itself: usage errors, help (no PC/SC service: smoke_test.cpp).
#include "cli_fixture.hpp"

namespace carta::test {
namespace {

TEST_F(CliTest, UsageErrorsExitWithOne) {
    for (const auto& args :
         std::vector<std::vector<std::string>>{{},
                                               {"frobnicate"},
                                               {"key", "generate"},
                                               {"key", "generate", "--algorithm", "rsa1024"},
                                               {"--profile", "other", "status"},
                                               {"cert", "import"}}) {
        const auto result = carta(args);
        EXPECT_EQ(result.exit_code, 1) << describe(result);
        EXPECT_EQ(result.err.rfind("carta: ", 0), 0u) << result.err;
    }
}

TEST_F(CliTest, HelpDocumentsTheExitCodes) {
    const auto result = carta({"--help"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_NE(result.out.find("3  wrong PIN or PUK"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("CARTA_NEW_PIN"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace carta::test
