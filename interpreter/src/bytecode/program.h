// A compiled scheme: immutable once built (or loaded and verified), shared
// across threads; everything a run needs apart from its scratch state.
#pragma once

#include <cstdint>
#include <optional>
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

enum class TierModel : std::uint8_t { graduated, volume };

// One row of a tier table. Bounds are cumulative totals: a row covers the
// quantity above the previous row's bound up to and including its own.
struct TierRow {
  std::optional<Decimal> upper;  // none: no upper bound (the last row)
  Decimal price;                 // per `per` units
  Decimal per = Decimal::from_int(1);
  Decimal fee;                   // flat fee of the row
};

struct TierTable {
  TierModel model = TierModel::graduated;
  std::vector<TierRow> rows;
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
  std::vector<TierTable> tier_tables;

  Chunk record;  // run once per usage row
  Chunk period;  // run once per account at period end
};

std::string_view to_string(MeterKind kind) noexcept;
std::string_view to_string(RoundingStage stage) noexcept;
std::string_view to_string(TierModel model) noexcept;

}  // namespace tariff
