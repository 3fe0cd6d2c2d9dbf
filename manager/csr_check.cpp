// carta csr check: what a CA checks before it accepts a request, said plainly.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <iostream>

#include "certificates.hpp"
#include "commands.hpp"
#include "csr.hpp"
#include "errors.hpp"
#include "file_readers.hpp"
#include "output.hpp"

namespace carta::cli {
namespace {

struct Check {
    std::string name;
    bool ok;
    std::string detail;
};

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string subject_entry(X509_NAME* name, int nid) {
    const int index = X509_NAME_get_index_by_NID(name, nid, -1);
    if (index < 0) return {};
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
    if (length < 0) return {};
    std::string text(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    return text;
}

std::vector<std::string> san_emails(X509_REQ* request) {
    std::vector<std::string> emails;
    STACK_OF(X509_EXTENSION)* extensions = X509_REQ_get_extensions(request);
    if (extensions == nullptr) return emails;
    auto* names =
        static_cast<GENERAL_NAMES*>(X509V3_get_d2i(extensions, NID_subject_alt_name, nullptr, nullptr));
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
    if (names == nullptr) return emails;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        if (name->type == GEN_EMAIL)
            emails.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.rfc822Name)),
                                static_cast<std::size_t>(ASN1_STRING_length(name->d.rfc822Name)));
    }
    GENERAL_NAMES_free(names);
    return emails;
}

bool email_ok(const std::string& email) {
    try {
        check_email(email);
        return true;
    } catch (const CliError&) {
        return false;
    }
}

Check check_key(EVP_PKEY* key) {
    const std::string text = public_key_text(key);
    if (EVP_PKEY_is_a(key, "RSA")) {
        const int bits = EVP_PKEY_get_bits(key);
        if (bits < 2048) return {"key", false, text + " is too small (RSA needs at least 2048 bits)"};
        if (bits > 8192) return {"key", false, text + " is larger than CAs accept (at most RSA-8192)"};
        return {"key", true, text};
    }
    if (text == "P-256" || text == "P-384") return {"key", true, text};
    return {"key", false, text + " is not accepted (RSA of at least 2048 bits, P-256 or P-384)"};
}

std::vector<Check> check_request(X509_REQ* request) {
    std::vector<Check> checks;
    EVP_PKEY* key = X509_REQ_get0_pubkey(request);
    if (key == nullptr) {
        checks.push_back({"key", false, "the public key cannot be read: " + ossl::last_error()});
        return checks;
    }
    const int signature_nid = X509_REQ_get_signature_nid(request);
    const std::string algorithm = signature_nid != NID_undef ? OBJ_nid2ln(signature_nid) : "unknown";
    const int verified = X509_REQ_verify_ex(request, key, ossl::context(), nullptr);
    ERR_clear_error();
    checks.push_back(verified == 1 ? Check{"signature", true, "valid (" + algorithm + ")"}
                                   : Check{"signature", false,
                                           "does not verify with the request's public key (" + algorithm +
                                               "): the request was altered or signed with another key"});
    int hash_nid = NID_undef, key_nid = NID_undef;
    if (OBJ_find_sigid_algs(signature_nid, &hash_nid, &key_nid) != 1 || hash_nid == NID_undef)
        checks.push_back({"hash", false, "unknown signature algorithm " + algorithm});
    else if (hash_nid == NID_sha1 || hash_nid == NID_md5 || hash_nid == NID_md2 || hash_nid == NID_md4)
        checks.push_back(
            {"hash", false, std::string(OBJ_nid2sn(hash_nid)) + " is no longer accepted (use SHA-256)"});
    else
        checks.push_back({"hash", true, OBJ_nid2sn(hash_nid)});
    checks.push_back(check_key(key));

    X509_NAME* subject = X509_REQ_get_subject_name(request);
    const auto common_name = subject_entry(subject, NID_commonName);
    checks.push_back(common_name.empty() ? Check{"subject CN", false, "the subject has no common name (CN)"}
                                         : Check{"subject CN", true, common_name});
    const auto subject_email = subject_entry(subject, NID_pkcs9_emailAddress);
    if (subject_email.empty())
        checks.push_back({"subject e-mail", false, "the subject has no emailAddress"});
    else if (!email_ok(subject_email))
        checks.push_back({"subject e-mail", false, "\"" + subject_email + "\" is not an e-mail address"});
    else
        checks.push_back({"subject e-mail", true, subject_email});

    const auto emails = san_emails(request);
    if (emails.empty()) {
        checks.push_back(
            {"subjectAltName", false, "no e-mail address (rfc822Name) in a subjectAltName extension"});
    } else {
        const bool all_ok = std::all_of(emails.begin(), emails.end(), email_ok);
        std::string list;
        for (const auto& email : emails) list += (list.empty() ? "" : ", ") + email;
        checks.push_back({"subjectAltName", all_ok, all_ok ? list : "not an e-mail address: " + list});
        if (!subject_email.empty()) {
            const bool match = std::any_of(emails.begin(), emails.end(), [&](const std::string& e) {
                return lower(e) == lower(subject_email);
            });
            checks.push_back(match
                                 ? Check{"e-mail match", true, "subject and subjectAltName agree"}
                                 : Check{"e-mail match", false,
                                         "the subject's " + subject_email + " is not in the subjectAltName"});
        }
    }
    return checks;
}

struct CsrCheckOptions {
    std::string file;
};

int run_csr_check(const GlobalOptions& global, const CsrCheckOptions& options) {
    auto request = read_request(read_file(options.file), options.file);
    const auto checks = check_request(request.get());
    const auto failed = std::count_if(checks.begin(), checks.end(), [](const Check& c) { return !c.ok; });
    if (global.json) {
        Json list = Json::array();
        for (const auto& check : checks)
            list.push(
                Json::object().set("check", check.name).set("ok", check.ok).set("detail", check.detail));
        print_json(Json::object()
                       .set("file", options.file)
                       .set("passed", failed == 0)
                       .set("checks", std::move(list)));
    } else {
        for (const auto& check : checks)
            std::cout << (check.ok ? "ok    " : "FAIL  ") << check.name << ": " << check.detail << "\n";
        if (failed == 0)
            std::cout << "The request passes every check.\n";
        else
            std::cout << "The request fails " << failed << (failed == 1 ? " check.\n" : " checks.\n");
    }
    return failed == 0 ? 0 : static_cast<int>(Exit::CheckFailed);
}

}  // namespace

void add_csr_check_command(Command& csr, CommandContext& context) {
    auto options = std::make_shared<CsrCheckOptions>();
    csr.command("check", "check a request as a CA would: signature, key, subject, e-mail",
                [&context, options] { return run_csr_check(context.global, *options); })
        .option("FILE", options->file, "the request, PEM or DER")
        .required();
}

}  // namespace carta::cli
