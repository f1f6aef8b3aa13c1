// Checker tests: what resolves, what is typed how, and warnings.
#include "front/checker.h"

#include <gtest/gtest.h>

#include "front/parser.h"

namespace tariff::front {
namespace {

const std::string kHeader = R"(scheme "T" version "1"
currency JPY
rounding half_up per line
usage {
  account  id
  event    text
  quantity decimal
}
)";

struct Checked {
  std::optional<ast::Scheme> scheme;
  Diagnostics diagnostics;
  bool ok = false;
};

Checked check_text(const std::string& body) {
  Checked c;
  c.scheme = parse_scheme(std::make_shared<const SourceFile>("t.tariff", kHeader + body), c.diagnostics);
  if (c.scheme) c.ok = check(*c.scheme, c.diagnostics);
  return c;
}

TEST(Checker, ResolvesColumnsAndTypesExpressions) {
  auto c = check_text("meter m = sum quantity where event == \"a\"\ncharge \"C\" = m at 1\n");
  ASSERT_TRUE(c.ok) << c.diagnostics.render_all();
  const auto& meter = c.scheme->meters[0].body;
  EXPECT_EQ(meter.argument->type, ast::Type::number);
  EXPECT_EQ(meter.argument->resolved, 2u);  // quantity is the third column
  EXPECT_EQ(meter.filter->type, ast::Type::boolean);
  EXPECT_EQ(meter.filter->operands[0]->type, ast::Type::text);
  EXPECT_EQ(c.scheme->charges[0].meter_index, 0u);
}

TEST(Checker, UnusedMeterIsAWarningNotAnError) {
  auto c = check_text("meter unused = count\ncharge \"Base\" = flat 100\n");
  EXPECT_TRUE(c.ok);
  ASSERT_EQ(c.diagnostics.items.size(), 1u);
  EXPECT_EQ(c.diagnostics.items[0].severity, Severity::warning);
  EXPECT_EQ(c.diagnostics.items[0].message, "meter `unused` is not used by any charge");
}

// A meter of whole values (a count here, or minutes rounded up) never
// reaches a tier with no whole number in it; a decimal sum can.
TEST(Checker, TiersNoWholeQuantityReachesAreWarned) {
  auto c = check_text(
      "meter n = count\n"
      "meter minutes = sum quantity, seconds -> minutes rounded up\n"
      "meter raw = sum quantity\n"
      "charge \"N\" = graduated n { up to 10.5 free\n up to 10.9 at 1\n up to 20 at 2\n above at 3 }\n"
      "charge \"Minutes\" = volume minutes { first 0.5 at 1\n next 0.25 at 2\n above at 3 }\n"
      "charge \"Raw\" = graduated raw { up to 10.5 free\n up to 10.9 at 1\n above at 3 }\n");
  ASSERT_TRUE(c.ok) << c.diagnostics.render_all();
  ASSERT_EQ(c.diagnostics.items.size(), 2u) << c.diagnostics.render_all();
  EXPECT_EQ(c.diagnostics.items[0].severity, Severity::warning);
  EXPECT_EQ(c.diagnostics.items[0].message,
            "no whole quantity falls in this tier (above 10.5, up to 10.9): `n` counts whole units, so it is never "
            "reached");
  EXPECT_EQ(c.diagnostics.items[1].range.begin.line, 17u);  // `next 0.25` of "Minutes"
}

TEST(Checker, ReportsEveryErrorNotJustTheFirst) {
  auto c = check_text("meter a = summ quantity\nmeter b = sum evnt\ncharge \"C\" = c at 1\n");
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.diagnostics.error_count(), 3u);
}

TEST(Checker, AggregationNamesParse) {
  EXPECT_EQ(parse_aggregate("sum"), Aggregate::sum);
  EXPECT_EQ(parse_aggregate("count"), Aggregate::count);
  EXPECT_EQ(parse_aggregate("max"), Aggregate::max);
  EXPECT_EQ(parse_aggregate("min"), Aggregate::min);
  EXPECT_FALSE(parse_aggregate("avg"));
}

}  // namespace
}  // namespace tariff::front
