// Rounding stage semantics:
//   per line    each line's exact amount is rounded to the currency's minor
//               unit in the scheme's mode; the account total is the sum of
//               rounded lines (3 x 10.333333 -> 30.99, vector V49).
//   per invoice lines keep their exact amounts; the account total is the
//               exact sum rounded once.
// Prepaid wallets pay, in the minor unit, from the total so rounded.
// The invoice total is the sum of the account totals.
#include "invoice/invoice_builder.h"

#include <fmt/format.h>

#include "invoice/adjustments.h"

namespace tariff {

InvoiceBuilder::InvoiceBuilder(const Program& program) : program_(program) {
  invoice_.scheme = program.scheme_name;
  invoice_.version = program.version;
  invoice_.currency = program.currency;
  invoice_.minor_digits = program.minor_digits;
}

void InvoiceBuilder::set_period(std::string start, std::string end) {
  invoice_.period_start = std::move(start);
  invoice_.period_end = std::move(end);
}

void InvoiceBuilder::set_account_period(std::string start, std::string end) {
  account_start_ = std::move(start);
  account_end_ = std::move(end);
}

Expected<std::monostate, AccountError> InvoiceBuilder::add_account(
    const std::string& account, const std::vector<EmittedLine>& lines, const CreditFacts& facts,
    std::vector<PackageBalance> packages, const std::vector<WalletEntry>& wallets) {
  const int digits = program_.minor_digits;
  const bool per_line = program_.rounding_stage == RoundingStage::line;
  AccountInvoice out;
  out.account = account;
  out.period_start = std::move(account_start_);
  out.period_end = std::move(account_end_);
  account_start_.clear();
  account_end_.clear();
  out.packages = std::move(packages);
  Decimal exact_total;
  Decimal rounded_total;
  for (const EmittedLine& emitted : lines) {
    const ChargeInfo& charge = program_.charges[emitted.charge];
    InvoiceLine line;
    line.charge = charge.name;
    line.quantity = emitted.quantity;
    line.exact_amount = emitted.amount;
    line.tiers = emitted.tiers;
    if (!charge.description.empty()) line.explain.push_back(charge.description);
    line.explain.push_back(fmt::format("{}: quantity {} -> {}", charge.formula,
                                       emitted.quantity, emitted.amount.normalized()));
    line.explain.insert(line.explain.end(), emitted.explain.begin(), emitted.explain.end());
    if (per_line) {
      auto rounded = emitted.amount.rescale(digits, program_.rounding);
      if (!rounded)
        return unexpected(AccountError{{}, fmt::format("rounding charge \"{}\": {}", charge.name,
                                                       describe(rounded.error()))});
      line.amount = *rounded;
      if (line.amount != line.exact_amount)
        line.explain.push_back(fmt::format("rounded {} to {} decimal places: {}",
                                           to_string(program_.rounding), digits, line.amount));
    } else {
      line.amount = emitted.amount;
    }
    auto exact_sum = add(exact_total, line.exact_amount);
    auto rounded_sum = add(rounded_total, line.amount);
    if (!exact_sum || !rounded_sum)
      return unexpected(AccountError{{}, fmt::format("the total overflows at charge \"{}\"", charge.name)});
    exact_total = *exact_sum;
    rounded_total = *rounded_sum;
    charges_.push_back(emitted.charge);
    out.lines.push_back(std::move(line));
  }
  auto adjusted = apply_adjustments(program_, charges_, out.lines, facts, wallets);
  charges_.clear();
  if (!adjusted) return unexpected(AccountError{adjusted.error().at, adjusted.error().message});
  out.adjustments = std::move(adjusted->adjustments);
  out.wallets = std::move(adjusted->wallets);
  const auto accumulate = [](Decimal& sum, const Decimal& amount) {
    auto next = add(sum, amount);
    if (next) sum = *next;
    return next.has_value();
  };
  Decimal paid;  // by wallets
  for (const Adjustment& adjustment : out.adjustments) {
    if (adjustment.included) continue;
    const bool added = adjustment.kind == to_string(AdjustmentKind::prepaid)
                           ? accumulate(paid, adjustment.amount)
                           : accumulate(exact_total, adjustment.amount) && accumulate(rounded_total, adjustment.amount);
    if (!added)
      return unexpected(AccountError{{}, fmt::format("the total overflows at {} \"{}\"", adjustment.kind,
                                                     adjustment.name)});
  }
  auto due = per_line ? rounded_total.rescale(digits, program_.rounding)
                      : exact_total.rescale(digits, program_.rounding);
  if (!due) return unexpected(AccountError{{}, fmt::format("the account total: {}", describe(due.error()))});
  auto total = add(*due, paid);
  if (!total) return unexpected(AccountError{{}, "the account total overflows"});
  out.total = *total;
  auto invoice_total = add(invoice_.total, out.total);
  if (!invoice_total) return unexpected(AccountError{{}, "the invoice total overflows"});
  invoice_.total = *invoice_total;
  invoice_.accounts.push_back(std::move(out));
  return std::monostate{};
}

Expected<Invoice, RunError> InvoiceBuilder::finish(const ReadCounts& counts) {
  auto total = invoice_.total.rescale(program_.minor_digits, program_.rounding);
  if (!total) return unexpected(RunError{"the invoice total overflows"});
  invoice_.total = *total;
  invoice_.records = counts;
  return std::move(invoice_);
}

}  // namespace tariff
