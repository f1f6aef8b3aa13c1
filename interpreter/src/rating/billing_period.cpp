// Month arithmetic on civil dates (usage/timestamp.h), offsets applied at
// the edges.
#include "rating/billing_period.h"

#include <fmt/format.h>

#include "usage/timestamp.h"

namespace tariff {

namespace {

std::string format_local(std::int64_t epoch, std::int32_t offset) {
  const std::int64_t local = epoch + offset;
  const std::int64_t days = usage::day_number(local);
  const usage::CivilDate date = usage::civil_from_days(days);
  const std::int64_t seconds = local - days * usage::kSecondsPerDay;
  const std::string zone =
      offset == 0 ? std::string("Z")
                  : fmt::format("{}{:02}:{:02}", offset < 0 ? '-' : '+', std::abs(offset) / 3600,
                                std::abs(offset) % 3600 / 60);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}", date.y, date.m, date.d, seconds / 3600,
                     seconds % 3600 / 60, seconds % 60, zone);
}

BillingPeriod month(int year, unsigned month_number, std::int32_t offset) {
  const int next_year = month_number == 12 ? year + 1 : year;
  const unsigned next_month = month_number == 12 ? 1 : month_number + 1;
  const std::int64_t start =
      usage::days_from_civil({year, month_number, 1}) * usage::kSecondsPerDay - offset;
  const std::int64_t end =
      usage::days_from_civil({next_year, next_month, 1}) * usage::kSecondsPerDay - offset;
  BillingPeriod period;
  period.label = fmt::format("{:04}-{:02}", year, month_number);
  period.bounds = {Decimal::from_int(start), Decimal::from_int(end)};
  period.start = format_local(start, offset);
  period.end = format_local(end, offset);
  return period;
}

}  // namespace

BillingPeriod month_containing(Decimal time, std::int32_t zone_offset) {
  const std::int64_t seconds = time.to_int64(RoundingMode::floor).value_or(0) + zone_offset;
  const usage::CivilDate date = usage::civil_from_days(usage::day_number(seconds));
  return month(date.y, date.m, zone_offset);
}

Expected<BillingPeriod, std::string> parse_month(std::string_view text, std::int32_t zone_offset) {
  auto digits = [&](std::size_t from, std::size_t count) {
    for (std::size_t i = from; i < from + count; ++i)
      if (text[i] < '0' || text[i] > '9') return false;
    return true;
  };
  if (text.size() != 7 || text[4] != '-' || !digits(0, 4) || !digits(5, 2))
    return unexpected(fmt::format("`{}` is not a month; write it as 2026-03", text));
  const int year = std::stoi(std::string(text.substr(0, 4)));
  const int month_number = std::stoi(std::string(text.substr(5, 2)));
  if (month_number < 1 || month_number > 12)
    return unexpected(fmt::format("`{}` has no month {}", text, month_number));
  return month(year, static_cast<unsigned>(month_number), zone_offset);
}

}  // namespace tariff
