// sla_availability: the availability that the table-driven SLA rules
// (sla.tiered, sla.service_days) credit by — downtime counted against the
// period, its explanation, and the table row of (below_availability_percent,
// value) that applies. Header-only, like plugin_support.h.
#ifndef TARIFF_PLUGINS_COMMON_SLA_AVAILABILITY_H
#define TARIFF_PLUGINS_COMMON_SLA_AVAILABILITY_H

#include "plugin_support.h"

#include <cstdint>
#include <string>

namespace plugin_support {

struct Availability {
  std::int64_t period = 0;       // seconds
  std::int64_t downtime = 0;     // counted seconds
  std::uint32_t not_counted = 0; // outages shorter than the minimum
};

inline Availability measure(const tariff_credit_input& input, tariff_decimal min_outage_minutes) {
  Availability a;
  a.period = input.period_end - input.period_start;
  const tariff_decimal min_seconds = mul(min_outage_minutes, integer(60));
  for (std::uint32_t i = 0; i < input.downtime_count; ++i) {
    const std::int64_t length = input.downtime[i].end - input.downtime[i].start;
    if (cmp(integer(length), min_seconds) >= 0) {
      a.downtime += length;
    } else {
      ++a.not_counted;
    }
  }
  return a;
}

// "availability 99.8611% (3600 s of downtime in a 2592000 s period)". The
// percentage is cut (not rounded) to 4 places, so it never shows a
// threshold that the exact value is below.
inline std::string describe(const Availability& a, tariff_decimal min_outage_minutes) {
  const tariff_decimal percent =
      div(mul(integer(a.period - a.downtime), integer(100)), integer(a.period), 4,
          TARIFF_ROUND_DOWN);
  std::string out = "availability " + text(percent) + "% (" + std::to_string(a.downtime) +
                    " s of downtime in a " + std::to_string(a.period) + " s period";
  if (a.not_counted > 0) {
    out += "; " + std::to_string(a.not_counted) + " outage" + (a.not_counted > 1 ? "s" : "") +
           " shorter than " + text(trimmed(min_outage_minutes)) + " min not counted";
  }
  return out + ")";
}

// The row with the lowest threshold that the availability is below, or -1.
// availability% < T  <=>  (period - downtime) * 100 < T * period: exact.
inline long most_severe_row(const tariff_table& table, const Availability& a) {
  const tariff_decimal up_percent = mul(integer(a.period - a.downtime), integer(100));
  long chosen = -1;
  for (std::uint32_t r = 0; r < table.rows; ++r) {
    const tariff_decimal threshold = table.cells[r * 2];
    if (cmp(up_percent, mul(threshold, integer(a.period))) >= 0) continue;
    if (chosen < 0 || cmp(threshold, table.cells[static_cast<std::uint32_t>(chosen) * 2]) < 0) {
      chosen = static_cast<long>(r);
    }
  }
  return chosen;
}

// Rows of (below_availability_percent, `value_column`): thresholds in
// (0, 100] and unique, values not negative.
inline void check_table(const tariff_table& table, const char* value_column) {
  if (table.columns != 2 || table.rows == 0) {
    fail(TARIFF_STATUS_INVALID_ARGUMENT,
         std::string("the table needs rows of (below_availability_percent, ") + value_column +
             ")");
  }
  for (std::uint32_t r = 0; r < table.rows; ++r) {
    const tariff_decimal threshold = table.cells[r * 2];
    const tariff_decimal percent = table.cells[r * 2 + 1];
    const std::string row = "table row " + std::to_string(r + 1);
    if (cmp(threshold, integer(0)) <= 0 || cmp(threshold, integer(100)) > 0) {
      fail(TARIFF_STATUS_INVALID_ARGUMENT,
           row + ": the availability threshold " + text(threshold) + " is not in (0, 100]");
    }
    if (cmp(percent, integer(0)) < 0) {
      fail(TARIFF_STATUS_INVALID_ARGUMENT, row + ": the credit percentage is negative");
    }
    for (std::uint32_t earlier = 0; earlier < r; ++earlier) {
      if (cmp(table.cells[earlier * 2], threshold) == 0) {
        fail(TARIFF_STATUS_INVALID_ARGUMENT, row + " repeats the threshold " + text(threshold) +
                                                 " of row " + std::to_string(earlier + 1));
      }
    }
  }
}

}  // namespace plugin_support

#endif  // TARIFF_PLUGINS_COMMON_SLA_AVAILABILITY_H
