# The card library's protocol core: the card's commands, files, codes and objects, and the
# object cache. carta_card (CMakeLists.txt here) adds the choice of a reader; the Windows
# minidriver (minidriver/CMakeLists.txt) compiles these alone, with mingw-w64.
set(CARTA_CARD_PROTOCOL_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/src/types.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/errors.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/key_encoding.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/card_files.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/card.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/card_codes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/card_crypto.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/object_cache.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/text.cpp
)
