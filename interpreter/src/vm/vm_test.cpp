// VM tests through the rating API: meters, merging shards, and runtime
// errors that carry the scheme location.
#include <gtest/gtest.h>

#include <sstream>

#include "tariff/tariff.h"

namespace tariff {
namespace {

class NoRejects final : public RejectSink {
 public:
  void reject(Reject r) override { ADD_FAILURE() << r.file << ":" << r.line << ": " << r.reason; }
};

std::shared_ptr<const Program> program(const std::string& body) {
  auto compiled = compile_source("t.tariff", R"(scheme "T" version "1"
currency USD
rounding half_up per line
usage {
  account  id
  event    text
  quantity decimal
}
)" + body);
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  return compiled.program;
}

Expected<Invoice, RunError> rate(Rater& rater, const std::string& csv) {
  std::istringstream in("account,event,quantity\n" + csv);
  NoRejects rejects;
  if (auto added = rater.add_usage(in, "u.csv", UsageFormat::csv, rejects); !added) return unexpected(added.error());
  return rater.finish();
}

TEST(Vm, SumCountMaxMinOverTheSameRows) {
  // V56 (Stripe aggregate_usage): records 10, 20, 1, 5 -> sum 36, max 20; count 4, min 1.
  auto p = program(
      "meter s = sum quantity\nmeter c = count\nmeter hi = max quantity\nmeter lo = min quantity\n"
      "charge \"S\" = s at 1\ncharge \"C\" = c at 1\ncharge \"Hi\" = hi at 1\ncharge \"Lo\" = lo at 1\n");
  Rater rater(p);
  auto invoice = rate(rater, "a,x,10\na,x,20\na,x,1\na,x,5\n");
  ASSERT_TRUE(invoice) << invoice.error().message;
  const auto& lines = invoice->accounts.at(0).lines;
  EXPECT_EQ(lines[0].quantity.to_string(), "36");
  EXPECT_EQ(lines[1].quantity.to_string(), "4");
  EXPECT_EQ(lines[2].quantity.to_string(), "20");
  EXPECT_EQ(lines[3].quantity.to_string(), "1");
}

TEST(Vm, ShardsMergedGiveTheSameInvoiceAsOnePass) {
  auto p = program("meter s = sum quantity where event == \"v\"\nmeter hi = max quantity\n"
                   "charge \"S\" = s at 0.99 per 1_000\ncharge \"Hi\" = hi at 1\n");
  const std::string rows[] = {"a,v,100\n", "b,v,7.5\n", "a,x,900\n", "a,v,3\n", "c,v,1\n"};
  Rater one(p);
  std::string all;
  for (const auto& r : rows) all += r;
  auto whole = rate(one, all);
  ASSERT_TRUE(whole);

  Rater first(p), second(p);
  NoRejects rejects;
  std::istringstream a("account,event,quantity\n" + rows[0] + rows[3]);
  std::istringstream b("account,event,quantity\n" + rows[1] + rows[2] + rows[4]);
  ASSERT_TRUE(first.add_usage(a, "u.csv", UsageFormat::csv, rejects));
  ASSERT_TRUE(second.add_usage(b, "u.csv", UsageFormat::csv, rejects));
  ASSERT_TRUE(first.merge(std::move(second)));
  auto merged = first.finish();
  ASSERT_TRUE(merged);
  EXPECT_EQ(format_text(*merged), format_text(*whole));
}

TEST(Vm, OverflowIsAnErrorAtTheMeterLocation) {
  auto p = program("meter s = sum quantity\ncharge \"S\" = s at 1\n");
  Rater rater(p);
  const std::string big = "9" + std::string(37, '9');  // 10^38 - 1, the largest value
  auto invoice = rate(rater, "a,x," + big + "\na,x,1\n");
  ASSERT_FALSE(invoice);
  EXPECT_EQ(invoice.error().message,
            "t.tariff:9:7: error: sum of meter `s`: the result needs more than 38 significant digits "
            "(rating u.csv:3)");
}

TEST(Vm, AProductBeyond18PlacesIsRoundedNotAnError) {
  // 0.000000000000000001 x 0.023 needs 21 places: rounded half up to 18
  // (0.000000000000000000023 -> 0), where it used to stop the whole run.
  auto p = program("meter s = sum quantity\ncharge \"S\" = s at 0.023\n");
  Rater rater(p);
  auto invoice = rate(rater, "a,x,0.000000000000000001\na,x,100\n");
  ASSERT_TRUE(invoice) << invoice.error().message;
  // (100.000000000000000001 x 0.023) = 2.300000000000000000023 -> 2.30
  EXPECT_EQ(invoice->accounts.at(0).lines.at(0).amount.to_string(), "2.30");
}

TEST(Vm, AMeterWithNoRecordsIsZero) {
  auto p = program("meter s = sum quantity where event == \"none\"\ncharge \"S\" = s at 2\n");
  Rater rater(p);
  auto invoice = rate(rater, "a,x,5\n");
  ASSERT_TRUE(invoice);
  EXPECT_EQ(invoice->accounts.at(0).lines.at(0).amount.to_string(), "0.00");
}

}  // namespace
}  // namespace tariff
