// The Base CSP's role, played on Linux: a v7 CARD_DATA with counting allocators, a
// card connected through pcsc-lite (the real pcscd + vpcd + carta-sim of
// carta::test::SimCard), CardAcquireContext, and each call made the way the CSP makes
// it: inside a PC/SC transaction of the CSP's own (the minidriver must not take one).
#pragma once

#include <PCSC/winscard.h>

#include <cstdint>
#include <string>

#include "carta/apdu/bytes.hpp"
#include "carta/minidriver/minidriver.h"

namespace carta::md::test {

// What the CSP's allocators have handed out and taken back.
struct Allocations {
    long live = 0;   // allocations not freed yet
    long total = 0;  // every allocation
};
Allocations allocations();

class Csp {
  public:
    // Connects to `reader` and acquires a context (version 7 unless told).
    explicit Csp(const std::string& reader, Dword version = version::kSeven);
    ~Csp();  // CardDeleteContext, disconnect
    Csp(const Csp&) = delete;
    Csp& operator=(const Csp&) = delete;

    Dword acquire_status() const { return acquire_status_; }
    CardData& data() { return data_; }

    // Runs `call` inside SCardBeginTransaction/SCardEndTransaction, as the CSP does.
    template <typename Call>
    Dword transact(Call&& call) {
        begin();
        const Dword rv = call(data_);
        end();
        return rv;
    }

    // Conveniences over the table; each returns the minidriver's code and frees what
    // the minidriver allocated (after copying it out).
    Dword read_file(const char* directory, const char* name, Bytes& out);
    Dword enum_files(const char* directory, std::string& multi);
    Dword authenticate(Dword pin_id, std::string_view pin, Dword* tries_left = nullptr);
    Dword get_property(const char16_t* name, Bytes& out, Dword flags = 0);
    Dword container_property(Byte index, const char16_t* name, Bytes& out);
    Dword sign(CardSigningInfo& info, Bytes& signature);  // signature big-endian, as OpenSSL wants it
    Dword decrypt(Byte index, ByteView ciphertext, Dword version, Dword padding, void* padding_info,
                  Bytes& result);  // ciphertext and result big-endian

    void free(void* pointer) { data_.pfnCspFree(pointer); }

  private:
    void begin();
    void end();

    SCARDCONTEXT context_ = 0;
    SCARDHANDLE card_ = 0;
    Bytes atr_;
    std::u16string name_ = u"carta";
    CardData data_{};
    Dword acquire_status_ = 0;
};

}  // namespace carta::md::test
