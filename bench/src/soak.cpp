// carta-soak: one process of the soak (scripts/soak.sh runs several side by
// side). M threads, each with its own session, sign fresh data with the token's
// RSA key for T seconds; every signature is verified with OpenSSL against the
// key's public half. Prints one JSON line; exits 1 if any signature was invalid
// or any call failed, so that a soak run cannot pass while something went wrong.
//
// One thing is not counted as a failure: a login lost because another process
// selected the card's other profile (the card then clears this profile's
// security state, docs/card-protocol.md §2). The module answers
// CKR_USER_NOT_LOGGED_IN (and hides the private key) as PKCS#11 asks; the soak
// logs in again like an application would and counts it as "logins_lost".
//
//   carta-soak --module PATH --token LABEL --threads M --seconds T [--pss]
//   (PIN from $CARTA_PIN)
#include <openssl/rand.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ossl.hpp"
#include "p11.hpp"

namespace carta::bench {
namespace {

struct Options {
    std::string module, token;
    unsigned threads = 4;
    double seconds = 10;
    SignMechanism mechanism = SignMechanism::Pkcs1Sha256;
};

struct Tally {
    std::atomic<unsigned long> signatures{0}, invalid{0}, logins_lost{0};
    std::mutex mutex;
    std::map<std::string, unsigned long> errors;  // what failed, how often
    void error(const std::string& what) {
        std::lock_guard lock(mutex);
        ++errors[what];
    }
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(
        stderr,
        "carta-soak: %s\nusage: carta-soak --module PATH --token LABEL --threads M --seconds T [--pss]\n",
        why);
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(("missing value for " + arg).c_str());
            return argv[++i];
        };
        if (arg == "--module")
            o.module = value();
        else if (arg == "--token")
            o.token = value();
        else if (arg == "--threads")
            o.threads = static_cast<unsigned>(std::stoul(value()));
        else if (arg == "--seconds")
            o.seconds = std::stod(value());
        else if (arg == "--pss")
            o.mechanism = SignMechanism::PssSha256;
        else
            usage(("unknown argument " + arg).c_str());
    }
    if (o.module.empty() || o.token.empty() || o.threads == 0 || o.seconds <= 0)
        usage("missing or bad arguments");
    return o;
}

// One thread: its own session, sign + verify until the deadline.
void sign_until(const Module& module, CK_SLOT_ID slot, CK_OBJECT_HANDLE key, EVP_PKEY* public_key,
                SignMechanism which, std::chrono::steady_clock::time_point deadline, const char* pin,
                Tally& tally) {
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    try {
        session = module.open_session(slot);
    } catch (const std::exception& e) {
        tally.error(e.what());
        return;
    }
    const Mechanism mechanism(which);
    Bytes data(64);
    while (std::chrono::steady_clock::now() < deadline) {
        RAND_bytes(data.data(), static_cast<int>(data.size()));
        try {
            const Bytes signature = module.sign(session, key, mechanism, data);
            if (verify(public_key, which, data, signature))
                ++tally.signatures;
            else
                ++tally.invalid;
        } catch (const P11Error& e) {
            // The login is gone (and with it the private key's handle, until the next login).
            if (e.rv() != CKR_USER_NOT_LOGGED_IN && e.rv() != CKR_KEY_HANDLE_INVALID) {
                tally.error(e.what());
                continue;
            }
            ++tally.logins_lost;
            try {
                module.login(session, pin);
            } catch (const std::exception& again) {
                tally.error(again.what());
            }
        } catch (const std::exception& e) {
            tally.error(e.what());
        }
    }
    try {
        module.close_session(session);
    } catch (const std::exception& e) {
        tally.error(e.what());
    }
}

struct RsaPair {
    CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE, public_key = CK_INVALID_HANDLE;
};

// The token's first RSA key pair (a private and a public key with the same CKA_ID).
RsaPair find_rsa_pair(const Module& module, CK_SESSION_HANDLE session) {
    auto is_rsa = [&](CK_OBJECT_HANDLE object) {
        const auto type = module.attribute(session, object, CKA_KEY_TYPE);
        CK_KEY_TYPE value = ~0UL;
        if (type && type->size() == sizeof value) std::memcpy(&value, type->data(), sizeof value);
        return value == CKK_RSA;
    };
    for (const auto private_key : module.find(session, CKO_PRIVATE_KEY)) {
        if (!is_rsa(private_key)) continue;
        const auto id = module.attribute(session, private_key, CKA_ID);
        for (const auto public_key : module.find(session, CKO_PUBLIC_KEY))
            if (module.attribute(session, public_key, CKA_ID) == id) return {private_key, public_key};
    }
    usage("the token has no RSA key pair");
}

int run(const Options& o) {
    const char* pin = std::getenv("CARTA_PIN");
    if (pin == nullptr) usage("set CARTA_PIN");
    Module module(o.module);
    module.initialize();
    const auto slot = find_token(module, o.token);
    if (!slot) usage(("no token labelled " + o.token).c_str());
    const auto session = module.open_session(*slot);
    module.login(session, pin);  // one login per token, shared by every session
    const auto pair = find_rsa_pair(module, session);
    const auto public_key = rsa_public_key(*module.attribute(session, pair.public_key, CKA_MODULUS),
                                           *module.attribute(session, pair.public_key, CKA_PUBLIC_EXPONENT));

    Tally tally;
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                      std::chrono::duration<double>(o.seconds));
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < o.threads; ++t)
        threads.emplace_back(sign_until, std::cref(module), *slot, pair.private_key, public_key.get(),
                             o.mechanism, deadline, pin, std::ref(tally));
    for (auto& thread : threads) thread.join();
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    module.close_session(session);
    module.finalize();

    unsigned long errors = 0;
    std::string error_list;
    for (const auto& [what, n] : tally.errors) {
        errors += n;
        error_list +=
            (error_list.empty() ? "" : ", ") + std::string("\"") + what + "\": " + std::to_string(n);
    }
    std::printf(
        "{\"pid\": %d, \"threads\": %u, \"seconds\": %.1f, \"mechanism\": \"%s\", \"signatures\": %lu, "
        "\"per_second\": %.1f, \"invalid\": %lu, \"logins_lost\": %lu, \"errors\": %lu, \"error_kinds\": "
        "{%s}}\n",
        static_cast<int>(getpid()), o.threads, took, mechanism_name(o.mechanism), tally.signatures.load(),
        static_cast<double>(tally.signatures.load()) / took, tally.invalid.load(), tally.logins_lost.load(),
        errors, error_list.c_str());
    return tally.invalid.load() == 0 && errors == 0 && tally.signatures.load() > 0 ? 0 : 1;
}

}  // namespace
}  // namespace carta::bench

int main(int argc, char** argv) {
    try {
        return carta::bench::run(carta::bench::parse(argc, argv));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "carta-soak: %s\n", e.what());
        return 1;
    }
}
