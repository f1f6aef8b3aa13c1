// The checks are driven by the operand kinds and phases in opcodes.def:
// one switch over operand kinds, none over opcodes.
#include "bytecode/verifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>

#include "tariff/currency.h"

namespace tariff {

std::string to_string(const VerifyError& error) {
  if (error.chunk == "program") return error.message;
  return fmt::format("{} program, instruction {}: {}", error.chunk, error.pc, error.message);
}

namespace {

using Result = Expected<std::monostate, VerifyError>;

std::string_view kind_name(OperandKind kind) {
  switch (kind) {
    case OperandKind::NONE: return "unused operand";
    case OperandKind::REG: return "register";
    case OperandKind::CONST: return "constant";
    case OperandKind::STR: return "string constant";
    case OperandKind::NFIELD: return "numeric field";
    case OperandKind::TFIELD: return "text field";
    case OperandKind::METER: return "meter";
    case OperandKind::SUMMETER: return "sum meter";
    case OperandKind::COUNTMETER: return "count meter";
    case OperandKind::MAXMETER: return "max meter";
    case OperandKind::MINMETER: return "min meter";
    case OperandKind::DISTMETER: return "distinct meter";
    case OperandKind::LASTMETER: return "latest meter";
    case OperandKind::AVGMETER: return "average meter";
    case OperandKind::WSUMMETER: return "weighted_sum meter";
    case OperandKind::SPANMETER: return "intervals meter";
    case OperandKind::FREEMETER: return "free transactions meter";
    case OperandKind::EVMETER: return "events meter";
    case OperandKind::WINMETER: return "windowed meter";
    case OperandKind::CHARGE: return "charge";
    case OperandKind::TABLE: return "tier table";
    case OperandKind::CLASS: return "class";
    case OperandKind::ALLOWANCE: return "allowance";
    case OperandKind::PLUGINUSE: return "plugin use";
    case OperandKind::TARGET: return "jump target";
    case OperandKind::ROUND: return "rounding";
  }
  return "operand";
}

// Why `value` is not a valid operand of `kind` at `pc`, or empty when it is.
std::string check_operand(const Program& p, const Chunk& c, std::size_t pc, OperandKind kind,
                          unsigned value) {
  auto meter_of = [&](MeterKind wanted) -> std::string {
    if (value >= p.meters.size()) return fmt::format("meter {} does not exist", value);
    if (p.meters[value].kind != wanted)
      return fmt::format("meter {} is a {} meter, not {}", value, to_string(p.meters[value].kind),
                         to_string(wanted));
    return {};
  };
  switch (kind) {
    case OperandKind::NONE:
      return value == 0 ? std::string() : fmt::format("unused operand holds {}", value);
    case OperandKind::REG:
      return value < c.registers ? std::string()
                                 : fmt::format("register {} beyond the {} declared", value, c.registers);
    case OperandKind::CONST:
      return value < p.constants.size() ? std::string()
                                        : fmt::format("constant {} does not exist", value);
    case OperandKind::STR:
      return value < p.strings.size() ? std::string()
                                      : fmt::format("string constant {} does not exist", value);
    case OperandKind::NFIELD:
    case OperandKind::TFIELD: {
      if (value >= p.usage.columns.size()) return fmt::format("field {} does not exist", value);
      const bool numeric = is_numeric(p.usage.columns[value].type);
      if (numeric != (kind == OperandKind::NFIELD))
        return fmt::format("field {} is not a {}", value, kind_name(kind));
      return {};
    }
    case OperandKind::METER:
      return value < p.meters.size() ? std::string() : fmt::format("meter {} does not exist", value);
    case OperandKind::SUMMETER: return meter_of(MeterKind::sum);
    case OperandKind::COUNTMETER: return meter_of(MeterKind::count);
    case OperandKind::MAXMETER: return meter_of(MeterKind::max);
    case OperandKind::MINMETER: return meter_of(MeterKind::min);
    case OperandKind::DISTMETER: return meter_of(MeterKind::distinct);
    case OperandKind::LASTMETER: return meter_of(MeterKind::latest);
    case OperandKind::AVGMETER: return meter_of(MeterKind::average);
    case OperandKind::WSUMMETER: return meter_of(MeterKind::weighted_sum);
    case OperandKind::SPANMETER: return meter_of(MeterKind::intervals);
    case OperandKind::FREEMETER: return meter_of(MeterKind::free_transactions);
    case OperandKind::EVMETER: return meter_of(MeterKind::events);
    case OperandKind::WINMETER:
      if (value >= p.meters.size()) return fmt::format("meter {} does not exist", value);
      return p.meters[value].windows.empty() ? fmt::format("meter {} has no windows", value) : std::string();
    case OperandKind::CHARGE:
      if (value >= p.charges.size()) return fmt::format("charge {} does not exist", value);
      // A subscription's lines come from the account, never from code.
      if (p.charges[value].source != LineSource::usage)
        return fmt::format("charge {} is billed from subscriptions, not by the program", value);
      return {};
    case OperandKind::TABLE:
      return value < p.tier_tables.size() ? std::string()
                                          : fmt::format("tier table {} does not exist", value);
    case OperandKind::CLASS:
      return value < p.classes.size() ? std::string() : fmt::format("class {} does not exist", value);
    case OperandKind::PLUGINUSE:
      return value < p.plugin_uses.size() ? std::string()
                                          : fmt::format("plugin use {} does not exist", value);
    case OperandKind::ALLOWANCE:
      return value < p.allowances.size() ? std::string()
                                         : fmt::format("allowance {} does not exist", value);
    case OperandKind::TARGET:
      if (value <= pc) return fmt::format("jump to {} does not go forward", value);
      if (value > c.code.size()) return fmt::format("jump to {} is past the end", value);
      return {};
    case OperandKind::ROUND:
      if (rounding_mode_bits(static_cast<std::uint8_t>(value)) >= kRoundingModeCount)
        return "rounding mode out of range";
      if (rounding_scale_bits(static_cast<std::uint8_t>(value)) > Decimal::kMaxScale)
        return "rounding scale beyond 18";
      return {};
  }
  return "unknown operand kind";
}

Result verify_chunk(const Program& p, const Chunk& c, Phase phase, std::string_view name) {
  auto fail = [&](std::size_t pc, std::string message) -> Result {
    return unexpected(VerifyError{std::string(name), pc, std::move(message)});
  };
  if (c.locations.size() != c.code.size())
    return fail(0, fmt::format("{} source locations for {} instructions", c.locations.size(), c.code.size()));
  for (std::size_t pc = 0; pc < c.code.size(); ++pc) {
    const Instruction& ins = c.code[pc];
    if (static_cast<std::size_t>(ins.op) >= kOpcodeCount)
      return fail(pc, fmt::format("unknown opcode {}", static_cast<unsigned>(ins.op)));
    const OpcodeInfo& op = info(ins.op);
    if (op.phase != Phase::ANY && op.phase != phase)
      return fail(pc, fmt::format("{} is not allowed in the {} program", op.name, name));
    const unsigned values[4] = {ins.a, ins.b, ins.c, ins.d};
    for (std::size_t i = 0; i < 4; ++i) {
      std::string why = check_operand(p, c, pc, op.operands[i], values[i]);
      if (!why.empty()) return fail(pc, fmt::format("{} operand {}: {}", op.name, "abcd"[i], why));
    }
  }
  return std::monostate{};
}

}  // namespace

bool has_subscriptions(const Program& program) noexcept {
  return !program.plans.empty() || std::any_of(program.allowances.begin(), program.allowances.end(),
                                               [](const AllowanceInfo& a) { return a.package.has_value(); });
}

namespace {

// Meters that keep each record — free transactions and events — have no
// windows or conversions (their state is one account's records); only a
// free-transactions meter carries terms, and it must.
std::optional<std::string> record_keeping_problem(const MeterInfo& meter) {
  if (meter.kind == MeterKind::events && (!meter.windows.empty() || !meter.conversions.empty()))
    return "an events meter has no windows or conversions";
  const bool free_kind = meter.kind == MeterKind::free_transactions;
  if (free_kind != meter.free.has_value())
    return free_kind ? "a free transactions meter without its terms" : "terms of a free allowance on another meter";
  if (!free_kind) return std::nullopt;
  if (!meter.windows.empty() || !meter.conversions.empty()) return "a free transactions meter has no windows";
  const FreeTransactions& terms = *meter.free;
  if (!terms.count && !terms.value) return "a free allowance frees neither transactions nor value";
  for (const auto* amount : {&terms.count, &terms.value})
    if (*amount && amount->value().sign() <= 0) return "a free allowance must be above zero";
  if (terms.count && !terms.count->is_integer()) return "free transactions are counted whole";
  if (terms.min && terms.max && *terms.max < *terms.min) return "the maximum fee is below the minimum";
  return std::nullopt;
}

// Plans and packages point at their invoice lines and those lines back at
// them; an edition includes ordinary allowances only.
Expected<std::monostate, VerifyError> verify_subscriptions(const Program& p) {
  const auto fail = [](std::string message) {
    return unexpected(VerifyError{"program", 0, std::move(message)});
  };
  const auto line_of = [&](const std::optional<std::uint32_t>& charge, LineSource source, std::size_t owner) {
    return charge && *charge < p.charges.size() && p.charges[*charge].source == source &&
           p.charges[*charge].owner == owner;
  };
  for (std::size_t i = 0; i < p.plans.size(); ++i) {
    const PlanInfo& plan = p.plans[i];
    if ((plan.monthly_fee || plan.annual_fee) != line_of(plan.fee_charge, LineSource::plan_fee, i))
      return fail(fmt::format("plan `{}` and its fee line do not match", plan.name));
    if ((plan.monthly_seat || plan.annual_seat) != line_of(plan.seat_charge, LineSource::plan_seats, i))
      return fail(fmt::format("plan `{}` and its seat line do not match", plan.name));
    for (const auto& [allowance, amount] : plan.includes)
      if (allowance >= p.allowances.size() || p.allowances[allowance].package || amount.sign() < 0)
        return fail(fmt::format("plan `{}` includes allowance {}, which is no allowance", plan.name, allowance));
    if (plan.minimum_seats.sign() < 0) return fail(fmt::format("plan `{}` has a negative seat minimum", plan.name));
  }
  for (std::size_t a = 0; a < p.allowances.size(); ++a)
    if (const auto& package = p.allowances[a].package;
        package && (!line_of(package->charge, LineSource::package, a) || package->validity == 0))
      return fail(fmt::format("package `{}` and its purchase line do not match", p.allowances[a].name));
  for (const auto& charge : p.charges) {
    const bool known_owner = charge.owner && (charge.source == LineSource::package ? *charge.owner < p.allowances.size()
                                                                                   : *charge.owner < p.plans.size());
    if (charge.owner && !known_owner)
      return fail(fmt::format("charge \"{}\" belongs to {} which does not exist", charge.name, *charge.owner));
    if (charge.source != LineSource::usage && !charge.owner)
      return fail(fmt::format("charge \"{}\" bills a subscription but names none", charge.name));
  }
  if (has_subscriptions(p) && p.billing_period.kind == PeriodKind::none)
    return fail("editions, modules and packages need a billing period");
  return std::monostate{};
}

// Why a prepaid wallet is refused, if it is: its balance is the account's,
// so it has no amount, and the accounts file names it, so its name is its own.
std::optional<std::string> wallet_refusal(const AdjustmentInfo& wallet, std::set<std::string_view>& names) {
  if (!wallet.amount.is_zero() || wallet.percent)
    return fmt::format("adjustment \"{}\": a prepaid wallet has no amount", wallet.name);
  if (!names.insert(wallet.name).second)
    return fmt::format("adjustment \"{}\": two prepaid wallets have this name", wallet.name);
  return std::nullopt;
}

}  // namespace

Expected<std::monostate, VerifyError> verify(const Program& p) {
  auto fail = [](std::string message) -> Result {
    return unexpected(VerifyError{"program", 0, std::move(message)});
  };
  const auto currency = find_currency(p.currency);
  if (!currency) return fail(fmt::format("unknown currency `{}`", p.currency));
  if (currency->minor_digits != p.minor_digits)
    return fail(fmt::format("currency {} has {} minor digits, the program says {}", p.currency,
                            currency->minor_digits, p.minor_digits));
  if (static_cast<unsigned>(p.rounding) >= kRoundingModeCount) return fail("rounding mode out of range");
  if (p.rounding_stage != RoundingStage::line && p.rounding_stage != RoundingStage::invoice)
    return fail("rounding stage out of range");
  if (p.usage.account_column >= p.usage.columns.size() ||
      p.usage.columns[p.usage.account_column].type != ColumnType::id)
    return fail("the usage schema has no account column of type id");
  if (p.usage.time_column && (*p.usage.time_column >= p.usage.columns.size() ||
                              p.usage.columns[*p.usage.time_column].type != ColumnType::timestamp))
    return fail("the usage schema's time column is not a timestamp");
  for (const auto& column : p.usage.columns)
    if (static_cast<unsigned>(column.type) > static_cast<unsigned>(ColumnType::timestamp))
      return fail(fmt::format("column `{}` has an unknown type", column.name));
  if (static_cast<unsigned>(p.billing_period.kind) > static_cast<unsigned>(PeriodKind::anniversary_month))
    return fail("billing period kind out of range");
  if (p.billing_period.zone_offset < -14 * 3600 || p.billing_period.zone_offset > 14 * 3600)
    return fail("billing period zone offset beyond 14 hours");
  if (p.billing_period.kind == PeriodKind::none && p.billing_period.thirty_day_months)
    return fail("thirty-day months without a billing period");
  if (p.billing_period.kind != PeriodKind::none && !p.usage.time_column)
    return fail("a billing period needs the usage schema's time column");
  for (const auto& meter : p.meters) {
    if (static_cast<unsigned>(meter.kind) > static_cast<unsigned>(MeterKind::events))
      return fail(fmt::format("meter `{}` has an unknown aggregation", meter.name));
    if (auto problem = record_keeping_problem(meter)) return fail(fmt::format("meter `{}`: {}", meter.name, *problem));
    const bool timed = meter.kind == MeterKind::latest || meter.kind == MeterKind::weighted_sum ||
                       meter.kind == MeterKind::intervals || meter.kind == MeterKind::free_transactions ||
                       meter.kind == MeterKind::events;
    if (timed && !p.usage.time_column)
      return fail(fmt::format("meter `{}` needs the usage schema's time column", meter.name));
    for (const auto& window : meter.windows) {
      if (window.reduce != MeterKind::sum && window.reduce != MeterKind::count &&
          window.reduce != MeterKind::max && window.reduce != MeterKind::min &&
          window.reduce != MeterKind::average)
        return fail(fmt::format("meter `{}` reduces a window with an unknown aggregation", meter.name));
      if (window.kind == WindowKind::day && !p.usage.time_column)
        return fail(fmt::format("meter `{}` windows by day without a time column", meter.name));
      if (window.kind == WindowKind::column && window.column >= p.usage.columns.size())
        return fail(fmt::format("meter `{}` windows by column {} which does not exist", meter.name,
                                window.column));
      if (window.kind != WindowKind::day && window.kind != WindowKind::column)
        return fail(fmt::format("meter `{}` has an unknown window kind", meter.name));
    }
    if (!meter.conversions.empty() && meter.conversions.size() != meter.windows.size() + 1)
      return fail(fmt::format("meter `{}` has {} conversions for {} levels", meter.name,
                              meter.conversions.size(), meter.windows.size() + 1));
    for (const auto& c : meter.conversions) {
      if (!c) continue;
      if (c->from_size.sign() <= 0 || c->to_size.sign() <= 0)
        return fail(fmt::format("meter `{}` converts with a unit size that is not positive", meter.name));
      if (c->rounding && static_cast<unsigned>(*c->rounding) >= kRoundingModeCount)
        return fail(fmt::format("meter `{}` converts with an unknown rounding mode", meter.name));
    }
  }
  for (const auto& cls : p.classes) {
    if (cls.column >= p.usage.columns.size() || !is_numeric(p.usage.columns[cls.column].type))
      return fail(fmt::format("class `{}` reads column {} which is not a numeric column", cls.name,
                              cls.column));
    if (cls.bands.empty() || cls.bounds.size() + 1 != cls.bands.size())
      return fail(fmt::format("class `{}` has {} bands for {} bounds", cls.name, cls.bands.size(),
                              cls.bounds.size()));
    for (std::size_t b = 1; b < cls.bounds.size(); ++b)
      if (cls.bounds[b] <= cls.bounds[b - 1])
        return fail(fmt::format("class `{}`: band bounds do not increase", cls.name));
  }
  for (const auto& allowance : p.allowances) {
    if (allowance.amount.sign() < 0) return fail(fmt::format("allowance `{}` is negative", allowance.name));
    for (const auto& draw : allowance.draws) {
      if (draw.meter >= p.meters.size())
        return fail(fmt::format("allowance `{}` draws meter {} which does not exist", allowance.name,
                                draw.meter));
      if (draw.ratio.sign() <= 0)
        return fail(fmt::format("allowance `{}` has a ratio that is not positive", allowance.name));
    }
  }
  for (const auto& use : p.plugin_uses) {
    if (use.meters.empty()) return fail(fmt::format("plugin kind `{}` prices no meter", use.kind));
    for (auto meter : use.meters)
      if (meter >= p.meters.size())
        return fail(fmt::format("plugin kind `{}` prices meter {} which does not exist", use.kind, meter));
    for (const auto& row : use.rows)
      if (row.size() != use.rows.front().size())
        return fail(fmt::format("plugin kind `{}` has rows of different lengths", use.kind));
  }
  for (const auto& charge : p.charges)
    if (charge.meter && *charge.meter >= p.meters.size())
      return fail(fmt::format("charge \"{}\" prices meter {} which does not exist", charge.name,
                              *charge.meter));
  if (auto r = verify_subscriptions(p); !r) return r;
  for (const auto& credit : p.credits) {
    if (credit.meter >= p.meters.size() || p.meters[credit.meter].kind != MeterKind::intervals)
      return fail(fmt::format("credit \"{}\" reads meter {}, which is no intervals meter", credit.name, credit.meter));
    if (p.billing_period.kind == PeriodKind::none)
      return fail(fmt::format("credit \"{}\" needs a billing period", credit.name));
    for (auto charge : credit.charges)
      if (charge >= p.charges.size())
        return fail(fmt::format("credit \"{}\" applies to charge {} which does not exist", credit.name, charge));
    for (const auto& row : credit.rows)
      if (row.size() != credit.rows.front().size())
        return fail(fmt::format("credit \"{}\" has rows of different lengths", credit.name));
  }
  std::set<std::string_view> wallets;
  for (const auto& adjustment : p.adjustments) {
    const auto kind = to_string(adjustment.kind);
    if (adjustment.kind == AdjustmentKind::prepaid) {
      if (auto refused = wallet_refusal(adjustment, wallets)) return fail(*refused);
    } else if (adjustment.amount.sign() <= 0) {
      return fail(fmt::format("adjustment \"{}\" is not positive", adjustment.name));
    }
    if (adjustment.kind == AdjustmentKind::tax && !adjustment.percent)
      return fail(fmt::format("adjustment \"{}\": a tax must be a percentage", adjustment.name));
    if ((adjustment.kind == AdjustmentKind::minimum || adjustment.kind == AdjustmentKind::cap) && adjustment.percent)
      return fail(fmt::format("adjustment \"{}\": a {} cannot be a percentage", adjustment.name, kind));
    if (adjustment.included && adjustment.kind != AdjustmentKind::tax)
      return fail(fmt::format("adjustment \"{}\": a {} cannot be included in prices", adjustment.name, kind));
    for (auto charge : adjustment.charges)
      if (charge >= p.charges.size())
        return fail(fmt::format("adjustment \"{}\" applies to charge {} which does not exist",
                                adjustment.name, charge));
  }
  for (std::size_t t = 0; t < p.tier_tables.size(); ++t) {
    const TierTable& table = p.tier_tables[t];
    if (static_cast<unsigned>(table.model) > static_cast<unsigned>(TierModel::band))
      return fail(fmt::format("tier table {} has an unknown model", t));
    if (table.rows.empty()) return fail(fmt::format("tier table {} has no rows", t));
    Decimal previous;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      const TierRow& row = table.rows[r];
      const bool last = r + 1 == table.rows.size();
      if (last != !row.upper)
        return fail(fmt::format("tier table {}: only the last row is unbounded, and it must be", t));
      if (row.upper && *row.upper <= previous)
        return fail(fmt::format("tier table {}: row {} bound does not increase", t, r + 1));
      if (row.per.sign() <= 0) return fail(fmt::format("tier table {}: row {} per-unit is not positive", t, r + 1));
      if (row.upper) previous = *row.upper;
    }
  }
  if (auto r = verify_chunk(p, p.record, Phase::RECORD, "record"); !r) return r;
  return verify_chunk(p, p.period, Phase::PERIOD, "period");
}

}  // namespace tariff
