// ISO 8601 timestamps as exact UTC epoch seconds, and the proleptic
// Gregorian calendar arithmetic behind them (done by hand so results never
// depend on the machine's time zone database or C library).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tariff/decimal.h"
#include "tariff/expected.h"

namespace tariff::usage {

inline constexpr std::int64_t kSecondsPerDay = 86400;

struct CivilDate {
  int y = 1970;
  unsigned m = 1;  // 1..12
  unsigned d = 1;  // 1..31
};

constexpr bool is_leap_year(int year) noexcept {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

unsigned days_in_month(int year, unsigned month) noexcept;

// Days since 1970-01-01 (negative before it). The date must be valid.
std::int64_t days_from_civil(CivilDate date) noexcept;
// The date `days` after 1970-01-01, for days whose year fits an int.
CivilDate civil_from_days(std::int64_t days) noexcept;
// The day an epoch second falls on: floor(epoch_seconds / 86400), so
// instants before 1970 land on the right (negative) day.
std::int64_t day_number(std::int64_t epoch_seconds) noexcept;
// The day an instant (epoch seconds, fractions allowed) falls on in a zone
// `zone_offset` seconds east of UTC; whole seconds are enough to place it.
std::int64_t local_day(const Decimal& epoch_seconds, std::int32_t zone_offset) noexcept;

// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)` (a space may
// replace the 'T') or a date alone `YYYY-MM-DD` meaning midnight UTC.
// Fractional seconds are kept exactly, up to 18 places. Leap seconds
// (second 60) are refused. The error is a reason sentence naming the part
// that is wrong.
Expected<Decimal, std::string> parse_timestamp(std::string_view text);

// "2026-03-01T10:00:00Z".
std::string format_utc(std::int64_t epoch_seconds);
// The date `day` days after 1970-01-01: "2026-03-01".
std::string format_day(std::int64_t day);

}  // namespace tariff::usage
