// Everything about an opcode, expanded from opcodes.def.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace tariff {

enum class Opcode : std::uint8_t {
#define OP(name, phase, a, b, c, d, semantics) name,
#include "bytecode/opcodes.def"
#undef OP
};

inline constexpr std::size_t kOpcodeCount = 0
#define OP(name, phase, a, b, c, d, semantics) +1
#include "bytecode/opcodes.def"
#undef OP
    ;
static_assert(kOpcodeCount <= 255, "opcodes are one byte");

enum class Phase : std::uint8_t { ANY, RECORD, PERIOD };

enum class OperandKind : std::uint8_t {
  NONE, REG, CONST, STR, NFIELD, TFIELD, METER, SUMMETER, COUNTMETER, MAXMETER, MINMETER,
  DISTMETER, LASTMETER, AVGMETER, WSUMMETER, SPANMETER, FREEMETER, EVMETER, WINMETER, CHARGE, TABLE, CLASS, ALLOWANCE, PLUGINUSE, TARGET, ROUND,
};

struct OpcodeInfo {
  std::string_view name;
  Phase phase;
  std::array<OperandKind, 4> operands;  // a, b, c, d
  std::string_view semantics;
};

inline constexpr std::array<OpcodeInfo, kOpcodeCount> kOpcodeInfo = {{
#define OP(name, phase, a, b, c, d, semantics)                                         \
  {#name, Phase::phase, {OperandKind::a, OperandKind::b, OperandKind::c, OperandKind::d}, \
   semantics},
#include "bytecode/opcodes.def"
#undef OP
}};

constexpr const OpcodeInfo& info(Opcode op) { return kOpcodeInfo[static_cast<std::size_t>(op)]; }

// One fixed-width instruction: decoding is field access, and the verifier
// checks every operand against its kind.
struct Instruction {
  Opcode op;
  std::uint8_t d;
  std::uint16_t a;
  std::uint16_t b;
  std::uint16_t c;
};
static_assert(sizeof(Instruction) == 8);

// The ROUND operand: a rounding mode and a scale in one byte.
constexpr std::uint8_t encode_rounding(std::uint8_t mode, std::uint8_t scale) {
  return static_cast<std::uint8_t>(mode | (scale << 3));
}
constexpr std::uint8_t rounding_mode_bits(std::uint8_t d) { return d & 7u; }
constexpr std::uint8_t rounding_scale_bits(std::uint8_t d) { return static_cast<std::uint8_t>(d >> 3); }

}  // namespace tariff
