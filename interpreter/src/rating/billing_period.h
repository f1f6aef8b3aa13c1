// Calendar billing periods (months, quarters, years) in a fixed-offset
// zone: which period a record falls in, the period named on the command
// line, and how its ends are written on the invoice.
#pragma once

#include <cstdint>
#include <optional>
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

// The same day of the month `months` later, or that month's last day when
// it has fewer days (Jan 31 + 1 month = Feb 28). Days since 1970-01-01.
std::int64_t add_months(std::int64_t day, std::int64_t months);

// An anniversary month: the period of an account whose months run from
// `anchor` (the day it started) that begins in the calendar month
// `month`, from the anchor's day of the month (clamped in short months)
// to the same day a month later. None when the account starts after
// `month`.
std::optional<BillingPeriod> anniversary_period(std::int64_t anchor, const BillingPeriod& month,
                                                const PeriodInfo& info);

// The period of the scheme's kind holding `time` (epoch seconds).
BillingPeriod period_containing(Decimal time, const PeriodInfo& info);
// "2026-03" (months), "2026-Q1" (quarters), "2026" (years) -> that period
// in the zone; the reason when the text names no period of the kind.
Expected<BillingPeriod, std::string> parse_period(std::string_view text, const PeriodInfo& info);

}  // namespace tariff
