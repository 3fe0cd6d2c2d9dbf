// Figures that must start from a fresh process (a Thunderbird-like start with a cold
// or warm cache, login + first signature): carta-bench runs itself again as a child.
#pragma once

#include <map>
#include <string>

#include "p11.hpp"
#include "results.hpp"

namespace carta::bench {

// An environment variable that must be set (PINs come only from the environment).
std::string require_env(const char* name);

// What every stack signs (results.hpp has the sizes).
Bytes sample_message(std::size_t bytes = kSampleMessageBytes);

// The child's side: measure, print key=value lines on stdout, return the exit status.
int child_start(const std::string& module_path);
// `as_nss`: C_Initialize as NSS does (a mail client's journey), else as a plain application.
int child_login_sign(const std::string& module_path, const std::string& token, const std::string& key_label,
                     long repeat, bool as_nss);
// Opening an encrypted message: C_Login, finding the key, one C_Decrypt of an RSA PKCS#1 v1.5
// key transport (made with OpenSSL from the key's public half before the clock starts).
int child_login_decrypt(const std::string& module_path, const std::string& token,
                        const std::string& key_label);

// The parent's side: run such a child with the environment changed by `env` (an
// empty value unsets) and read what it printed.
StartResult start_in_child(const std::string& module, const std::map<std::string, std::string>& env);
LoginSignResult login_sign_in_child(const std::string& module, const std::string& token,
                                    const std::string& key, long repeat, bool as_nss,
                                    std::map<std::string, std::string> env);
// Seconds and APDUs from C_Login to the plaintext.
JourneyResult login_decrypt_in_child(const std::string& module, const std::string& token,
                                     const std::string& key, std::map<std::string, std::string> env);

}  // namespace carta::bench
