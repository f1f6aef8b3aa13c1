# Installs the build into a fresh prefix, builds examples/embedding against
# that prefix alone (find_package(tariff CONFIG)), runs it on the quickstart
# and requires its JSON invoice to equal `tariff invoice … --format json`
# byte for byte. Also runs the installed binary.
#
# Inputs: BUILD_DIR, SOURCE_DIR, WORK (a scratch folder, emptied), TARIFF
# (the built binary), GENERATOR, CXX (the compiler the build used).
file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code STREQUAL "0")
    message(FATAL_ERROR "${what} failed (${code}): ${ARGN}\n--- stdout\n${out}\n--- stderr\n${err}")
  endif()
  set(run_out "${out}" PARENT_SCOPE)
endfunction()

run("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(header tariff decimal records diagnostic expected currency usage_schema)
  if(NOT EXISTS ${prefix}/include/tariff/${header}.h)
    message(FATAL_ERROR "not installed: include/tariff/${header}.h")
  endif()
endforeach()
run("the installed binary" ${prefix}/bin/tariff --version)

run("configuring the example" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/embedding -B ${WORK}/build
    -G ${GENERATOR} -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=${CXX}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON)
run("building the example" ${CMAKE_COMMAND} --build ${WORK}/build)

set(scheme ${SOURCE_DIR}/examples/quickstart/scheme.tariff)
set(usage ${SOURCE_DIR}/examples/quickstart/usage.csv)
run("the example" ${WORK}/build/embedding ${scheme} ${usage})
set(embedded "${run_out}")
run("tariff invoice" ${TARIFF} invoice ${scheme} --usage ${usage} --format json --quiet)
if(NOT embedded STREQUAL run_out)
  message(FATAL_ERROR "the embedded invoice differs from tariff invoice --format json\n"
                      "--- embedding\n${embedded}\n--- tariff invoice\n${run_out}")
endif()
if(embedded STREQUAL "")
  message(FATAL_ERROR "the example printed nothing")
endif()
