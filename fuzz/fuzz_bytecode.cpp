// libFuzzer target: bytes as a .tfc file -> load_bytecode; a program that
// loads is disassembled and rates a small fixed CSV (fuzz/targets.h).
// Seeds: the repository's schemes compiled at fuzz time (scripts/fuzz).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tariff::fuzz::run_bytecode(data, size);
  return 0;
}
