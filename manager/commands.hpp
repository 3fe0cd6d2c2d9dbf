// One function per subcommand; main.cpp wires them to CLI11. Each returns the
// exit status on success and throws (see errors.hpp) on failure.
#pragma once

#include <string>

#include "session.hpp"

namespace carta::cli {

// commands_card.cpp
int run_readers(const GlobalOptions& global);
int run_status(const GlobalOptions& global);
int run_list(const GlobalOptions& global);

// commands_codes.cpp
struct InitOptions {
    std::string label;
};
int run_init(const GlobalOptions& global, const InitOptions& options);
int run_pin_change(const GlobalOptions& global);
int run_pin_unblock(const GlobalOptions& global);
int run_puk_change(const GlobalOptions& global);

// commands_keys.cpp
struct KeyGenerateOptions {
    std::string algorithm;
    std::string label;
};
int run_key_generate(const GlobalOptions& global, const KeyGenerateOptions& options);
struct DeleteOptions {
    std::string object;
};
int run_delete(const GlobalOptions& global, const DeleteOptions& options);

// commands_certs.cpp
struct CertImportOptions {
    std::string file;
    std::string label;
    bool ca = false;
};
int run_cert_import(const GlobalOptions& global, const CertImportOptions& options);
struct CertExportOptions {
    std::string object;
    bool der = false;
    std::string out;
};
int run_cert_export(const GlobalOptions& global, const CertExportOptions& options);

// commands_p12.cpp
struct P12ImportOptions {
    std::string file;
    std::string label;
};
int run_p12_import(const GlobalOptions& global, const P12ImportOptions& options);

// commands_csr.cpp
struct CsrOptions {
    std::string key;
    std::string email;
    std::string common_name;
    std::string out;
    bool der = false;
};
int run_csr(const GlobalOptions& global, const CsrOptions& options);

// csr_check.cpp
struct CsrCheckOptions {
    std::string file;
};
int run_csr_check(const GlobalOptions& global, const CsrCheckOptions& options);

}  // namespace carta::cli
