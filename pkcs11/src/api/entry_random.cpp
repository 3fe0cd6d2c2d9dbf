// PKCS#11 §5.16 Random number generation: from the card's GET CHALLENGE.
#include <cstring>

#include "call.hpp"
#include "guard.hpp"
#include "template.hpp"

namespace carta::pkcs11 {
namespace {

CK_RV seed_random(CK_SESSION_HANDLE handle, CK_BYTE_PTR seed, CK_ULONG length) {
    if (seed == nullptr && length > 0) fail(CKR_ARGUMENTS_BAD);
    SessionCall call(handle, SessionCall::Access::Shared);
    return CKR_RANDOM_SEED_NOT_SUPPORTED;  // the card's generator takes no seed
}

CK_RV generate_random(CK_SESSION_HANDLE handle, CK_BYTE_PTR out, CK_ULONG length) {
    if (out == nullptr && length > 0) fail(CKR_ARGUMENTS_BAD);
    if (!fits_in_memory(out, length)) fail(CKR_ARGUMENTS_BAD, "a buffer length past the end of memory");
    SessionCall call(handle);
    if (length == 0) return CKR_OK;
    const Bytes random = call.slot().random(length);
    if (random.size() != length) fail(CKR_DEVICE_ERROR, "the card returned the wrong number of random bytes");
    std::memcpy(out, random.data(), random.size());
    return CKR_OK;
}

}  // namespace
}  // namespace carta::pkcs11

using namespace carta::pkcs11;

CK_RV C_SeedRandom(CK_SESSION_HANDLE session, CK_BYTE_PTR seed, CK_ULONG length) {
    return guarded("C_SeedRandom", [&] { return seed_random(session, seed, length); });
}

CK_RV C_GenerateRandom(CK_SESSION_HANDLE session, CK_BYTE_PTR out, CK_ULONG length) {
    return guarded("C_GenerateRandom", [&] { return generate_random(session, out, length); });
}
