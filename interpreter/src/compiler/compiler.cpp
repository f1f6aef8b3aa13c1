// Code generation. Registers are allocated as a stack: an expression
// leaves its value in the register it was given and frees the temporaries
// it took. Jumps are only ever emitted forward.
#include "compiler/compiler.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>

#include "front/checker.h"
#include "front/units.h"
#include "tariff/currency.h"

namespace tariff {

namespace {

constexpr std::size_t kMaxOperand = std::numeric_limits<std::uint16_t>::max();

class Compiler {
 public:
  Compiler(const ast::Scheme& scheme, Diagnostics& diagnostics)
      : scheme_(scheme), diagnostics_(diagnostics), program_(std::make_shared<Program>()) {}

  std::shared_ptr<Program> run() {
    const std::size_t errors_before = diagnostics_.error_count();
    header();
    usage();
    classes();
    record_program();
    period_program();
    adjustments();
    credits();
    if (diagnostics_.error_count() > errors_before) return nullptr;
    return program_;
  }

 private:
  void error(SourceRange range, std::string message, std::string hint = {}) {
    diagnostics_.items.push_back(
        Diagnostic{Severity::error, range, std::move(message), std::move(hint), scheme_.file});
  }

  void header() {
    Program& p = *program_;
    p.source_name = scheme_.file ? scheme_.file->name() : std::string();
    p.scheme_name = scheme_.name->text;
    p.version = scheme_.version->text;
    p.currency = scheme_.currency->text;
    p.minor_digits = find_currency(p.currency)->minor_digits;
    p.rounding = *parse_rounding_mode(scheme_.rounding_mode->text);
    p.rounding_stage =
        scheme_.rounding_stage->text == "invoice" ? RoundingStage::invoice : RoundingStage::line;
    if (scheme_.period_calendar) {
      const std::string& unit = scheme_.period_unit->text;
      p.billing_period.kind = scheme_.period_calendar->text == "anniversary" ? PeriodKind::anniversary_month
                              : unit == "quarter"                         ? PeriodKind::calendar_quarter
                              : unit == "year"                            ? PeriodKind::calendar_year
                                                                          : PeriodKind::calendar_month;
      if (scheme_.period_zone) p.billing_period.zone_offset = *front::parse_zone_offset(scheme_.period_zone->text);
      p.billing_period.thirty_day_months = scheme_.month_days.has_value();
    }
  }

  void usage() {
    UsageSchema& schema = program_->usage;
    for (const auto& c : scheme_.columns) {
      location_ = c.range.begin;
      Column column;
      column.name = c.name;
      column.type = c.type_name == "id"        ? ColumnType::id
                    : c.type_name == "text"    ? ColumnType::text
                    : c.type_name == "decimal" ? ColumnType::decimal
                    : c.type_name == "integer" ? ColumnType::integer
                                               : ColumnType::timestamp;
      column.optional = c.optional;
      if (c.default_value) {
        column.default_text = c.default_value->kind == ast::ExprKind::number
                                  ? c.default_value->number.to_string()
                                  : c.default_value->text;
      }
      for (const auto& value : c.one_of) column.one_of.push_back(value.text);
      schema.columns.push_back(std::move(column));
      note_size(schema.columns.size(), "usage columns");
    }
    schema.account_column = *schema.find("account");
    if (auto time = schema.find("time"); time && schema.columns[*time].type == ColumnType::timestamp)
      schema.time_column = time;
  }

  // --- emission -------------------------------------------------------

  std::size_t emit(Opcode op, unsigned a, unsigned b = 0, unsigned c = 0, unsigned d = 0) {
    Instruction ins{op, static_cast<std::uint8_t>(d), static_cast<std::uint16_t>(a),
                    static_cast<std::uint16_t>(b), static_cast<std::uint16_t>(c)};
    chunk_->code.push_back(ins);
    chunk_->locations.push_back(location_);
    note_size(chunk_->code.size(), "instructions in one program");
    return chunk_->code.size() - 1;
  }

  // Points the jump at `at` to the next instruction to be emitted.
  void patch_jump(std::size_t at) {
    Instruction& ins = chunk_->code[at];
    const auto here = static_cast<std::uint16_t>(chunk_->code.size());
    if (ins.op == Opcode::JMP)
      ins.a = here;
    else
      ins.b = here;
  }

  unsigned constant(Decimal value) {
    // Deduplicated by exact representation: 1.5 and 1.50 print differently.
    for (std::size_t i = 0; i < program_->constants.size(); ++i)
      if (same_representation(program_->constants[i], value)) return static_cast<unsigned>(i);
    program_->constants.push_back(value);
    note_size(program_->constants.size(), "constants");
    return static_cast<unsigned>(program_->constants.size() - 1);
  }

  unsigned string_constant(const std::string& value) {
    for (std::size_t i = 0; i < program_->strings.size(); ++i)
      if (program_->strings[i] == value) return static_cast<unsigned>(i);
    program_->strings.push_back(value);
    note_size(program_->strings.size(), "quoted strings");
    return static_cast<unsigned>(program_->strings.size() - 1);
  }

  unsigned take_register() {
    const unsigned r = next_register_++;
    note_size(next_register_, "registers in one program");
    if (next_register_ > chunk_->registers) chunk_->registers = static_cast<std::uint16_t>(next_register_);
    return r;
  }
  void free_register(unsigned r) { next_register_ = r; }

  std::uint8_t rounding(RoundingMode mode, int scale) {
    return encode_rounding(static_cast<std::uint8_t>(mode), static_cast<std::uint8_t>(scale));
  }

  // --- expressions ----------------------------------------------------

  // The value of a numeric expression of literals, when computing it is
  // exact: no rounding, no overflow, no division by zero — those stay in
  // the program, where they happen (and are reported) as written.
  static std::optional<Decimal> fold(const ast::Expr& e) {
    if (e.type != ast::Type::number) return std::nullopt;
    auto exact = [](const Expected<Decimal, DecimalError>& r) -> std::optional<Decimal> {
      if (!r) return std::nullopt;
      return *r;
    };
    switch (e.kind) {
      case ast::ExprKind::number: return e.number;
      case ast::ExprKind::negate: {
        auto v = fold(*e.operands[0]);
        return v ? std::optional<Decimal>(v->negated()) : std::nullopt;
      }
      case ast::ExprKind::call: {
        if (e.text != "min" && e.text != "max") return std::nullopt;
        auto a = fold(*e.operands[0]);
        auto b = fold(*e.operands[1]);
        if (!a || !b) return std::nullopt;
        return (e.text == "min") == (*b < *a) ? *b : *a;
      }
      case ast::ExprKind::binary: {
        auto a = fold(*e.operands[0]);
        auto b = a ? fold(*e.operands[1]) : std::nullopt;
        if (!a || !b) return std::nullopt;
        switch (e.op) {
          case ast::BinaryOp::add: return exact(add(*a, *b));
          case ast::BinaryOp::subtract: return exact(subtract(*a, *b));
          case ast::BinaryOp::multiply: return exact(multiply(*a, *b));
          case ast::BinaryOp::divide: {
            if (b->is_zero()) return std::nullopt;
            auto quotient = divide(*a, *b, Decimal::kMaxScale, RoundingMode::down);
            if (!quotient) return std::nullopt;
            auto back = multiply(*quotient, *b);
            if (!back || *back != *a) return std::nullopt;
            return quotient->normalized();
          }
          default: return std::nullopt;
        }
      }
      default: return std::nullopt;
    }
  }

  // Compiles `e` into register `target`.
  void expr(const ast::Expr& e, unsigned target) {
    const SourceLocation saved = location_;
    location_ = e.range.begin;
    if (e.kind != ast::ExprKind::number) {
      if (auto value = fold(e)) {
        emit(Opcode::LOADK, target, constant(*value));
        location_ = saved;
        return;
      }
    }
    switch (e.kind) {
      case ast::ExprKind::number: emit(Opcode::LOADK, target, constant(e.number)); break;
      case ast::ExprKind::boolean:
        emit(Opcode::LOADK, target, constant(Decimal::from_int(e.boolean ? 1 : 0)));
        break;
      case ast::ExprKind::name: emit(Opcode::LOADF, target, e.resolved); break;
      case ast::ExprKind::string: break;  // only inside comparisons; see text_compare
      case ast::ExprKind::negate:
        expr(*e.operands[0], target);
        emit(Opcode::NEG, target, target);
        break;
      case ast::ExprKind::logical_not:
        expr(*e.operands[0], target);
        emit(Opcode::NOT, target, target);
        break;
      case ast::ExprKind::conditional: {
        expr(*e.operands[0], target);
        const std::size_t to_else = emit(Opcode::JMPF, target, 0);
        expr(*e.operands[1], target);
        const std::size_t to_end = emit(Opcode::JMP, 0);
        patch_jump(to_else);
        expr(*e.operands[2], target);
        patch_jump(to_end);
        break;
      }
      case ast::ExprKind::call: call(e, target); break;
      case ast::ExprKind::binary: binary(e, target); break;
    }
    location_ = saved;
  }

  void call(const ast::Expr& e, unsigned target) {
    expr(*e.operands[0], target);
    if (e.text == "ceil") {
      emit(Opcode::ROUND, target, target, 0, rounding(RoundingMode::ceiling, 0));
    } else if (e.text == "floor") {
      emit(Opcode::ROUND, target, target, 0, rounding(RoundingMode::floor, 0));
    } else if (e.text == "round") {
      const auto digits = e.operands[1]->number.to_int64(RoundingMode::down).value_or(0);
      emit(Opcode::ROUND, target, target, 0, rounding(program_->rounding, static_cast<int>(digits)));
    } else {  // min, max
      const unsigned rhs = take_register();
      expr(*e.operands[1], rhs);
      emit(e.text == "min" ? Opcode::MIN : Opcode::MAX, target, target, rhs);
      free_register(rhs);
    }
  }

  void binary(const ast::Expr& e, unsigned target) {
    const ast::Expr& lhs = *e.operands[0];
    const ast::Expr& rhs = *e.operands[1];
    if ((e.op == ast::BinaryOp::eq || e.op == ast::BinaryOp::ne) && lhs.type == ast::Type::text) {
      text_compare(lhs, rhs, target);
      if (e.op == ast::BinaryOp::ne) emit(Opcode::NOT, target, target);
      return;
    }
    if (e.op == ast::BinaryOp::logical_and || e.op == ast::BinaryOp::logical_or) {
      expr(lhs, target);
      const std::size_t skip =
          emit(e.op == ast::BinaryOp::logical_and ? Opcode::JMPF : Opcode::JMPT, target, 0);
      expr(rhs, target);
      patch_jump(skip);
      return;
    }
    // Ordering comparisons with > and >= swap their operands.
    const bool swap = e.op == ast::BinaryOp::gt || e.op == ast::BinaryOp::ge;
    const unsigned other = take_register();
    expr(swap ? rhs : lhs, target);
    expr(swap ? lhs : rhs, other);
    switch (e.op) {
      case ast::BinaryOp::add: emit(Opcode::ADD, target, target, other); break;
      case ast::BinaryOp::subtract: emit(Opcode::SUB, target, target, other); break;
      case ast::BinaryOp::multiply: emit(Opcode::MUL, target, target, other); break;
      case ast::BinaryOp::divide:
        // Division keeps 18 decimal places, rounded in the scheme's mode.
        emit(Opcode::DIV, target, target, other, rounding(program_->rounding, Decimal::kMaxScale));
        break;
      case ast::BinaryOp::eq: emit(Opcode::EQ, target, target, other); break;
      case ast::BinaryOp::ne: emit(Opcode::NE, target, target, other); break;
      case ast::BinaryOp::lt:
      case ast::BinaryOp::gt: emit(Opcode::LT, target, target, other); break;
      case ast::BinaryOp::le:
      case ast::BinaryOp::ge: emit(Opcode::LE, target, target, other); break;
      case ast::BinaryOp::logical_and:
      case ast::BinaryOp::logical_or: break;
    }
    free_register(other);
  }

  // Text is compared field against quoted string, or field against field.
  void text_compare(const ast::Expr& lhs, const ast::Expr& rhs, unsigned target) {
    if (lhs.kind == ast::ExprKind::name && rhs.kind == ast::ExprKind::name)
      emit(Opcode::EQFF, target, lhs.resolved, rhs.resolved);
    else if (lhs.kind == ast::ExprKind::name)
      emit(Opcode::EQFS, target, lhs.resolved, string_constant(rhs.text));
    else
      emit(Opcode::EQFS, target, rhs.resolved, string_constant(lhs.text));
  }

  // --- programs -------------------------------------------------------

  // `at 0.99 per 1_000` folds to the unit price 0.00099 when, and only
  // when, the division is exact; the multiplication then stays exact.
  std::optional<Decimal> exact_unit_price(const ast::Charge& charge) {
    const Decimal price = charge.price->number;
    if (!charge.unit) return price;
    const Decimal unit = charge.unit->number;
    auto quotient = divide(price, unit, Decimal::kMaxScale, RoundingMode::down);
    if (!quotient) return std::nullopt;
    auto back = multiply(*quotient, unit);
    if (!back || *back != price) return std::nullopt;
    return quotient->normalized();
  }

  unsigned tier_table(const ast::Charge& charge) {
    TierTable table;
    table.model = charge.kind == ast::ChargeKind::volume ? TierModel::volume
                  : charge.kind == ast::ChargeKind::band ? TierModel::band
                                                         : TierModel::graduated;
    if (charge.block_which)
      table.blocks = charge.block_which->text == "whole" ? RoundingMode::floor : RoundingMode::ceiling;
    else if (charge.kind == ast::ChargeKind::band || charge.kind == ast::ChargeKind::blocks)
      table.blocks = RoundingMode::ceiling;
    table.free_when_unused = charge.if_used.has_value();
    for (const ast::Tier& tier : charge.tiers) {
      TierRow row;
      row.upper = tier.upper;
      if (tier.price) row.price = *tier.price;
      if (tier.unit) row.per = *tier.unit;
      if (tier.fee) row.fee = *tier.fee;
      table.rows.push_back(row);
    }
    program_->tier_tables.push_back(std::move(table));
    note_size(program_->tier_tables.size(), "tier tables");
    return static_cast<unsigned>(program_->tier_tables.size() - 1);
  }

  static std::string formula(const ast::Charge& charge) {
    if (charge.kind == ast::ChargeKind::flat) return fmt::format("flat fee {}", charge.amount->number);
    const std::string each = charge.per_window ? " per window" : charge.prorated ? " prorated" : "";
    if (charge.kind == ast::ChargeKind::graduated) return fmt::format("graduated {}{}", charge.meter, each);
    if (charge.kind == ast::ChargeKind::volume) return fmt::format("volume {}{}", charge.meter, each);
    if (charge.kind == ast::ChargeKind::band) return fmt::format("band {}", charge.meter);
    if (charge.kind == ast::ChargeKind::percentage) {
      auto percent = multiply(charge.rate, Decimal::from_int(100));
      const std::string of = charge.value->kind == ast::ExprKind::name ? charge.value->text : "the value";
      std::string text = fmt::format("{}% of {} per record", percent ? percent->normalized() : charge.rate, of);
      for (const auto& [word, value] : charge.percent_options) text += fmt::format(", {} {}", word.text, value);
      for (const auto& [word, value] : charge.free_terms)
        text += word.text == "value" ? fmt::format(", free {} of value", value) : fmt::format(", free {} transactions", value);
      return text + ", over the records";
    }
    if (charge.kind == ast::ChargeKind::blocks)
      return fmt::format("blocks of {} {} at {}", *charge.tiers.front().unit, charge.meter,
                         *charge.tiers.front().price);
    if (charge.kind == ast::ChargeKind::plugin) {
      std::string meters;
      for (const auto& m : charge.plugin_meters) meters += (meters.empty() ? "" : ", ") + m.text;
      return fmt::format("{}({}) from a plugin", charge.plugin_kind.text, meters);
    }
    std::string meter = charge.meter;
    for (std::size_t i = 0; i < charge.after.size(); ++i)
      meter += fmt::format("{}{}", i == 0 ? " after " : ", ", charge.after[i].text);
    if (charge.unit) return fmt::format("{} at {} per {}", meter, charge.price->number, charge.unit->number);
    return fmt::format("{} at {}", meter, charge.price->number);
  }

  void begin_chunk(Chunk& chunk) {
    chunk_ = &chunk;
    next_register_ = 0;
  }

  // Operands are 16 bits: the first table or program that outgrows them
  // is reported at the construct that made it do so.
  void note_size(std::size_t size, std::string_view what) {
    if (size <= kMaxOperand || limit_reported_) return;
    limit_reported_ = true;
    error({location_, location_},
          fmt::format("the scheme needs more than {} {} here, the most one compiled scheme can hold",
                      kMaxOperand, what),
          "split the scheme into several");
  }

  static MeterKind kind_of(const std::string& aggregate) {
    switch (*front::parse_aggregate(aggregate)) {
      case front::Aggregate::sum: return MeterKind::sum;
      case front::Aggregate::count: return MeterKind::count;
      case front::Aggregate::max: return MeterKind::max;
      case front::Aggregate::min: return MeterKind::min;
      case front::Aggregate::distinct: return MeterKind::distinct;
      case front::Aggregate::latest: return MeterKind::latest;
      case front::Aggregate::average: return MeterKind::average;
      case front::Aggregate::weighted_sum: return MeterKind::weighted_sum;
      case front::Aggregate::intervals: return MeterKind::intervals;
    }
    return MeterKind::sum;
  }

  static std::optional<UnitConversion> conversion_of(const std::optional<ast::Conversion>& c) {
    if (!c) return std::nullopt;
    UnitConversion conversion;
    conversion.from_size = front::find_unit(c->from.text)->size;
    conversion.to_size = front::find_unit(c->to.text)->size;
    if (c->direction) {
      conversion.rounding = c->direction->text == "up"     ? RoundingMode::ceiling
                            : c->direction->text == "down" ? RoundingMode::floor
                                                           : RoundingMode::half_up;
    }
    return conversion;
  }

  // A meter body becomes its innermost aggregation, its windows innermost
  // first, and a conversion per level. `per day` on a plain meter is a
  // window over days whose converted daily values are summed.
  MeterInfo meter_info(const ast::Meter& meter, const ast::MeterBody*& innermost) {
    MeterInfo info;
    info.name = meter.name;
    std::vector<MeterWindow> outer_first;
    std::vector<std::optional<UnitConversion>> outer_conversions;
    const ast::MeterBody* body = &meter.body;
    while (body->window) {
      MeterWindow window;
      window.reduce = kind_of(body->aggregate);
      if (body->window->text == "days") {
        window.kind = WindowKind::day;
      } else {
        window.kind = WindowKind::column;
        window.column = *program_->usage.find(body->window->text);
      }
      outer_first.push_back(window);
      outer_conversions.push_back(conversion_of(body->conversion));
      body = body->inner.get();
    }
    innermost = body;
    info.kind = kind_of(body->aggregate);
    // A stage written wins; without one, `settle daily` rounds per day
    // where a meter may round per day (it has no windows).
    const bool settles_daily = scheme_.settlement && scheme_.settlement->text == "daily";
    const auto& conversion = body->conversion;
    const bool daily = conversion && conversion->direction &&
                       (conversion->stage ? conversion->stage->text == "day" : settles_daily && outer_first.empty());
    if (daily) {
      info.windows.push_back(MeterWindow{WindowKind::day, 0, MeterKind::sum});
      info.conversions = {conversion_of(body->conversion), std::nullopt};
    } else {
      info.windows.assign(outer_first.rbegin(), outer_first.rend());
      info.conversions.push_back(conversion_of(body->conversion));
      info.conversions.insert(info.conversions.end(), outer_conversions.rbegin(), outer_conversions.rend());
    }
    bool any = false;
    for (const auto& c : info.conversions) any = any || c.has_value();
    if (!any) info.conversions.clear();
    return info;
  }

  void classes() {
    for (const ast::ClassDecl& decl : scheme_.classes) {
      location_ = decl.range.begin;
      ClassTable cls;
      cls.name = decl.name.text;
      cls.column = *program_->usage.find(decl.input.text);
      for (const ast::Band& band : decl.bands) {
        cls.bands.push_back(band.name.text);
        if (band.bound) cls.bounds.push_back(*band.bound);
      }
      program_->classes.push_back(std::move(cls));
      note_size(program_->classes.size(), "classes");
    }
  }

  unsigned class_index(const std::string& name) const {
    for (std::size_t i = 0; i < program_->classes.size(); ++i)
      if (program_->classes[i].name == name) return static_cast<unsigned>(i);
    return 0;
  }

  static Opcode update_op(MeterKind kind) {
    switch (kind) {
      case MeterKind::sum: return Opcode::MSUM;
      case MeterKind::count: return Opcode::MCOUNT;
      case MeterKind::max: return Opcode::MMAX;
      case MeterKind::min: return Opcode::MMIN;
      case MeterKind::distinct: return Opcode::MDIST;
      case MeterKind::latest: return Opcode::MLAST;
      case MeterKind::average: return Opcode::MAVG;
      case MeterKind::weighted_sum: return Opcode::MWSUM;
      case MeterKind::intervals: return Opcode::MSPAN;
      case MeterKind::free_transactions: return Opcode::MFREE;
      case MeterKind::events: return Opcode::MEVENT;
    }
    return Opcode::MSUM;
  }

  // One meter update: `value` holds the aggregated value (unused by count
  // and distinct, which read nothing or a field).
  void emit_update(MeterKind kind, unsigned meter, unsigned value, const ast::MeterBody& body) {
    if (kind == MeterKind::count)
      emit(Opcode::MCOUNT, meter);
    else if (kind == MeterKind::distinct)
      emit(Opcode::MDIST, meter, body.argument->resolved);
    else
      emit(update_op(kind), meter, value);
  }

  void record_program() {
    begin_chunk(program_->record);
    for (const ast::Meter& meter : scheme_.meters) {
      location_ = meter.range.begin;
      const ast::MeterBody* body = nullptr;
      MeterInfo info = meter_info(meter, body);
      if (prorated_meter(meter.name)) info.kind = MeterKind::events;
      const MeterKind kind = info.kind;
      const auto first = static_cast<unsigned>(program_->meters.size());
      // A meter grouped by a class is one meter per band.
      std::optional<unsigned> grouped;
      if (body->group_class) {
        grouped = class_index(body->group_class->text);
        for (const std::string& band : program_->classes[*grouped].bands) {
          MeterInfo sub = info;
          sub.name = fmt::format("{}[{}]", meter.name, band);
          program_->meters.push_back(std::move(sub));
          note_size(program_->meters.size(), "meters");
        }
      } else {
        program_->meters.push_back(std::move(info));
        note_size(program_->meters.size(), "meters");
      }
      location_ = meter.range.begin;
      const unsigned value = take_register();
      std::optional<std::size_t> skip;
      if (body->filter) {
        expr(*body->filter, value);
        location_ = meter.range.begin;
        skip = emit(Opcode::JMPF, value, 0);
      }
      if (body->argument && kind != MeterKind::distinct) {
        expr(*body->argument, value);
        location_ = meter.range.begin;
      }
      if (!grouped) {
        emit_update(kind, first, value, *body);
      } else {
        const ClassTable& cls = program_->classes[*grouped];
        const unsigned band = take_register();
        const unsigned test = take_register();
        emit(Opcode::LOADF, band, cls.column);
        emit(Opcode::CLASSIFY, band, band, *grouped);
        for (std::size_t b = 0; b < cls.bands.size(); ++b) {
          emit(Opcode::LOADK, test, constant(Decimal::from_int(static_cast<std::int64_t>(b))));
          emit(Opcode::EQ, test, band, test);
          const std::size_t next = emit(Opcode::JMPF, test, 0);
          emit_update(kind, first + static_cast<unsigned>(b), value, *body);
          patch_jump(next);
        }
        free_register(band);
      }
      if (skip) patch_jump(*skip);
      free_register(value);
    }
    for (const ast::Charge& charge : scheme_.charges)
      if (charge.kind == ast::ChargeKind::percentage) percentage_meters(charge);
  }

  // A percentage charge meters its own fees: per record, value x rate, plus
  // the fixed fee, held between the minimum and the maximum, summed; and
  // the number of records, the line's quantity.
  void percentage_meters(const ast::Charge& charge) {
    location_ = charge.range.begin;
    const auto fees = static_cast<unsigned>(program_->meters.size());
    program_->meters.push_back(MeterInfo{charge.name + ": fees", MeterKind::sum, {}, {}, std::nullopt});
    program_->meters.push_back(MeterInfo{charge.name + ": transactions", MeterKind::count, {}, {}, std::nullopt});
    std::optional<unsigned> free_meter;
    if (!charge.free_terms.empty()) {
      free_meter = static_cast<unsigned>(program_->meters.size());
      program_->meters.push_back(
          MeterInfo{charge.name + ": free transactions", MeterKind::free_transactions, {}, {}, free_terms(charge)});
    }
    note_size(program_->meters.size(), "meters");
    percentage_meters_[charge.name] = PercentageMeters{fees, free_meter};
    const unsigned value = take_register();
    const unsigned term = take_register();
    std::optional<std::size_t> skip;
    if (charge.filter) {
      expr(*charge.filter, value);
      location_ = charge.range.begin;
      skip = emit(Opcode::JMPF, value, 0);
    }
    expr(*charge.value, value);
    location_ = charge.range.begin;
    if (free_meter) emit(Opcode::MFREE, *free_meter, value);
    emit(Opcode::LOADK, term, constant(charge.rate));
    emit(Opcode::MUL, value, value, term);
    for (const char* word : {"plus", "min", "max"}) {
      for (const auto& [name, amount] : charge.percent_options) {
        if (name.text != word) continue;
        emit(Opcode::LOADK, term, constant(amount));
        const std::string_view w = word;
        emit(w == "plus" ? Opcode::ADD : w == "min" ? Opcode::MAX : Opcode::MIN, value, value, term);
      }
    }
    emit(Opcode::MSUM, fees, value);
    emit(Opcode::MCOUNT, fees + 1);
    if (skip) patch_jump(*skip);
    free_register(value);
  }

  // A meter some charge prorates keeps its records (the checker has made
  // sure it is a plain sum); `video[hd]` prorated keeps every band's.
  bool prorated_meter(const std::string& name) const {
    return std::any_of(scheme_.charges.begin(), scheme_.charges.end(), [&](const ast::Charge& charge) {
      return charge.prorated && charge.meter.substr(0, charge.meter.find('[')) == name;
    });
  }

  static FreeTransactions free_terms(const ast::Charge& charge) {
    FreeTransactions terms;
    terms.rate = charge.rate;
    for (const auto& [word, amount] : charge.percent_options)
      (word.text == "plus" ? terms.plus : word.text == "min" ? terms.min : terms.max) = amount;
    for (const auto& [word, amount] : charge.free_terms)
      (word.text == "transactions" ? terms.count : terms.value) = amount;
    return terms;
  }

  unsigned meter_index(const std::string& name) const {
    for (std::size_t i = 0; i < program_->meters.size(); ++i)
      if (program_->meters[i].name == name) return static_cast<unsigned>(i);
    return 0;
  }

  // Allowances are drawn first, in declaration order, so every charge sees
  // its meter net of them.
  void allowances() {
    for (std::size_t a = 0; a < scheme_.allowances.size(); ++a) {
      const ast::Allowance& allowance = scheme_.allowances[a];
      location_ = allowance.range.begin;
      AllowanceInfo info;
      info.name = allowance.name.text;
      info.amount = allowance.amount;
      for (const ast::Draw& draw : allowance.draws)
        info.draws.push_back(AllowanceDraw{meter_index(draw.meter.text), draw.ratio});
      if (const auto& terms = allowance.package) {
        PackageTerms package;
        package.price = terms->price;
        package.validity = static_cast<std::uint32_t>(terms->validity.to_int64(RoundingMode::down).value_or(1));
        package.unit = terms->validity_unit.text.rfind("day", 0) == 0     ? ValidityUnit::day
                       : terms->validity_unit.text.rfind("year", 0) == 0 ? ValidityUnit::year
                                                                         : ValidityUnit::month;
        package.charge = subscription_line(allowance.name.text, ast::SubscriptionPart::package).value_or(0);
        info.package = package;
      }
      program_->allowances.push_back(std::move(info));
      note_size(program_->allowances.size(), "allowances");
      location_ = allowance.range.begin;
      emit(Opcode::DRAW, static_cast<unsigned>(a));
    }
  }

  // The invoice line the AST builder made for a plan's fee or seats or a
  // package's purchases.
  std::optional<std::uint32_t> subscription_line(const std::string& owner, ast::SubscriptionPart part) const {
    for (std::size_t i = 0; i < scheme_.charges.size(); ++i) {
      const ast::Charge& charge = scheme_.charges[i];
      if (charge.kind == ast::ChargeKind::subscription && charge.part == part && charge.plan->text == owner)
        return static_cast<std::uint32_t>(i);
    }
    return std::nullopt;
  }

  std::optional<std::uint32_t> plan_index(const std::string& name) const {
    for (std::size_t i = 0; i < scheme_.plans.size(); ++i)
      if (scheme_.plans[i].name.text == name) return static_cast<std::uint32_t>(i);
    return std::nullopt;
  }

  // Annual prices not given are twelve monthly ones less the annual discount.
  void plans() {
    for (const ast::Plan& plan : scheme_.plans) {
      PlanInfo info;
      info.kind = plan.kind == ast::PlanKind::edition ? PlanKind::edition : PlanKind::module;
      info.name = plan.name.text;
      std::optional<Decimal> discount;
      for (const auto& amount : plan.amounts) {
        if (amount.word.text == "annual") discount = amount.amount;
        if (amount.word.text == "minimum") info.minimum_seats = amount.amount;
      }
      for (const auto& price : plan.prices) {
        const bool monthly = price.cycle.text == "monthly";
        auto& slot = price.word.text == "fee" ? (monthly ? info.monthly_fee : info.annual_fee)
                                              : (monthly ? info.monthly_seat : info.annual_seat);
        slot = price.amount;
      }
      location_ = plan.range.begin;
      if (discount) {
        info.annual_fee = discounted_year(*info.monthly_fee, *discount);
        if (info.monthly_seat && !info.annual_seat) info.annual_seat = discounted_year(*info.monthly_seat, *discount);
      }
      info.whole_months = !plan.switches.empty();
      info.includes = plan.includes;
      if (info.monthly_fee || info.annual_fee)
        info.fee_charge = subscription_line(plan.name.text, ast::SubscriptionPart::fee);
      if (info.monthly_seat || info.annual_seat)
        info.seat_charge = subscription_line(plan.name.text, ast::SubscriptionPart::seats);
      program_->plans.push_back(std::move(info));
      note_size(program_->plans.size(), "editions and modules");
    }
  }

  Decimal discounted_year(const Decimal& monthly, const Decimal& discount) {
    auto year = multiply(monthly, Decimal::from_int(12));
    auto kept = subtract(Decimal::from_int(1), discount);
    if (year && kept)
      if (auto price = multiply(*year, *kept)) return price->normalized();
    error({location_, location_}, "the annual price overflows", "give it with `fee ... annual`");
    return Decimal();
  }

  static std::string subscription_formula(const ast::Charge& charge) {
    switch (charge.part) {
      case ast::SubscriptionPart::fee: return fmt::format("subscription to {}", charge.plan->text);
      case ast::SubscriptionPart::seats: return fmt::format("seats of {}", charge.plan->text);
      case ast::SubscriptionPart::package: return fmt::format("purchases of package {}", charge.plan->text);
    }
    return {};
  }

  void period_program() {
    begin_chunk(program_->period);
    allowances();
    plans();
    for (std::size_t i = 0; i < scheme_.charges.size(); ++i) {
      const ast::Charge& charge = scheme_.charges[i];
      location_ = charge.range.begin;
      if (charge.kind == ast::ChargeKind::subscription) {
        // Billed from the account's subscription when it is invoiced: no code.
        ChargeInfo line{charge.name, subscription_formula(charge), std::nullopt, LineSource::usage, std::nullopt, charge.doc};
        line.source = charge.part == ast::SubscriptionPart::fee     ? LineSource::plan_fee
                      : charge.part == ast::SubscriptionPart::seats ? LineSource::plan_seats
                                                                    : LineSource::package;
        if (charge.part == ast::SubscriptionPart::package) {
          for (std::size_t a = 0; a < scheme_.allowances.size(); ++a)
            if (scheme_.allowances[a].name.text == charge.plan->text) line.owner = static_cast<std::uint32_t>(a);
        } else {
          line.owner = plan_index(charge.plan->text);
        }
        program_->charges.push_back(std::move(line));
        note_size(program_->charges.size(), "charges");
        continue;
      }
      std::optional<std::uint32_t> priced_meter;
      if (charge.kind != ast::ChargeKind::flat && charge.kind != ast::ChargeKind::percentage)
        priced_meter = charge.meter_index;
      ChargeInfo info{charge.name, formula(charge), priced_meter, LineSource::usage, std::nullopt, charge.doc};
      if (charge.plan) info.owner = plan_index(charge.plan->text);
      program_->charges.push_back(std::move(info));
      note_size(program_->charges.size(), "charges");
      location_ = charge.range.begin;
      const auto index = static_cast<unsigned>(i);
      const unsigned quantity = take_register();
      const unsigned amount = take_register();
      if (charge.kind == ast::ChargeKind::flat) {
        emit(Opcode::LOADK, quantity, constant(Decimal::from_int(1)));
        expr(*charge.amount, amount);
      } else if (charge.kind == ast::ChargeKind::percentage) {
        const PercentageMeters& meters = percentage_meters_.at(charge.name);
        emit(Opcode::LOADM, quantity, meters.fees + 1);
        emit(Opcode::LOADM, amount, meters.fees);
        if (meters.free) emit(Opcode::PFREE, amount, *meters.free);
      } else if (charge.kind == ast::ChargeKind::plugin) {
        PluginUse use;
        use.kind = charge.plugin_kind.text;
        use.meters = charge.plugin_meter_indexes;
        use.rows = charge.plugin_rows;
        for (const auto& [name, value] : charge.plugin_params) use.params.emplace_back(name.text, value);
        program_->plugin_uses.push_back(std::move(use));
        note_size(program_->plugin_uses.size(), "plugin tier kind uses");
        emit(Opcode::LOADM, quantity, charge.meter_index);
        emit(Opcode::PLUGIN, amount, static_cast<unsigned>(program_->plugin_uses.size() - 1));
      } else if (charge.kind == ast::ChargeKind::graduated || charge.kind == ast::ChargeKind::volume ||
                 charge.kind == ast::ChargeKind::band || charge.kind == ast::ChargeKind::blocks) {
        emit(Opcode::LOADM, quantity, charge.meter_index);
        if (charge.per_window)
          emit(Opcode::WTIERS, amount, charge.meter_index, tier_table(charge));
        else if (charge.prorated)
          emit(Opcode::PTIERS, amount, charge.meter_index, tier_table(charge));
        else
          emit(Opcode::TIERS, amount, quantity, tier_table(charge));
      } else {
        emit(Opcode::LOADM, quantity, charge.meter_index);
        if (auto unit_price = exact_unit_price(charge)) {
          emit(Opcode::LOADK, amount, constant(*unit_price));
          emit(Opcode::MUL, amount, quantity, amount);
        } else {
          expr(*charge.price, amount);
          location_ = charge.range.begin;
          emit(Opcode::MUL, amount, quantity, amount);
          if (charge.unit) {
            const unsigned unit = take_register();
            expr(*charge.unit, unit);
            location_ = charge.range.begin;
            // Only a price that does not divide exactly gets here (0.10 per
            // 3): 18 places, rounded in the scheme's mode, then the line is
            // rounded to the currency.
            emit(Opcode::DIV, amount, amount, unit, rounding(program_->rounding, Decimal::kMaxScale));
            free_register(unit);
          }
        }
      }
      location_ = charge.range.begin;
      emit(Opcode::LINE, index, quantity, amount);
      free_register(quantity);
    }
  }

  void credits() {
    for (const ast::Credit& credit : scheme_.credits) {
      CreditUse use;
      use.name = credit.name.text;
      use.rule = credit.rule.text;
      use.meter = credit.meter_index;
      use.charges = credit.charge_indexes;
      use.rows = credit.rows;
      for (const auto& [name, value] : credit.params) use.params.emplace_back(name.text, value);
      use.at = credit.range.begin;
      program_->credits.push_back(std::move(use));
    }
  }

  void adjustments() {
    for (const ast::Adjustment& adjustment : scheme_.adjustments) {
      AdjustmentInfo info;
      switch (adjustment.kind) {
        case ast::AdjustmentKind::minimum: info.kind = AdjustmentKind::minimum; break;
        case ast::AdjustmentKind::cap: info.kind = AdjustmentKind::cap; break;
        case ast::AdjustmentKind::discount: info.kind = AdjustmentKind::discount; break;
        case ast::AdjustmentKind::tax: info.kind = AdjustmentKind::tax; break;
        case ast::AdjustmentKind::prepaid: info.kind = AdjustmentKind::prepaid; break;
      }
      info.name = adjustment.label->text;  // the checker names unnamed ones
      info.amount = adjustment.amount.value_or(Decimal());  // a prepaid wallet has none
      info.percent = adjustment.percent;
      info.included = adjustment.included;
      info.charges = adjustment.charge_indexes;
      info.at = adjustment.range.begin;
      program_->adjustments.push_back(std::move(info));
    }
  }

  const ast::Scheme& scheme_;
  Diagnostics& diagnostics_;
  std::shared_ptr<Program> program_;
  Chunk* chunk_ = nullptr;
  unsigned next_register_ = 0;
  SourceLocation location_;
  bool limit_reported_ = false;
  struct PercentageMeters {
    unsigned fees;                // the fee sum; fees + 1: the transactions counted
    std::optional<unsigned> free; // the transactions its free allowance may cover
  };
  std::map<std::string, PercentageMeters> percentage_meters_;
};

}  // namespace

std::shared_ptr<Program> compile(const ast::Scheme& scheme, Diagnostics& diagnostics) {
  return Compiler(scheme, diagnostics).run();
}

}  // namespace tariff
