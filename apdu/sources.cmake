# The APDU layer's sources that need nothing of PC/SC: bytes, APDUs, BER-TLV, the APDU channel,
# the trace and the transport interface. carta_apdu (CMakeLists.txt here) adds pcsc-lite's side;
# the Windows minidriver (minidriver/CMakeLists.txt) compiles these alone, with mingw-w64.
set(CARTA_APDU_PORTABLE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/src/bytes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/apdu.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/status_word.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/tlv.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/trace.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/channel.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/transport.cpp
)
