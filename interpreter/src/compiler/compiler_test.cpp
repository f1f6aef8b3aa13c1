// Compiler tests assert the disassembly: what each construct compiles to.
#include <gtest/gtest.h>

#include "bytecode/disassembler.h"
#include "bytecode/program.h"
#include "tariff/tariff.h"

namespace tariff {
namespace {

const char* const kHeader = R"(scheme "T" version "1"
currency USD
rounding half_up per line
usage {
  account  id
  event    text
  kind     text
  quantity decimal
}
)";

// With the records' time and a billing period.
const char* const kTimedHeader = R"(scheme "T" version "1"
currency USD
rounding half_up per line
period calendar month UTC
usage {
  account  id
  time     timestamp
  quantity decimal
}
)";

// The listing of one program kind, without the trailing source locations
// so the expectations stay readable.
std::string listing(const std::string& body, bool record) {
  auto compiled = compile_source("t.tariff", std::string(kHeader) + body);
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  if (!compiled.program) return {};
  const std::string all = disassemble(*compiled.program);
  const auto start = all.find(record ? "record program" : "period program");
  const auto end = record ? all.find("period program") : std::string::npos;
  std::string out;
  std::string section = all.substr(start, end == std::string::npos ? end : end - start);
  std::size_t pos = 0;
  while (pos < section.size()) {
    std::size_t eol = section.find('\n', pos);
    std::string line = section.substr(pos, eol - pos);
    if (auto semi = line.find(" ;"); semi != std::string::npos) line = line.substr(0, semi);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    pos = eol + 1;
  }
  return out;
}

TEST(Compiler, SumWithFilterSkipsTheUpdateWhenFalse) {
  EXPECT_EQ(listing("meter m = sum quantity where event == \"voice\"\ncharge \"C\" = m at 1\n", true),
            "record program: 4 instructions, 1 registers\n"
            "   0  EQFS    r0 f1(event) s0(\"voice\")\n"
            "   1  JMPF    r0 @4\n"
            "   2  LOADF   r0 f3(quantity)\n"
            "   3  MSUM    m0(m) r0\n");
}

// `per window` prices the meter's windows through the table (WTIERS);
// the line's quantity is still the meter's value.
TEST(Compiler, PerWindowPricingIsOneInstructionOverTheMeter) {
  auto compiled = compile_source("t.tariff", std::string(kHeader) +
                                                 "meter peak = max over kind of (sum quantity)\n"
                                                 "charge \"P\" = volume peak per window { above at 2 }\n");
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  const std::string all = disassemble(*compiled.program);
  EXPECT_NE(all.find("LOADM   r0 m0(peak)"), std::string::npos) << all;
  EXPECT_NE(all.find("WTIERS  r1 m0(peak) t0"), std::string::npos) << all;
  EXPECT_EQ(all.find("TIERS   "), std::string::npos) << all;
}

// A free allowance keeps each transaction's value (MFREE) before the fee
// is computed and summed, and takes back what it covers at period end
// (PFREE) — billing-engines.md V25, V26.
TEST(Compiler, FreeTransactionsAreKeptAndTakenBackFromTheFees) {
  auto compiled = compile_source(
      "t.tariff", std::string(kTimedHeader) +
                      "charge \"Card\" = 2% of quantity, plus 0.30, max 5, free 3 transactions, free 100.00 of value\n");
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  const std::string all = disassemble(*compiled.program);
  EXPECT_NE(all.find("m2 = free_transactions Card: free transactions | rate 0.02 plus 0.30 max 5 "
                     "free transactions 3 free value 100.00"),
            std::string::npos)
      << all;
  const auto kept = all.find("MFREE   m2(Card: free transactions) r0");
  const auto fee = all.find("MUL     r0 r0 r1");
  EXPECT_NE(kept, std::string::npos) << all;
  EXPECT_LT(kept, fee) << all;
  EXPECT_NE(all.find("LOADM   r1 m0(Card: fees)"), std::string::npos) << all;
  EXPECT_NE(all.find("PFREE   r1 m2(Card: free transactions)"), std::string::npos) << all;
}

// A prorated charge turns its meter into an events meter (a sum that keeps
// each record: MEVENT) and prices the records through the table (PTIERS)
// — billing-engines.md V32, V33. Other charges still read the sum.
TEST(Compiler, ProratedChargesKeepTheMetersRecords) {
  auto compiled = compile_source("t.tariff", std::string(kTimedHeader) + R"(meter seats = sum quantity
charge "Seats" = graduated seats prorated { up to 5 at 10 flat 100  above at 5 flat 50 }
charge "Seat count" = seats at 0
)");
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  const std::string all = disassemble(*compiled.program);
  EXPECT_NE(all.find("m0 = events seats"), std::string::npos) << all;
  EXPECT_NE(all.find("MEVENT  m0(seats) r0"), std::string::npos) << all;
  EXPECT_NE(all.find("PTIERS  r1 m0(seats) t0"), std::string::npos) << all;
  EXPECT_EQ(all.find("MSUM"), std::string::npos) << all;
  EXPECT_NE(all.find("graduated seats prorated"), std::string::npos) << all;
}

// An edition's fee and seats and a package's purchases are invoice lines
// with no code: the subscription bills them.
TEST(Compiler, SubscriptionLinesHaveNoCode) {
  auto compiled = compile_source("t.tariff", std::string(kTimedHeader) + R"(meter minutes = sum quantity
package pack = 100 for 1.00, valid 2 months draws minutes
edition pro { fee 10.00 monthly
  annual discount 25%
  seat 1.50 monthly }
charge "Minutes" = minutes after pack at 0.01
)");
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  const std::string all = disassemble(*compiled.program);
  EXPECT_NE(all.find("c0 = \"pack package\": purchases of package pack | package of a0"), std::string::npos) << all;
  EXPECT_NE(all.find("c1 = \"pro edition\": subscription to pro | plan fee of plan0"), std::string::npos) << all;
  EXPECT_NE(all.find("c2 = \"pro seats\": seats of pro | plan seats of plan0"), std::string::npos) << all;
  // 12 x 10.00 less 25% = 90; 12 x 1.50 less 25% = 13.5.
  EXPECT_NE(all.find("plan0 = edition pro | fee 10.00 monthly | fee 90 annual | seat 1.50 monthly | seat 13.5 annual"
                     " | fee line c1 | seat line c2"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("a0 = pack 100 | m0 * 1 | package for 1.00, valid 2 months, line c0"), std::string::npos) << all;
  // The period program draws the package and bills only "Minutes" (c3).
  EXPECT_NE(all.find("DRAW    a0(pack)"), std::string::npos) << all;
  EXPECT_NE(all.find("LINE    c3(\"Minutes\")"), std::string::npos) << all;
  EXPECT_EQ(all.find("LINE    c0"), std::string::npos) << all;
}

TEST(Compiler, CountWithoutFilterIsOneInstruction) {
  EXPECT_EQ(listing("meter n = count\ncharge \"C\" = n at 1\n", true),
            "record program: 1 instructions, 1 registers\n"
            "   0  MCOUNT  m0(n)\n");
}

TEST(Compiler, AndShortCircuitsAndNotEqualNegates) {
  EXPECT_EQ(listing("meter m = max quantity where event == \"a\" and kind != \"b\"\n"
                    "charge \"C\" = m at 1\n", true),
            "record program: 7 instructions, 1 registers\n"
            "   0  EQFS    r0 f1(event) s0(\"a\")\n"
            "   1  JMPF    r0 @4\n"
            "   2  EQFS    r0 f2(kind) s1(\"b\")\n"
            "   3  NOT     r0 r0\n"
            "   4  JMPF    r0 @7\n"
            "   5  LOADF   r0 f3(quantity)\n"
            "   6  MMAX    m0(m) r0\n");
}

TEST(Compiler, GreaterThanSwapsOperandsOfLessThan) {
  EXPECT_EQ(listing("meter m = min quantity where quantity > 10\ncharge \"C\" = m at 1\n", true),
            "record program: 6 instructions, 2 registers\n"
            "   0  LOADK   r0 k0(10)\n"
            "   1  LOADF   r1 f3(quantity)\n"
            "   2  LT      r0 r0 r1\n"
            "   3  JMPF    r0 @6\n"
            "   4  LOADF   r0 f3(quantity)\n"
            "   5  MMIN    m0(m) r0\n");
}

TEST(Compiler, CeilRoundsUpToScaleZero) {
  EXPECT_EQ(listing("meter m = sum ceil(quantity / 60)\ncharge \"C\" = m at 1\n", true),
            "record program: 5 instructions, 2 registers\n"
            "   0  LOADF   r0 f3(quantity)\n"
            "   1  LOADK   r1 k0(60)\n"
            "   2  DIV     r0 r0 r1 half_up/18\n"
            "   3  ROUND   r0 r0 ceiling/0\n"
            "   4  MSUM    m0(m) r0\n");
}

TEST(Compiler, ExactPricePerBlockFoldsIntoOneUnitPrice) {
  // 0.99 / 1000 = 0.00099 exactly, so no DIV is emitted.
  EXPECT_EQ(listing("meter m = sum quantity\ncharge \"C\" = m at 0.99 per 1_000\n", false),
            "period program: 4 instructions, 2 registers\n"
            "   0  LOADM   r0 m0(m)\n"
            "   1  LOADK   r1 k0(0.00099)\n"
            "   2  MUL     r1 r0 r1\n"
            "   3  LINE    c0(\"C\") r0 r1\n");
}

TEST(Compiler, InexactPricePerBlockDividesAtRunTime) {
  // 0.10 / 3 is not exact: folding would round, so the division stays.
  EXPECT_EQ(listing("meter m = sum quantity\ncharge \"C\" = m at 0.10 per 3\n", false),
            "period program: 6 instructions, 3 registers\n"
            "   0  LOADM   r0 m0(m)\n"
            "   1  LOADK   r1 k0(0.10)\n"
            "   2  MUL     r1 r0 r1\n"
            "   3  LOADK   r2 k1(3)\n"
            "   4  DIV     r1 r1 r2 half_up/18\n"
            "   5  LINE    c0(\"C\") r0 r1\n");
}

TEST(Compiler, ExactConstantArithmeticFoldsIntoOneConstant) {
  // (60 * 60 - 600) / 4 = 750 exactly, min(750, 1_000) = 750: one LOADK.
  EXPECT_EQ(listing("meter m = sum quantity * min((60 * 60 - 600) / 4, 1_000)\ncharge \"C\" = m at 1\n", true),
            "record program: 4 instructions, 2 registers\n"
            "   0  LOADF   r0 f3(quantity)\n"
            "   1  LOADK   r1 k0(750)\n"
            "   2  MUL     r0 r0 r1\n"
            "   3  MSUM    m0(m) r0\n");
}

TEST(Compiler, ConstantsThatWouldRoundOrOverflowAreNotFolded) {
  // 1 / 3 rounds and 10^37 x 100 overflows: each stays an instruction, so
  // the run rounds as written or reports the overflow at its place. (A
  // literal division by zero is the checker's error.)
  EXPECT_EQ(listing("meter m = sum quantity * (1 / 3)\ncharge \"C\" = m at 1\n", true),
            "record program: 6 instructions, 3 registers\n"
            "   0  LOADF   r0 f3(quantity)\n"
            "   1  LOADK   r1 k0(1)\n"
            "   2  LOADK   r2 k1(3)\n"
            "   3  DIV     r1 r1 r2 half_up/18\n"
            "   4  MUL     r0 r0 r1\n"
            "   5  MSUM    m0(m) r0\n");
  EXPECT_NE(listing("meter m = sum quantity + 10_000_000_000_000_000_000_000_000_000_000_000_000 * 100\n"
                    "charge \"C\" = m at 1\n",
                    true)
                .find("MUL "),
            std::string::npos);
}

TEST(Compiler, AProgramTooLongIsAnErrorAtTheConstructThatCrossesTheLimit) {
  // A flat charge is 3 period instructions: charges 0..21,844 make 65,535,
  // charge 21,845 the 65,536th. The header is 9 lines and the meter one,
  // so that charge is on line 11 + 21,845 = 21,856.
  std::string body = "meter m = sum quantity\n";
  for (int i = 0; i < 22'000; ++i) body += "charge \"C" + std::to_string(i) + "\" = flat 1\n";
  auto compiled = compile_source("t.tariff", std::string(kHeader) + body);
  EXPECT_FALSE(compiled.program);
  const std::string rendered = compiled.diagnostics.render_all();
  EXPECT_NE(rendered.find("t.tariff:21856:8: error: the scheme needs more than 65535 instructions in one "
                          "program here"),
            std::string::npos)
      << rendered.substr(0, 500);
}

TEST(Compiler, FlatFeeIsQuantityOneAndAConstant) {
  EXPECT_EQ(listing("charge \"Base\" = flat 49.00\n", false),
            "period program: 3 instructions, 2 registers\n"
            "   0  LOADK   r0 k0(1)\n"
            "   1  LOADK   r1 k1(49.00)\n"
            "   2  LINE    c0(\"Base\") r0 r1\n");
}

TEST(Compiler, ConstantsAreDeduplicatedByRepresentation) {
  auto compiled = compile_source(
      "t.tariff", std::string(kHeader) +
                      "meter a = sum quantity where quantity > 1\n"
                      "meter b = sum quantity where quantity > 1\n"
                      "meter c = sum quantity where quantity > 1.0\n"
                      "charge \"A\" = a at 1\ncharge \"B\" = b at 1\ncharge \"C\" = c at 1\n");
  ASSERT_TRUE(compiled.program);
  // 1 and 1.0 are equal but print differently, so both are kept.
  EXPECT_EQ(compiled.program->constants.size(), 2u);
}

TEST(Compiler, EveryInstructionHasTheSourceLocationOfItsConstruct) {
  auto compiled = compile_source("t.tariff", std::string(kHeader) +
                                                 "meter m = sum quantity where event == \"x\"\n"
                                                 "charge \"C\" = m at 2\n");
  ASSERT_TRUE(compiled.program);
  const Chunk& record = compiled.program->record;
  ASSERT_EQ(record.locations.size(), record.code.size());
  // Line 10 is the meter: `event == "x"` starts at column 30.
  EXPECT_EQ(record.locations[0].line, 10u);
  EXPECT_EQ(record.locations[0].column, 30u);
  EXPECT_EQ(compiled.program->period.locations[0].line, 11u);
}

}  // namespace
}  // namespace tariff
