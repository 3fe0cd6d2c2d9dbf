// The card's stored state on disk: its "secure memory". One text file, written
// atomically after every change. It holds the private keys (DER PKCS#8, hex) and
// only salted hashes of the PIN and PUK, never the codes.
//
//   carta-sim-state 1
//   card_number 1625834976919804
//   factory_id 0011223344556677
//   profile common                       (then `profile secure`, in this order)
//   life_cycle 05
//   change_counter 12
//   label <hex of UTF-8> | -
//   pin pbkdf2-sha256 <iterations> <salt hex> <hash hex> <tries left> | pin -
//   puk ...                              (same form)
//   key <keyref hex> flags <hex> name <hex|-> pkcs8 <hex>          (any number)
//   certificate <index> flags <hex> name <hex|-> der <hex>          (any number)
//   end
//
// Lines starting with '#' are comments. Certificate-to-key links are derived on load.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "carta/sim/card_state.hpp"
#include "carta/sim/file_ops.hpp"

namespace carta::sim {

// The file exists but its content is not a valid card: the message names the
// file, the line and the field ("card.state line 9: pin: tries left 7 > limit 3").
class StateFileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

SecretBytes serialise_state(const CardState& state);
// `source` names the origin in error messages. Throws StateFileError.
CardState parse_state(ByteView text, const std::string& source);

class StateStore {
  public:
    explicit StateStore(std::filesystem::path path,
                        std::shared_ptr<FileOps> ops = std::make_shared<FileOps>());

    const std::filesystem::path& path() const { return path_; }
    bool exists() const;
    // Throws StateFileError (bad content) or std::system_error (cannot read).
    CardState load() const;
    // Throws std::system_error; afterwards the file holds the complete old or new state
    // (DirectorySyncError: the new one, only its durability is in doubt).
    void save(const CardState& state);

  private:
    std::filesystem::path path_;
    std::shared_ptr<FileOps> ops_;
};

}  // namespace carta::sim
