// Pricing one charge at a chosen quantity: the period program run over
// synthetic meter values, the charge's line taken and rounded as an
// invoice would.
#include <fmt/format.h>

#include <algorithm>

#include "api/charge_code.h"
#include "bytecode/program.h"
#include "invoice/invoice_builder.h"
#include "rating/registry_pricer.h"
#include "tariff/tariff.h"
#include "vm/vm.h"

namespace tariff {

namespace {

// Prices the charge's own plugin uses with the loaded plugins and every
// other charge's as 0: their lines are dropped, so their plugins need not
// be loaded nor accept all-zero quantities.
class OneChargePricer final : public PluginPricer {
 public:
  OneChargePricer(const Program& program, const Plugins* plugins, std::vector<std::size_t> uses)
      : registry_(program, plugins), uses_(std::move(uses)) {}

  Expected<std::pair<Decimal, std::vector<std::string>>, std::string> price(
      std::size_t use, const std::vector<Decimal>& quantities) const override {
    if (std::find(uses_.begin(), uses_.end(), use) == uses_.end())
      return std::pair{Decimal(), std::vector<std::string>{}};
    return registry_.price(use, quantities);
  }

 private:
  RegistryPricer registry_;
  std::vector<std::size_t> uses_;
};

}  // namespace

std::vector<std::string> charge_names(const Program& program) {
  std::vector<std::string> names;
  for (const auto& charge : program.charges) names.push_back(charge.name);
  return names;
}

Expected<ChargePrice, RunError> price_of_charge(const Program& program, std::string_view charge,
                                                Decimal quantity, const Plugins* plugins) {
  const auto index = charge_index(program, charge);
  if (!index) return unexpected(RunError{fmt::format("unknown charge \"{}\"", charge)});
  const ChargeInfo& info = program.charges[*index];
  if (!info.meter)
    return unexpected(RunError{fmt::format("charge \"{}\" prices no meter", charge)});
  std::vector<std::size_t> uses;
  if (const auto code = charge_code(program, *index))
    for (std::size_t pc = code->begin; pc < code->line; ++pc)
      if (program.period.code[pc].op == Opcode::PLUGIN) uses.push_back(program.period.code[pc].b);
  for (const std::size_t use : uses) {
    const std::string& kind = program.plugin_uses[use].kind;
    if (!defines_tier_kind(plugins, kind))
      return unexpected(
          RunError{fmt::format("charge \"{}\": {}", charge, missing_tier_kind(plugins, kind))});
  }
  std::vector<Decimal> values(program.meters.size());
  values[*info.meter] = quantity;
  Frame frame(program);
  std::vector<EmittedLine> lines;
  const OneChargePricer pricer(program, plugins, std::move(uses));
  if (auto ran = run_period(program, values, frame, lines, &pricer); !ran)
    return unexpected(
        RunError{fmt::format("charge \"{}\" at {}: {}", charge, quantity, ran.error().message)});
  InvoiceBuilder builder(program);
  std::vector<EmittedLine> only;
  for (auto& line : lines)
    if (line.charge == *index) only.push_back(std::move(line));
  if (auto added = builder.add_account("", only); !added) return unexpected(RunError{added.error().message});
  Invoice invoice = *builder.finish({});
  const InvoiceLine& line = invoice.accounts.at(0).lines.at(0);
  return ChargePrice{line.exact_amount, line.amount, line.explain};
}

}  // namespace tariff
