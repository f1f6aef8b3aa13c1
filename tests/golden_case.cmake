# Runs one golden case and compares its output with the golden file.
#
#   NAME.tariff [+ NAME.csv or NAME.ndjson] [+ NAME.accounts.csv, passed as --accounts]
#                              -> NAME.golden: `tariff invoice` stdout, exit 0,
#                                 NAME.json.golden and NAME.csv.golden: the same with
#                                 --format json and --format csv
#   error.NAME.tariff          -> error.NAME.golden: `tariff check` stderr, exit 1
#
# With TARIFF_UPDATE_GOLDEN=1 in the environment the golden file is
# rewritten instead (review the diff before committing it).
# Inputs: TARIFF (the binary), DIR (the case folder), CASE (file name);
# optional USAGE and GOLDEN override NAME.csv and NAME.golden; optional
# PLUGINS (a ;-list of libraries) are loaded with --plugin; optional
# ACCOUNTS is the accounts file and PERIOD the billing period (`--period`,
# for usage files that name none: accounts with no usage at all).
get_filename_component(name ${CASE} NAME_WLE)
if(NOT DEFINED USAGE)
  set(USAGE ${name}.csv)
  if(EXISTS ${DIR}/${name}.ndjson)
    set(USAGE ${name}.ndjson)
  endif()
endif()
if(NOT DEFINED GOLDEN)
  set(GOLDEN ${name}.golden)
endif()
# NAME.accounts.csv, when there is one, is the accounts file.
if(NOT DEFINED ACCOUNTS AND EXISTS ${DIR}/${name}.accounts.csv)
  set(ACCOUNTS ${name}.accounts.csv)
endif()
# NAME.period, when there is one, holds the billing period (`--period`).
if(NOT DEFINED PERIOD AND EXISTS ${DIR}/${name}.period)
  file(STRINGS ${DIR}/${name}.period PERIOD LIMIT_COUNT 1)
endif()
set(plugin_args "")
foreach(plugin ${PLUGINS})
  list(APPEND plugin_args --plugin ${plugin})
endforeach()
if(name MATCHES "^error\\.")
  set(command ${TARIFF} check ${CASE} ${plugin_args})
  set(expected_exit 1)
  set(stream stderr)
else()
  set(command ${TARIFF} invoice ${CASE} --usage ${USAGE} ${plugin_args})
  if(DEFINED ACCOUNTS)
    list(APPEND command --accounts ${ACCOUNTS})
  endif()
  if(DEFINED PERIOD)
    list(APPEND command --period ${PERIOD})
  endif()
  set(expected_exit 0)
  set(stream stdout)
endif()
include(${CMAKE_CURRENT_LIST_DIR}/golden_file.cmake)

function(compare_with_golden command golden_name)
  execute_process(COMMAND ${command} WORKING_DIRECTORY ${DIR}
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE exit_code)
  if(stream STREQUAL "stderr")
    set(actual "${err}")
  else()
    set(actual "${out}")
  endif()
  if(NOT "$ENV{TARIFF_UPDATE_GOLDEN}" STREQUAL "1" AND NOT exit_code STREQUAL expected_exit)
    message(FATAL_ERROR "${CASE}: exit code ${exit_code}, expected ${expected_exit}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  tariff_check_golden("${actual}" ${DIR}/${golden_name} "${CASE}: output" "")
endfunction()

compare_with_golden("${command}" ${GOLDEN})
if(NOT name MATCHES "^error\\.")
  get_filename_component(base ${GOLDEN} NAME_WLE)
  compare_with_golden("${command};--format;json" ${base}.json.golden)
  compare_with_golden("${command};--format;csv" ${base}.csv.golden)
endif()
