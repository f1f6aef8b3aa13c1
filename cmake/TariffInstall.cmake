# `cmake --install build --prefix P` (docs/embedding.md):
#   P/include/tariff/*.h            the public headers, self-contained
#   P/lib/libtariff.a               one static library: every internal library
#                                   `tariff` links, combined (target tariff::tariff)
#   P/bin/tariff                    the command line
#   P/lib/cmake/tariff/             the package: find_package(tariff CONFIG)
# The package finds the libraries the archive needs (fmt, antlr4-runtime,
# simdjson, …) with find_dependency.
#
# Included from the top-level CMakeLists.txt after every target is defined.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Walks the link graph from `target`: the project's own static libraries go
# to _tariff_internal (their objects make up the archive), everything else
# (imported targets, plain library names) to _tariff_external. Walking the
# graph rather than listing names keeps a library added later in the archive.
function(_tariff_collect_links target)
  get_property(internal GLOBAL PROPERTY _tariff_internal)
  if(target IN_LIST internal)
    return()
  endif()
  set_property(GLOBAL APPEND PROPERTY _tariff_internal ${target})
  get_target_property(links ${target} LINK_LIBRARIES)
  if(NOT links)
    return()
  endif()
  foreach(link IN LISTS links)
    if(link MATCHES "^\\$<")
      message(WARNING "tariff install: `${link}` (linked by ${target}) is not in the package")
    elseif(TARGET ${link})
      get_target_property(imported ${link} IMPORTED)
      get_target_property(type ${link} TYPE)
      get_target_property(aliased ${link} ALIASED_TARGET)
      if(aliased)
        set(link ${aliased})
      endif()
      if(NOT imported AND type STREQUAL "STATIC_LIBRARY")
        _tariff_collect_links(${link})
      else()
        set_property(GLOBAL APPEND PROPERTY _tariff_external ${link})
      endif()
    elseif(NOT link STREQUAL "")
      set_property(GLOBAL APPEND PROPERTY _tariff_external ${link})
    endif()
  endforeach()
endfunction()

set_property(GLOBAL PROPERTY _tariff_internal)
set_property(GLOBAL PROPERTY _tariff_external)
_tariff_collect_links(tariff)
get_property(_tariff_internal GLOBAL PROPERTY _tariff_internal)
get_property(_tariff_external GLOBAL PROPERTY _tariff_external)
list(REMOVE_DUPLICATES _tariff_external)
# Header-only libraries used inside the archive are no link dependency of
# its users (the public headers include none of them).
list(FILTER _tariff_external EXCLUDE REGEX "^Boost::(headers|boost)$")

set(_tariff_objects)
foreach(lib IN LISTS _tariff_internal)
  list(APPEND _tariff_objects $<TARGET_OBJECTS:${lib}>)
endforeach()
add_library(tariff_package STATIC ${_tariff_objects})
add_dependencies(tariff_package ${_tariff_internal})
set_target_properties(tariff_package PROPERTIES
  OUTPUT_NAME tariff
  EXPORT_NAME tariff
  LINKER_LANGUAGE CXX
  ARCHIVE_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/package)
target_include_directories(tariff_package INTERFACE
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_features(tariff_package INTERFACE cxx_std_17)

# find_dependency for each external library (by the package that defines it).
set(_tariff_find_dependencies "")
set(_tariff_seen_packages)
foreach(link IN LISTS _tariff_external)
  set(package "")
  if(link MATCHES "^fmt::")
    set(package fmt)
  elseif(link MATCHES "^antlr4_(static|shared)$")
    set(package antlr4-runtime)
  elseif(link MATCHES "^simdjson::")
    set(package simdjson)
  elseif(link MATCHES "^Boost::")
    set(package Boost)
  elseif(link MATCHES "^Threads::")
    set(package Threads)
  elseif(TARGET ${link} OR link MATCHES "::")
    message(WARNING "tariff install: no package known for `${link}`; add it to cmake/TariffInstall.cmake")
  endif()
  if(package AND NOT package IN_LIST _tariff_seen_packages)
    list(APPEND _tariff_seen_packages ${package})
    # Imported targets are local to the directory that found them: find the
    # package here too, so this directory's target can name them.
    if(NOT TARGET ${link})
      find_package(${package} REQUIRED)
    endif()
    if(package STREQUAL "Boost" OR package STREQUAL "Threads")
      string(APPEND _tariff_find_dependencies "find_dependency(${package})\n")
    else()
      string(APPEND _tariff_find_dependencies "find_dependency(${package} CONFIG)\n")
    endif()
  endif()
endforeach()

target_link_libraries(tariff_package INTERFACE ${_tariff_external})
if(TARIFF_SANITIZE)
  # The objects are instrumented: whoever links them needs the runtimes.
  target_link_options(tariff_package INTERFACE -fsanitize=address,undefined)
endif()

set(_tariff_config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/tariff)
file(WRITE ${PROJECT_BINARY_DIR}/package/tariffConfig.cmake.in [=[
# The Tariff library: find_package(tariff CONFIG REQUIRED), then
# target_link_libraries(app PRIVATE tariff::tariff).
@PACKAGE_INIT@
include(CMakeFindDependencyMacro)
@_tariff_find_dependencies@
include(${CMAKE_CURRENT_LIST_DIR}/tariffTargets.cmake)
check_required_components(tariff)
]=])
configure_package_config_file(${PROJECT_BINARY_DIR}/package/tariffConfig.cmake.in
  ${PROJECT_BINARY_DIR}/package/tariffConfig.cmake
  INSTALL_DESTINATION ${_tariff_config_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/tariffConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/interpreter/include/tariff
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(TARGETS tariff_package EXPORT tariffTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS tariff_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT tariffTargets NAMESPACE tariff:: DESTINATION ${_tariff_config_dir})
install(FILES ${PROJECT_BINARY_DIR}/package/tariffConfig.cmake
              ${PROJECT_BINARY_DIR}/package/tariffConfigVersion.cmake
        DESTINATION ${_tariff_config_dir})
