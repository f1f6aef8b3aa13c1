// CSV output: the invoice with one row per invoice line and per adjustment
// (for spreadsheets and billing databases; an account's total is the SUM
// of its amounts except rows of kind `tax included`), and the rejects file.
#include <fmt/format.h>

#include "support/csv_quote.h"
#include "tariff/tariff.h"

namespace tariff {


std::string format_csv(const Invoice& invoice) {
  std::string out = "account,charge,quantity,exact_amount,amount,currency,kind\n";
  for (const AccountInvoice& account : invoice.accounts) {
    for (const InvoiceLine& line : account.lines)
      out += fmt::format("{},{},{},{},{},{},charge\n", csv_quote(account.account), csv_quote(line.charge),
                         line.quantity, line.exact_amount.normalized(), line.amount, invoice.currency);
    // An adjustment's quantity is the base it was computed on.
    for (const Adjustment& adjustment : account.adjustments)
      out += fmt::format("{},{},{},{},{},{},{}{}\n", csv_quote(account.account), csv_quote(adjustment.name),
                         adjustment.base, adjustment.amount.normalized(), adjustment.amount, invoice.currency,
                         adjustment.kind, adjustment.included ? " included" : "");
  }
  return out;
}

std::string rejects_csv_header() { return "file,line,reason,record\n"; }

std::string format_reject_csv(const Reject& reject) {
  return fmt::format("{},{},{},{}\n", csv_quote(reject.file), reject.line, csv_quote(reject.reason),
                     csv_quote(reject.text));
}

}  // namespace tariff
