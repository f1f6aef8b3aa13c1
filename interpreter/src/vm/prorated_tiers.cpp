#include "vm/prorated_tiers.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "usage/timestamp.h"
#include "vm/tiers.h"

namespace tariff {

namespace {

using Checked = Expected<Decimal, DecimalError>;

Checked unit_price(const TierRow& row, RoundingMode mode) {
  return divide(row.price, row.per, Decimal::kMaxScale, mode);
}

Checked shown(Decimal numerator, Decimal divisor, RoundingMode mode) {
  auto value = divide(numerator, divisor, Decimal::kMaxScale, mode);
  if (!value) return value;
  return value->normalized();
}

// Each row's prorated units (times the divisor): every record's full
// units placed by the running total, weighed by its prorated share.
Expected<std::vector<Decimal>, DecimalError> weigh_by_row(const TierTable& table, const ProratedRecords& in,
                                                          Decimal& total, Decimal& peak, RoundingMode mode) {
  std::vector<Decimal> weighed(table.rows.size());
  for (const ProratedRecord& record : in.records) {
    auto after = add(total, record.full);
    if (!after) return unexpected(after.error());
    if (!record.full.is_zero()) {
      const Decimal low = std::min(total, *after);
      const Decimal high = std::max(total, *after);
      auto share = divide(record.prorated, record.full.sign() < 0 ? record.full.negated() : record.full,
                          Decimal::kMaxScale, mode);
      if (!share) return unexpected(share.error());
      Decimal lower;
      for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const std::optional<Decimal>& upper = table.rows[r].upper;
        const Decimal top = upper ? std::min(high, *upper) : high;
        const Decimal bottom = std::max(low, lower);
        if (bottom < top) {
          auto overlap = subtract(top, bottom);
          auto part = overlap ? multiply_rounded(*overlap, *share, Decimal::kMaxScale, mode) : overlap;
          auto sum = part ? add(weighed[r], *part) : part;
          if (!sum) return unexpected(sum.error());
          weighed[r] = *sum;
        }
        if (!upper) break;
        lower = *upper;
      }
    }
    total = *after;
    peak = std::max(peak, total);
  }
  return weighed;
}

Checked graduated(const TierTable& table, const ProratedRecords& in, Decimal peak,
                  const std::vector<Decimal>& weighed, RoundingMode mode, std::vector<std::string>& explain) {
  Decimal variable;  // times the divisor
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (weighed[r].is_zero()) continue;
    auto price = unit_price(table.rows[r], mode);
    auto amount = price ? multiply_rounded(weighed[r], *price, Decimal::kMaxScale, mode) : price;
    auto sum = amount ? add(variable, *amount) : amount;
    auto units = shown(weighed[r], in.divisor, mode);
    auto priced = amount ? shown(*amount, in.divisor, mode) : amount;
    if (!sum || !units || !priced) return unexpected((!sum ? sum : !units ? units : priced).error());
    variable = *sum;
    explain.push_back(fmt::format("row {}: {} prorated units at {} per {} = {}", r + 1, *units, table.rows[r].price,
                                  table.rows[r].per, *priced));
  }
  auto amount = shown(variable, in.divisor, mode);
  if (!amount) return amount;
  Decimal fees;
  std::string entered;
  Decimal lower;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (r > 0 && !(lower < peak)) break;
    if (!table.rows[r].fee.is_zero()) {
      auto sum = add(fees, table.rows[r].fee);
      if (!sum) return sum;
      fees = *sum;
      entered += fmt::format("{}{}", entered.empty() ? "" : " + ", table.rows[r].fee);
    }
    if (!table.rows[r].upper) break;
    lower = *table.rows[r].upper;
  }
  if (!entered.empty()) explain.push_back(fmt::format("flat fees of the rows reached (highest total {}): {}", peak.normalized(), entered));
  return add(*amount, fees);
}

Checked volume(const TierTable& table, const ProratedRecords& in, Decimal total, RoundingMode mode,
               std::vector<std::string>& explain) {
  const std::size_t r = row_of(table, total);
  const TierRow& row = table.rows[r];
  Decimal prorated;
  for (const ProratedRecord& record : in.records) {
    auto sum = add(prorated, record.prorated);
    if (!sum) return sum;
    prorated = *sum;
  }
  auto price = unit_price(row, mode);
  auto amount = price ? multiply_rounded(prorated, *price, Decimal::kMaxScale, mode) : price;
  auto variable = amount ? shown(*amount, in.divisor, mode) : amount;
  auto units = shown(prorated, in.divisor, mode);
  if (!variable || !units) return !variable ? variable : units;
  explain.push_back(fmt::format("row {} (total {}): {} prorated units at {} per {} = {}{}", r + 1,
                                total.normalized(), *units, row.price, row.per, *variable,
                                row.fee.is_zero() ? "" : fmt::format(", plus the row's fee {}", row.fee)));
  return add(*variable, row.fee);
}

}  // namespace

Expected<ProratedRecords, DecimalError> prorated_records(const MeterSlot& slot, const PeriodBounds& period,
                                                         std::int32_t zone_offset) {
  ProratedRecords out;
  const std::int64_t first = usage::local_day(period.start, zone_offset);
  const std::int64_t last = usage::local_day(period.end, zone_offset) - 1;  // the end is exclusive
  out.divisor = Decimal::from_int(std::max<std::int64_t>(last - first + 1, 1));
  if (!slot.extra) return out;
  auto points = slot.extra->points;
  std::sort(points.begin(), points.end());
  for (const auto& [time, value] : points) {
    const std::int64_t left = std::clamp<std::int64_t>(last - usage::local_day(time, zone_offset) + 1, 0, last - first + 1);
    auto prorated = multiply(value, Decimal::from_int(left));
    if (!prorated) return unexpected(prorated.error());
    out.records.push_back(ProratedRecord{value, *prorated});
  }
  return out;
}

Expected<Decimal, DecimalError> price_prorated(const TierTable& table, const ProratedRecords& records,
                                               RoundingMode mode, std::vector<std::string>& explain) {
  if (table.rows.empty() || (records.records.empty() && table.free_when_unused)) return Decimal();
  Decimal total;
  Decimal peak;
  auto weighed = weigh_by_row(table, records, total, peak, mode);
  if (!weighed) return unexpected(weighed.error());
  explain.push_back(fmt::format("each record prorated by its days left of the period's {}: {} record{}, {} at the end",
                                records.divisor,
                                records.records.size(), records.records.size() == 1 ? "" : "s", total.normalized()));
  if (total.is_negative()) {
    explain.push_back("below zero at the end: nothing billed");
    return Decimal();
  }
  auto amount = table.model == TierModel::volume ? volume(table, records, total, mode, explain)
                                                 : graduated(table, records, peak, *weighed, mode, explain);
  if (!amount || !amount->is_negative()) return amount;
  explain.push_back("a negative amount bills nothing");
  return Decimal();
}

}  // namespace tariff
