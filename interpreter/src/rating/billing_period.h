// Calendar billing periods (months, quarters, years) in a fixed-offset
// zone: which period a record falls in, the period named on the command
// line, and how its ends are written on the invoice.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bytecode/program.h"
#include "tariff/decimal.h"
#include "tariff/expected.h"
#include "vm/meter_state.h"

namespace tariff {

struct BillingPeriod {
  std::string label;    // "2026-03", "2026-Q1" or "2026"
  PeriodBounds bounds;  // epoch seconds, end exclusive
  std::string start;    // "2026-03-01T00:00:00+08:00"
  std::string end;      // "2026-04-01T00:00:00+08:00"
};

// The period of the scheme's kind holding `time` (epoch seconds).
BillingPeriod period_containing(Decimal time, const PeriodInfo& info);
// "2026-03" (months), "2026-Q1" (quarters), "2026" (years) -> that period
// in the zone; the reason when the text names no period of the kind.
Expected<BillingPeriod, std::string> parse_period(std::string_view text, const PeriodInfo& info);

}  // namespace tariff
