// Turns the lines a period program emitted into invoice lines: rounding at
// the stage the scheme declares, totals, and explanations.
#pragma once

#include <string>
#include <vector>

#include "bytecode/program.h"
#include "tariff/tariff.h"
#include "vm/vm.h"

namespace tariff {

class InvoiceBuilder {
 public:
  explicit InvoiceBuilder(const Program& program);
  void set_period(std::string start, std::string end);
  // Accounts must be added in the order they appear on the invoice.
  Expected<std::monostate, std::string> add_account(const std::string& account,
                                                    const std::vector<EmittedLine>& lines);
  Expected<Invoice, RunError> finish(const ReadCounts& counts);

 private:
  const Program& program_;
  Invoice invoice_;
};

}  // namespace tariff
