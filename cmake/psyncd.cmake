# Build helpers shared by every folder: warnings, sanitizers, one static library per layer.

set(PSYNCD_WARNINGS -Wall -Wextra -Werror -Wshadow -Wconversion -Wformat=2)
# GCC 12 at -O3 reports -Wrestrict inside std::string's own copy for plain concatenations
# (GCC bug 105329, fixed in 13), so a Release build would stop on library code it cannot see
# into. Only that warning and only that compiler: every other warning still fails the build.
# Tests, fuzz targets and benchmarks build with these same warnings.
set(PSYNCD_COMPILER_QUIRKS)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  set(PSYNCD_COMPILER_QUIRKS -Wno-restrict)
endif()
list(APPEND PSYNCD_WARNINGS ${PSYNCD_COMPILER_QUIRKS})

if(PSYNCD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# psyncd_library(NAME DIR <dir> [DEPS ...])
# Every *.cpp directly in <dir> belongs to the library, so adding a file needs no CMake edit.
function(psyncd_library name)
  cmake_parse_arguments(ARG "" "DIR" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS "${ARG_DIR}/*.cpp")
  if(NOT sources)
    set(placeholder "${CMAKE_CURRENT_BINARY_DIR}/${name}_placeholder.cpp")
    file(WRITE "${placeholder}" "// ${name} has no sources yet\n")
    set(sources "${placeholder}")
  endif()
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC "${PROJECT_SOURCE_DIR}")
  target_compile_options(${name} PRIVATE ${PSYNCD_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# psyncd_executable(NAME SOURCES ... DEPS ...)
function(psyncd_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${PSYNCD_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()

if(PSYNCD_FUZZ)
  # Every library is instrumented for coverage; only the fuzz binaries link libFuzzer's main.
  # Clang's warning set differs from gcc's, so warnings do not fail this build.
  set(PSYNCD_WARNINGS -Wall -Wextra)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
