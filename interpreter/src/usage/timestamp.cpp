// ISO 8601 parsing and civil-date arithmetic (Howard Hinnant's
// days_from_civil / civil_from_days, valid for the whole proleptic
// Gregorian calendar).
#include "usage/timestamp.h"

#include <array>
#include <cstddef>

#include <fmt/format.h>

namespace tariff::usage {
namespace {

struct WideCivilDate {
  std::int64_t y;
  unsigned m;
  unsigned d;
};

// civil_from_days without narrowing the year, for format_utc's full range.
WideCivilDate wide_civil_from_days(std::int64_t days) noexcept {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(z - era * 146097);  // [0, 146096]
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
  const unsigned day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  const unsigned month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  const std::int64_t year =
      static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// Reads exactly `width` ASCII digits starting at `pos`.
bool read_digits(std::string_view text, std::size_t pos, std::size_t width,
                 unsigned& value) noexcept {
  if (pos + width > text.size()) return false;
  unsigned result = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    result = result * 10 + static_cast<unsigned>(c - '0');
  }
  value = result;
  return true;
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

Unexpected<std::string> fail(std::string reason) { return unexpected(std::move(reason)); }

}  // namespace

unsigned days_in_month(int year, unsigned month) noexcept {
  constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

std::int64_t days_from_civil(CivilDate date) noexcept {
  const std::int64_t year = static_cast<std::int64_t>(date.y) - (date.m <= 2 ? 1 : 0);
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);     // [0, 399]
  const unsigned shifted_month = date.m > 2 ? date.m - 3 : date.m + 9;  // March = 0
  const unsigned day_of_year = (153 * shifted_month + 2) / 5 + date.d - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

CivilDate civil_from_days(std::int64_t days) noexcept {
  const WideCivilDate date = wide_civil_from_days(days);
  return {static_cast<int>(date.y), date.m, date.d};
}

std::int64_t day_number(std::int64_t epoch_seconds) noexcept {
  const std::int64_t quotient = epoch_seconds / kSecondsPerDay;
  return epoch_seconds % kSecondsPerDay < 0 ? quotient - 1 : quotient;
}

std::int64_t local_day(const Decimal& epoch_seconds, std::int32_t zone_offset) noexcept {
  return day_number(epoch_seconds.to_int64(RoundingMode::floor).value_or(0) + zone_offset);
}

Expected<Decimal, std::string> parse_timestamp(std::string_view text) {
  if (text.empty()) return fail("the timestamp is empty");

  unsigned year = 0, month = 0, day = 0;
  if (!read_digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day))
    return fail("expected a date YYYY-MM-DD at the start, as in 2026-03-01T10:00:00Z");
  if (month < 1 || month > 12) return fail(fmt::format("month {} is out of range 1-12", month));
  const int civil_year = static_cast<int>(year);
  if (day < 1 || day > days_in_month(civil_year, month))
    return fail(fmt::format("day {} does not exist in {} {}", day, kMonthNames[month - 1], year));
  const std::int64_t midnight = days_from_civil({civil_year, month, day}) * kSecondsPerDay;
  if (text.size() == 10) return Decimal::from_int(midnight);

  if (text[10] != 'T' && text[10] != ' ')
    return fail("expected 'T' or a space between the date and the time");
  unsigned hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 11, 2, hour) || text.size() < 19 || text[13] != ':' ||
      !read_digits(text, 14, 2, minute) || text[16] != ':' || !read_digits(text, 17, 2, second))
    return fail("expected a time HH:MM:SS after the date");
  if (hour > 23) return fail(fmt::format("hour {} is out of range 0-23", hour));
  if (minute > 59) return fail(fmt::format("minute {} is out of range 0-59", minute));
  if (second > 59)
    return fail(
        fmt::format("second {} is out of range 0-59 (leap seconds are not accepted)", second));

  std::size_t pos = 19;
  std::string_view fraction;
  if (pos < text.size() && text[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    fraction = text.substr(start, pos - start);
    if (fraction.empty()) return fail("expected digits after the '.' in the seconds");
    // Zeros past the 18th place change nothing and are dropped exactly.
    while (fraction.size() > static_cast<std::size_t>(Decimal::kMaxScale) && fraction.back() == '0')
      fraction.remove_suffix(1);
    if (fraction.size() > static_cast<std::size_t>(Decimal::kMaxScale))
      return fail(fmt::format("fractional seconds have more than {} digits", Decimal::kMaxScale));
  }

  if (pos == text.size())
    return fail("missing UTC offset: end the timestamp with Z or an offset such as +01:00");
  std::int64_t offset_seconds = 0;
  const char zone = text[pos];
  if (zone == 'Z') {
    ++pos;
  } else if (zone == '+' || zone == '-') {
    unsigned offset_hour = 0, offset_minute = 0;
    if (!read_digits(text, pos + 1, 2, offset_hour) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !read_digits(text, pos + 4, 2, offset_minute))
      return fail("expected a UTC offset of the form +HH:MM or -HH:MM");
    if (offset_hour > 23)
      return fail(fmt::format("offset hour {} is out of range 0-23", offset_hour));
    if (offset_minute > 59)
      return fail(fmt::format("offset minute {} is out of range 0-59", offset_minute));
    offset_seconds = static_cast<std::int64_t>(offset_hour * 3600 + offset_minute * 60);
    if (zone == '-') offset_seconds = -offset_seconds;
    pos += 6;
  } else {
    return fail("expected Z or a UTC offset such as +01:00 after the time");
  }
  if (pos != text.size()) return fail("unexpected text after the UTC offset");

  // Local time minus its offset is UTC: 08:00+08:00 is 00:00Z.
  const std::int64_t seconds =
      midnight + static_cast<std::int64_t>(hour * 3600 + minute * 60 + second) - offset_seconds;
  int128 mantissa = seconds;
  for (const char digit : fraction) mantissa = mantissa * 10 + (digit - '0');
  auto value = Decimal::from_parts(mantissa, static_cast<int>(fraction.size()));
  if (!value) return fail(std::string(describe(value.error())));
  return *value;
}

std::string format_day(std::int64_t day) {
  const CivilDate date = civil_from_days(day);
  return fmt::format("{:04}-{:02}-{:02}", date.y, date.m, date.d);
}

std::string format_utc(std::int64_t epoch_seconds) {
  const std::int64_t day = day_number(epoch_seconds);
  // A remainder rather than epoch - day * 86400, which overflows near INT64_MIN.
  std::int64_t second_of_day = epoch_seconds % kSecondsPerDay;
  if (second_of_day < 0) second_of_day += kSecondsPerDay;
  const WideCivilDate date = wide_civil_from_days(day);
  const std::string year =
      date.y < 0 ? fmt::format("-{:04}", -date.y) : fmt::format("{:04}", date.y);
  return fmt::format("{}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, date.m, date.d,
                     second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
}

}  // namespace tariff::usage
