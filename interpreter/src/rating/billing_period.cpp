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

// `months` calendar months from the first of `first_month`.
BillingPeriod span(int year, unsigned first_month, unsigned months, std::int32_t offset, std::string label) {
  const unsigned after = first_month - 1 + months;  // months from January of `year`
  const int end_year = year + static_cast<int>(after / 12);
  const unsigned end_month = after % 12 + 1;
  const std::int64_t start =
      usage::days_from_civil({year, first_month, 1}) * usage::kSecondsPerDay - offset;
  const std::int64_t end = usage::days_from_civil({end_year, end_month, 1}) * usage::kSecondsPerDay - offset;
  BillingPeriod period;
  period.label = std::move(label);
  period.bounds = {Decimal::from_int(start), Decimal::from_int(end)};
  period.start = format_local(start, offset);
  period.end = format_local(end, offset);
  return period;
}

BillingPeriod period_of(int year, unsigned month_number, const PeriodInfo& info) {
  switch (info.kind) {
    case PeriodKind::calendar_quarter: {
      const unsigned quarter = (month_number - 1) / 3;
      return span(year, quarter * 3 + 1, 3, info.zone_offset, fmt::format("{:04}-Q{}", year, quarter + 1));
    }
    case PeriodKind::calendar_year: return span(year, 1, 12, info.zone_offset, fmt::format("{:04}", year));
    default: return span(year, month_number, 1, info.zone_offset, fmt::format("{:04}-{:02}", year, month_number));
  }
}

}  // namespace

std::int64_t add_months(std::int64_t day, std::int64_t months) {
  const usage::CivilDate date = usage::civil_from_days(day);
  const std::int64_t index = static_cast<std::int64_t>(date.y) * 12 + (date.m - 1) + months;
  const int year = static_cast<int>(index / 12);
  const auto month = static_cast<unsigned>(index % 12 + 1);
  return usage::days_from_civil({year, month, std::min(date.d, usage::days_in_month(year, month))});
}

std::optional<BillingPeriod> anniversary_period(std::int64_t anchor, const BillingPeriod& month,
                                                const PeriodInfo& info) {
  const std::int64_t offset = info.zone_offset;
  const std::int64_t first_day = usage::local_day(month.bounds.start, info.zone_offset);
  const usage::CivilDate label = usage::civil_from_days(first_day);
  const usage::CivilDate start = usage::civil_from_days(anchor);
  const std::int64_t k = (static_cast<std::int64_t>(label.y) * 12 + label.m) -
                         (static_cast<std::int64_t>(start.y) * 12 + start.m);
  if (k < 0) return std::nullopt;
  // Months counted from the anchor, never chained: Jan 31 gives Feb 28,
  // then Mar 31 again.
  const std::int64_t begin = add_months(anchor, k) * usage::kSecondsPerDay - offset;
  const std::int64_t end = add_months(anchor, k + 1) * usage::kSecondsPerDay - offset;
  BillingPeriod period;
  period.label = month.label;
  period.bounds = {Decimal::from_int(begin), Decimal::from_int(end)};
  period.start = format_local(begin, static_cast<std::int32_t>(offset));
  period.end = format_local(end, static_cast<std::int32_t>(offset));
  return period;
}

BillingPeriod period_containing(Decimal time, const PeriodInfo& info) {
  const std::int64_t seconds = time.to_int64(RoundingMode::floor).value_or(0) + info.zone_offset;
  const usage::CivilDate date = usage::civil_from_days(usage::day_number(seconds));
  return period_of(date.y, date.m, info);
}

Expected<BillingPeriod, std::string> parse_period(std::string_view text, const PeriodInfo& info) {
  auto digits = [&](std::size_t from, std::size_t count) {
    for (std::size_t i = from; i < from + count; ++i)
      if (text[i] < '0' || text[i] > '9') return false;
    return true;
  };
  const auto year = [&] { return std::stoi(std::string(text.substr(0, 4))); };
  switch (info.kind) {
    case PeriodKind::calendar_quarter:
      if (text.size() != 7 || !digits(0, 4) || text.substr(4, 2) != "-Q" || text[6] < '1' || text[6] > '4')
        return unexpected(fmt::format("`{}` is not a quarter; write it as 2026-Q1", text));
      return period_of(year(), static_cast<unsigned>(text[6] - '1') * 3 + 1, info);
    case PeriodKind::calendar_year:
      if (text.size() != 4 || !digits(0, 4))
        return unexpected(fmt::format("`{}` is not a year; write it as 2026", text));
      return period_of(year(), 1, info);
    default: {
      if (text.size() != 7 || text[4] != '-' || !digits(0, 4) || !digits(5, 2))
        return unexpected(fmt::format("`{}` is not a month; write it as 2026-03", text));
      const int month_number = std::stoi(std::string(text.substr(5, 2)));
      if (month_number < 1 || month_number > 12)
        return unexpected(fmt::format("`{}` has no month {}", text, month_number));
      return period_of(year(), static_cast<unsigned>(month_number), info);
    }
  }
}

}  // namespace tariff
