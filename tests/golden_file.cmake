# One comparison with a golden file, shared by the test runners:
# tariff_check_golden(ACTUAL GOLDEN_PATH WHAT CONTEXT) fails with the
# difference, or, with TARIFF_UPDATE_GOLDEN=1 in the environment, rewrites
# the golden file instead (review the diff before committing it).
function(tariff_check_golden actual golden what context)
  if("$ENV{TARIFF_UPDATE_GOLDEN}" STREQUAL "1")
    file(WRITE ${golden} "${actual}")
    message(STATUS "updated ${golden}")
    return()
  endif()
  if(NOT EXISTS ${golden})
    message(FATAL_ERROR "no golden file ${golden} (run with TARIFF_UPDATE_GOLDEN=1)\n${context}")
  endif()
  file(READ ${golden} expected)
  if(NOT actual STREQUAL expected)
    message(FATAL_ERROR "${what} differs from ${golden}\n--- expected\n${expected}\n--- actual\n${actual}\n${context}")
  endif()
endfunction()
