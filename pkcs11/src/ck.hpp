// The PKCS#11 header from p11-kit (v2.40 on Debian 12), made safe for C++,
// plus the 3.0 declarations carta uses (ck_v3.hpp).
//
// p11-kit's pkcs11.h maps its GNU-style names onto the standard ones with
// lowercase macros (`value`, `count`, `params`, `slot_id`, ...). Left defined,
// they would rename `std::optional::value()` or `std::map::count()` in every
// file that includes the header, so they are undefined right after it.
#pragma once

// The C_* entry points are declared here: with -fvisibility=hidden, this makes
// them (and only them) visible outside the shared object.
#pragma GCC visibility push(default)
#include <p11-kit/pkcs11.h>
#pragma GCC visibility pop

// clang-format off
#undef value
#undef value_len
#undef count
#undef parameter
#undef parameter_len
#undef params
#undef reserved
#undef slot_id
#undef device_error
#undef session_count
#undef max_session_count
#undef rw_session_count
#undef max_rw_session_count
#undef max_pin_len
#undef min_pin_len
#undef total_public_memory
#undef free_public_memory
#undef total_private_memory
#undef free_private_memory
#undef utc_time
#undef serial_number
#undef hardware_version
#undef firmware_version
#undef slot_description
#undef manufacturer_id
#undef library_description
#undef library_version
#undef cryptoki_version
#undef min_key_size
#undef max_key_size
#undef create_mutex
#undef destroy_mutex
#undef lock_mutex
#undef unlock_mutex
#undef hash_alg
#undef s_len
#undef source_data
#undef source_data_len
#undef counter_bits
#undef iv_ptr
#undef iv_len
#undef iv_bits
#undef aad_ptr
#undef aad_len
#undef tag_bits
#undef shared_data
#undef shared_data_len
#undef public_data
#undef public_data_len
#undef string_data
#undef string_data_len
#undef data_params
// clang-format on

// What PKCS#11 3.0 adds (interfaces, profile objects), where the header lacks it.
#pragma GCC visibility push(default)
#include "ck_v3.hpp"
#pragma GCC visibility pop
