// CSV output: the invoice with one row per invoice line (for spreadsheets
// and billing databases; totals are left to the reader's SUM), and the
// rejects file.
#include <fmt/format.h>

#include "support/csv_quote.h"
#include "tariff/tariff.h"

namespace tariff {


std::string format_csv(const Invoice& invoice) {
  std::string out = "account,charge,quantity,exact_amount,amount,currency\n";
  for (const AccountInvoice& account : invoice.accounts)
    for (const InvoiceLine& line : account.lines)
      out += fmt::format("{},{},{},{},{},{}\n", csv_quote(account.account), csv_quote(line.charge),
                         line.quantity, line.exact_amount.normalized(), line.amount, invoice.currency);
  return out;
}

std::string rejects_csv_header() { return "file,line,reason,record\n"; }

std::string format_reject_csv(const Reject& reject) {
  return fmt::format("{},{},{},{}\n", csv_quote(reject.file), reject.line, csv_quote(reject.reason),
                     csv_quote(reject.text));
}

}  // namespace tariff
