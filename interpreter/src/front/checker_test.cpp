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
