// Meter semantics through the rating API, with the brief's numbers
// (billing-engines.md V30, V56; vendor-pricing.md P6 and the TRTC daily
// rule), windows, the billing period, and order/shard independence.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "tariff/tariff.h"

namespace tariff {
namespace {

class KeepRejects final : public RejectSink {
 public:
  void reject(Reject r) override { rejects.push_back(std::move(r)); }
  std::vector<Reject> rejects;
};

const std::string kHeader = R"(scheme "Meters" version "1"
currency USD
rounding half_up per line
period calendar month UTC
usage {
  account  id
  time     timestamp
  event    text
  user     id optional
  project  id default "main"
  quantity decimal default 0
}
)";

std::shared_ptr<const Program> compile(const std::string& body) {
  auto compiled = compile_source("m.tariff", kHeader + body);
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  return compiled.program;
}

const std::string kColumns = "account,time,event,user,project,quantity\n";

// The quantity of each line of account `a`, in charge order.
std::vector<std::string> quantities(const std::shared_ptr<const Program>& program, const std::string& rows,
                                    KeepRejects* rejects_out = nullptr) {
  Rater rater(program);
  KeepRejects rejects;
  std::istringstream in(kColumns + rows);
  auto added = rater.add_usage(in, "u.csv", UsageFormat::csv, rejects);
  EXPECT_TRUE(added) << (added ? "" : added.error().message);
  auto invoice = rater.finish();
  EXPECT_TRUE(invoice) << (invoice ? "" : invoice.error().message);
  if (rejects_out) *rejects_out = rejects;
  std::vector<std::string> out;
  if (!invoice || invoice->accounts.empty()) return out;
  for (const auto& line : invoice->accounts[0].lines) out.push_back(line.quantity.normalized().to_string());
  return out;
}

TEST(Meters, V56SumLatestMax) {
  // Records in June... here March: 10, 20, 1, 5 -> sum 36, latest 5, max 20.
  auto p = compile("meter s = sum quantity\nmeter l = latest quantity\nmeter m = max quantity\n"
                   "charge \"S\" = s at 1\ncharge \"L\" = l at 1\ncharge \"M\" = m at 1\n");
  // Rows out of time order: latest is decided by time, not arrival.
  EXPECT_EQ(quantities(p, "a,2026-03-04T00:00:00Z,x,,,5\n"
                          "a,2026-03-01T00:00:00Z,x,,,10\n"
                          "a,2026-03-03T00:00:00Z,x,,,1\n"
                          "a,2026-03-02T00:00:00Z,x,,,20\n"),
            (std::vector<std::string>{"36", "5", "20"}));
}

TEST(Meters, LatestTieIsBrokenByTheLargerValue) {
  auto p = compile("meter l = latest quantity\ncharge \"L\" = l at 1\n");
  EXPECT_EQ(quantities(p, "a,2026-03-04T00:00:00Z,x,,,5\na,2026-03-04T00:00:00Z,x,,,7\n"),
            (std::vector<std::string>{"7"}));
  EXPECT_EQ(quantities(p, "a,2026-03-04T00:00:00Z,x,,,7\na,2026-03-04T00:00:00Z,x,,,5\n"),
            (std::vector<std::string>{"7"}));
}

TEST(Meters, V30WeightedSumOfGaugeIncrements) {
  // Increments +2 at 00:00, +3 at 01:00, +1 at 01:30, -4 at 02:00, -2 at
  // 04:00, +10 at 05:00, -10 at 05:30 on the 1st of a 31-day month:
  // gauge x hours = 2x1 + 5x0.5 + 6x0.5 + 2x2 + 10x0.5 = 16.5 h = 59,400 s;
  // / 2,678,400 s = 0.022177... -> 0.02218 at 5 places (Lago's figure).
  auto p = compile("meter g = weighted_sum quantity\ncharge \"G\" = g at 1\n");
  const std::string rows =
      "a,2026-03-01T00:00:00Z,x,,,2\na,2026-03-01T01:00:00Z,x,,,3\na,2026-03-01T01:30:00Z,x,,,1\n"
      "a,2026-03-01T02:00:00Z,x,,,-4\na,2026-03-01T04:00:00Z,x,,,-2\na,2026-03-01T05:00:00Z,x,,,10\n"
      "a,2026-03-01T05:30:00Z,x,,,-10\n";
  const auto q = quantities(p, rows);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(Decimal::parse(q[0])->rescale(5, RoundingMode::half_up)->to_string(), "0.02218");
  // A single +1000 at the period start held all month -> 1000.
  EXPECT_EQ(quantities(p, "a,2026-03-01T00:00:00Z,x,,,1000\n"), (std::vector<std::string>{"1000"}));
}

TEST(Meters, P6SecondsToMinutesRoundedUpPerMonth) {
  // 30 s + 20 s + 40 s = 90 s in the month -> 2 minutes.
  auto p = compile("meter m = sum quantity, seconds -> minutes rounded up\ncharge \"M\" = m at 1\n");
  EXPECT_EQ(quantities(p, "a,2026-03-01T10:00:00Z,x,,,30\na,2026-03-01T11:00:00Z,x,,,20\n"
                          "a,2026-03-02T10:00:00Z,x,,,40\n"),
            (std::vector<std::string>{"2"}));
}

// V23 (OpenMeter's unit config): convert, round, then free units, then
// price. 1,400 bytes -> 1.4 KB -> 2 at 10 = 20; 7,400 -> 8 through "up
// to 5 at 1, above at 0.5" = 6.5; a free 0.5 unit drawn after rounding:
// 2 - 0.5 = 1.5 at 10 = 15 (not ceil(1.4 - 0.5) = 1).
TEST(Meters, V23ConvertThenRoundThenFreeUnitsThenPrice) {
  auto amounts = [](const std::string& body, const std::string& rows) {
    Rater rater(compile(body));
    KeepRejects rejects;
    std::istringstream in(kColumns + rows);
    EXPECT_TRUE(rater.add_usage(in, "u.csv", UsageFormat::csv, rejects));
    auto invoice = rater.finish();
    std::vector<std::string> out;
    if (invoice && !invoice->accounts.empty())
      for (const auto& line : invoice->accounts[0].lines) out.push_back(line.amount.to_string());
    return out;
  };
  EXPECT_EQ(amounts("meter kb = sum quantity, bytes -> KB rounded up\ncharge \"Unit\" = kb at 10\n"
                    "charge \"Tiers\" = graduated kb { up to 5 at 1  above at 0.5 }\n",
                    "a,2026-03-01T10:00:00Z,x,,,1400\n"),
            (std::vector<std::string>{"20.00", "2.00"}));
  EXPECT_EQ(amounts("meter kb = sum quantity, bytes -> KB rounded up\n"
                    "charge \"Tiers\" = graduated kb { up to 5 at 1  above at 0.5 }\n",
                    "a,2026-03-01T10:00:00Z,x,,,7400\n"),
            (std::vector<std::string>{"6.50"}));
  EXPECT_EQ(amounts("meter kb = sum quantity, bytes -> KB rounded up\n"
                    "allowance half = 0.5 per period draws kb\n"
                    "charge \"Unit\" = kb after half at 10\n",
                    "a,2026-03-01T10:00:00Z,x,,,1400\n"),
            (std::vector<std::string>{"15.00"}));
}

TEST(Meters, TrtcDailyRuleRoundsEachDayUp) {
  // TRTC: 30 s -> 1 min; +20 s the same day -> 0 more (50 s is still 1 min);
  // +40 s that day -> 1 more (90 s = 2 min). A second day of 10 s -> 1 min.
  auto p = compile(
      "meter m = sum quantity, seconds -> minutes rounded up per day\ncharge \"M\" = m at 1\n");
  EXPECT_EQ(quantities(p, "a,2026-03-01T10:00:00Z,x,,,30\n"), (std::vector<std::string>{"1"}));
  EXPECT_EQ(quantities(p, "a,2026-03-01T10:00:00Z,x,,,30\na,2026-03-01T11:00:00Z,x,,,20\n"),
            (std::vector<std::string>{"1"}));
  EXPECT_EQ(quantities(p, "a,2026-03-01T10:00:00Z,x,,,30\na,2026-03-01T11:00:00Z,x,,,20\n"
                          "a,2026-03-01T12:00:00Z,x,,,40\n"),
            (std::vector<std::string>{"2"}));
  EXPECT_EQ(quantities(p, "a,2026-03-01T10:00:00Z,x,,,90\na,2026-03-02T10:00:00Z,x,,,10\n"),
            (std::vector<std::string>{"3"}));
}

TEST(Meters, DistinctCountsEachValueOnce) {
  auto p = compile("meter mau = distinct user where event == \"login\"\ncharge \"MAU\" = mau at 1\n");
  EXPECT_EQ(quantities(p, "a,2026-03-01T00:00:00Z,login,u1,,\na,2026-03-02T00:00:00Z,login,u2,,\n"
                          "a,2026-03-03T00:00:00Z,login,u1,,\na,2026-03-03T00:00:00Z,chat,u3,,\n"),
            (std::vector<std::string>{"2"}));
}

TEST(Meters, PeakDailyActiveUsersIsTheMaxOverDaysOfDailyDistinct) {
  // Day 1: u1 u2 u3 (3); day 2: u1 u1 (1); day 3: u2 u4 (2) -> peak DAU 3.
  auto p = compile("meter dau = max over days of (distinct user where event == \"login\")\n"
                   "charge \"DAU\" = dau at 1\n");
  EXPECT_EQ(quantities(p, "a,2026-03-01T01:00:00Z,login,u1,,\na,2026-03-01T02:00:00Z,login,u2,,\n"
                          "a,2026-03-01T23:59:59Z,login,u3,,\na,2026-03-02T00:00:00Z,login,u1,,\n"
                          "a,2026-03-02T05:00:00Z,login,u1,,\na,2026-03-03T05:00:00Z,login,u2,,\n"
                          "a,2026-03-03T06:00:00Z,login,u4,,\n"),
            (std::vector<std::string>{"3"}));
}

TEST(Meters, DaysFollowTheSchemesZone) {
  // 23:30 UTC on the 1st is 07:30 on the 2nd at +08:00: two users on two
  // different days in UTC are on the same day in Beijing time.
  auto compiled = compile_source("m.tariff", R"(scheme "Z" version "1"
currency CNY
rounding half_up per line
period calendar month "+08:00"
usage {
  account id
  time    timestamp
  user    id
}
meter dau = max over days of distinct user
charge "DAU" = dau at 1
)");
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  Rater rater(compiled.program);
  KeepRejects rejects;
  std::istringstream in("account,time,user\na,2026-03-01T23:30:00Z,u1\na,2026-03-02T01:00:00Z,u2\n");
  ASSERT_TRUE(rater.add_usage(in, "u.csv", UsageFormat::csv, rejects));
  auto invoice = rater.finish();
  ASSERT_TRUE(invoice);
  EXPECT_EQ(invoice->accounts[0].lines[0].quantity.to_string(), "2");
  EXPECT_EQ(invoice->period_start, "2026-03-01T00:00:00+08:00");
  EXPECT_EQ(invoice->period_end, "2026-04-01T00:00:00+08:00");
}

TEST(Meters, SumOverProjectsOfPerProjectPeaks) {
  // Project p1: day 1 {u1,u2}, day 2 {u1} -> peak 2; project p2: day 1 {u3},
  // day 2 {u3,u4,u5} -> peak 3. Sum of the peaks: 5 (not the account-wide
  // peak DAU, which is 4 on day 2).
  auto p = compile("meter dau = sum over project of (max over days of distinct user)\n"
                   "charge \"DAU\" = dau at 1\n");
  EXPECT_EQ(quantities(p, "a,2026-03-01T01:00:00Z,x,u1,p1,\na,2026-03-01T01:00:00Z,x,u2,p1,\n"
                          "a,2026-03-02T01:00:00Z,x,u1,p1,\na,2026-03-01T01:00:00Z,x,u3,p2,\n"
                          "a,2026-03-02T01:00:00Z,x,u3,p2,\na,2026-03-02T01:00:00Z,x,u4,p2,\n"
                          "a,2026-03-02T01:00:00Z,x,u5,p2,\n"),
            (std::vector<std::string>{"5"}));
}

TEST(Meters, AverageOfSamplesAndBytesToGigabytes) {
  // Hourly storage samples 1.5e9, 2.5e9 and 2e9 bytes: average 2e9 bytes = 2 GB.
  auto p = compile("meter gb = average quantity where event == \"stored\", bytes -> GB\n"
                   "charge \"Storage\" = gb at 0.1\n");
  EXPECT_EQ(quantities(p, "a,2026-03-01T00:00:00Z,stored,,,1500000000\n"
                          "a,2026-03-01T01:00:00Z,stored,,,2500000000\n"
                          "a,2026-03-01T02:00:00Z,stored,,,2000000000\n"),
            (std::vector<std::string>{"2"}));
}

TEST(Meters, RowsOutsideAnExplicitPeriodAreSetAsideAndCounted) {
  auto p = compile("meter s = sum quantity\ncharge \"S\" = s at 1\n");
  Rater rater(p);
  ASSERT_TRUE(rater.set_period("2026-03"));
  KeepRejects rejects;
  std::istringstream in(kColumns + "a,2026-02-28T23:59:59Z,x,,,1\na,2026-03-01T00:00:00Z,x,,,2\n"
                                   "a,2026-03-31T23:59:59Z,x,,,4\na,2026-04-01T00:00:00Z,x,,,8\n");
  ASSERT_TRUE(rater.add_usage(in, "u.csv", UsageFormat::csv, rejects));
  auto invoice = rater.finish();
  ASSERT_TRUE(invoice);
  EXPECT_EQ(invoice->accounts[0].lines[0].quantity.to_string(), "6");
  EXPECT_EQ(invoice->records.read, 4u);
  EXPECT_EQ(invoice->records.accepted, 2u);
  EXPECT_EQ(invoice->records.rejected, 2u);
  ASSERT_EQ(rejects.rejects.size(), 2u);
  EXPECT_EQ(rejects.rejects[0].line, 2u);
  EXPECT_EQ(rejects.rejects[0].reason,
            "outside the billing period 2026-03 (2026-03-01T00:00:00Z to 2026-04-01T00:00:00Z)");
  EXPECT_EQ(rejects.rejects[0].text, "a,2026-02-28T23:59:59Z,x,,,1");
}

TEST(Meters, AnInferredPeriodRefusesRowsFromSeveralMonthsWhateverTheirOrder) {
  auto p = compile("meter s = sum quantity\ncharge \"S\" = s at 1\n");
  for (const std::string rows : {"a,2026-03-05T00:00:00Z,x,,,1\na,2026-04-05T00:00:00Z,x,,,1\n",
                                 "a,2026-04-05T00:00:00Z,x,,,1\na,2026-03-05T00:00:00Z,x,,,1\n"}) {
    Rater rater(p);
    KeepRejects rejects;
    std::istringstream in(kColumns + rows);
    ASSERT_TRUE(rater.add_usage(in, "u.csv", UsageFormat::csv, rejects));
    auto invoice = rater.finish();
    ASSERT_FALSE(invoice);
    EXPECT_NE(invoice.error().message.find("more than one billing period"), std::string::npos);
  }
}

// 60 rows over 3 accounts, 4 projects, 5 days and 7 users, with every
// meter kind: the invoice must not depend on the order of the rows nor on
// how they are split into shards.
const std::string kAllMeters =
    "meter s = sum quantity, seconds -> minutes rounded up per day\n"
    "meter c = count where event == \"a\"\n"
    "meter hi = max quantity\nmeter lo = min quantity\n"
    "meter mau = distinct user\nmeter last = latest quantity\nmeter avg = average quantity\n"
    "meter g = weighted_sum quantity where event == \"g\"\n"
    "meter dau = sum over project of (max over days of distinct user)\n"
    "charge \"S\" = s at 0.01\ncharge \"C\" = c at 1\ncharge \"Hi\" = hi at 1\n"
    "charge \"Lo\" = lo at 1\ncharge \"MAU\" = mau at 1\ncharge \"Last\" = last at 1\n"
    "charge \"Avg\" = avg at 1\ncharge \"G\" = g at 1\ncharge \"DAU\" = dau at 1\n"
    "charge \"DAU per project\" = volume dau per window { up to 2 at 1\n above at 0.5 }\n";

std::vector<std::string> generated_rows() {
  std::vector<std::string> rows;
  for (int i = 0; i < 60; ++i) {
    rows.push_back(fmt::format("acct{},2026-03-0{}T{:02}:00:00Z,{},u{},p{},{}.{}\n", i % 3, 1 + i % 5,
                               i % 24, i % 4 == 0 ? "g" : "a", i % 7, i % 4, (i * 37) % 100, i % 10));
  }
  return rows;
}

std::string rate_json(const std::shared_ptr<const Program>& p, const std::vector<std::vector<std::string>>& shards) {
  std::vector<Rater> raters;
  for (const auto& shard : shards) {
    Rater rater(p);
    KeepRejects rejects;
    std::string text = kColumns;
    for (const auto& row : shard) text += row;
    std::istringstream in(text);
    EXPECT_TRUE(rater.add_usage(in, "u.csv", UsageFormat::csv, rejects));
    EXPECT_TRUE(rejects.rejects.empty());
    raters.push_back(std::move(rater));
  }
  for (std::size_t i = 1; i < raters.size(); ++i) EXPECT_TRUE(raters[0].merge(std::move(raters[i])));
  auto invoice = raters[0].finish();
  EXPECT_TRUE(invoice);
  return invoice ? format_json(*invoice) : std::string();
}

TEST(Meters, TwentyShuffledOrdersGiveByteIdenticalInvoices) {
  auto p = compile(kAllMeters);
  auto rows = generated_rows();
  const std::string reference = rate_json(p, {rows});
  std::mt19937 random(20260322);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(rows.begin(), rows.end(), random);
    EXPECT_EQ(rate_json(p, {rows}), reference) << "order " << i;
  }
}

TEST(Meters, OneTwoAndSevenShardsMergedGiveByteIdenticalInvoices) {
  auto p = compile(kAllMeters);
  const auto rows = generated_rows();
  const std::string reference = rate_json(p, {rows});
  for (std::size_t k : {1u, 2u, 7u}) {
    std::vector<std::vector<std::string>> shards(k);
    for (std::size_t i = 0; i < rows.size(); ++i) shards[(i * 31) % k].push_back(rows[i]);
    EXPECT_EQ(rate_json(p, shards), reference) << k << " shards";
  }
}

}  // namespace
}  // namespace tariff
