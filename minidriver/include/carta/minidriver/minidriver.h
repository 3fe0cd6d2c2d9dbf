/* carta's smart-card minidriver: the one function the DLL exports. The CSP calls it
 * with its CARD_DATA (version 6 or 7, declared in carta/minidriver/v7.hpp). */
#pragma once

#if defined(_WIN32)
#define CARTA_MD_EXPORT
#else
#define CARTA_MD_EXPORT __attribute__((visibility("default")))
#endif

#include "carta/minidriver/v7.hpp"

extern "C" CARTA_MD_EXPORT carta::md::Dword CARTA_MD_API CardAcquireContext(carta::md::CardData* data,
                                                                            carta::md::Dword flags);
