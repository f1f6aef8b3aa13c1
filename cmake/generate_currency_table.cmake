# Turns stdlib/iso4217.csv into the rows of a C++ array initializer, run at
# build time as `cmake -DCSV=<csv> -DOUTPUT=<inc> -P generate_currency_table.cmake`.
#
# The CSV holds the active ISO 4217 codes that have a minor unit; codes whose
# minor unit is "N.A." (precious metals such as XAU, bond units, XDR, XTS,
# XXX) are left out, since there is no amount to round for them. Every row is
# checked here so that a typo fails the build with its line number instead of
# silently pricing in the wrong number of decimals. Rows must stay sorted by
# code: the lookup is a binary search over them.
cmake_minimum_required(VERSION 3.25)

foreach(input CSV OUTPUT)
  if(NOT DEFINED ${input})
    message(FATAL_ERROR "generate_currency_table: pass -D${input}=<path>")
  endif()
endforeach()

set(expected_header "code,numeric,minor_digits,name")
file(READ "${CSV}" rest)
set(line_number 0)
set(previous_code "")
set(row_count 0)
set(rows "")

# Lines are cut by hand rather than through a CMake list, where ';' or '['
# in a name would split or merge rows.
while(NOT rest STREQUAL "")
  string(FIND "${rest}" "\n" newline)
  if(newline EQUAL -1)
    set(line "${rest}")
    set(rest "")
  else()
    string(SUBSTRING "${rest}" 0 ${newline} line)
    math(EXPR after_newline "${newline} + 1")
    string(SUBSTRING "${rest}" ${after_newline} -1 rest)
  endif()
  string(REGEX REPLACE "\r$" "" line "${line}")
  math(EXPR line_number "${line_number} + 1")

  if(line_number EQUAL 1)
    if(NOT line STREQUAL expected_header)
      message(FATAL_ERROR "${CSV}:1: the header must be '${expected_header}'")
    endif()
    continue()
  endif()

  if(NOT line MATCHES "^([^,]*),([^,]*),([^,]*),([^,]*)$")
    message(FATAL_ERROR "${CSV}:${line_number}: expected 4 comma-separated fields "
                        "(code,numeric,minor_digits,name), got '${line}'")
  endif()
  set(code "${CMAKE_MATCH_1}")
  set(numeric "${CMAKE_MATCH_2}")
  set(minor_digits "${CMAKE_MATCH_3}")
  set(name "${CMAKE_MATCH_4}")

  if(NOT code MATCHES "^[A-Z][A-Z][A-Z]$")
    message(FATAL_ERROR "${CSV}:${line_number}: code '${code}' is not 3 upper-case letters")
  endif()
  if(NOT numeric MATCHES "^[0-9][0-9][0-9]$")
    message(FATAL_ERROR "${CSV}:${line_number}: numeric code '${numeric}' is not 3 digits")
  endif()
  if(NOT minor_digits MATCHES "^[0-4]$")
    message(FATAL_ERROR "${CSV}:${line_number}: minor_digits '${minor_digits}' is not a digit 0..4")
  endif()
  if(name STREQUAL "" OR name MATCHES "[\"\\\\]")
    message(FATAL_ERROR "${CSV}:${line_number}: the name must be non-empty, without quotes or backslashes")
  endif()
  if(NOT previous_code STREQUAL "" AND NOT code STRGREATER previous_code)
    message(FATAL_ERROR "${CSV}:${line_number}: code ${code} must come after ${previous_code}: "
                        "rows are sorted by code, each code once")
  endif()
  set(previous_code "${code}")

  # "048" would be an octal literal in C++.
  string(REGEX REPLACE "^0+([0-9])" "\\1" numeric_value "${numeric}")
  string(APPEND rows "    {\"${code}\", ${numeric_value}, ${minor_digits}, \"${name}\"},\n")
  math(EXPR row_count "${row_count} + 1")
endwhile()

if(row_count EQUAL 0)
  message(FATAL_ERROR "${CSV}: no currency rows")
endif()

file(WRITE "${OUTPUT}"
     "// Generated from stdlib/iso4217.csv by cmake/generate_currency_table.cmake; do not edit.\n"
     "${rows}")
