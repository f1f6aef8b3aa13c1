# Embeds the scheme modules of stdlib/ (every *.tariff below it) as
# { "rtc/agora", R"...(text)..." } rows of a C++ array initializer, so
# `import "rtc/agora"` works wherever the library runs. Run at build time as
# `cmake -DSTDLIB=<dir> -DOUTPUT=<inc> -P generate_stdlib_modules.cmake`.
cmake_minimum_required(VERSION 3.25)

foreach(input STDLIB OUTPUT)
  if(NOT DEFINED ${input})
    message(FATAL_ERROR "generate_stdlib_modules: pass -D${input}=<path>")
  endif()
endforeach()

set(delimiter "tariff_module")
file(GLOB_RECURSE modules RELATIVE "${STDLIB}" "${STDLIB}/*.tariff")
list(SORT modules)
set(rows "// Generated from stdlib/*.tariff by cmake/generate_stdlib_modules.cmake; do not edit.\n")
foreach(module ${modules})
  file(READ "${STDLIB}/${module}" text)
  string(FIND "${text}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "stdlib/${module} contains the raw string delimiter )${delimiter}\"")
  endif()
  string(REGEX REPLACE "\\.tariff$" "" name "${module}")
  string(APPEND rows "{\"${name}\", R\"${delimiter}(${text})${delimiter}\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "${rows}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
