// A compiled scheme: immutable once built (or loaded and verified), shared
// across threads; everything a run needs apart from its scratch state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bytecode/opcodes.h"
#include "tariff/decimal.h"
#include "tariff/diagnostic.h"
#include "tariff/usage_schema.h"

namespace tariff {

enum class RoundingStage : std::uint8_t { line, invoice };

enum class MeterKind : std::uint8_t { sum, count, max, min };

struct MeterInfo {
  std::string name;
  MeterKind kind = MeterKind::sum;
};

struct ChargeInfo {
  std::string name;
  std::string formula;  // how the amount is computed, for explanations
};

// One program of the two kinds: its code, the source location of each
// instruction, and how many registers it uses.
struct Chunk {
  std::vector<Instruction> code;
  std::vector<SourceLocation> locations;  // one per instruction
  std::uint16_t registers = 0;
};

struct Program {
  std::string source_name;  // the scheme file, for runtime error locations
  std::string scheme_name;
  std::string version;
  std::string currency;
  std::uint8_t minor_digits = 2;
  RoundingMode rounding = RoundingMode::half_up;
  RoundingStage rounding_stage = RoundingStage::line;

  UsageSchema usage;
  std::vector<Decimal> constants;
  std::vector<std::string> strings;
  std::vector<MeterInfo> meters;
  std::vector<ChargeInfo> charges;

  Chunk record;  // run once per usage row
  Chunk period;  // run once per account at period end
};

std::string_view to_string(MeterKind kind) noexcept;
std::string_view to_string(RoundingStage stage) noexcept;

}  // namespace tariff
