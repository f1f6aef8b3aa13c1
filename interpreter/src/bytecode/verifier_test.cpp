// Every verifier check fires at least once, on hand-broken copies of a
// compiled program.
#include <gtest/gtest.h>

#include <functional>

#include "bytecode/program.h"
#include "bytecode/verifier.h"
#include "tariff/tariff.h"

namespace tariff {
namespace {

Program valid_program() {
  auto compiled = compile_source("t.tariff", R"(scheme "T" version "1"
currency USD
rounding half_up per line
usage {
  account  id
  time     timestamp
  event    text
  quantity decimal
}
meter total = sum quantity where event == "voice"
meter n     = count
meter peak  = max quantity
meter low   = min quantity
charge "Voice" = total at 0.10 per 3
charge "Base"  = flat 5
charge "N" = n at 1
charge "P" = peak at 1
charge "L" = low at 1
)");
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  return *compiled.program;
}

// Applies `breakage` to a valid program and returns the verifier's message.
std::string refusal(const std::function<void(Program&)>& breakage) {
  Program p = valid_program();
  breakage(p);
  auto result = verify(p);
  if (result) return "(accepted)";
  return to_string(result.error());
}

std::size_t find_op(const Chunk& c, Opcode op) {
  for (std::size_t pc = 0; pc < c.code.size(); ++pc)
    if (c.code[pc].op == op) return pc;
  ADD_FAILURE() << "opcode not in program";
  return 0;
}

TEST(Verifier, AcceptsWhatTheCompilerEmits) { EXPECT_TRUE(verify(valid_program())); }

TEST(Verifier, ProgramLevelChecks) {
  EXPECT_EQ(refusal([](Program& p) { p.currency = "XYZ"; }), "unknown currency `XYZ`");
  EXPECT_EQ(refusal([](Program& p) { p.minor_digits = 3; }),
            "currency USD has 2 minor digits, the program says 3");
  EXPECT_EQ(refusal([](Program& p) { p.rounding = static_cast<RoundingMode>(9); }),
            "rounding mode out of range");
  EXPECT_EQ(refusal([](Program& p) { p.rounding_stage = static_cast<RoundingStage>(5); }),
            "rounding stage out of range");
  EXPECT_EQ(refusal([](Program& p) { p.usage.account_column = 40; }),
            "the usage schema has no account column of type id");
  EXPECT_EQ(refusal([](Program& p) { p.usage.account_column = 2; }),
            "the usage schema has no account column of type id");
  EXPECT_EQ(refusal([](Program& p) { p.usage.time_column = 0; }),
            "the usage schema's time column is not a timestamp");
  EXPECT_EQ(refusal([](Program& p) { p.usage.columns[2].type = static_cast<ColumnType>(17); }),
            "column `event` has an unknown type");
  EXPECT_EQ(refusal([](Program& p) { p.meters[0].kind = static_cast<MeterKind>(12); }),
            "meter `total` has an unknown aggregation");
}

TEST(Verifier, ChunkShape) {
  EXPECT_EQ(refusal([](Program& p) { p.record.locations.pop_back(); }),
            "record program, instruction 0: 8 source locations for 9 instructions");
  EXPECT_EQ(refusal([](Program& p) { p.period.code[0].op = static_cast<Opcode>(200); }),
            "period program, instruction 0: unknown opcode 200");
}

TEST(Verifier, InstructionsOnlyInTheirPhase) {
  EXPECT_EQ(refusal([](Program& p) { p.record.code[0] = Instruction{Opcode::LOADM, 0, 0, 0, 0}; }),
            "record program, instruction 0: LOADM is not allowed in the record program");
  EXPECT_EQ(refusal([](Program& p) { p.period.code[0] = Instruction{Opcode::LOADF, 0, 0, 3, 0}; }),
            "period program, instruction 0: LOADF is not allowed in the period program");
}

TEST(Verifier, EveryOperandKindIsRangeChecked) {
  // NONE
  EXPECT_EQ(refusal([](Program& p) { p.record.code[0].d = 1; }),
            "record program, instruction 0: EQFS operand d: unused operand holds 1");
  // REG
  EXPECT_EQ(refusal([](Program& p) { p.record.code[0].a = 99; }),
            "record program, instruction 0: EQFS operand a: register 99 beyond the 1 declared");
  // CONST
  EXPECT_EQ(refusal([](Program& p) { p.period.code[find_op(p.period, Opcode::LOADK)].b = 77; }),
            "period program, instruction 1: LOADK operand b: constant 77 does not exist");
  // STR
  EXPECT_EQ(refusal([](Program& p) { p.record.code[0].c = 5; }),
            "record program, instruction 0: EQFS operand c: string constant 5 does not exist");
  // TFIELD: a numeric column, then one that does not exist
  EXPECT_EQ(refusal([](Program& p) { p.record.code[0].b = 3; }),
            "record program, instruction 0: EQFS operand b: field 3 is not a text field");
  EXPECT_EQ(refusal([](Program& p) { p.record.code[0].b = 9; }),
            "record program, instruction 0: EQFS operand b: field 9 does not exist");
  // NFIELD
  EXPECT_EQ(refusal([](Program& p) { p.record.code[find_op(p.record, Opcode::LOADF)].b = 2; }),
            "record program, instruction 2: LOADF operand b: field 2 is not a numeric field");
  // SUMMETER, COUNTMETER, MAXMETER, MINMETER
  EXPECT_EQ(refusal([](Program& p) { p.record.code[find_op(p.record, Opcode::MSUM)].a = 1; }),
            "record program, instruction 3: MSUM operand a: meter 1 is a count meter, not sum");
  EXPECT_EQ(refusal([](Program& p) { p.record.code[find_op(p.record, Opcode::MCOUNT)].a = 0; }),
            "record program, instruction 4: MCOUNT operand a: meter 0 is a sum meter, not count");
  EXPECT_EQ(refusal([](Program& p) { p.record.code[find_op(p.record, Opcode::MMAX)].a = 3; }),
            "record program, instruction 6: MMAX operand a: meter 3 is a min meter, not max");
  EXPECT_EQ(refusal([](Program& p) { p.record.code[find_op(p.record, Opcode::MMIN)].a = 8; }),
            "record program, instruction 8: MMIN operand a: meter 8 does not exist");
  // METER
  EXPECT_EQ(refusal([](Program& p) { p.period.code[find_op(p.period, Opcode::LOADM)].b = 4; }),
            "period program, instruction 0: LOADM operand b: meter 4 does not exist");
  // CHARGE
  EXPECT_EQ(refusal([](Program& p) { p.period.code[find_op(p.period, Opcode::LINE)].a = 5; }),
            "period program, instruction 5: LINE operand a: charge 5 does not exist");
  // TARGET: backwards, onto itself, past the end
  EXPECT_EQ(refusal([](Program& p) { p.record.code[1].b = 0; }),
            "record program, instruction 1: JMPF operand b: jump to 0 does not go forward");
  EXPECT_EQ(refusal([](Program& p) { p.record.code[1].b = 1; }),
            "record program, instruction 1: JMPF operand b: jump to 1 does not go forward");
  EXPECT_EQ(refusal([](Program& p) { p.record.code[1].b = 100; }),
            "record program, instruction 1: JMPF operand b: jump to 100 is past the end");
  // ROUND: mode and scale
  EXPECT_EQ(refusal([](Program& p) { p.period.code[find_op(p.period, Opcode::DIV)].d = encode_rounding(7, 2); }),
            "period program, instruction 4: DIV operand d: rounding mode out of range");
  EXPECT_EQ(refusal([](Program& p) { p.period.code[find_op(p.period, Opcode::DIV)].d = encode_rounding(0, 19); }),
            "period program, instruction 4: DIV operand d: rounding scale beyond 18");
}

TEST(Verifier, AJumpToTheEndIsAllowed) {
  Program p = valid_program();
  p.record.code[1].b = static_cast<std::uint16_t>(p.record.code.size());
  EXPECT_TRUE(verify(p));
}

}  // namespace
}  // namespace tariff

namespace tariff {
namespace {

// A program with every table kind: tiers, classes, allowances, windows,
// conversions and a billing period.
Program rich_program() {
  auto compiled = compile_source("r.tariff", R"(scheme "R" version "1"
currency USD
rounding half_up per line
period calendar month UTC
usage {
  account  id
  time     timestamp
  user     id
  pixels   integer default 0
  quantity decimal
}
class resolution(pixels) {
  hd   <= 921_600
  uhd  otherwise
}
meter minutes = sum quantity by resolution, seconds -> minutes rounded up per day
meter dau = max over days of distinct user
meter gauge = weighted_sum quantity
allowance bundle = 100 per period draws minutes[hd], minutes[uhd] * 4
charge "HD" = minutes[hd] after bundle at 1
charge "UHD" = graduated minutes[uhd] after bundle { first 10 free  above at 2 }
charge "DAU" = dau at 1
charge "Gauge" = gauge at 1
)");
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  return *compiled.program;
}

std::string rich_refusal(const std::function<void(Program&)>& breakage) {
  Program p = rich_program();
  breakage(p);
  auto result = verify(p);
  return result ? "(accepted)" : to_string(result.error());
}

TEST(Verifier, AcceptsTheRichProgram) { EXPECT_TRUE(verify(rich_program())); }

TEST(Verifier, ClassAllowanceAndTableOperands) {
  EXPECT_EQ(rich_refusal([](Program& p) { p.record.code[find_op(p.record, Opcode::CLASSIFY)].c = 3; }),
            "record program, instruction 2: CLASSIFY operand c: class 3 does not exist");
  EXPECT_EQ(rich_refusal([](Program& p) { p.period.code[find_op(p.period, Opcode::DRAW)].a = 2; }),
            "period program, instruction 0: DRAW operand a: allowance 2 does not exist");
  EXPECT_EQ(rich_refusal([](Program& p) { p.period.code[find_op(p.period, Opcode::TIERS)].c = 5; }),
            "period program, instruction 6: TIERS operand c: tier table 5 does not exist");
}

TEST(Verifier, ClassAndAllowanceTables) {
  EXPECT_EQ(rich_refusal([](Program& p) { p.classes[0].column = 2; }),
            "class `resolution` reads column 2 which is not a numeric column");
  EXPECT_EQ(rich_refusal([](Program& p) { p.classes[0].bands.push_back("x"); }),
            "class `resolution` has 3 bands for 1 bounds");
  EXPECT_EQ(rich_refusal([](Program& p) {
              p.classes[0].bands.push_back("x");
              p.classes[0].bounds.push_back(*Decimal::parse("5"));
            }),
            "class `resolution`: band bounds do not increase");
  EXPECT_EQ(rich_refusal([](Program& p) { p.allowances[0].amount = Decimal::from_int(-1); }),
            "allowance `bundle` is negative");
  EXPECT_EQ(rich_refusal([](Program& p) { p.allowances[0].draws[1].meter = 40; }),
            "allowance `bundle` draws meter 40 which does not exist");
  EXPECT_EQ(rich_refusal([](Program& p) { p.allowances[0].draws[1].ratio = Decimal(); }),
            "allowance `bundle` has a ratio that is not positive");
  EXPECT_EQ(rich_refusal([](Program& p) { p.charges[0].meter = 40; }),
            "charge \"HD\" prices meter 40 which does not exist");
  EXPECT_EQ(rich_refusal([](Program& p) { p.tier_tables[0].rows.back().upper = Decimal::from_int(99); }),
            "tier table 0: only the last row is unbounded, and it must be");
  EXPECT_EQ(rich_refusal([](Program& p) { p.tier_tables[0].rows.clear(); }), "tier table 0 has no rows");
}

TEST(Verifier, MeterWindowsConversionsAndPeriod) {
  EXPECT_EQ(rich_refusal([](Program& p) { p.billing_period.zone_offset = 15 * 3600; }),
            "billing period zone offset beyond 14 hours");
  EXPECT_EQ(rich_refusal([](Program& p) { p.usage.time_column.reset(); }),
            "a billing period needs the usage schema's time column");
  EXPECT_EQ(rich_refusal([](Program& p) {
              p.billing_period.kind = PeriodKind::none;
              p.usage.time_column.reset();
            }),
            "meter `minutes[hd]` windows by day without a time column");
  EXPECT_EQ(rich_refusal([](Program& p) { p.meters[2].windows[0].reduce = MeterKind::distinct; }),
            "meter `dau` reduces a window with an unknown aggregation");
  EXPECT_EQ(rich_refusal([](Program& p) {
              p.meters[2].windows[0].kind = WindowKind::column;
              p.meters[2].windows[0].column = 9;
            }),
            "meter `dau` windows by column 9 which does not exist");
  EXPECT_EQ(rich_refusal([](Program& p) { p.meters[0].conversions.pop_back(); }),
            "meter `minutes[hd]` has 1 conversions for 2 levels");
  EXPECT_EQ(rich_refusal([](Program& p) { p.meters[0].conversions[0]->to_size = Decimal(); }),
            "meter `minutes[hd]` converts with a unit size that is not positive");
  EXPECT_EQ(rich_refusal([](Program& p) {
              p.billing_period.kind = PeriodKind::none;
              p.meters[0].windows.clear();
              p.meters[0].conversions.clear();
              p.meters[1].windows.clear();
              p.meters[1].conversions.clear();
              p.meters[2].windows.clear();
              p.usage.time_column.reset();
            }),
            "meter `gauge` needs the usage schema's time column");
}

}  // namespace
}  // namespace tariff

namespace tariff {
namespace {

// Plugin uses are checked like every other table (a hand-built use: the
// verifier needs no plugin loaded).
TEST(Verifier, PluginUsesAndTheirOperand) {
  auto with_use = [](const std::function<void(Program&)>& breakage) {
    Program p = valid_program();
    p.plugin_uses.push_back(PluginUse{"capacity", {0}, {{Decimal::from_int(1), Decimal::from_int(2)}}, {}});
    p.period.code.push_back(Instruction{Opcode::PLUGIN, 0, 0, 0, 0});
    p.period.locations.push_back({});
    breakage(p);
    auto result = verify(p);
    return result ? std::string("(accepted)") : to_string(result.error());
  };
  EXPECT_EQ(with_use([](Program&) {}), "(accepted)");
  EXPECT_EQ(with_use([](Program& p) { p.period.code.back().b = 3; }),
            "period program, instruction 21: PLUGIN operand b: plugin use 3 does not exist");
  EXPECT_EQ(with_use([](Program& p) { p.plugin_uses[0].meters.clear(); }),
            "plugin kind `capacity` prices no meter");
  EXPECT_EQ(with_use([](Program& p) { p.plugin_uses[0].meters = {9}; }),
            "plugin kind `capacity` prices meter 9 which does not exist");
  EXPECT_EQ(with_use([](Program& p) { p.plugin_uses[0].rows.push_back({Decimal()}); }),
            "plugin kind `capacity` has rows of different lengths");
}

}  // namespace
}  // namespace tariff

namespace tariff {
namespace {

// Adjustments, credits, the intervals meter and the tier table models
// added with them: each check fires on a hand-broken copy.
Program adjusted_program() {
  auto compiled = compile_source("a.tariff", R"(scheme "A" version "1"
currency USD
rounding half_up per line
period calendar month UTC
usage {
  account  id
  time     timestamp
  event    text
  quantity decimal
}
meter outages = intervals quantity where event == "outage"
meter calls = sum quantity
charge "Calls" = band calls { up to 10 flat 5  above at 1 per 10 flat 5 }
minimum 100.00
tax "VAT" 19% included on "Calls"
prepaid "Wallet" on "Calls"
)");
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  Program p = *compiled.program;
  // A credit as the compiler would emit it (no plugin needs to be loaded).
  p.credits.push_back(CreditUse{"SLA", "sla.tiered", 0, {0}, {{Decimal::from_int(99), Decimal::from_int(10)}}, {}, {}});
  return p;
}

std::string adjusted_refusal(const std::function<void(Program&)>& breakage) {
  Program p = adjusted_program();
  breakage(p);
  auto result = verify(p);
  return result ? "(accepted)" : to_string(result.error());
}

TEST(Verifier, AdjustmentsCreditsIntervalsAndBands) {
  EXPECT_EQ(adjusted_refusal([](Program&) {}), "(accepted)");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.adjustments[0].amount = Decimal(); }),
            "adjustment \"Minimum commitment\" is not positive");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.adjustments[1].percent = false; }),
            "adjustment \"VAT\": a tax must be a percentage");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.adjustments[0].percent = true; }),
            "adjustment \"Minimum commitment\": a minimum cannot be a percentage");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.adjustments[0].included = true; }),
            "adjustment \"Minimum commitment\": a minimum cannot be included in prices");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.adjustments[1].charges = {7}; }),
            "adjustment \"VAT\" applies to charge 7 which does not exist");
  // A prepaid wallet: no amount (its balance is the account's), a name of its own.
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.adjustments[2].amount = Decimal::from_int(5); }),
            "adjustment \"Wallet\": a prepaid wallet has no amount");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.adjustments[2].percent = true; }),
            "adjustment \"Wallet\": a prepaid wallet has no amount");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.adjustments[2].included = true; }),
            "adjustment \"Wallet\": a prepaid cannot be included in prices");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.adjustments.push_back(p.adjustments[2]); }),
            "adjustment \"Wallet\": two prepaid wallets have this name");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.adjustments[2].charges = {3}; }),
            "adjustment \"Wallet\" applies to charge 3 which does not exist");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.credits[0].meter = 1; }),
            "credit \"SLA\" reads meter 1, which is no intervals meter");
  EXPECT_EQ(adjusted_refusal([](Program& p) {
              p.billing_period.kind = PeriodKind::none;
            }),
            "credit \"SLA\" needs a billing period");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.credits[0].charges = {4}; }),
            "credit \"SLA\" applies to charge 4 which does not exist");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.credits[0].rows.push_back({}); }),
            "credit \"SLA\" has rows of different lengths");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.meters[0].kind = static_cast<MeterKind>(11); }),
            "meter `outages` has an unknown aggregation");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.meters[0].kind = MeterKind::free_transactions; }),
            "meter `outages`: a free transactions meter without its terms");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.meters[0].free = FreeTransactions{}; }),
            "meter `outages`: terms of a free allowance on another meter");
  EXPECT_EQ(adjusted_refusal([](Program& p) {
              p.meters[0].kind = MeterKind::events;
              p.meters[0].windows.push_back(MeterWindow{});
            }),
            "meter `outages`: an events meter has no windows or conversions");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.usage.time_column.reset(); }),
            "a billing period needs the usage schema's time column");
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.tier_tables[0].model = static_cast<TierModel>(3); }),
            "tier table 0 has an unknown model");
  // MSPAN's operand must be an intervals meter.
  EXPECT_EQ(adjusted_refusal([](Program& p) { p.record.code[find_op(p.record, Opcode::MSPAN)].a = 1; }),
            "record program, instruction 3: MSPAN operand a: meter 1 is a sum meter, not intervals");
}

}  // namespace
}  // namespace tariff

namespace tariff {
namespace {

// Editions, modules, packages and per-window pricing: each check fires on
// a hand-broken copy of a program that has them all.
Program subscribed_program() {
  auto compiled = compile_source("s.tariff", R"(scheme "S" version "1"
currency USD
rounding half_up per line
period calendar month UTC
usage {
  account  id
  time     timestamp
  quantity decimal
}
meter minutes = sum quantity
meter peak = max over days of (max quantity)
allowance bonus = 0 per period draws minutes
package pack = 1_000 for 5.00, valid 1 month draws minutes
edition pro { fee 10.00 monthly
  seat 2.00 monthly
  includes bonus 100 }
charge "Minutes" = minutes after bonus, pack at 0.01
charge "Peaks" = graduated peak per window { above at 0.10 }
)");
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  return compiled.program ? *compiled.program : Program{};
}

std::string subscribed_refusal(const std::function<void(Program&)>& breakage) {
  Program p = subscribed_program();
  breakage(p);
  auto result = verify(p);
  return result ? "(accepted)" : to_string(result.error());
}

TEST(Verifier, SubscriptionsAndTheirLines) {
  EXPECT_EQ(subscribed_refusal([](Program&) {}), "(accepted)");
  EXPECT_EQ(subscribed_refusal([](Program& p) { p.plans[0].fee_charge = p.plans[0].seat_charge; }),
            "plan `pro` and its fee line do not match");
  EXPECT_EQ(subscribed_refusal([](Program& p) { p.plans[0].seat_charge.reset(); }),
            "plan `pro` and its seat line do not match");
  EXPECT_EQ(subscribed_refusal([](Program& p) { p.plans[0].includes[0].first = 1; }),
            "plan `pro` includes allowance 1, which is no allowance");
  EXPECT_EQ(subscribed_refusal([](Program& p) { p.allowances[1].package->validity = 0; }),
            "package `pack` and its purchase line do not match");
  EXPECT_EQ(subscribed_refusal([](Program& p) { p.charges[3].owner = 9; }),
            "charge \"Minutes\" belongs to 9 which does not exist");
  EXPECT_EQ(subscribed_refusal([](Program& p) { p.billing_period.kind = PeriodKind::none; }),
            "editions, modules and packages need a billing period");
  // No instruction may bill a subscription's line (charge 0 is the package's).
  const std::string billed = subscribed_refusal([](Program& p) {
    for (auto& ins : p.period.code)
      if (ins.op == Opcode::LINE) ins.a = 0;
  });
  EXPECT_NE(billed.find("LINE operand a: charge 0 is billed from subscriptions, not by the program"),
            std::string::npos)
      << billed;
  // WTIERS prices a meter with windows only.
  const std::string flat = subscribed_refusal([](Program& p) {
    for (auto& ins : p.period.code)
      if (ins.op == Opcode::WTIERS) ins.b = 0;
  });
  EXPECT_NE(flat.find("WTIERS operand b: meter 0 has no windows"), std::string::npos) << flat;
}

}  // namespace
}  // namespace tariff
