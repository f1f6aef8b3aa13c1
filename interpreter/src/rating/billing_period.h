// Calendar-month billing periods in a fixed-offset zone: which month a
// record falls in, the month named on the command line, and how its ends
// are written on the invoice.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tariff/decimal.h"
#include "tariff/expected.h"
#include "vm/meter_state.h"

namespace tariff {

struct BillingPeriod {
  std::string label;    // "2026-03"
  PeriodBounds bounds;  // epoch seconds, end exclusive
  std::string start;    // "2026-03-01T00:00:00+08:00"
  std::string end;      // "2026-04-01T00:00:00+08:00"
};

// The calendar month holding `time` (epoch seconds) in the zone.
BillingPeriod month_containing(Decimal time, std::int32_t zone_offset);
// "2026-03" -> that month in the zone; the reason when it is not a month.
Expected<BillingPeriod, std::string> parse_month(std::string_view text, std::int32_t zone_offset);

}  // namespace tariff
