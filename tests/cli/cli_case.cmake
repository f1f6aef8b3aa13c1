# Runs one command-line case: `tariff ARGS…` in DIR, then checks its exit
# code and, where given, its output against golden files or patterns.
#
#   TARIFF         the binary
#   DIR            working directory (tests/cli), golden paths are relative to it
#   ARGS           the arguments, separated by `|` (CTest would split a `;` list)
#   EXIT           the expected exit code
#   STDOUT         golden file for standard output     (optional)
#   STDERR         golden file for standard error      (optional)
#   STDOUT_MATCH   regular expressions standard output must match, separated by `&&`
#   STDERR_MATCH   the same for standard error
#   STDERR_EMPTY   ON: standard error must be empty
#   INPUT_FILE     standard input (optional)
#   OUTPUT_FILE    a file the command writes …
#   OUTPUT_GOLDEN  … and the golden file it must equal
#
# With TARIFF_UPDATE_GOLDEN=1 in the environment the golden files are
# rewritten instead (review the diff before committing them).
string(REPLACE "|" ";" args "${ARGS}")
if(DEFINED OUTPUT_FILE)
  file(REMOVE ${OUTPUT_FILE})
endif()
set(input)
if(DEFINED INPUT_FILE)
  set(input INPUT_FILE ${DIR}/${INPUT_FILE})
endif()
execute_process(COMMAND ${TARIFF} ${args} WORKING_DIRECTORY ${DIR} ${input}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE exit_code)
set(context "tariff ${args}\n--- stdout\n${out}\n--- stderr\n${err}")

include(${CMAKE_CURRENT_LIST_DIR}/../golden_file.cmake)

function(check_golden actual golden_name what)
  tariff_check_golden("${actual}" ${DIR}/${golden_name} "${what}" "--- command\n${context}")
endfunction()

function(check_patterns actual patterns what)
  string(REPLACE "&&" ";" patterns "${patterns}")
  foreach(pattern IN LISTS patterns)
    if(NOT actual MATCHES "${pattern}")
      message(FATAL_ERROR "${what} does not match `${pattern}`\n${context}")
    endif()
  endforeach()
endfunction()

if(NOT exit_code STREQUAL EXIT)
  message(FATAL_ERROR "exit code ${exit_code}, expected ${EXIT}\n${context}")
endif()
if(DEFINED STDOUT)
  check_golden("${out}" ${STDOUT} "standard output")
endif()
if(DEFINED STDERR)
  check_golden("${err}" ${STDERR} "standard error")
endif()
if(DEFINED STDOUT_MATCH)
  check_patterns("${out}" "${STDOUT_MATCH}" "standard output")
endif()
if(DEFINED STDERR_MATCH)
  check_patterns("${err}" "${STDERR_MATCH}" "standard error")
endif()
if(STDERR_EMPTY AND NOT err STREQUAL "")
  message(FATAL_ERROR "standard error is not empty\n${context}")
endif()
if(DEFINED OUTPUT_FILE)
  if(NOT EXISTS ${OUTPUT_FILE})
    message(FATAL_ERROR "the command wrote no ${OUTPUT_FILE}\n${context}")
  endif()
  file(READ ${OUTPUT_FILE} written)
  check_golden("${written}" ${OUTPUT_GOLDEN} "${OUTPUT_FILE}")
endif()
