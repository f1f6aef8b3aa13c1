// The price curve of one charge: its amount at evenly spaced quantities
// and at every tier boundary, and the marginal price per unit between
// them. All exact; only the SVG writer maps values to pixels.
#include <fmt/format.h>

#include <algorithm>

#include "api/charge_code.h"
#include "bytecode/program.h"
#include "tariff/tariff.h"

namespace tariff {

namespace {

constexpr std::uint32_t kMaxSteps = 10'000;
// Scale of the marginal price per unit.
constexpr int kMarginalScale = 12;

RunError decimal_error(std::string_view what, DecimalError error) {
  return RunError{fmt::format("{}: {}", what, describe(error))};
}

// 10^-digits, the smallest step at that scale.
Decimal ulp(int digits) { return *Decimal::from_parts(1, std::clamp(digits, 0, Decimal::kMaxScale)); }

}  // namespace

Expected<std::vector<Decimal>, RunError> tier_boundaries(const Program& program,
                                                         std::string_view charge) {
  const auto index = charge_index(program, charge);
  if (!index) return unexpected(RunError{fmt::format("unknown charge \"{}\"", charge)});
  // A graduated or volume charge's amount comes from the TIERS instruction
  // that wrote its LINE's amount register. A plugin tier kind's table is
  // plain cells whose meaning only the plugin knows: no bounds.
  std::vector<Decimal> bounds;
  const auto code = charge_code(program, *index);
  if (!code) return bounds;
  const Instruction& line = program.period.code[code->line];
  std::optional<std::uint16_t> table;
  for (std::size_t pc = code->begin; pc < code->line; ++pc) {
    const Instruction& instruction = program.period.code[pc];
    if (instruction.op == Opcode::TIERS && instruction.a == line.c) table = instruction.c;
  }
  if (table && *table < program.tier_tables.size())
    for (const TierRow& row : program.tier_tables[*table].rows)
      if (row.upper) bounds.push_back(*row.upper);
  return bounds;
}

Expected<PriceCurve, RunError> price_curve(const Program& program, std::string_view charge,
                                           Decimal from, Decimal to, std::uint32_t steps,
                                           const Plugins* plugins) {
  const auto index = charge_index(program, charge);
  if (!index) return unexpected(RunError{fmt::format("unknown charge \"{}\"", charge)});
  const ChargeInfo& info = program.charges[*index];
  if (!info.meter) return unexpected(RunError{fmt::format("charge \"{}\" prices no meter", charge)});
  if (!(from < to))
    return unexpected(RunError{fmt::format("the range must go up: from {} to {}", from, to)});
  if (steps < 1 || steps > kMaxSteps)
    return unexpected(RunError{fmt::format("steps must be 1 to {}, not {}", kMaxSteps, steps)});

  PriceCurve curve;
  curve.scheme = program.scheme_name;
  curve.version = program.version;
  curve.currency = program.currency;
  curve.charge = info.name;
  curve.meter = *info.meter < program.meters.size() ? program.meters[*info.meter].name : "";
  curve.from = from;
  curve.to = to;

  // Evenly spaced quantities, a few digits finer than the range's ends.
  const int sample_scale = std::min(Decimal::kMaxScale, std::max(from.scale(), to.scale()) + 4);
  auto span = subtract(to, from);
  if (!span) return unexpected(decimal_error("the range", span.error()));
  std::vector<Decimal> quantities;
  for (std::uint32_t i = 0; i <= steps; ++i) {
    auto part = multiply(*span, Decimal::from_int(i));
    if (!part) return unexpected(decimal_error("sampling", part.error()));
    auto offset = divide(*part, Decimal::from_int(steps), sample_scale, RoundingMode::half_even);
    if (!offset) return unexpected(decimal_error("sampling", offset.error()));
    auto quantity = i == steps ? Expected<Decimal, DecimalError>(to) : add(from, *offset);
    if (!quantity) return unexpected(decimal_error("sampling", quantity.error()));
    quantities.push_back(quantity->normalized());
  }
  // Each boundary b in range, and b + 10^-k just above it: a jump at the
  // boundary (volume tiers, a row's flat fee) lies between the two.
  auto bounds = tier_boundaries(program, charge);
  if (!bounds) return unexpected(std::move(bounds).error());
  std::vector<std::pair<Decimal, Decimal>> jumps;
  for (const Decimal& bound : *bounds) {
    if (bound < from || bound > to) continue;
    curve.boundaries.push_back(bound);
    quantities.push_back(bound);
    if (bound == to) continue;
    auto above = add(bound, ulp(std::max(sample_scale, bound.scale()) + 2));
    if (!above) return unexpected(decimal_error("sampling", above.error()));
    if (*above < to) {
      quantities.push_back(*above);
      jumps.emplace_back(bound, *above);
    }
  }
  std::sort(quantities.begin(), quantities.end());
  quantities.erase(std::unique(quantities.begin(), quantities.end()), quantities.end());

  for (const Decimal& quantity : quantities) {
    auto price = price_of_charge(program, charge, quantity, plugins);
    if (!price) return unexpected(std::move(price).error());
    curve.points.push_back(CurvePoint{quantity, price->exact_amount, price->amount});
  }
  for (std::size_t i = 0; i + 1 < curve.points.size(); ++i) {
    const CurvePoint& a = curve.points[i];
    const CurvePoint& b = curve.points[i + 1];
    const bool across_jump = std::any_of(jumps.begin(), jumps.end(), [&](const auto& jump) {
      return jump.first == a.quantity && jump.second == b.quantity;
    });
    if (across_jump) continue;
    auto rise = subtract(b.exact_amount, a.exact_amount);
    if (!rise) return unexpected(decimal_error("marginal price", rise.error()));
    auto run = subtract(b.quantity, a.quantity);
    if (!run) return unexpected(decimal_error("marginal price", run.error()));
    auto price = divide(*rise, *run, kMarginalScale, RoundingMode::half_even);
    if (!price) return unexpected(decimal_error("marginal price", price.error()));
    curve.marginal.push_back(MarginalStep{a.quantity, b.quantity, price->normalized()});
  }
  return curve;
}

}  // namespace tariff
