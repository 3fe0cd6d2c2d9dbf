// carta thunderbird / carta firefox: profiles.ini, pkcs11.txt, the lock of a running
// program, --remove, --dry-run, --policy; --trust-card-ca with the card (desktop_trust_test.cpp);
// NSS reading the result (desktop_nss_test.cpp).
// Each test has its own HOME in its temporary directory.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "desktop_fixture.hpp"

namespace carta::test {
namespace {
namespace fs = std::filesystem;

const char* const kInternalModule =
    "library=\n"
    "name=NSS Internal PKCS #11 Module\n"
    "parameters=configdir='sql:/x' certPrefix='' keyPrefix='' secmod='secmod.db' flags= \n"
    "NSS=Flags=internal,critical trustOrder=75 cipherOrder=100 slotParams=(1={askpw=any timeout=30})\n"
    "\n";

TEST_F(DesktopTest, RegistersInEveryProfileOfProfilesIniRelativeAndAbsolute) {
    const auto elsewhere = path("elsewhere/work");
    fs::create_directories(elsewhere);
    make_profile("abc.default");
    write_profiles_ini(
        thunderbird_root(),
        "[Profile1]\nName=work\nIsRelative=0\nPath=" + elsewhere.string() +
            "\n\n[Profile0]\r\nName=default\r\nIsRelative=1\r\nPath=abc.default\r\nDefault=1\r\n"
            "\n[General]\nStartWithLastProfile=1\nVersion=2\n");
    const auto result = carta_json({"thunderbird", "--module", module().string()}, home_environment());
    ASSERT_EQ(result["profiles"].size(), 2u);
    EXPECT_EQ(result["profiles"][0]["name"].as_string(), "work");
    EXPECT_EQ(result["profiles"][0]["change"].as_string(), "added");
    EXPECT_EQ(result["profiles"][1]["directory"].as_string(), (thunderbird_root() / "abc.default").string());
    const std::string entry = "library=" + module().string() + "\nname=carta\n\n";
    EXPECT_EQ(read_text(elsewhere / "pkcs11.txt"), entry);
    EXPECT_EQ(read_text(thunderbird_root() / "abc.default" / "pkcs11.txt"), entry);
}

TEST_F(DesktopTest, InstallSectionDefaultIsRegisteredOnce) {
    make_profile("abc.default");
    make_profile("only-install.default");
    write_profiles_ini(thunderbird_root(),
                       "[Install4F96D1932A9F858E]\nDefault=only-install.default\nLocked=1\n\n"
                       "[InstallAAAA]\nDefault=abc.default\n\n"
                       "[Profile0]\nName=default\nIsRelative=1\nPath=abc.default\n");
    const auto result = carta_json({"thunderbird", "--module", module().string()}, home_environment());
    ASSERT_EQ(result["profiles"].size(), 2u);
    EXPECT_EQ(result["profiles"][0]["name"].as_string(), "default");
    EXPECT_EQ(result["profiles"][1]["directory"].as_string(),
              (thunderbird_root() / "only-install.default").string());
    EXPECT_TRUE(fs::exists(thunderbird_root() / "only-install.default" / "pkcs11.txt"));
}

TEST_F(DesktopTest, SectionWithoutPathAndMissingDirectoryAreSkippedWithAWarning) {
    make_profile("abc.default");
    write_profiles_ini(thunderbird_root(),
                       "[Profile0]\nName=nopath\n\n[Profile1]\nName=gone\nPath=gone.default\n\n"
                       "[Profile2]\nName=default\nPath=abc.default\n");
    const auto result = carta({"thunderbird", "--module", module().string()}, home_environment());
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.err.find("[Profile0] has no Path; skipped"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("gone.default) does not exist; skipped"), std::string::npos) << result.err;
    EXPECT_NE(result.out.find("\"default\""), std::string::npos) << result.out;
    EXPECT_FALSE(fs::exists(thunderbird_root() / "gone.default"));
}

TEST_F(DesktopTest, ProfileNameWithControlCharactersIsPrintedEscaped) {
    make_profile("abc.default");
    write_profiles_ini(thunderbird_root(), "[Profile0]\nName=evil\x1b[2Jname\nPath=abc.default\n");
    const auto result = carta({"thunderbird", "--module", module().string()}, home_environment());
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(result.out.find('\x1b'), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("\"evil\\x1b[2Jname\""), std::string::npos) << result.out;
}

TEST_F(DesktopTest, SecondRunChangesNothing) {
    const auto profile = make_default_profile();
    write_text(profile / "pkcs11.txt", kInternalModule);
    ASSERT_EQ(carta({"thunderbird", "--module", module().string()}, home_environment()).exit_code, 0);
    const auto after_first = read_text(profile / "pkcs11.txt");
    const auto second = carta_json({"thunderbird", "--module", module().string()}, home_environment());
    EXPECT_EQ(second["profiles"][0]["change"].as_string(), "unchanged");
    EXPECT_EQ(read_text(profile / "pkcs11.txt"), after_first);
    EXPECT_EQ(after_first,
              std::string(kInternalModule) + "library=" + module().string() + "\nname=carta\n\n");
}

TEST_F(DesktopTest, ModuleLoadedUnderAnotherNameCountsAsRegistered) {
    const auto profile = make_default_profile();
    const std::string before =
        std::string(kInternalModule) + "library=" + module().string() + "\nname=My card\n\n";
    write_text(profile / "pkcs11.txt", before);
    const auto result = carta({"thunderbird", "--module", module().string()}, home_environment());
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("already registered as \"My card\""), std::string::npos) << result.out;
    EXPECT_EQ(read_text(profile / "pkcs11.txt"), before);
}

TEST_F(DesktopTest, EntryOfTheSameNameIsPointedAtTheModule) {
    const auto profile = make_default_profile();
    write_text(profile / "pkcs11.txt", std::string(kInternalModule) +
                                           "library=/usr/local/lib/pkcs11/libcarta-pkcs11.so\nname=carta\n\n"
                                           "library=/usr/lib/other.so\nname=other\n\n");
    const auto result = carta_json({"thunderbird", "--module", module().string()}, home_environment());
    EXPECT_EQ(result["profiles"][0]["change"].as_string(), "updated");
    EXPECT_EQ(result["profiles"][0]["previous_library"].as_string(),
              "/usr/local/lib/pkcs11/libcarta-pkcs11.so");
    EXPECT_EQ(read_text(profile / "pkcs11.txt"),
              std::string(kInternalModule) + "library=" + module().string() +
                  "\nname=carta\n\nlibrary=/usr/lib/other.so\nname=other\n\n");
}

TEST_F(DesktopTest, RemoveTakesOutOnlyCartasModule) {
    const auto profile = make_default_profile();
    const std::string others = std::string(kInternalModule) + "library=/usr/lib/other.so\nname=other\n\n";
    write_text(profile / "pkcs11.txt", others);
    ASSERT_EQ(carta({"thunderbird", "--module", module().string()}, home_environment()).exit_code, 0);
    ASSERT_NE(read_text(profile / "pkcs11.txt"), others);
    auto removed = carta_json({"thunderbird", "--remove", "--module", module().string()}, home_environment());
    EXPECT_EQ(removed["profiles"][0]["change"].as_string(), "removed");
    EXPECT_EQ(read_text(profile / "pkcs11.txt"), others);
    removed = carta_json({"thunderbird", "--remove", "--module", module().string()}, home_environment());
    EXPECT_EQ(removed["profiles"][0]["change"].as_string(), "absent");
}

TEST_F(DesktopTest, DryRunChangesNothing) {
    const auto profile = make_default_profile();
    auto result = carta({"thunderbird", "--dry-run", "--module", module().string()}, home_environment());
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("would register \"carta\""), std::string::npos) << result.out;
    EXPECT_FALSE(fs::exists(profile / "pkcs11.txt"));

    ASSERT_EQ(carta({"thunderbird", "--module", module().string()}, home_environment()).exit_code, 0);
    const auto registered = read_text(profile / "pkcs11.txt");
    result =
        carta({"thunderbird", "--remove", "--dry-run", "--module", module().string()}, home_environment());
    EXPECT_NE(result.out.find("would remove"), std::string::npos) << result.out;
    EXPECT_EQ(read_text(profile / "pkcs11.txt"), registered);
}

TEST_F(DesktopTest, ProfileLockedByALiveProcessIsRefusedAndNoProfileIsChanged) {
    const auto free = make_profile("free.default");
    const auto busy = make_profile("busy.default");
    write_profiles_ini(thunderbird_root(),
                       "[Profile0]\nName=free\nPath=free.default\n\n"
                       "[Profile1]\nName=busy\nPath=busy.default\n");
    fs::create_symlink("127.0.1.1:" + std::to_string(::getpid()), busy / "lock");  // the form without fcntl
    const auto result = carta({"thunderbird", "--module", module().string()}, home_environment());
    EXPECT_EQ(result.exit_code, 6) << describe(result);
    EXPECT_NE(result.err.find("Thunderbird (process " + std::to_string(::getpid()) + ") is running with"),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("nothing was changed"), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(free / "pkcs11.txt"));
    EXPECT_FALSE(fs::exists(busy / "pkcs11.txt"));
}

TEST_F(DesktopTest, ProfileWhoseParentlockIsHeldIsRefused) {
    const auto profile = make_default_profile();
    const pid_t holder = hold_parent_lock(profile);
    ASSERT_GT(holder, 0);
    fs::create_symlink("127.0.1.1:+" + std::to_string(holder), profile / "lock");
    const auto result = carta({"thunderbird", "--remove", "--module", module().string()}, home_environment());
    release_parent_lock(holder);
    EXPECT_EQ(result.exit_code, 6) << describe(result);
    EXPECT_NE(result.err.find("(process " + std::to_string(holder) + ") is running"), std::string::npos)
        << result.err;
}

TEST_F(DesktopTest, StaleLockOfAnEndedProgramDoesNotStopIt) {
    const auto profile = make_default_profile();
    const pid_t ended = ::fork();
    if (ended == 0) ::_exit(0);
    ASSERT_EQ(::waitpid(ended, nullptr, 0), ended);
    fs::create_symlink("127.0.1.1:" + std::to_string(ended), profile / "lock");
    write_text(profile / ".parentlock", "");
    const auto result = carta({"thunderbird", "--module", module().string()}, home_environment());
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(fs::exists(profile / "pkcs11.txt"));
}

TEST_F(DesktopTest, ProfileWithOnlyAnOldDbmDatabaseIsRefused) {
    const auto profile = make_default_profile();
    write_text(profile / "secmod.db", "");
    const auto result = carta({"thunderbird", "--module", module().string()}, home_environment());
    EXPECT_EQ(result.exit_code, 6) << describe(result);
    EXPECT_NE(result.err.find("old NSS database (secmod.db)"), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(profile / "pkcs11.txt"));
}

TEST_F(DesktopTest, TrustWithoutACertificateDatabaseIsRefusedBeforeTheCardIsAsked) {
    const auto profile = make_default_profile();
    const auto result =
        carta({"thunderbird", "--trust-card-ca", "--module", module().string()}, home_environment());
    EXPECT_EQ(result.exit_code, 6) << describe(result);
    EXPECT_NE(result.err.find("no certificate database yet"), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(profile / "pkcs11.txt"));
}

TEST_F(DesktopTest, WithoutProfilesTheErrorSaysWhereItLooked) {
    const auto result = carta({"thunderbird", "--module", module().string()}, home_environment());
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_NE(result.err.find((thunderbird_root() / "profiles.ini").string()), std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("--profile-dir"), std::string::npos) << result.err;
}

TEST_F(DesktopTest, MissingModuleFileIsRefused) {
    const auto profile = make_default_profile();
    const auto result = carta({"thunderbird", "--module", path("nowhere.so").string()}, home_environment());
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_NE(result.err.find("no PKCS#11 module at " + path("nowhere.so").string()), std::string::npos)
        << result.err;
    EXPECT_FALSE(fs::exists(profile / "pkcs11.txt"));
}

TEST_F(DesktopTest, ProfileDirAndProfilesIniOptionsChooseTheProfiles) {
    const auto chosen = path("chosen");
    fs::create_directories(chosen);
    make_default_profile();  // in HOME: not to be touched
    auto result = carta_json({"thunderbird", "--profile-dir", chosen.string(), "--module", module().string()},
                             home_environment());
    ASSERT_EQ(result["profiles"].size(), 1u);
    EXPECT_TRUE(fs::exists(chosen / "pkcs11.txt"));
    EXPECT_FALSE(fs::exists(thunderbird_root() / "abc.default" / "pkcs11.txt"));

    const auto other_root = path("other-root");
    fs::create_directories(other_root / "p");
    write_profiles_ini(other_root, "[Profile0]\nName=p\nPath=p\n");
    result = carta_json({"thunderbird", "--profiles-ini", (other_root / "profiles.ini").string(), "--module",
                         module().string()},
                        home_environment());
    EXPECT_EQ(result["profiles"][0]["directory"].as_string(), (other_root / "p").string());
    EXPECT_FALSE(fs::exists(thunderbird_root() / "abc.default" / "pkcs11.txt"));
}

TEST_F(DesktopTest, FirefoxFindsProfilesInDotMozillaAndXdgConfig) {
    const auto classic = home() / ".mozilla" / "firefox";
    const auto xdg = home() / ".config" / "mozilla" / "firefox";
    fs::create_directories(classic / "a.default-release");
    fs::create_directories(xdg / "b.default-release");
    write_profiles_ini(classic, "[Profile0]\nName=default-release\nPath=a.default-release\n");
    write_profiles_ini(xdg, "[Profile0]\nName=default-release\nPath=b.default-release\n");
    const auto result = carta_json({"firefox", "--module", module().string()}, home_environment());
    EXPECT_EQ(result["application"].as_string(), "firefox");
    ASSERT_EQ(result["profiles"].size(), 2u);
    EXPECT_TRUE(fs::exists(classic / "a.default-release" / "pkcs11.txt"));
    EXPECT_TRUE(fs::exists(xdg / "b.default-release" / "pkcs11.txt"));
    EXPECT_FALSE(fs::exists(thunderbird_root()));
}

TEST_F(DesktopTest, PolicyIsTheSecurityDevicesSnippetAndSaysWhereItGoes) {
    const auto result = carta({"thunderbird", "--policy", "--module", module().string()});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const auto policy = JsonValue::parse(result.out);
    EXPECT_EQ(policy["policies"]["SecurityDevices"]["Add"]["carta"].as_string(), module().string());
    EXPECT_NE(result.err.find("/etc/thunderbird/policies/policies.json"), std::string::npos) << result.err;
    const auto removal = carta({"firefox", "--policy", "--remove"});
    EXPECT_EQ(JsonValue::parse(removal.out)["policies"]["SecurityDevices"]["Delete"][0].as_string(), "carta");
    EXPECT_NE(removal.err.find("/etc/firefox/policies/policies.json"), std::string::npos) << removal.err;
}

}  // namespace
}  // namespace carta::test
