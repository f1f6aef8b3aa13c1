#include "vm/free_transactions.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "usage/timestamp.h"

namespace tariff {

namespace {

using Transactions = std::vector<std::pair<Decimal, Decimal>>;  // (time, value), in order

// The part of a value an allowance of value can cover: refunds and zero
// amounts take none of it.
Decimal coverable(Decimal value) { return value.sign() > 0 ? value : Decimal(); }

Expected<std::monostate, DecimalError> drop_unreachable(Transactions& kept, const FreeTransactions& terms) {
  Decimal used;  // the values of the transactions before, as the allowance would take them
  std::size_t reachable = 0;
  for (; reachable < kept.size(); ++reachable) {
    if (terms.count && !(Decimal::from_int(static_cast<std::int64_t>(reachable)) < *terms.count)) break;
    if (terms.value && !(used < *terms.value)) break;
    auto sum = add(used, coverable(kept[reachable].second));
    if (!sum) return unexpected(sum.error());
    used = *sum;
  }
  kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(reachable), kept.end());
  return std::monostate{};
}

std::string terms_text(const FreeTransactions& terms) {
  std::string text;
  if (terms.count) text = fmt::format("the first {} transactions", terms.count->normalized());
  if (terms.value) text += fmt::format("{}the first {} of value", text.empty() ? "" : " or ", *terms.value);
  return terms.count && terms.value ? text + ", whichever runs out first" : text;
}

}  // namespace

Expected<std::monostate, DecimalError> add_transaction(MeterSlot& slot, Decimal value, Decimal time,
                                                       const FreeTransactions& terms) {
  Transactions& kept = slot.ensure_extra().points;
  const std::pair<Decimal, Decimal> transaction{time, value};
  kept.insert(std::upper_bound(kept.begin(), kept.end(), transaction), transaction);
  slot.seen = true;
  return drop_unreachable(kept, terms);
}

void merge_transactions(Transactions& into, const Transactions& from) {
  const auto middle = static_cast<std::ptrdiff_t>(into.size());
  into.insert(into.end(), from.begin(), from.end());
  std::inplace_merge(into.begin(), into.begin() + middle, into.end());
}

Expected<Decimal, DecimalError> transaction_fee(const FreeTransactions& terms, Decimal value, RoundingMode mode) {
  auto fee = multiply(value, terms.rate);
  if (!fee && fee.error() == DecimalError::scale_out_of_range)
    fee = multiply_rounded(value, terms.rate, Decimal::kMaxScale, mode);
  if (!fee) return fee;
  if (terms.plus) {
    fee = add(*fee, *terms.plus);
    if (!fee) return fee;
  }
  Decimal held = *fee;
  if (terms.min && held < *terms.min) held = *terms.min;
  if (terms.max && *terms.max < held) held = *terms.max;
  return held;
}

Expected<Decimal, DecimalError> free_allowance_change(const FreeTransactions& terms, const MeterSlot& slot,
                                                      RoundingMode mode, std::vector<std::string>& explain) {
  Decimal change;
  std::optional<Decimal> count_left = terms.count;
  std::optional<Decimal> value_left = terms.value;
  std::int64_t wholly_free = 0;
  std::string partly_free;
  const Transactions none;
  for (const auto& [time, value] : slot.extra ? slot.extra->points : none) {
    if ((count_left && count_left->sign() <= 0) || (value_left && value_left->sign() <= 0)) break;
    Decimal covered = coverable(value);
    if (value_left) {
      covered = std::min(covered, *value_left);
      auto left = subtract(*value_left, covered);
      if (!left) return unexpected(left.error());
      value_left = *left;
    }
    if (count_left) {
      auto left = subtract(*count_left, Decimal::from_int(1));
      if (!left) return unexpected(left.error());
      count_left = *left;
    }
    auto rest = subtract(value, covered);
    auto full = transaction_fee(terms, value, mode);
    if (!rest) return unexpected(rest.error());
    if (!full) return full;
    Decimal fee;  // what the transaction pays after the allowance
    if (rest->sign() > 0) {
      auto billed = transaction_fee(terms, *rest, mode);
      if (!billed) return billed;
      fee = *billed;
      partly_free = fmt::format("; {} of the {} at {} free, {} billed", covered.normalized(), value.normalized(),
                                usage::format_utc(time.to_int64(RoundingMode::floor).value_or(0)),
                                rest->normalized());
    } else {
      ++wholly_free;
    }
    auto difference = subtract(fee, *full);
    if (!difference) return unexpected(difference.error());
    auto sum = add(change, *difference);
    if (!sum) return unexpected(sum.error());
    change = *sum;
  }
  if (!slot.extra || slot.extra->points.empty()) return change;
  explain.push_back(fmt::format("free: {}: {} transaction{} free{}; fees less {}", terms_text(terms), wholly_free,
                                wholly_free == 1 ? "" : "s", partly_free, change.negated().normalized()));
  return change;
}

}  // namespace tariff
