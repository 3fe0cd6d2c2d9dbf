// The digests: CKM_SHA_1 ... CKM_SHA512, computed on the host (OpenSSL, carta's
// library context); they take no key.
#include <array>
#include <memory>

#include "family.hpp"
#include "input.hpp"
#include "mech_params.hpp"
#include "operations.hpp"

namespace carta::pkcs11 {
namespace digest_family {

using card::HashAlgorithm;

class SoftwareDigest final : public OutputOperation {
  public:
    explicit SoftwareDigest(HashAlgorithm hash) : input_(hash, 0), size_(card::hash_length(hash)) {}
    void update(ByteView part) override { input_.add(part); }
    OutputSize output_size() const override { return {size_, true}; }
    SecretBytes finish(Slot&) override { return input_.take(); }

  private:
    HashOrCollect input_;
    std::size_t size_;
};

std::unique_ptr<OutputOperation> digest(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                        const Object*) {
    require_no_parameter(mechanism);
    return std::make_unique<SoftwareDigest>(*spec.hash);
}

constexpr FamilyOperations kOperations{.digest = digest};

constexpr MechanismSpec row(CK_MECHANISM_TYPE type, HashAlgorithm hash) {
    return {type, KeyFamily::None, hash, 0, 0, CKF_DIGEST, &kOperations};
}

constexpr std::array kRows{
    row(CKM_SHA_1, HashAlgorithm::Sha1),    row(CKM_SHA224, HashAlgorithm::Sha224),
    row(CKM_SHA256, HashAlgorithm::Sha256), row(CKM_SHA384, HashAlgorithm::Sha384),
    row(CKM_SHA512, HashAlgorithm::Sha512),
};

}  // namespace digest_family

std::span<const MechanismSpec> families::digests() {
    return digest_family::kRows;
}

}  // namespace carta::pkcs11
