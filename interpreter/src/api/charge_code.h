// Finding one charge in a program: its index, and the period-program
// instructions that compute its amount (for its tier table or plugin use).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "bytecode/program.h"

namespace tariff {

inline std::optional<std::size_t> charge_index(const Program& program, std::string_view charge) {
  for (std::size_t i = 0; i < program.charges.size(); ++i)
    if (program.charges[i].name == charge) return i;
  return std::nullopt;
}

// The pcs [begin, line) of the period program after the previous charge's
// LINE, and `line`, the charge's own LINE (operands: charge, quantity
// register, amount register). The compiler emits each charge's code as
// one run ending with its LINE.
struct ChargeCode {
  std::size_t begin = 0;
  std::size_t line = 0;
};

inline std::optional<ChargeCode> charge_code(const Program& program, std::size_t charge) {
  const auto& code = program.period.code;
  std::size_t begin = 0;
  for (std::size_t pc = 0; pc < code.size(); ++pc) {
    if (code[pc].op != Opcode::LINE) continue;
    if (code[pc].a == charge) return ChargeCode{begin, pc};
    begin = pc + 1;
  }
  return std::nullopt;
}

}  // namespace tariff
