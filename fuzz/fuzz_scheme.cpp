// libFuzzer target: bytes as scheme text -> compile_source; a scheme that
// compiles goes through a bytecode save/load round trip, the disassembler
// and a small rating run (fuzz/targets.h). Seeds: the repository's schemes;
// dictionary: the lexer's keywords (scripts/fuzz scheme).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tariff::fuzz::run_scheme(data, size);
  return 0;
}
