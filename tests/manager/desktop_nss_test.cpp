// carta thunderbird's pkcs11.txt as NSS reads it: modutil loads the built module,
// so this file is left out of the sanitizer tree (CARTA_TEST_THROUGH_CLIENTS=OFF),
// whose module no uninstrumented program can load.
#include "desktop_fixture.hpp"

#ifndef CARTA_PKCS11_MODULE
#error "CARTA_PKCS11_MODULE must be defined (path of the built libcarta-pkcs11.so)"
#endif

namespace carta::test {
namespace {
namespace fs = std::filesystem;

const char* const kBuiltModule = CARTA_PKCS11_MODULE;

// NSS itself reads what carta wrote: the module listed beside NSS's own, in a
// database made before (certutil -N) and in one NSS makes after carta wrote the file.
TEST_F(DesktopTest, NssListsTheRegisteredModule) {
    const auto before = path("nss-before");
    const auto after = path("nss-after");
    fs::create_directories(before);
    fs::create_directories(after);
    ASSERT_EQ(run({"certutil", "-N", "-d", "sql:" + before.string(), "--empty-password"}).exit_code, 0);
    for (const auto& profile : {before, after}) {
        const auto result =
            carta({"thunderbird", "--profile-dir", profile.string(), "--module", kBuiltModule});
        ASSERT_EQ(result.exit_code, 0) << describe(result);
    }
    ASSERT_EQ(run({"certutil", "-N", "-d", "sql:" + after.string(), "--empty-password"}).exit_code, 0);
    for (const auto& profile : {before, after}) {
        const auto listed = run({"modutil", "-list", "-dbdir", "sql:" + profile.string()});
        ASSERT_EQ(listed.exit_code, 0) << describe(listed);
        EXPECT_NE(listed.out.find("1. NSS Internal PKCS #11 Module"), std::string::npos) << listed.out;
        EXPECT_NE(listed.out.find("2. carta\n\tlibrary name: " + std::string(kBuiltModule)),
                  std::string::npos)
            << listed.out;
    }
}

}  // namespace
}  // namespace carta::test
