// The invoice for people: per account an aligned table of lines and then
// adjustments, each followed by its explanation, the account total, then the invoice total
// and the record summary.
#include <fmt/format.h>

#include <algorithm>

#include "support/utf8.h"
#include "tariff/tariff.h"

namespace tariff {

namespace {

// Pads by code points so names in any script line up.
std::string pad_right(const std::string& text, std::size_t width) {
  const std::size_t length = code_point_count(text);
  return length >= width ? text : text + std::string(width - length, ' ');
}

// "VAT (included)": an included tax is shown but not added.
std::string adjustment_label(const Adjustment& adjustment) {
  return adjustment.included ? adjustment.name + " (included)" : adjustment.name;
}

}  // namespace

std::string format_text(const Invoice& invoice) {
  std::string out = fmt::format("{} (version {}), amounts in {}\n", invoice.scheme, invoice.version,
                                invoice.currency);
  if (!invoice.period_start.empty())
    out += fmt::format("Period {} to {}\n", invoice.period_start, invoice.period_end);
  std::size_t name_width = std::string_view("Charge").size();
  std::size_t quantity_width = std::string_view("Quantity").size();
  std::size_t amount_width = std::string_view("Amount").size();
  for (const auto& account : invoice.accounts) {
    for (const auto& line : account.lines) {
      name_width = std::max(name_width, code_point_count(line.charge));
      quantity_width = std::max(quantity_width, line.quantity.to_string().size());
      amount_width = std::max(amount_width, line.amount.to_string().size());
    }
    for (const auto& adjustment : account.adjustments) {
      name_width = std::max(name_width, code_point_count(adjustment_label(adjustment)));
      amount_width = std::max(amount_width, adjustment.amount.to_string().size());
    }
    amount_width = std::max(amount_width, account.total.to_string().size());
  }
  for (const auto& account : invoice.accounts) {
    out += fmt::format("\nAccount {}\n", account.account);
    if (!account.period_start.empty())
      out += fmt::format("  Period {} to {}\n", account.period_start, account.period_end);
    out += fmt::format("  {}  {:>{}}  {:>{}}\n", pad_right("Charge", name_width), "Quantity",
                       quantity_width, "Amount", amount_width);
    for (const auto& line : account.lines) {
      out += fmt::format("  {}  {:>{}}  {:>{}}\n", pad_right(line.charge, name_width),
                         line.quantity.to_string(), quantity_width, line.amount.to_string(),
                         amount_width);
      for (const auto& why : line.explain) out += fmt::format("      {}\n", why);
    }
    for (const auto& adjustment : account.adjustments) {
      out += fmt::format("  {}  {:>{}}  {:>{}}\n", pad_right(adjustment_label(adjustment), name_width), "",
                         quantity_width, adjustment.amount.to_string(), amount_width);
      for (const auto& why : adjustment.explain) out += fmt::format("      {}\n", why);
    }
    out += fmt::format("  {}  {:>{}}  {:>{}}\n", pad_right("Total", name_width), "", quantity_width,
                       account.total.to_string(), amount_width);
    for (const auto& package : account.packages)
      out += fmt::format("  Package {} bought {}, valid to {}: {} at the start, {} used, {} left\n", package.package,
                         package.bought, package.expires, package.start.normalized(), package.used, package.left);
    for (const auto& wallet : account.wallets)
      out += fmt::format("  Wallet {}: {} at the start, {} used, {} left\n", wallet.wallet, wallet.start, wallet.used,
                         wallet.left);
  }
  out += fmt::format("\nTotal for {} account{}: {} {}\n", invoice.accounts.size(),
                     invoice.accounts.size() == 1 ? "" : "s", invoice.total, invoice.currency);
  out += fmt::format("Records: read {}, accepted {}, rejected {}\n", invoice.records.read,
                     invoice.records.accepted, invoice.records.rejected);
  return out;
}

}  // namespace tariff
