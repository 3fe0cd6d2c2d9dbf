// The entry points carta implements, as the function table holds them (entry.cpp
// fills it). Each is a thin wrapper: guarded() around its body (errors.hpp), the
// context's mutex held while it touches the card.
#pragma once

#include "carta/minidriver/v7.hpp"

namespace carta::md {

// entry.cpp
Dword CARTA_MD_API CardDeleteContext(CardData* data);
// entry_files.cpp
Dword CARTA_MD_API CardReadFile(CardData* data, char* directory, char* name, Dword flags, Byte** out,
                                Dword* out_size);
Dword CARTA_MD_API CardEnumFiles(CardData* data, char* directory, char** names, Dword* names_size,
                                 Dword flags);
Dword CARTA_MD_API CardGetFileInfo(CardData* data, char* directory, char* name, CardFileInfo* info);
Dword CARTA_MD_API CardQueryFreeSpace(CardData* data, Dword flags, CardFreeSpaceInfo* info);
// crypto.cpp
Dword CARTA_MD_API CardGetContainerInfo(CardData* data, Byte index, Dword flags, ContainerInfo* info);
Dword CARTA_MD_API CardQueryKeySizes(CardData* data, Dword key_spec, Dword flags, CardKeySizes* sizes);
Dword CARTA_MD_API CardSignData(CardData* data, CardSigningInfo* info);
Dword CARTA_MD_API CardRSADecrypt(CardData* data, CardRsaDecryptInfo* info);
// pins.cpp
Dword CARTA_MD_API CardAuthenticatePin(CardData* data, Wchar* user, Byte* pin, Dword pin_size,
                                       Dword* tries_left);
Dword CARTA_MD_API CardAuthenticateEx(CardData* data, Dword pin_id, Dword flags, Byte* pin, Dword pin_size,
                                      Byte** session_pin, Dword* session_pin_size, Dword* tries_left);
Dword CARTA_MD_API CardDeauthenticate(CardData* data, Wchar* user, Dword flags);
Dword CARTA_MD_API CardDeauthenticateEx(CardData* data, Dword pin_set, Dword flags);
Dword CARTA_MD_API CardChangeAuthenticatorEx(CardData* data, Dword flags, Dword authenticating_pin_id,
                                             Byte* authenticating_pin, Dword authenticating_pin_size,
                                             Dword target_pin_id, Byte* target, Dword target_size,
                                             Dword retry_count, Dword* tries_left);
// properties.cpp
Dword CARTA_MD_API CardQueryCapabilities(CardData* data, CardCapabilities* capabilities);
Dword CARTA_MD_API CardGetProperty(CardData* data, const Wchar* property, Byte* out, Dword out_size,
                                   Dword* data_size, Dword flags);
Dword CARTA_MD_API CardSetProperty(CardData* data, const Wchar* property, Byte* in, Dword in_size,
                                   Dword flags);
Dword CARTA_MD_API CardGetContainerProperty(CardData* data, Byte index, const Wchar* property, Byte* out,
                                            Dword out_size, Dword* data_size, Dword flags);

}  // namespace carta::md
