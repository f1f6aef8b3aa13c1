// Comparing invoices of the same usage: several schemes side by side
// (compare_invoices), or the old and the new version of one (what_if).
// Amounts are the invoices' own, as billed; every difference is exact.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "tariff/tariff.h"

namespace tariff {

namespace {

// An amount at the currency's minor digits (0 becomes 0.00), exact: the
// invoice already rounded it, so extending the scale loses nothing.
Expected<Decimal, RunError> at_minor(Decimal amount, std::uint8_t minor_digits) {
  const int scale = std::max(static_cast<int>(minor_digits), amount.scale());
  auto rescaled = amount.rescale(scale, RoundingMode::half_up);
  if (!rescaled) return unexpected(RunError{fmt::format("amount {}: {}", amount, describe(rescaled.error()))});
  return *rescaled;
}

Expected<Decimal, RunError> minus(Decimal a, Decimal b) {
  auto result = subtract(a, b);
  if (!result) return unexpected(RunError{fmt::format("{} - {}: {}", a, b, describe(result.error()))});
  return *result;
}

// All invoices in one currency, or the error naming the first that differs.
Expected<std::monostate, RunError> same_currency(const std::vector<const Invoice*>& invoices) {
  for (const Invoice* invoice : invoices) {
    if (invoice->currency != invoices.front()->currency)
      return unexpected(RunError{fmt::format(
          "cannot compare amounts in different currencies: {} (version {}) bills in {}, {} "
          "(version {}) in {}",
          invoices.front()->scheme, invoices.front()->version, invoices.front()->currency,
          invoice->scheme, invoice->version, invoice->currency)});
  }
  return std::monostate{};
}

// Each account's total per invoice: account id -> (invoice index -> total).
std::map<std::string, std::map<std::size_t, Decimal>> totals_by_account(
    const std::vector<const Invoice*>& invoices) {
  std::map<std::string, std::map<std::size_t, Decimal>> totals;  // std::less: bytewise
  for (std::size_t i = 0; i < invoices.size(); ++i)
    for (const AccountInvoice& account : invoices[i]->accounts) totals[account.account][i] = account.total;
  return totals;
}

// Fills differences and `cheapest` from the amounts: the first lowest wins.
Expected<std::monostate, RunError> settle(CostRow& row) {
  row.cheapest = 0;
  for (std::size_t i = 1; i < row.costs.size(); ++i)
    if (row.costs[i].amount < row.costs[row.cheapest].amount) row.cheapest = i;
  for (SchemeCost& cost : row.costs) {
    auto difference = minus(cost.amount, row.costs[row.cheapest].amount);
    if (!difference) return unexpected(std::move(difference).error());
    cost.difference = *difference;
  }
  return std::monostate{};
}

// change / before x 100, exact and then rounded half up to 2 places.
Expected<std::optional<Decimal>, RunError> percent_of(Decimal change, Decimal before) {
  if (before.is_zero()) return std::optional<Decimal>{};
  auto hundredfold = multiply(change, Decimal::from_int(100));
  if (!hundredfold) return unexpected(RunError{fmt::format("{} x 100: {}", change, describe(hundredfold.error()))});
  auto percent = divide(*hundredfold, before, 2, RoundingMode::half_up);
  if (!percent) return unexpected(RunError{fmt::format("{} / {}: {}", *hundredfold, before, describe(percent.error()))});
  return std::optional<Decimal>{*percent};
}

Expected<AccountChange, RunError> change_of(std::string account, Decimal before, Decimal after) {
  AccountChange change{std::move(account), before, after, {}, std::nullopt};
  auto difference = minus(after, before);
  if (!difference) return unexpected(std::move(difference).error());
  change.change = *difference;
  auto percent = percent_of(change.change, before);
  if (!percent) return unexpected(std::move(percent).error());
  change.percent = *percent;
  return change;
}

}  // namespace

Expected<Comparison, RunError> compare_invoices(const std::vector<Invoice>& invoices) {
  if (invoices.empty()) return unexpected(RunError{"nothing to compare: no invoices"});
  std::vector<const Invoice*> all;
  for (const Invoice& invoice : invoices) all.push_back(&invoice);
  if (auto same = same_currency(all); !same) return unexpected(std::move(same).error());
  const std::uint8_t minor = invoices.front().minor_digits;
  auto zero = at_minor(Decimal(), minor);
  if (!zero) return unexpected(std::move(zero).error());

  Comparison comparison;
  comparison.currency = invoices.front().currency;
  comparison.minor_digits = minor;
  for (const auto& [account, totals] : totals_by_account(all)) {
    CostRow row{account, std::vector<SchemeCost>(invoices.size(), SchemeCost{*zero, *zero, false}), 0};
    for (const auto& [index, total] : totals) {
      auto amount = at_minor(total, minor);
      if (!amount) return unexpected(std::move(amount).error());
      row.costs[index] = SchemeCost{*amount, *zero, true};
    }
    if (auto settled = settle(row); !settled) return unexpected(std::move(settled).error());
    comparison.accounts.push_back(std::move(row));
  }
  comparison.total.costs.assign(invoices.size(), SchemeCost{*zero, *zero, true});
  for (std::size_t i = 0; i < invoices.size(); ++i) {
    auto amount = at_minor(invoices[i].total, minor);
    if (!amount) return unexpected(std::move(amount).error());
    comparison.total.costs[i].amount = *amount;
  }
  if (auto settled = settle(comparison.total); !settled) return unexpected(std::move(settled).error());
  return comparison;
}

Expected<WhatIf, RunError> what_if(const Invoice& before, const Invoice& after) {
  const std::vector<const Invoice*> both{&before, &after};
  if (auto same = same_currency(both); !same) return unexpected(std::move(same).error());
  const std::uint8_t minor = before.minor_digits;
  auto zero = at_minor(Decimal(), minor);
  if (!zero) return unexpected(std::move(zero).error());

  WhatIf result;
  result.currency = before.currency;
  result.minor_digits = minor;
  for (const auto& [account, totals] : totals_by_account(both)) {
    Decimal amounts[2] = {*zero, *zero};
    for (const auto& [index, total] : totals) {
      auto amount = at_minor(total, minor);
      if (!amount) return unexpected(std::move(amount).error());
      amounts[index] = *amount;
    }
    auto change = change_of(account, amounts[0], amounts[1]);
    if (!change) return unexpected(std::move(change).error());
    if (change->change.is_zero())
      ++result.unchanged;
    else
      (change->change.is_negative() ? result.less : result.more).push_back(std::move(*change));
  }
  // The largest change first; equal changes keep the bytewise account order
  // they were collected in.
  const auto larger = [](const AccountChange& a, const AccountChange& b) {
    return compare(a.change.abs(), b.change.abs()) > 0;
  };
  std::stable_sort(result.more.begin(), result.more.end(), larger);
  std::stable_sort(result.less.begin(), result.less.end(), larger);

  auto total_before = at_minor(before.total, minor);
  if (!total_before) return unexpected(std::move(total_before).error());
  auto total_after = at_minor(after.total, minor);
  if (!total_after) return unexpected(std::move(total_after).error());
  auto total = change_of("", *total_before, *total_after);
  if (!total) return unexpected(std::move(total).error());
  result.total = std::move(*total);
  return result;
}

}  // namespace tariff
