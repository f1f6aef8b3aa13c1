// Tier evaluation for the TIERS instruction.
#include "vm/tiers.h"

#include <fmt/format.h>

namespace tariff {

namespace {

// quantity x price / per, exact whenever the division is; with blocks,
// whole blocks of `per` (rounded the table's way) x price.
Expected<Decimal, DecimalError> cost(Decimal quantity, const TierRow& row, const TierTable& table,
                                     RoundingMode mode) {
  if (table.blocks) {
    auto count = divide(quantity, row.per, 0, *table.blocks);
    if (!count) return count;
    return multiply(*count, row.price);
  }
  auto product = multiply(quantity, row.price);
  if (!product) return product;
  if (row.per == Decimal::from_int(1)) return product;
  auto divided = divide(*product, row.per, Decimal::kMaxScale, mode);
  if (!divided) return divided;
  return divided->normalized();
}

std::string describe_row(const TierTable& table, std::size_t index) {
  const TierRow& row = table.rows[index];
  const Decimal lower = index == 0 ? Decimal() : *table.rows[index - 1].upper;
  if (!row.upper) return fmt::format("tier {} (above {})", index + 1, lower);
  return fmt::format("tier {} ({} to {})", index + 1, lower, *row.upper);
}

std::string describe_price(const TierRow& row) {
  if (row.per == Decimal::from_int(1)) return fmt::format("{}", row.price);
  return fmt::format("{} per {}", row.price, row.per);
}

// "4325 (5 started blocks of 1000)" or "4325"
std::string describe_units(const TierTable& table, const TierRow& row, Decimal units) {
  if (!table.blocks || row.per == Decimal::from_int(1)) return fmt::format("{}", units);
  auto divided = divide(units, row.per, 0, *table.blocks);
  const Decimal count = divided ? *divided : Decimal();
  return fmt::format("{} ({} {} block{} of {})", units, count,
                     *table.blocks == RoundingMode::floor ? "whole" : "started",
                     count == Decimal::from_int(1) ? "" : "s", row.per);
}

}  // namespace

std::size_t row_of(const TierTable& table, Decimal quantity) {
  std::size_t index = 0;
  while (index + 1 < table.rows.size() && table.rows[index].upper && quantity > *table.rows[index].upper) ++index;
  return index;
}

Expected<Decimal, DecimalError> price_through_tiers(const TierTable& table, Decimal quantity,
                                                    RoundingMode mode,
                                                    std::vector<std::string>& explain,
                                                    std::vector<TierShare>* shares) {
  if (table.free_when_unused && quantity.is_zero()) {
    explain.push_back("no usage: nothing charged (if used)");
    return Decimal();
  }
  Decimal total;
  // Adds `units` of row `index` at its price, plus its fee, and says so.
  auto charge_row = [&](std::size_t index, Decimal units,
                        std::string_view label) -> Expected<std::monostate, DecimalError> {
    const TierRow& row = table.rows[index];
    auto amount = cost(units, row, table, mode);
    if (!amount) return unexpected(amount.error());
    auto sum = add(total, *amount);
    if (!sum) return unexpected(sum.error());
    auto with_fee = add(*sum, row.fee);
    if (!with_fee) return unexpected(with_fee.error());
    total = *with_fee;
    if (shares) {
      auto share = add(*amount, row.fee);
      if (!share) return unexpected(share.error());
      shares->push_back(TierShare{static_cast<std::uint32_t>(index + 1), share->normalized()});
    }
    std::string text = fmt::format("{}{}: {}{} at {} = {}", label, describe_row(table, index),
                                   table.model == TierModel::volume ? "all " : "",
                                   describe_units(table, row, units), describe_price(row), amount->normalized());
    if (!row.fee.is_zero()) text += fmt::format(", flat fee {}", row.fee);
    explain.push_back(std::move(text));
    return std::monostate{};
  };
  if (table.model == TierModel::volume || table.model == TierModel::band) {
    const std::size_t index = row_of(table, quantity);
    if (table.model == TierModel::volume) {
      if (auto charged = charge_row(index, quantity, "volume "); !charged) return unexpected(charged.error());
      return total;
    }
    // A band's price applies to what lies above its lower bound.
    const Decimal lower = index == 0 ? Decimal() : *table.rows[index - 1].upper;
    auto above = subtract(quantity, lower);
    if (!above) return above;
    if (auto charged = charge_row(index, *above, "band "); !charged) return unexpected(charged.error());
    return total;
  }
  Decimal lower;
  for (std::size_t index = 0; index < table.rows.size(); ++index) {
    const TierRow& row = table.rows[index];
    if (index > 0 && quantity <= lower) break;  // the first row is always entered
    auto above_lower = subtract(quantity, lower);
    if (!above_lower) return above_lower;
    Decimal in_row = above_lower->sign() < 0 ? Decimal() : *above_lower;
    if (row.upper) {
      auto width = subtract(*row.upper, lower);
      if (!width) return width;
      if (in_row > *width) in_row = *width;
    }
    if (auto charged = charge_row(index, in_row, ""); !charged) return unexpected(charged.error());
    if (!row.upper) break;
    lower = *row.upper;
  }
  return total;
}

}  // namespace tariff
