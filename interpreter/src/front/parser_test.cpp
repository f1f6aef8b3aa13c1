// Parser tests: the AST built from valid text, and hostile input that must
// end in a clear error, never a crash.
#include "front/parser.h"

#include <gtest/gtest.h>

namespace tariff::front {
namespace {

std::optional<ast::Scheme> parse(const std::string& text, Diagnostics& d) {
  return parse_scheme(std::make_shared<const SourceFile>("t.tariff", text), d);
}

TEST(Parser, BuildsTheAstWithSourceRanges) {
  Diagnostics d;
  auto scheme = parse(R"(scheme "Chat" version "2026-03"
currency USD
rounding half_even per invoice
usage {
  account id
  pixels integer default 0
  user id optional
}
meter m = sum pixels * 2 where user == "x"
charge "Fee" = flat 12.50
charge "Use" = m at 1.5% per 1_000
)", d);
  ASSERT_TRUE(scheme) << d.render_all();
  EXPECT_EQ(scheme->name->text, "Chat");
  EXPECT_EQ(scheme->version->text, "2026-03");
  EXPECT_EQ(scheme->currency->text, "USD");
  EXPECT_EQ(scheme->rounding_mode->text, "half_even");
  EXPECT_EQ(scheme->rounding_stage->text, "invoice");
  ASSERT_EQ(scheme->columns.size(), 3u);
  EXPECT_EQ(scheme->columns[1].type_name, "integer");
  ASSERT_TRUE(scheme->columns[1].default_value);
  EXPECT_TRUE(scheme->columns[2].optional);
  ASSERT_EQ(scheme->meters.size(), 1u);
  const auto& meter = scheme->meters[0].body;
  EXPECT_EQ(meter.aggregate, "sum");
  ASSERT_TRUE(meter.argument);
  EXPECT_EQ(meter.argument->kind, ast::ExprKind::binary);
  EXPECT_EQ(meter.argument->op, ast::BinaryOp::multiply);
  EXPECT_EQ(meter.argument->range.begin.line, 9u);
  EXPECT_EQ(meter.argument->range.begin.column, 15u);
  EXPECT_EQ(meter.argument->range.end.column, 24u);
  ASSERT_TRUE(meter.filter);
  EXPECT_EQ(meter.filter->op, ast::BinaryOp::eq);
  ASSERT_EQ(scheme->charges.size(), 2u);
  EXPECT_EQ(scheme->charges[0].kind, ast::ChargeKind::flat);
  EXPECT_EQ(scheme->charges[0].amount->number.to_string(), "12.50");
  // 1.5% is 0.015 exactly; 1_000 is 1000.
  EXPECT_EQ(scheme->charges[1].price->number.to_string(), "0.015");
  EXPECT_EQ(scheme->charges[1].unit->number.to_string(), "1000");
}

TEST(Parser, PrecedenceMultiplicationBeforeAdditionBeforeComparison) {
  Diagnostics d;
  auto scheme = parse("meter m = sum 1 + 2 * 3 where 1 + 1 < 3 and not 2 > 3 or 1 == 1\n", d);
  ASSERT_TRUE(scheme) << d.render_all();
  const auto& arg = *scheme->meters[0].body.argument;
  ASSERT_EQ(arg.op, ast::BinaryOp::add);
  EXPECT_EQ(arg.operands[1]->op, ast::BinaryOp::multiply);
  const auto& filter = *scheme->meters[0].body.filter;
  ASSERT_EQ(filter.op, ast::BinaryOp::logical_or);
  EXPECT_EQ(filter.operands[0]->op, ast::BinaryOp::logical_and);
  EXPECT_EQ(filter.operands[0]->operands[1]->kind, ast::ExprKind::logical_not);
}

TEST(Parser, CollectsManyErrorsInOneRun) {
  Diagnostics d;
  EXPECT_FALSE(parse("charge \"A\" = = 1\ncharge \"B\" = flat\nmeter = sum x\n", d));
  EXPECT_GE(d.error_count(), 3u);
}

TEST(Parser, HundredThousandNestedParenthesesIsAnErrorNotACrash) {
  Diagnostics d;
  const std::string deep = "meter m = sum " + std::string(100000, '(') + "x" + std::string(100000, ')') + "\n";
  EXPECT_FALSE(parse(deep, d));
  ASSERT_EQ(d.error_count(), 1u);
  EXPECT_EQ(d.items[0].message, "nesting is deeper than 400 levels");
}

TEST(Parser, ALongChainOfOneOperatorIsAnErrorNotAStackOverflow) {
  // ANTLR parses 1+1+1... in a loop, but the tree is as deep as the chain
  // (a fuzzing find: 22,000 terms crashed a release build).
  Diagnostics d;
  std::string chain = "meter m = sum 1";
  for (int i = 0; i < 200000; ++i) chain += "+1";
  EXPECT_FALSE(parse(chain + "\n", d));
  ASSERT_EQ(d.error_count(), 1u);
  EXPECT_EQ(d.items[0].message, "nesting is deeper than 400 levels");
}

TEST(Parser, InvalidUtf8IsReportedAtItsLineAndColumn) {
  Diagnostics d;
  EXPECT_FALSE(parse("currency USD\n# caf\xc3\xa9 \xff\n", d));
  ASSERT_EQ(d.error_count(), 1u);
  EXPECT_EQ(d.items[0].range.begin.line, 2u);
  EXPECT_EQ(d.items[0].range.begin.column, 8u);  // code points: '#',' ','c','a','f','é',' '
  EXPECT_EQ(d.items[0].message, "invalid UTF-8 byte 0xFF");
}

TEST(Parser, NulBytesAreCharactersWithALocation) {
  Diagnostics d;
  EXPECT_FALSE(parse(std::string("currency USD\ncurrency \0EUR\n", 27), d));
  ASSERT_GE(d.error_count(), 1u);
  EXPECT_EQ(d.items[0].message, "unexpected control character U+0000");
  EXPECT_EQ(d.items[0].range.begin.line, 2u);
  EXPECT_EQ(d.items[0].range.begin.column, 10u);
}

TEST(Parser, RecoveryStopsAfterTheErrorBudget) {
  Diagnostics d;
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "charge \"X\" = = =\n";
  EXPECT_FALSE(parse(text, d));
  EXPECT_LE(d.items.size(), 26u);
  EXPECT_EQ(d.items.back().message, "too many syntax errors; stopped reading this file");
}

TEST(Parser, TenMegabytesOfGarbageEndsWithinTheBudget) {
  Diagnostics d;
  std::string text(10u << 20, '@');
  EXPECT_FALSE(parse(text, d));
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_EQ(d.items[0].message, "the scheme has more than 500000 tokens");
}

TEST(Parser, EmptyTextIsAnEmptyScheme) {
  Diagnostics d;
  auto scheme = parse("", d);
  ASSERT_TRUE(scheme);
  EXPECT_FALSE(scheme->name);
}

}  // namespace
}  // namespace tariff::front
