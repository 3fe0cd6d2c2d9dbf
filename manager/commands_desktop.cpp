// carta thunderbird, carta firefox: the PKCS#11 module registered in every profile
// of the user (NSS's pkcs11.txt), or removed; the CA chain on the card trusted for
// e-mail when asked; the enterprise policy that does the same for every user.
#include <filesystem>
#include <iostream>

#include "carta/card/card.hpp"
#include "carta/card/text.hpp"
#include "certificates.hpp"
#include "commands.hpp"
#include "errors.hpp"
#include "mozilla_profiles.hpp"
#include "nss_modules.hpp"
#include "nss_trust.hpp"
#include "objects.hpp"
#include "output.hpp"

#ifndef CARTA_INSTALLED_MODULE
#error "CARTA_INSTALLED_MODULE must be defined (where the build installs libcarta-pkcs11.so)"
#endif

namespace carta::cli {
namespace {
namespace fs = std::filesystem;

// The module's name in NSS (Security Devices) and in the policy.
const char* const kModuleName = "carta";

struct DesktopOptions {
    std::string module;
    std::string profile_dir;
    std::string profiles_ini;
    bool remove = false;
    bool dry_run = false;
    bool policy = false;
    bool trust_card_ca = false;
};

struct TrustedCa {
    std::string subject;
    std::string sha256;
    nss::TrustChange change;
};

struct ProfileResult {
    mozilla::Profile profile;
    nss::Plan plan;
    std::vector<TrustedCa> trusted;
};

struct CaCertificate {
    Bytes der;
    CertificateInfo info;
};

// The module file: --module, else where `cmake --install` (or the package) puts it.
std::string module_path(const DesktopOptions& options) {
    const std::string given = options.module.empty() ? CARTA_INSTALLED_MODULE : options.module;
    if (card::printable(given) != given)
        throw CliError(Exit::InvalidInput,
                       "the module path " + card::printable(given) +
                           " holds control characters, which NSS's pkcs11.txt cannot hold");
    return fs::absolute(given).lexically_normal().string();
}

void require_module_file(const std::string& module) {
    std::error_code error;
    if (!fs::is_regular_file(module, error))
        throw CliError(Exit::InvalidInput, "no PKCS#11 module at " + card::printable(module) +
                                               " (install carta, or name the module with --module PATH)");
}

// "\"default\" (/home/u/.thunderbird/x.default)", or the directory alone.
std::string profile_label(const mozilla::Profile& profile) {
    const std::string directory = card::printable(profile.directory.string());
    return profile.name.empty() ? directory : quoted_label(profile.name) + " (" + directory + ")";
}

std::string mozilla_profile_text(const mozilla::Application& application, const mozilla::Profile& profile) {
    return std::string(application.name) + " profile " + profile_label(profile);
}

// --profile-dir, else --profiles-ini, else every profiles.ini of the program's roots.
std::vector<mozilla::Profile> chosen_profiles(const mozilla::Application& application,
                                              const DesktopOptions& options) {
    if (!options.profile_dir.empty()) return {{"", fs::absolute(options.profile_dir).lexically_normal()}};
    if (!options.profiles_ini.empty()) return mozilla::read_profiles_ini(options.profiles_ini);
    std::vector<mozilla::Profile> profiles;
    std::string looked_in;
    for (const auto& root : mozilla::profile_roots(application)) {
        const fs::path ini = root / "profiles.ini";
        looked_in += (looked_in.empty() ? "" : ", ") + card::printable(ini.string());
        std::error_code error;
        if (!fs::exists(ini, error)) continue;
        for (auto& profile : mozilla::read_profiles_ini(ini)) profiles.push_back(std::move(profile));
    }
    if (profiles.empty())
        throw CliError(Exit::InvalidInput, std::string("no ") + application.name +
                                               " profile found (looked in " + looked_in + "): start " +
                                               application.name +
                                               " once, or name a profile with --profile-dir DIR");
    return profiles;
}

// The profiles that exist; a missing directory is reported and left alone.
std::vector<mozilla::Profile> existing(const mozilla::Application& application,
                                       std::vector<mozilla::Profile> profiles) {
    std::vector<mozilla::Profile> found;
    for (auto& profile : profiles) {
        std::error_code error;
        if (fs::is_directory(profile.directory, error))
            found.push_back(std::move(profile));
        else
            std::cerr << "carta: warning: " << mozilla_profile_text(application, profile)
                      << " does not exist; skipped" << std::endl;
    }
    if (found.empty())
        throw CliError(Exit::InvalidInput, std::string("no ") + application.name + " profile to change");
    return found;
}

// Before anything is written: a profile in use would lose the change (the running
// program keeps its module list in memory and writes it back), an old dbm database
// would be upgraded from secmod.db without it, and trust needs the certificate database.
void check_profiles(const mozilla::Application& application, const std::vector<mozilla::Profile>& profiles,
                    bool need_certificate_database) {
    std::string problems;
    for (const auto& profile : profiles) {
        const std::string where = mozilla_profile_text(application, profile);
        std::error_code error;
        if (const auto user = mozilla::profile_in_use(profile.directory))
            problems += "\n  " + std::string(application.name) + " (" + *user + ") is running with profile " +
                        profile_label(profile) + ": quit it first";
        else if (!fs::exists(profile.directory / nss::kModuleFile, error) &&
                 fs::exists(profile.directory / "secmod.db", error))
            problems += "\n  " + where + " has an old NSS database (secmod.db): start " + application.name +
                        " once so that it upgrades it";
        else if (need_certificate_database && !fs::exists(profile.directory / "cert9.db", error))
            problems += "\n  " + where + " has no certificate database yet: start " + application.name +
                        " once with it";
    }
    if (!problems.empty())
        throw CliError(Exit::Refused, "nothing was changed:" + problems + "\nthen run `carta " +
                                          application.command + "` again");
}

// The CA certificates on the card (flagged CA there and CA:TRUE in the certificate itself).
std::vector<CaCertificate> card_ca_certificates(CommandContext& context) {
    CardSession session(context);
    std::vector<CaCertificate> found;
    for (const auto& certificate : session.card().contents().certificates) {
        if (!certificate.is_ca) continue;
        auto info = describe_certificate(certificate.der);
        if (info.ca) found.push_back({certificate.der, std::move(info)});
    }
    if (found.empty())
        throw CliError(Exit::Refused,
                       "the card holds no CA certificate to trust (store the chain with "
                       "`carta cert import CHAIN.pem`); nothing was changed");
    return found;
}

std::vector<TrustedCa> trust_card_cas(const fs::path& profile, const std::vector<CaCertificate>& cas,
                                      bool dry_run) {
    std::vector<TrustedCa> trusted;
    for (const auto& ca : cas) {
        const std::string nickname = fit_label(default_certificate_label(ca.info));
        trusted.push_back(
            {ca.info.subject, ca.info.sha256, nss::trust_for_email(profile, ca.der, nickname, dry_run)});
    }
    return trusted;
}

ProfileResult change_profile(const mozilla::Profile& profile, const std::string& module,
                             const DesktopOptions& options, const std::vector<CaCertificate>& cas) {
    const fs::path file = profile.directory / nss::kModuleFile;
    const auto list = nss::read_module_list(file);
    ProfileResult result{profile,
                         options.remove ? nss::plan_removal(list, kModuleName, module)
                                        : nss::plan_registration(list, kModuleName, module),
                         {}};
    const auto change = result.plan.change;
    const bool writes =
        change == nss::Change::Added || change == nss::Change::Updated || change == nss::Change::Removed;
    // Trust before the list is written: certutil loads every module of the list, carta's too.
    if (!cas.empty()) result.trusted = trust_card_cas(profile.directory, cas, options.dry_run);
    if (writes && !options.dry_run) nss::write_module_list(file, result.plan.result);
    return result;
}

std::string change_text(const ProfileResult& result, const std::string& module, bool dry_run) {
    const auto& plan = result.plan;
    std::string text = nss::change_word(plan.change, dry_run);
    switch (plan.change) {
        case nss::Change::Added:
            return text + " \"" + kModuleName + "\" (" + card::printable(module) + ")";
        case nss::Change::Updated:
            return text + " \"" + kModuleName + "\": " + card::printable(module) + " (was " +
                   card::printable(plan.previous_library) + ")";
        case nss::Change::Unchanged:
            return text + " as " + quoted_label(plan.existing_name);
        case nss::Change::Removed:
        case nss::Change::Absent:
            break;
    }
    return text;
}

Json result_json(const ProfileResult& result, bool dry_run) {
    Json trusted = Json::array();
    for (const auto& ca : result.trusted)
        trusted.push(Json::object()
                         .set("subject", ca.subject)
                         .set("sha256", ca.sha256)
                         .set("change", nss::trust_change_name(ca.change)));
    return Json::object()
        .set("name", result.profile.name)
        .set("directory", result.profile.directory.string())
        .set("change", nss::change_name(result.plan.change))
        .set("done", nss::change_word(result.plan.change, dry_run))
        .set("registered_as", result.plan.existing_name.empty() ? Json() : Json(result.plan.existing_name))
        .set("previous_library",
             result.plan.previous_library.empty() ? Json() : Json(result.plan.previous_library))
        .set("ca_certificates", std::move(trusted));
}

void print_results(const mozilla::Application& application, const std::vector<ProfileResult>& results,
                   const std::string& module, const GlobalOptions& global, bool dry_run) {
    if (global.json) {
        Json profiles = Json::array();
        for (const auto& result : results) profiles.push(result_json(result, dry_run));
        print_json(Json::object()
                       .set("application", application.command)
                       .set("module_name", kModuleName)
                       .set("module", module)
                       .set("dry_run", dry_run)
                       .set("profiles", std::move(profiles)));
        return;
    }
    for (const auto& result : results) {
        std::cout << mozilla_profile_text(application, result.profile) << ": "
                  << change_text(result, module, dry_run) << "\n";
        for (const auto& ca : result.trusted)
            std::cout << "  CA " << quoted_label(ca.subject) << " (SHA-256 " << ca.sha256
                      << "): " << nss::trust_change_word(ca.change, dry_run) << "\n";
    }
}

// The enterprise policy for every user of the machine: stdout is the file itself,
// where it goes is said on stderr.
int print_policy(const mozilla::Application& application, const std::string& module, bool remove) {
    Json devices = Json::object();
    if (remove) {
        Json names = Json::array();
        names.push(kModuleName);
        devices.set("Delete", std::move(names));
    } else {
        devices.set("Add", Json::object().set(kModuleName, module));
    }
    print_json(Json::object().set("policies", Json::object().set("SecurityDevices", std::move(devices))));
    std::cerr << "carta: this is " << application.name
              << "'s enterprise policy for every user of this machine: "
              << "save it as " << application.policies_file << " (or merge its \"SecurityDevices\" into the "
              << "\"policies\" of the file there)" << std::endl;
    return 0;
}

int run_desktop(const mozilla::Application& application, CommandContext& context,
                const DesktopOptions& options) {
    if (options.remove && options.trust_card_ca)
        throw CliError(Exit::Usage, "--trust-card-ca cannot go with --remove (take a CA's trust away in " +
                                        std::string(application.name) + "'s Certificate Manager)");
    const std::string module = module_path(options);
    if (options.policy) return print_policy(application, module, options.remove);
    if (!options.remove) require_module_file(module);
    const auto profiles = existing(application, chosen_profiles(application, options));
    check_profiles(application, profiles, options.trust_card_ca);
    const auto cas = options.trust_card_ca ? card_ca_certificates(context) : std::vector<CaCertificate>{};
    std::vector<ProfileResult> results;
    for (const auto& profile : profiles) results.push_back(change_profile(profile, module, options, cas));
    print_results(application, results, module, context.global, options.dry_run);
    return 0;
}

}  // namespace

void add_desktop_commands(Command& app, CommandContext& context) {
    for (const auto& application : mozilla::applications()) {
        auto options = std::make_shared<DesktopOptions>();
        const std::string name = application.name;
        app.command(application.command, "register the PKCS#11 module in the user's " + name + " profiles",
                    [&application, &context, options] { return run_desktop(application, context, *options); })
            .flag("--remove", options->remove, "remove the module from the profiles instead")
            .flag("--dry-run", options->dry_run, "say what would change, change nothing")
            .option("--module", options->module,
                    std::string("the module file (default: ") + CARTA_INSTALLED_MODULE + ")")
            .option("--profile-dir", options->profile_dir, "only this profile directory")
            .option("--profiles-ini", options->profiles_ini, "the profiles of this profiles.ini")
            .flag("--trust-card-ca", options->trust_card_ca,
                  "also trust the CA certificates on the card, for e-mail only (needs certutil)")
            .flag("--policy", options->policy,
                  std::string("print the enterprise policy (") + application.policies_file +
                      ") that loads the module for every user, and change nothing");
    }
}

}  // namespace carta::cli
