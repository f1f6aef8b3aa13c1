// Pricing one charge at a chosen quantity: the period program run over
// synthetic meter values, the charge's line taken and rounded as an
// invoice would.
#include <fmt/format.h>

#include "bytecode/program.h"
#include "invoice/invoice_builder.h"
#include "tariff/tariff.h"
#include "vm/vm.h"

namespace tariff {

std::vector<std::string> charge_names(const Program& program) {
  std::vector<std::string> names;
  for (const auto& charge : program.charges) names.push_back(charge.name);
  return names;
}

Expected<ChargePrice, RunError> price_of_charge(const Program& program, std::string_view charge,
                                                Decimal quantity) {
  std::size_t index = program.charges.size();
  for (std::size_t i = 0; i < program.charges.size(); ++i)
    if (program.charges[i].name == charge) index = i;
  if (index == program.charges.size())
    return unexpected(RunError{fmt::format("unknown charge \"{}\"", charge)});
  const ChargeInfo& info = program.charges[index];
  if (!info.meter)
    return unexpected(RunError{fmt::format("charge \"{}\" prices no meter", charge)});
  std::vector<Decimal> values(program.meters.size());
  values[*info.meter] = quantity;
  Frame frame(program);
  std::vector<EmittedLine> lines;
  if (auto ran = run_period(program, values, frame, lines); !ran)
    return unexpected(RunError{ran.error().message});
  InvoiceBuilder builder(program);
  std::vector<EmittedLine> only;
  for (auto& line : lines)
    if (line.charge == index) only.push_back(std::move(line));
  if (auto added = builder.add_account("", only); !added) return unexpected(RunError{added.error().message});
  Invoice invoice = *builder.finish({});
  const InvoiceLine& line = invoice.accounts.at(0).lines.at(0);
  return ChargePrice{line.exact_amount, line.amount, line.explain};
}

}  // namespace tariff
