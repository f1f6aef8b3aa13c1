// Checks a program before it runs, whether just compiled or loaded from a
// file: every operand in range for its kind, jumps forward onto an
// instruction or the end, instructions only in their phase, tables whole.
// A verified program cannot read or write outside its tables.
#pragma once

#include <string>

#include "bytecode/program.h"
#include "tariff/expected.h"

namespace tariff {

struct VerifyError {
  std::string chunk;  // "record", "period" or "program"
  std::size_t pc = 0;
  std::string message;
};

std::string to_string(const VerifyError& error);

Expected<std::monostate, VerifyError> verify(const Program& program);

}  // namespace tariff
