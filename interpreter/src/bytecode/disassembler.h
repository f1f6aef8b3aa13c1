// Human-readable listing of a program: per instruction the pc, opcode,
// decoded operands, the semantics line and the source location.
#pragma once

#include <string>

#include "bytecode/program.h"

namespace tariff {

std::string disassemble(const Program& program);

}  // namespace tariff
