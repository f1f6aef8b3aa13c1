// The distinct-values budget (RatingLimits): a `distinct` meter that would
// keep more values for one account than the budget stops the run with an
// error at the meter's declaration naming the account, whether the values
// come from one stream, from the meter's windows or from merged raters.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "tariff/tariff.h"

namespace {

constexpr const char* kScheme = R"(scheme "Budget" version "1"
currency USD
rounding half_up per line
period calendar month UTC
usage {
  account id
  time    timestamp
  user    id
}
meter mau = distinct user
meter dau = max over days of (distinct user)
charge "MAU" = mau at 0.10
charge "DAU" = dau at 1
)";

class NoRejects final : public tariff::RejectSink {
 public:
  void reject(tariff::Reject r) override { ADD_FAILURE() << "rejected: " << r.reason; }
};

std::shared_ptr<const tariff::Program> program() {
  static const auto compiled = tariff::compile_source("budget.tariff", kScheme);
  return compiled.program;
}

tariff::Rater rater_with_budget(std::uint64_t budget) {
  tariff::Rater rater(program());
  tariff::RatingLimits limits;
  limits.max_distinct_values = budget;
  rater.set_limits(limits);
  return rater;
}

tariff::Expected<std::monostate, tariff::RunError> rate(tariff::Rater& rater, const std::string& rows) {
  std::istringstream in("account,time,user\n" + rows);
  NoRejects rejects;
  return rater.add_usage(in, "usage.csv", tariff::UsageFormat::csv, rejects);
}

TEST(RatingLimits, TheDefaultDistinctBudgetIsTenMillion) {
  EXPECT_EQ(tariff::RatingLimits{}.max_distinct_values, 10'000'000u);
}

TEST(RatingLimits, AMeterAtItsDistinctBudgetRates) {
  ASSERT_TRUE(program());
  auto rater = rater_with_budget(3);
  // Three users each for two accounts: the budget is per account.
  ASSERT_TRUE(rate(rater,
                   "a,2026-03-01T00:00:00Z,ann\na,2026-03-01T01:00:00Z,bob\nb,2026-03-01T02:00:00Z,ann\n"
                   "a,2026-03-01T03:00:00Z,cy\na,2026-03-01T04:00:00Z,bob\nb,2026-03-01T05:00:00Z,bob\n"
                   "b,2026-03-01T06:00:00Z,cy\n"));
  auto invoice = rater.finish();
  ASSERT_TRUE(invoice);
  EXPECT_EQ(invoice->accounts[0].lines[0].quantity.to_string(), "3");
  EXPECT_EQ(invoice->accounts[1].lines[0].quantity.to_string(), "3");
}

TEST(RatingLimits, OneValueOverTheDistinctBudgetIsAnErrorAtTheMeterForTheAccount) {
  auto rater = rater_with_budget(3);
  auto rated = rate(rater,
                    "a,2026-03-01T00:00:00Z,ann\na,2026-03-01T01:00:00Z,bob\na,2026-03-01T02:00:00Z,cy\n"
                    "a,2026-03-01T03:00:00Z,ann\na,2026-03-01T04:00:00Z,dan\n");
  ASSERT_FALSE(rated);
  EXPECT_EQ(rated.error().message,
            "budget.tariff:10:7: error: meter `mau` has more than 3 distinct values for account a, "
            "over the distinct-values budget (--max-distinct-values) (rating usage.csv:6)");
}

TEST(RatingLimits, TheDistinctBudgetCountsTheValuesOfEveryWindow) {
  // Two users a day, four in all: each day's set is within 3, the meter is
  // not. `mau` alone would also be over; a budget of 4 lets `mau` through
  // and stops `dau` (4 + 1 values kept over its two days).
  auto rater = rater_with_budget(4);
  auto rated = rate(rater,
                    "a,2026-03-01T00:00:00Z,ann\na,2026-03-01T01:00:00Z,bob\n"
                    "a,2026-03-02T00:00:00Z,cy\na,2026-03-02T01:00:00Z,dan\na,2026-03-03T01:00:00Z,ann\n");
  ASSERT_FALSE(rated);
  EXPECT_EQ(rated.error().message,
            "budget.tariff:11:7: error: meter `dau` has more than 4 distinct values for account a, "
            "over the distinct-values budget (--max-distinct-values) (rating usage.csv:6)");
}

TEST(RatingLimits, MergedRatersOverTheDistinctBudgetTogetherAreAnError) {
  auto first = rater_with_budget(3);
  auto second = rater_with_budget(3);
  ASSERT_TRUE(rate(first, "a,2026-03-01T00:00:00Z,ann\na,2026-03-01T01:00:00Z,bob\n"));
  ASSERT_TRUE(rate(second, "a,2026-03-01T00:00:00Z,bob\na,2026-03-01T01:00:00Z,cy\n"));
  ASSERT_TRUE(first.merge(std::move(second)));  // ann, bob, cy: at the budget

  auto third = rater_with_budget(10);
  ASSERT_TRUE(rate(third, "a,2026-03-01T00:00:00Z,dan\n"));
  auto merged = first.merge(std::move(third));
  ASSERT_FALSE(merged);
  EXPECT_EQ(merged.error().message,
            "budget.tariff:10:7: error: meter `mau` has more than 3 distinct values for account a, "
            "over the distinct-values budget (--max-distinct-values) (merging)");
}

TEST(RatingLimits, AnAccountFromARaterWithALargerBudgetIsChecked) {
  auto small = rater_with_budget(1);
  auto large = rater_with_budget(10);
  ASSERT_TRUE(rate(large, "a,2026-03-01T00:00:00Z,ann\na,2026-03-01T01:00:00Z,bob\n"));
  auto merged = small.merge(std::move(large));
  ASSERT_FALSE(merged);
  EXPECT_NE(merged.error().message.find("meter `mau` has more than 1 distinct values for account a"),
            std::string::npos)
      << merged.error().message;
}

}  // namespace
