# Run by CPack (CPACK_PRE_BUILD_SCRIPTS) on the staging directory before it makes the
# packages: strips the ELF files as Debian's dh_strip does, without the debugging
# sections and without the compiler's .comment and .note sections (lintian:
# binary-has-unneeded-section). Shared objects lose their unneeded symbols too.
file(GLOB_RECURSE files LIST_DIRECTORIES false "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*")
foreach(file IN LISTS files)
  if(IS_SYMLINK "${file}")
    continue()
  endif()
  file(READ "${file}" magic LIMIT 4 HEX)
  if(NOT magic STREQUAL "7f454c46")
    continue()
  endif()
  set(flags --remove-section=.comment --remove-section=.note)
  if(file MATCHES "\\.so$")
    list(APPEND flags --strip-unneeded)
  endif()
  execute_process(COMMAND strip ${flags} "${file}" RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "strip ${flags} ${file} failed")
  endif()
endforeach()
