// Turns the lines a period program emitted into invoice lines: rounding at
// the stage the scheme declares, totals, and explanations.
#pragma once

#include <string>
#include <vector>

#include "bytecode/program.h"
#include "invoice/adjustments.h"
#include "tariff/tariff.h"
#include "vm/vm.h"

namespace tariff {

// Why an account could not be invoiced; `at` is set when a declaration of
// the scheme is to blame.
struct AccountError {
  SourceLocation at;
  std::string message;
};

class InvoiceBuilder {
 public:
  explicit InvoiceBuilder(const Program& program);
  void set_period(std::string start, std::string end);
  // The next account's own period (anniversary months), shown on it.
  void set_account_period(std::string start, std::string end);
  // Accounts must be added in the order they appear on the invoice;
  // `wallets` are the account's prepaid balances for the period.
  Expected<std::monostate, AccountError> add_account(const std::string& account,
                                                    const std::vector<EmittedLine>& lines,
                                                    const CreditFacts& facts = {},
                                                    std::vector<PackageBalance> packages = {},
                                                    const std::vector<WalletEntry>& wallets = {});
  Expected<Invoice, RunError> finish(const ReadCounts& counts);

 private:
  const Program& program_;
  Invoice invoice_;
  std::string account_start_, account_end_;  // for the next add_account
  std::vector<std::uint32_t> charges_;  // of the account's lines, reused
};

}  // namespace tariff
