// The dispatch loop. Case labels come from opcodes.def: with a `switch`
// (the default) the compiler's -Wswitch proves every opcode has a body;
// with TARIFF_COMPUTED_GOTO the label table is expanded from the same list.
// Operands are not checked here: verify() has proven them in range.
#include "vm/vm.h"

#include "vm/free_transactions.h"
#include "vm/hot_compare.h"
#include "vm/prorated_tiers.h"
#include "vm/tiers.h"

#include <fmt/format.h>

#include <algorithm>

namespace tariff {

Frame::Frame(const Program& program)
    : registers_(std::max<std::size_t>({program.record.registers, program.period.registers, 1})) {}

std::vector<std::vector<std::string>>& Frame::cleared_meter_notes(std::size_t meters) {
  meter_notes_.resize(meters);
  for (auto& notes : meter_notes_) notes.clear();
  return meter_notes_;
}

namespace {

// Draws one allowance from its meters in order: from each, as much as is
// left (never more than the meter's value), each unit using `ratio`
// allowance units. The meters' values become what is left to bill.
Expected<std::monostate, DecimalError> draw_allowance(const AllowanceInfo& allowance, Decimal& left,
                                                      Decimal* values,
                                                      std::vector<std::vector<std::string>>& notes) {
  const Decimal amount = left;
  for (const AllowanceDraw& draw : allowance.draws) {
    Decimal& value = values[draw.meter];
    if (value.sign() <= 0) continue;
    // Units of this meter the rest of the allowance covers, rounded down
    // so the allowance is never overdrawn.
    auto coverable = divide(left, draw.ratio, Decimal::kMaxScale, RoundingMode::down);
    if (!coverable) return unexpected(coverable.error());
    const Decimal taken = std::min(value, coverable->normalized());
    auto used = multiply(taken, draw.ratio);
    if (!used) return unexpected(used.error());
    auto rest = subtract(value, taken);
    auto remaining = subtract(left, *used);
    if (!rest) return unexpected(rest.error());
    if (!remaining) return unexpected(remaining.error());
    std::string note = fmt::format("{} (allowance {}): {} of {} drawn", allowance.name, amount,
                                   taken.normalized(), value.normalized());
    if (draw.ratio != Decimal::from_int(1))
      note += fmt::format(" at {} allowance units each", draw.ratio);
    note += fmt::format(", {} left to bill; {} left in the allowance", rest->normalized(),
                        remaining->normalized());
    notes[draw.meter].push_back(std::move(note));
    value = *rest;
    left = *remaining;
  }
  return std::monostate{};
}

// Each window's value through the table, summed; every window explained.
Expected<Decimal, DecimalError> price_windows(const TierTable& table, const std::vector<WindowValue>& windows,
                                              RoundingMode mode, std::vector<std::string>& explain) {
  Decimal total;
  for (const WindowValue& window : windows) {
    std::vector<std::string> steps;
    auto amount = price_through_tiers(table, window.value, mode, steps);
    if (!amount) return amount;
    auto sum = add(total, *amount);
    if (!sum) return sum;
    total = *sum;
    explain.push_back(fmt::format("window {}: {} -> {}", window.label, window.value.normalized(),
                                  amount->normalized()));
    for (auto& step : steps) explain.push_back("  " + step);
  }
  return total;
}

struct Context {
  const usage::Row* row = nullptr;
  MeterSlot* meters = nullptr;
  std::string* window_key = nullptr;  // scratch for slot_for_record
  Decimal* meter_values = nullptr;  // net of allowances drawn so far
  std::vector<std::vector<std::string>>* meter_notes = nullptr;  // what allowances drew
  std::vector<EmittedLine>* lines = nullptr;
  std::vector<std::string> pending_explain;  // moved into the next LINE
  std::vector<TierShare> pending_tiers;      // likewise
  const PluginPricer* plugins = nullptr;
  Decimal* allowances_left = nullptr;  // per allowance: its amount, then what DRAW left
  const MeterSlot* account_meters = nullptr;  // the period's state, for WTIERS, PFREE and PTIERS
  const std::optional<PeriodBounds>* period = nullptr;  // for WTIERS and PTIERS
  std::uint64_t max_distinct_values = 0;
};

// The state a record updates for meter `meter` (its window's, if any).
MeterSlot& record_slot(const Program& p, Context& ctx, std::size_t meter) {
  return slot_for_record(p, p.meters[meter], ctx.meters[meter], *ctx.row, *ctx.window_key);
}

Decimal boolean(bool b) { return Decimal::from_int(b ? 1 : 0); }

RoundingMode mode_of(std::uint8_t d) { return static_cast<RoundingMode>(rounding_mode_bits(d)); }
int scale_of(std::uint8_t d) { return rounding_scale_bits(d); }

Expected<std::monostate, VmError> execute(const Program& p, const Chunk& chunk, Decimal* R,
                                          Context& ctx) {
  const Instruction* const code = chunk.code.data();
  const std::size_t size = chunk.code.size();
  const Decimal* const K = p.constants.data();
  std::size_t pc = 0;

  auto fail = [&](std::string message) -> Expected<std::monostate, VmError> {
    return unexpected(VmError{pc, std::move(message)});
  };
  // Arithmetic results are checked; the error names the operation.
#define TARIFF_CHECKED(target, expr, what)                                  \
  do {                                                                      \
    auto result_ = (expr);                                                  \
    if (!result_) return fail(fmt::format("{}: {}", what, describe(result_.error()))); \
    target = *result_;                                                      \
  } while (0)

#ifdef TARIFF_COMPUTED_GOTO
  static const void* const labels[] = {
#define OP(name, phase, a, b, c, d, semantics) __extension__ &&L_##name,
#include "bytecode/opcodes.def"
#undef OP
  };
#define VM_DISPATCH()                         \
  if (pc >= size) return std::monostate{};    \
  __extension__({ goto* labels[static_cast<std::size_t>(code[pc].op)]; });
#define VM_CASE(name) L_##name:
#define VM_NEXT() \
  ++pc;           \
  VM_DISPATCH()
#define VM_JUMP(target) \
  pc = (target);        \
  VM_DISPATCH()
  const Instruction* ins;
#define INS (ins = &code[pc], *ins)
  VM_DISPATCH();
  {
#else
#define VM_CASE(name) case Opcode::name:
#define VM_NEXT() \
  ++pc;           \
  continue
#define VM_JUMP(target) \
  pc = (target);        \
  continue
#define INS code[pc]
  while (pc < size) {
    switch (code[pc].op) {
#endif
    VM_CASE(LOADK) {
      const Instruction& i = INS;
      R[i.a] = K[i.b];
      VM_NEXT();
    }
    VM_CASE(MOVE) {
      const Instruction& i = INS;
      R[i.a] = R[i.b];
      VM_NEXT();
    }
    VM_CASE(LOADF) {
      const Instruction& i = INS;
      R[i.a] = ctx.row->fields[i.b].number;
      VM_NEXT();
    }
    VM_CASE(EQFS) {
      const Instruction& i = INS;
      R[i.a] = boolean(text_equal(ctx.row->fields[i.b].text, p.strings[i.c]));
      VM_NEXT();
    }
    VM_CASE(EQFF) {
      const Instruction& i = INS;
      R[i.a] = boolean(text_equal(ctx.row->fields[i.b].text, ctx.row->fields[i.c].text));
      VM_NEXT();
    }
    VM_CASE(ADD) {
      const Instruction& i = INS;
      TARIFF_CHECKED(R[i.a], add(R[i.b], R[i.c]), "addition");
      VM_NEXT();
    }
    VM_CASE(SUB) {
      const Instruction& i = INS;
      TARIFF_CHECKED(R[i.a], subtract(R[i.b], R[i.c]), "subtraction");
      VM_NEXT();
    }
    VM_CASE(MUL) {
      const Instruction& i = INS;
      // Exact when the product fits 18 decimal places; otherwise rounded
      // to 18 places in the scheme's mode, as division is.
      auto product = multiply(R[i.b], R[i.c]);
      if (!product && product.error() == DecimalError::scale_out_of_range)
        product = multiply_rounded(R[i.b], R[i.c], Decimal::kMaxScale, p.rounding);
      TARIFF_CHECKED(R[i.a], product, "multiplication");
      VM_NEXT();
    }
    VM_CASE(DIV) {
      const Instruction& i = INS;
      TARIFF_CHECKED(R[i.a], divide(R[i.b], R[i.c], scale_of(i.d), mode_of(i.d)), "division");
      VM_NEXT();
    }
    VM_CASE(ROUND) {
      const Instruction& i = INS;
      TARIFF_CHECKED(R[i.a], R[i.b].rescale(scale_of(i.d), mode_of(i.d)), "rounding");
      VM_NEXT();
    }
    VM_CASE(NEG) {
      const Instruction& i = INS;
      R[i.a] = R[i.b].negated();
      VM_NEXT();
    }
    VM_CASE(MIN) {
      const Instruction& i = INS;
      R[i.a] = compare_fast(R[i.c], R[i.b]) < 0 ? R[i.c] : R[i.b];
      VM_NEXT();
    }
    VM_CASE(MAX) {
      const Instruction& i = INS;
      R[i.a] = compare_fast(R[i.c], R[i.b]) > 0 ? R[i.c] : R[i.b];
      VM_NEXT();
    }
    VM_CASE(EQ) {
      const Instruction& i = INS;
      R[i.a] = boolean(compare_fast(R[i.b], R[i.c]) == 0);
      VM_NEXT();
    }
    VM_CASE(NE) {
      const Instruction& i = INS;
      R[i.a] = boolean(compare_fast(R[i.b], R[i.c]) != 0);
      VM_NEXT();
    }
    VM_CASE(LT) {
      const Instruction& i = INS;
      R[i.a] = boolean(compare_fast(R[i.b], R[i.c]) < 0);
      VM_NEXT();
    }
    VM_CASE(LE) {
      const Instruction& i = INS;
      R[i.a] = boolean(compare_fast(R[i.b], R[i.c]) <= 0);
      VM_NEXT();
    }
    VM_CASE(NOT) {
      const Instruction& i = INS;
      R[i.a] = boolean(R[i.b].is_zero());
      VM_NEXT();
    }
    VM_CASE(JMP) {
      const Instruction& i = INS;
      VM_JUMP(i.a);
    }
    VM_CASE(JMPF) {
      const Instruction& i = INS;
      if (R[i.a].is_zero()) {
        VM_JUMP(i.b);
      }
      VM_NEXT();
    }
    VM_CASE(JMPT) {
      const Instruction& i = INS;
      if (!R[i.a].is_zero()) {
        VM_JUMP(i.b);
      }
      VM_NEXT();
    }
    VM_CASE(MSUM) {
      const Instruction& i = INS;
      MeterSlot& m = record_slot(p, ctx, i.a);
      if (auto added = add_to_sum(m, R[i.b]); !added)
        return fail(fmt::format("sum of meter `{}`: {}", p.meters[i.a].name, describe(added.error())));
      VM_NEXT();
    }
    VM_CASE(MCOUNT) {
      const Instruction& i = INS;
      MeterSlot& m = record_slot(p, ctx, i.a);
      if (auto added = add_to_sum(m, Decimal::from_int(1)); !added)
        return fail(fmt::format("count of meter `{}`: {}", p.meters[i.a].name, describe(added.error())));
      VM_NEXT();
    }
    VM_CASE(MMAX) {
      const Instruction& i = INS;
      keep_max(record_slot(p, ctx, i.a), R[i.b]);
      VM_NEXT();
    }
    VM_CASE(MMIN) {
      const Instruction& i = INS;
      keep_min(record_slot(p, ctx, i.a), R[i.b]);
      VM_NEXT();
    }
    VM_CASE(LOADM) {
      const Instruction& i = INS;
      R[i.a] = ctx.meter_values[i.b];
      VM_NEXT();
    }
    VM_CASE(LINE) {
      const Instruction& i = INS;
      std::vector<std::string> explain;
      const auto& priced = p.charges[i.a].meter;
      if (priced && *priced < ctx.meter_notes->size() && !(*ctx.meter_notes)[*priced].empty())
        explain = (*ctx.meter_notes)[*priced];
      explain.insert(explain.end(), ctx.pending_explain.begin(), ctx.pending_explain.end());
      ctx.lines->push_back(EmittedLine{i.a, R[i.b], R[i.c], std::move(explain), std::move(ctx.pending_tiers)});
      ctx.pending_explain.clear();
      ctx.pending_tiers.clear();
      VM_NEXT();
    }
    VM_CASE(MDIST) {
      const Instruction& i = INS;
      MeterSlot& meter = ctx.meters[i.a];
      // Counted on the meter's own slot: its windows' sets all stay in memory.
      if (add_distinct(record_slot(p, ctx, i.a), ctx.row->fields[i.b].text) &&
          ++meter.extra->distinct_values > ctx.max_distinct_values)
        return fail(distinct_budget_exceeded(p.meters[i.a].name, ctx.max_distinct_values,
                                             ctx.row->fields[p.usage.account_column].text));
      VM_NEXT();
    }
    VM_CASE(MLAST) {
      const Instruction& i = INS;
      keep_latest(record_slot(p, ctx, i.a), R[i.b],
                  ctx.row->fields[*p.usage.time_column].number);
      VM_NEXT();
    }
    VM_CASE(MAVG) {
      const Instruction& i = INS;
      MeterSlot& m = record_slot(p, ctx, i.a);
      if (auto added = add_sample(m, R[i.b]); !added)
        return fail(fmt::format("average of meter `{}`: {}", p.meters[i.a].name, describe(added.error())));
      VM_NEXT();
    }
    VM_CASE(MWSUM) {
      const Instruction& i = INS;
      add_increment(record_slot(p, ctx, i.a), R[i.b],
                    ctx.row->fields[*p.usage.time_column].number);
      VM_NEXT();
    }
    VM_CASE(MSPAN) {
      const Instruction& i = INS;
      if (auto added = add_interval(record_slot(p, ctx, i.a),
                                    ctx.row->fields[*p.usage.time_column].number, R[i.b]);
          !added)
        return fail(fmt::format("intervals of meter `{}`: {}", p.meters[i.a].name, describe(added.error())));
      VM_NEXT();
    }
    VM_CASE(MFREE) {
      const Instruction& i = INS;
      if (auto added = add_transaction(ctx.meters[i.a], R[i.b], ctx.row->fields[*p.usage.time_column].number,
                                       *p.meters[i.a].free);
          !added)
        return fail(fmt::format("transactions of meter `{}`: {}", p.meters[i.a].name, describe(added.error())));
      VM_NEXT();
    }
    VM_CASE(PFREE) {
      const Instruction& i = INS;
      static const MeterSlot kNoTransactions;
      const MeterSlot& kept = ctx.account_meters ? ctx.account_meters[i.b] : kNoTransactions;
      Decimal change;
      TARIFF_CHECKED(change, free_allowance_change(*p.meters[i.b].free, kept, p.rounding, ctx.pending_explain),
                     "free allowance");
      TARIFF_CHECKED(R[i.a], add(R[i.a], change), "free allowance");
      VM_NEXT();
    }
    VM_CASE(MEVENT) {
      const Instruction& i = INS;
      if (auto added = add_event(ctx.meters[i.a], R[i.b], ctx.row->fields[*p.usage.time_column].number); !added)
        return fail(fmt::format("sum of meter `{}`: {}", p.meters[i.a].name, describe(added.error())));
      VM_NEXT();
    }
    VM_CASE(PTIERS) {
      const Instruction& i = INS;
      if (!ctx.account_meters || !ctx.period || !*ctx.period)
        return fail(fmt::format("meter `{}` is prorated by its records' days: it needs records in a billing period, "
                                "not a meter value",
                                p.meters[i.b].name));
      auto records = prorated_records(ctx.account_meters[i.b], **ctx.period, p.billing_period.zone_offset);
      if (!records) return fail(fmt::format("prorating meter `{}`: {}", p.meters[i.b].name, describe(records.error())));
      TARIFF_CHECKED(R[i.a], price_prorated(p.tier_tables[i.c], *records, p.rounding, ctx.pending_explain),
                     "prorated tier pricing");
      VM_NEXT();
    }
    VM_CASE(CLASSIFY) {
      const Instruction& i = INS;
      const ClassTable& cls = p.classes[i.c];
      std::size_t band = 0;
      while (band < cls.bounds.size() && compare_fast(R[i.b], cls.bounds[band]) > 0) ++band;
      R[i.a] = Decimal::from_int(static_cast<std::int64_t>(band));
      VM_NEXT();
    }
    VM_CASE(DRAW) {
      const Instruction& i = INS;
      if (auto drawn = draw_allowance(p.allowances[i.a], ctx.allowances_left[i.a], ctx.meter_values, *ctx.meter_notes);
          !drawn)
        return fail(fmt::format("allowance `{}`: {}", p.allowances[i.a].name, describe(drawn.error())));
      VM_NEXT();
    }
    VM_CASE(PLUGIN) {
      const Instruction& i = INS;
      const PluginUse& use = p.plugin_uses[i.b];
      if (!ctx.plugins)
        return fail(fmt::format("tier kind `{}` needs its plugin; load it with --plugin", use.kind));
      std::vector<Decimal> quantities;
      for (auto meter : use.meters) quantities.push_back(ctx.meter_values[meter]);
      auto priced = ctx.plugins->price(i.b, quantities);
      if (!priced) return fail(priced.error());
      R[i.a] = priced->first;
      ctx.pending_explain.insert(ctx.pending_explain.end(), priced->second.begin(), priced->second.end());
      VM_NEXT();
    }
    VM_CASE(WTIERS) {
      const Instruction& i = INS;
      // Without the account's state (meter values given directly) there
      // are no windows to price.
      std::vector<WindowValue> windows;
      if (ctx.account_meters)
        TARIFF_CHECKED(windows, window_values(p.meters[i.b], ctx.account_meters[i.b], *ctx.period, p.rounding),
                       "windows");
      TARIFF_CHECKED(R[i.a], price_windows(p.tier_tables[i.c], windows, p.rounding, ctx.pending_explain),
                     "tier pricing per window");
      VM_NEXT();
    }
    VM_CASE(TIERS) {
      const Instruction& i = INS;
      TARIFF_CHECKED(R[i.a],
                     price_through_tiers(p.tier_tables[i.c], R[i.b], p.rounding, ctx.pending_explain,
                                         &ctx.pending_tiers),
                     "tier pricing");
      VM_NEXT();
    }
#ifndef TARIFF_COMPUTED_GOTO
    }
  }
#else
  }
#endif
  return std::monostate{};
#undef TARIFF_CHECKED
#undef VM_CASE
#undef VM_NEXT
#undef VM_JUMP
#undef INS
}

}  // namespace

std::string distinct_budget_exceeded(std::string_view meter, std::uint64_t max_distinct_values,
                                     std::string_view account) {
  return fmt::format("meter `{}` has more than {} distinct values for account {}, over the "
                     "distinct-values budget (--max-distinct-values)",
                     meter, max_distinct_values, account);
}

Expected<std::monostate, VmError> run_record(const Program& program, const usage::Row& row,
                                             MeterSlot* meters, Frame& frame,
                                             std::uint64_t max_distinct_values) {
  Context ctx;
  ctx.row = &row;
  ctx.meters = meters;
  ctx.window_key = &frame.window_key();
  ctx.max_distinct_values = max_distinct_values;
  return execute(program, program.record, frame.registers(), ctx);
}

void declared_allowances(const Program& program, std::vector<Decimal>& amounts) {
  amounts.clear();
  for (const AllowanceInfo& allowance : program.allowances)
    amounts.push_back(allowance.package ? Decimal() : allowance.amount);
}

Expected<std::monostate, VmError> run_period(const Program& program,
                                             std::vector<Decimal>& meter_values, Frame& frame,
                                             std::vector<EmittedLine>& lines,
                                             const PluginPricer* plugins,
                                             const AccountInputs& inputs) {
  std::vector<Decimal>* allowances = inputs.allowances;
  Context ctx;
  ctx.plugins = plugins;
  // The caller's amounts (one per allowance), or the declared ones.
  std::vector<Decimal>& left = allowances ? *allowances : frame.allowances_left();
  if (!allowances) declared_allowances(program, left);
  ctx.allowances_left = left.data();
  ctx.account_meters = inputs.meters;
  ctx.period = &inputs.period;
  ctx.meter_values = meter_values.data();
  ctx.meter_notes = &frame.cleared_meter_notes(program.allowances.empty() ? 0 : program.meters.size());
  ctx.lines = &lines;
  return execute(program, program.period, frame.registers(), ctx);
}

}  // namespace tariff
