// The listing is driven by the operand kinds in opcodes.def: no per-opcode
// code here.
#include "bytecode/disassembler.h"

#include <fmt/format.h>

namespace tariff {

std::string_view to_string(MeterKind kind) noexcept {
  switch (kind) {
    case MeterKind::sum: return "sum";
    case MeterKind::count: return "count";
    case MeterKind::max: return "max";
    case MeterKind::min: return "min";
    case MeterKind::distinct: return "distinct";
    case MeterKind::latest: return "latest";
    case MeterKind::average: return "average";
    case MeterKind::weighted_sum: return "weighted_sum";
    case MeterKind::intervals: return "intervals";
    case MeterKind::free_transactions: return "free_transactions";
    case MeterKind::events: return "events";
  }
  return "?";
}

std::string_view to_string(TierModel model) noexcept {
  switch (model) {
    case TierModel::graduated: return "graduated";
    case TierModel::volume: return "volume";
    case TierModel::band: return "band";
  }
  return "?";
}

std::string_view to_string(AdjustmentKind kind) noexcept {
  switch (kind) {
    case AdjustmentKind::minimum: return "minimum";
    case AdjustmentKind::cap: return "cap";
    case AdjustmentKind::discount: return "discount";
    case AdjustmentKind::tax: return "tax";
    case AdjustmentKind::prepaid: return "prepaid";
  }
  return "?";
}

std::string_view to_string(LineSource source) noexcept {
  switch (source) {
    case LineSource::usage: return "usage";
    case LineSource::plan_fee: return "plan fee";
    case LineSource::plan_seats: return "plan seats";
    case LineSource::package: return "package";
  }
  return "?";
}

std::string_view to_string(PlanKind kind) noexcept {
  return kind == PlanKind::edition ? "edition" : "module";
}

std::string_view to_string(ValidityUnit unit) noexcept {
  switch (unit) {
    case ValidityUnit::day: return "days";
    case ValidityUnit::month: return "months";
    case ValidityUnit::year: return "years";
  }
  return "?";
}

std::string_view to_string(RoundingStage stage) noexcept {
  return stage == RoundingStage::line ? "line" : "invoice";
}

namespace {

std::string operand(const Program& p, OperandKind kind, unsigned value) {
  switch (kind) {
    case OperandKind::NONE: return {};
    case OperandKind::REG: return fmt::format("r{}", value);
    case OperandKind::CONST:
      return value < p.constants.size() ? fmt::format("k{}({})", value, p.constants[value])
                                        : fmt::format("k{}", value);
    case OperandKind::STR:
      return value < p.strings.size() ? fmt::format("s{}(\"{}\")", value, p.strings[value])
                                      : fmt::format("s{}", value);
    case OperandKind::NFIELD:
    case OperandKind::TFIELD:
      return value < p.usage.columns.size()
                 ? fmt::format("f{}({})", value, p.usage.columns[value].name)
                 : fmt::format("f{}", value);
    case OperandKind::METER:
    case OperandKind::SUMMETER:
    case OperandKind::COUNTMETER:
    case OperandKind::MAXMETER:
    case OperandKind::MINMETER:
    case OperandKind::DISTMETER:
    case OperandKind::LASTMETER:
    case OperandKind::AVGMETER:
    case OperandKind::WSUMMETER:
    case OperandKind::SPANMETER:
    case OperandKind::FREEMETER:
    case OperandKind::EVMETER:
    case OperandKind::WINMETER:
      return value < p.meters.size() ? fmt::format("m{}({})", value, p.meters[value].name)
                                     : fmt::format("m{}", value);
    case OperandKind::CHARGE:
      return value < p.charges.size() ? fmt::format("c{}(\"{}\")", value, p.charges[value].name)
                                      : fmt::format("c{}", value);
    case OperandKind::TABLE: return fmt::format("t{}", value);
    case OperandKind::CLASS:
      return value < p.classes.size() ? fmt::format("class{}({})", value, p.classes[value].name)
                                      : fmt::format("class{}", value);
    case OperandKind::PLUGINUSE:
      return value < p.plugin_uses.size() ? fmt::format("u{}({})", value, p.plugin_uses[value].kind)
                                          : fmt::format("u{}", value);
    case OperandKind::ALLOWANCE:
      return value < p.allowances.size() ? fmt::format("a{}({})", value, p.allowances[value].name)
                                         : fmt::format("a{}", value);
    case OperandKind::TARGET: return fmt::format("@{}", value);
    case OperandKind::ROUND: {
      const auto mode = rounding_mode_bits(static_cast<std::uint8_t>(value));
      const auto scale = rounding_scale_bits(static_cast<std::uint8_t>(value));
      return mode < kRoundingModeCount
                 ? fmt::format("{}/{}", to_string(static_cast<RoundingMode>(mode)), scale)
                 : fmt::format("round?{}", value);
    }
  }
  return "?";
}

void chunk(std::string& out, const Program& p, std::string_view title, const Chunk& c) {
  out += fmt::format("{} program: {} instructions, {} registers\n", title, c.code.size(), c.registers);
  for (std::size_t pc = 0; pc < c.code.size(); ++pc) {
    const Instruction& ins = c.code[pc];
    if (static_cast<std::size_t>(ins.op) >= kOpcodeCount) {
      out += fmt::format("{:4}  <bad opcode {}>\n", pc, static_cast<unsigned>(ins.op));
      continue;
    }
    const OpcodeInfo& op = info(ins.op);
    const unsigned values[4] = {ins.a, ins.b, ins.c, ins.d};
    std::string operands;
    for (std::size_t i = 0; i < 4; ++i) {
      if (op.operands[i] == OperandKind::NONE) continue;
      if (!operands.empty()) operands += ' ';
      operands += operand(p, op.operands[i], values[i]);
    }
    std::string where;
    if (pc < c.locations.size() && c.locations[pc].line != 0)
      where = fmt::format("  ; line {}:{}", c.locations[pc].line, c.locations[pc].column);
    out += fmt::format("{:4}  {:<7} {:<34} ; {}{}\n", pc, op.name, operands, op.semantics, where);
  }
}

}  // namespace

std::string disassemble(const Program& p) {
  std::string out = fmt::format("scheme \"{}\" version \"{}\" currency {} ({} minor digits), rounding {} per {}\n",
                                p.scheme_name, p.version, p.currency, p.minor_digits,
                                to_string(p.rounding), to_string(p.rounding_stage));
  for (std::size_t i = 0; i < p.constants.size(); ++i)
    out += fmt::format("  k{} = {}\n", i, p.constants[i]);
  for (std::size_t i = 0; i < p.strings.size(); ++i)
    out += fmt::format("  s{} = \"{}\"\n", i, p.strings[i]);
  if (p.billing_period.kind != PeriodKind::none)
    out += fmt::format("  period: {}, zone offset {} s\n",
                       p.billing_period.kind == PeriodKind::calendar_month       ? "calendar month"
                       : p.billing_period.kind == PeriodKind::calendar_quarter   ? "calendar quarter"
                       : p.billing_period.kind == PeriodKind::anniversary_month ? "anniversary month"
                                                                                 : "calendar year",
                       p.billing_period.zone_offset);
  for (std::size_t i = 0; i < p.meters.size(); ++i) {
    const MeterInfo& meter = p.meters[i];
    out += fmt::format("  m{} = {} {}", i, to_string(meter.kind), meter.name);
    for (std::size_t w = 0; w < meter.windows.size(); ++w) {
      const MeterWindow& window = meter.windows[w];
      out += fmt::format(" | {} over {}", to_string(window.reduce),
                         window.kind == WindowKind::day ? std::string("days")
                         : window.column < p.usage.columns.size() ? p.usage.columns[window.column].name
                                                                   : fmt::format("f{}", window.column));
    }
    for (std::size_t level = 0; level < meter.conversions.size(); ++level) {
      const auto& c = meter.conversions[level];
      if (!c) continue;
      out += fmt::format(" | level {} x {} / {}", level, c->from_size, c->to_size);
      if (c->rounding) out += fmt::format(" rounded {}", to_string(*c->rounding));
    }
    if (const auto& free = meter.free) {
      out += fmt::format(" | rate {}", free->rate);
      const std::pair<const char*, const std::optional<Decimal>*> terms[] = {
          {"plus", &free->plus}, {"min", &free->min}, {"max", &free->max},
          {"free transactions", &free->count}, {"free value", &free->value}};
      for (const auto& [word, term] : terms)
        if (*term) out += fmt::format(" {} {}", word, **term);
    }
    out += "\n";
  }
  for (std::size_t i = 0; i < p.charges.size(); ++i) {
    const ChargeInfo& charge = p.charges[i];
    out += fmt::format("  c{} = \"{}\": {}", i, charge.name, charge.formula);
    if (charge.source != LineSource::usage) out += fmt::format(" | {}", to_string(charge.source));
    if (charge.owner)
      out += fmt::format(charge.source == LineSource::package ? " of a{}" : " of plan{}", *charge.owner);
    out += "\n";
  }
  for (std::size_t i = 0; i < p.tier_tables.size(); ++i) {
    const TierTable& table = p.tier_tables[i];
    out += fmt::format("  t{} = {}", i, to_string(table.model));
    if (table.blocks) out += fmt::format(" by blocks rounded {}", to_string(*table.blocks));
    if (table.free_when_unused) out += " if used";
    for (const TierRow& row : table.rows) {
      out += row.upper ? fmt::format(" | up to {}", *row.upper) : std::string(" | above");
      out += fmt::format(" at {}", row.price);
      if (row.per != Decimal::from_int(1)) out += fmt::format(" per {}", row.per);
      if (!row.fee.is_zero()) out += fmt::format(" flat {}", row.fee);
    }
    out += "\n";
  }
  for (std::size_t i = 0; i < p.classes.size(); ++i) {
    const ClassTable& cls = p.classes[i];
    out += fmt::format("  class{} = {}(f{})", i, cls.name, cls.column);
    for (std::size_t b = 0; b < cls.bands.size(); ++b)
      out += b < cls.bounds.size() ? fmt::format(" | {} <= {}", cls.bands[b], cls.bounds[b])
                                   : fmt::format(" | {} otherwise", cls.bands[b]);
    out += "\n";
  }
  for (std::size_t i = 0; i < p.allowances.size(); ++i) {
    const AllowanceInfo& allowance = p.allowances[i];
    out += fmt::format("  a{} = {} {}", i, allowance.name, allowance.amount);
    for (const auto& draw : allowance.draws)
      out += fmt::format(" | m{} * {}", draw.meter, draw.ratio);
    if (const auto& package = allowance.package)
      out += fmt::format(" | package for {}, valid {} {}, line c{}", package->price, package->validity,
                         to_string(package->unit), package->charge);
    out += "\n";
  }
  for (std::size_t i = 0; i < p.plans.size(); ++i) {
    const PlanInfo& plan = p.plans[i];
    out += fmt::format("  plan{} = {} {}", i, to_string(plan.kind), plan.name);
    if (plan.monthly_fee) out += fmt::format(" | fee {} monthly", *plan.monthly_fee);
    if (plan.annual_fee) out += fmt::format(" | fee {} annual", *plan.annual_fee);
    if (plan.monthly_seat) out += fmt::format(" | seat {} monthly", *plan.monthly_seat);
    if (plan.annual_seat) out += fmt::format(" | seat {} annual", *plan.annual_seat);
    if (!plan.minimum_seats.is_zero()) out += fmt::format(" | minimum seats {}", plan.minimum_seats);
    if (plan.whole_months) out += " | whole months";
    for (const auto& [allowance, amount] : plan.includes) out += fmt::format(" | includes a{} {}", allowance, amount);
    if (plan.fee_charge) out += fmt::format(" | fee line c{}", *plan.fee_charge);
    if (plan.seat_charge) out += fmt::format(" | seat line c{}", *plan.seat_charge);
    out += "\n";
  }
  for (std::size_t i = 0; i < p.plugin_uses.size(); ++i) {
    const PluginUse& use = p.plugin_uses[i];
    out += fmt::format("  u{} = plugin kind {} of", i, use.kind);
    for (auto meter : use.meters) out += fmt::format(" m{}", meter);
    for (const auto& [name, value] : use.params) out += fmt::format(" {}={}", name, value);
    out += fmt::format(", {} rows\n", use.rows.size());
  }
  for (std::size_t i = 0; i < p.adjustments.size(); ++i) {
    const AdjustmentInfo& adjustment = p.adjustments[i];
    out += fmt::format("  j{} = {} \"{}\"", i, to_string(adjustment.kind), adjustment.name);
    // A wallet's balance is the account's (accounts file), not the program's.
    if (adjustment.kind != AdjustmentKind::prepaid)
      out += fmt::format(" {}{}", adjustment.amount, adjustment.percent ? " (fraction)" : "");
    if (adjustment.included) out += " included";
    for (auto charge : adjustment.charges) out += fmt::format(" c{}", charge);
    out += "\n";
  }
  for (std::size_t i = 0; i < p.credits.size(); ++i) {
    const CreditUse& credit = p.credits[i];
    out += fmt::format("  cr{} = credit \"{}\" by rule {} of m{}", i, credit.name, credit.rule, credit.meter);
    for (auto charge : credit.charges) out += fmt::format(" c{}", charge);
    for (const auto& [name, value] : credit.params) out += fmt::format(" {}={}", name, value);
    out += fmt::format(", {} rows\n", credit.rows.size());
  }
  chunk(out, p, "record", p.record);
  chunk(out, p, "period", p.period);
  return out;
}

}  // namespace tariff
