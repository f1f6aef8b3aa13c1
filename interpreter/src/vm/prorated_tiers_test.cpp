// Prorated tiers against Lago's prorated graduated and volume vectors
// (billing-engines.md V32, V33): the prorated values are given as the
// vectors give them (divisor 1); the days-left weighing is tested apart.
#include "vm/prorated_tiers.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace tariff {
namespace {

Decimal d(const char* text) { return *Decimal::parse(text); }

// V32's table: [0..5] 10 a unit + flat 100; [6..) 5 a unit + flat 50.
TierTable v32_table() {
  TierTable table;
  table.model = TierModel::graduated;
  table.rows = {TierRow{d("5"), d("10"), d("1"), d("100")}, TierRow{std::nullopt, d("5"), d("1"), d("50")}};
  return table;
}

std::string priced(const TierTable& table, const std::vector<std::pair<const char*, const char*>>& records) {
  ProratedRecords in;
  in.divisor = Decimal::from_int(1);
  for (const auto& [full, prorated] : records) in.records.push_back(ProratedRecord{d(full), d(prorated)});
  std::vector<std::string> explain;
  auto amount = price_prorated(table, in, RoundingMode::half_up, explain);
  if (!amount) return "(error)";
  return amount->rescale(2, RoundingMode::half_up)->to_string();
}

TEST(ProratedTiers, V32RunningFullTotalPlacesProratedUnits) {
  // 35 + 13.33 + 10 - 11, and both flat fees (highest total 20): 197.33.
  EXPECT_EQ(priced(v32_table(), {{"5", "3.5"}, {"5", "2.66667"}, {"10", "2"}, {"-6", "-2.2"}}), "197.33");
  // 2 then 5 crosses the bound: 3 of 5 in row 1, 2 in row 2: 184.33.
  EXPECT_EQ(priced(v32_table(), {{"2", "1.4"}, {"5", "2.66667"}, {"10", "2"}, {"-6", "-2.2"}}), "184.33");
  // Never above 5: only the first flat fee. 35 - 10 + 100.
  EXPECT_EQ(priced(v32_table(), {{"5", "3.5"}, {"-2", "-1"}}), "125.00");
  EXPECT_EQ(priced(v32_table(), {{"4", "2.8"}, {"2", "1"}, {"-3", "-0.6"}}), "180.50");
  EXPECT_EQ(priced(v32_table(), {{"5", "3.5"}, {"2", "1"}, {"-4", "-1.6"}, {"10", "2"}}), "190.00");
  EXPECT_EQ(priced(v32_table(), {{"1", "0.7097"}, {"4", "1.54839"}, {"1", "0.2258"}, {"-5", "-0.80645"},
                                 {"-1", "-0.0645"}}),
            "165.81");
}

TEST(ProratedTiers, V32BelowZeroAtTheEndBillsNothingAndNoRecordsBillTheFirstFee) {
  EXPECT_EQ(priced(v32_table(), {{"5", "3.5"}, {"-100", "-70"}}), "0.00");
  EXPECT_EQ(priced(v32_table(), {}), "100.00");
  TierTable if_used = v32_table();
  if_used.free_when_unused = true;
  EXPECT_EQ(priced(if_used, {}), "0.00");
}

TEST(ProratedTiers, V33VolumeChoosesTheRowByTheFullTotal) {
  // V13's table; full 300 ends in the last row: 198.6 x 0.5 + 50 = 149.3.
  TierTable table;
  table.model = TierModel::volume;
  table.rows = {TierRow{d("100"), d("2"), d("1"), d("10")}, TierRow{d("200"), d("1"), d("1"), d("0")},
                TierRow{std::nullopt, d("0.5"), d("1"), d("50")}};
  EXPECT_EQ(priced(table, {{"100", "90"}, {"200", "108.6"}}), "149.30");
}

TEST(ProratedTiers, RecordsAreWeighedByTheDaysLeftInTheZone) {
  // March 2026 in UTC+8 (31 days). 2 at 03-10T20:00Z is the 11th there: 21
  // days left. 3 at 03-31T15:59Z, the last local day: 1. 4 at
  // 02-28T16:30Z, already March 1st there: 31. In time order, whatever the
  // order they were added in.
  const PeriodBounds march{Decimal::from_int(1772294400), Decimal::from_int(1774972800)};
  MeterSlot slot;
  ASSERT_TRUE(add_event(slot, d("2"), Decimal::from_int(1773172800)));
  ASSERT_TRUE(add_event(slot, d("3"), Decimal::from_int(1774972740)));
  ASSERT_TRUE(add_event(slot, d("4"), Decimal::from_int(1772296200)));
  auto weighed = prorated_records(slot, march, 8 * 3600);
  ASSERT_TRUE(weighed);
  EXPECT_EQ(weighed->divisor, Decimal::from_int(31));
  ASSERT_EQ(weighed->records.size(), 3u);
  EXPECT_EQ(weighed->records[0].prorated, d("124"));
  EXPECT_EQ(weighed->records[1].prorated, d("42"));
  EXPECT_EQ(weighed->records[2].prorated, d("3"));
  EXPECT_EQ(slot.value, d("9"));  // still a sum
}

}  // namespace
}  // namespace tariff
