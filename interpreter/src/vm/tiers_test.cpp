// Tier pricing against the billing-engine vectors (ids from the brief's
// billing-engines.md, section 5).
#include "vm/tiers.h"

#include <gtest/gtest.h>

namespace tariff {
namespace {

Decimal dec(const char* text) { return *Decimal::parse(text); }

struct Row {
  const char* upper;  // nullptr: above
  const char* price;
  const char* fee;
};

TierTable table(TierModel model, std::initializer_list<Row> rows) {
  TierTable t;
  t.model = model;
  for (const Row& r : rows) {
    TierRow row;
    if (r.upper) row.upper = dec(r.upper);
    row.price = dec(r.price);
    row.fee = dec(r.fee);
    t.rows.push_back(row);
  }
  return t;
}

std::string price(const TierTable& t, const char* quantity) {
  std::vector<std::string> explain;
  auto amount = price_through_tiers(t, dec(quantity), RoundingMode::half_up, explain);
  if (!amount) return std::string("error: ") + std::string(describe(amount.error()));
  return amount->normalized().to_string();
}

TEST(Tiers, V03GraduatedFlatOnlyAndUnitTiers) {
  // OpenMeter: up to 5 flat 100; up to 10 flat 50; up to 15 10/unit; above 5/unit.
  auto t = table(TierModel::graduated,
                 {{"5", "0", "100"}, {"10", "0", "50"}, {"15", "10", "0"}, {nullptr, "5", "0"}});
  EXPECT_EQ(price(t, "0"), "100");
  EXPECT_EQ(price(t, "3"), "100");
  EXPECT_EQ(price(t, "5"), "100");
  EXPECT_EQ(price(t, "5.001"), "150");
  EXPECT_EQ(price(t, "7"), "150");
  EXPECT_EQ(price(t, "12"), "170");  // 100 + 50 + 2 x 10
  EXPECT_EQ(price(t, "22"), "235");  // 100 + 50 + 5 x 10 + 7 x 5
}

TEST(Tiers, V04OneLineForThePeriodBillsEveryTierReachedOnce) {
  // OpenMeter: up to 5 flat 100; up to 10 flat 50; up to 15 5/unit; above
  // 1/unit. 22 units on one line: 5 x 0 + 100 + 50 + 5 x 5 + 7 x 1 = 182.
  // (Its split lines do not arise: a period is rated once, at its end.)
  auto t = table(TierModel::graduated,
                 {{"5", "0", "100"}, {"10", "0", "50"}, {"15", "5", "0"}, {nullptr, "1", "0"}});
  EXPECT_EQ(price(t, "22"), "182");
  EXPECT_EQ(price(t, "8"), "150");  // inside the flat-only tier: no usage amount
}

TEST(Tiers, V20PackagesAreStartedBlocks) {
  // OpenMeter: 15 per package of 10 units, ceiling. 10 -> 1 package, 5 ->
  // 1, the period's 22 (17 + 5) -> 3 = 45; no usage, no package.
  TierTable t = table(TierModel::volume, {{nullptr, "15", "0"}});
  t.rows[0].per = dec("10");
  t.blocks = RoundingMode::ceiling;
  EXPECT_EQ(price(t, "10"), "15");
  EXPECT_EQ(price(t, "5"), "15");
  EXPECT_EQ(price(t, "22"), "45");
  EXPECT_EQ(price(t, "0"), "0");
}

TEST(Tiers, V27GraduatedPercentageIsAGraduatedTableOfFractions) {
  // Lago: [0..10] 1% + flat 200; [11..20] 2% + flat 300; above 3% + flat
  // 400, over the summed amount: each row's rate on its part, and the flat
  // fee of each row reached.
  auto t = table(TierModel::graduated, {{"10", "0.01", "200"}, {"20", "0.02", "300"}, {nullptr, "0.03", "400"}});
  EXPECT_EQ(price(t, "0"), "200");
  EXPECT_EQ(price(t, "1"), "200.01");
  EXPECT_EQ(price(t, "10"), "200.1");
  EXPECT_EQ(price(t, "11"), "500.12");
  EXPECT_EQ(price(t, "12"), "500.14");
  EXPECT_EQ(price(t, "21"), "900.33");
}

TEST(Tiers, V05StripeGraduated) {
  auto t = table(TierModel::graduated, {{"5", "7", "0"}, {"10", "6.5", "0"}, {nullptr, "6", "0"}});
  EXPECT_EQ(price(t, "1"), "7");
  EXPECT_EQ(price(t, "5"), "35");
  EXPECT_EQ(price(t, "6"), "41.5");
  EXPECT_EQ(price(t, "20"), "127.5");
  EXPECT_EQ(price(t, "25"), "157.5");
}

TEST(Tiers, V06StripeGraduatedWithFlatAmounts) {
  auto t = table(TierModel::graduated, {{"5", "5", "10"},
                                        {"10", "4", "20"},
                                        {"15", "3", "30"},
                                        {"20", "2", "40"},
                                        {nullptr, "1", "50"}});
  EXPECT_EQ(price(t, "12"), "111");  // (5x5+10) + (5x4+20) + (2x3+30)
  EXPECT_EQ(price(t, "0"), "10");    // the first flat tier is billed at zero
}

TEST(Tiers, V01LagoIntegerRangesGiveTheSameAmounts) {
  // Lago [0..10] 10/unit + 2; [11..20] 5/unit + 3; [21..] 5/unit + 3,
  // written as continuous bounds up to 10, up to 20, above.
  auto t = table(TierModel::graduated, {{"10", "10", "2"}, {"20", "5", "3"}, {nullptr, "5", "3"}});
  EXPECT_EQ(price(t, "0"), "2");
  EXPECT_EQ(price(t, "1"), "12");
  EXPECT_EQ(price(t, "10"), "102");
  EXPECT_EQ(price(t, "11"), "110");
  EXPECT_EQ(price(t, "12"), "115");
  EXPECT_EQ(price(t, "21"), "163");
}

TEST(Tiers, V02AdjacentDecimalRanges) {
  auto t = table(TierModel::graduated, {{"0.1", "10", "0"}, {"1", "5", "0"}, {nullptr, "2", "0"}});
  EXPECT_EQ(price(t, "0.05"), "0.5");
  EXPECT_EQ(price(t, "0.5"), "3");  // 0.1 x 10 + 0.4 x 5
}

TEST(Tiers, V11FlexpriceSlabs) {
  auto t = table(TierModel::graduated, {{"5", "0", "0"}, {"10", "2", "0"}, {nullptr, "3", "0"}});
  EXPECT_EQ(price(t, "3"), "0");
  EXPECT_EQ(price(t, "5"), "0");
  EXPECT_EQ(price(t, "7"), "4");
  EXPECT_EQ(price(t, "10"), "10");
  EXPECT_EQ(price(t, "11"), "13");
  EXPECT_EQ(price(t, "15"), "25");
}

TEST(Tiers, V12FlexpriceSlabsWithFlatAmounts) {
  auto t = table(TierModel::graduated, {{"5", "0", "1"}, {"10", "1", "2"}, {nullptr, "2", "0"}});
  EXPECT_EQ(price(t, "3"), "1");
  EXPECT_EQ(price(t, "7"), "5");
  EXPECT_EQ(price(t, "12"), "12");
}

TEST(Tiers, V13LagoVolumeFractionBetweenTiersLandsInTheUpperTier) {
  auto t = table(TierModel::volume, {{"100", "2", "10"}, {"200", "1", "0"}, {nullptr, "0.5", "50"}});
  EXPECT_EQ(price(t, "0"), "10");
  EXPECT_EQ(price(t, "1"), "12");
  EXPECT_EQ(price(t, "100"), "210");
  EXPECT_EQ(price(t, "100.5"), "100.5");
  EXPECT_EQ(price(t, "101"), "101");
  EXPECT_EQ(price(t, "200"), "200");
  EXPECT_EQ(price(t, "300"), "200");  // 150 + 50
}

TEST(Tiers, V14LagoVolumeDocExample) {
  auto t = table(TierModel::volume, {{"10000", "0.0010", "10"},
                                     {"50000", "0.0008", "10"},
                                     {"100000", "0.0006", "10"},
                                     {nullptr, "0.0004", "10"}});
  EXPECT_EQ(price(t, "65000"), "49");  // 65,000 x 0.0006 + 10
}

TEST(Tiers, V15OpenMeterVolume) {
  auto t = table(TierModel::volume,
                 {{"5", "0", "100"}, {"10", "0", "150"}, {"15", "10", "0"}, {nullptr, "5", "0"}});
  EXPECT_EQ(price(t, "0"), "100");
  EXPECT_EQ(price(t, "3"), "100");
  EXPECT_EQ(price(t, "5"), "100");
  EXPECT_EQ(price(t, "14"), "140");
  EXPECT_EQ(price(t, "15"), "150");
  EXPECT_EQ(price(t, "16"), "80");
  EXPECT_EQ(price(t, "100"), "500");
}

TEST(Tiers, V16StripeVolume) {
  auto t = table(TierModel::volume, {{"5", "7", "0"}, {"10", "6.5", "0"}, {nullptr, "6", "0"}});
  EXPECT_EQ(price(t, "1"), "7");
  EXPECT_EQ(price(t, "5"), "35");
  EXPECT_EQ(price(t, "6"), "39");
  EXPECT_EQ(price(t, "20"), "120");
  EXPECT_EQ(price(t, "25"), "150");
  // With the flat amounts of V06, quantity 12: 12 x 3 + 30.
  auto flats = table(TierModel::volume, {{"5", "5", "10"},
                                         {"10", "4", "20"},
                                         {"15", "3", "30"},
                                         {"20", "2", "40"},
                                         {nullptr, "1", "50"}});
  EXPECT_EQ(price(flats, "12"), "66");
}

// Kill Bill's TOP_TIER is a volume table counted in started blocks: the
// first tier whose cumulative capacity holds the quantity prices all of
// it, ceil(quantity / block) blocks at that tier's block price; beyond the
// last capacity, the last tier.
TierTable top_tier(std::initializer_list<std::pair<const char*, std::pair<const char*, const char*>>> rows) {
  TierTable t;
  t.model = TierModel::volume;
  t.blocks = RoundingMode::ceiling;
  for (const auto& [upper, price_per] : rows) {
    TierRow row;
    if (upper) row.upper = dec(upper);
    row.price = dec(price_per.first);
    row.per = dec(price_per.second);
    t.rows.push_back(row);
  }
  return t;
}

TEST(Tiers, V17KillBillTopTierIsVolumeInStartedBlocks) {
  // Blocks of 100 (max 10, capacity 1,000) at 1; blocks of 1,000 (max 100,
  // capacity 101,000) at 1; blocks of 1,000 at 0.5 beyond.
  auto t = top_tier({{"1000", {"1", "100"}}, {"101000", {"1", "1000"}}, {nullptr, {"0.5", "1000"}}});
  EXPECT_EQ(price(t, "1000"), "10");
  EXPECT_EQ(price(t, "101000"), "101");
  EXPECT_EQ(price(t, "101001"), "51");   // 102 blocks x 0.5
  EXPECT_EQ(price(t, "300000"), "150");  // beyond the last capacity: the last tier
  // Blocks of 100 (max 10) at 10, then blocks of 100 at 1: 2,000 -> 20.
  EXPECT_EQ(price(top_tier({{"1000", {"10", "100"}}, {nullptr, {"1", "100"}}}), "2000"), "20");
  // Blocks of 1: 10 at 1.5, 100 at 1.0, 1,000 at 0.5: 111 -> 55.5.
  EXPECT_EQ(price(top_tier({{"10", {"1.5", "1"}}, {"110", {"1.0", "1"}}, {nullptr, {"0.5", "1"}}}), "111"), "55.5");
}

TEST(Tiers, PricePerBlockDividesExactly) {
  TierTable t = table(TierModel::graduated, {{"1000", "0", "0"}, {nullptr, "0.99", "0"}});
  t.rows[1].per = dec("1000");
  EXPECT_EQ(price(t, "3500"), "2.475");  // 2500 x 0.99 / 1000
}

TEST(Tiers, ExplainsEveryTierReached) {
  auto t = table(TierModel::graduated, {{"200", "0", "0"}, {"5000", "0.05", "0"}, {nullptr, "0.045", "0"}});
  std::vector<std::string> explain;
  ASSERT_TRUE(price_through_tiers(t, dec("300"), RoundingMode::half_up, explain));
  ASSERT_EQ(explain.size(), 2u);
  EXPECT_EQ(explain[0], "tier 1 (0 to 200): 200 at 0 = 0");
  EXPECT_EQ(explain[1], "tier 2 (200 to 5000): 100 at 0.05 = 5");
}

TEST(Tiers, OverflowIsAnError) {
  auto t = table(TierModel::volume, {{nullptr, "99999999999999999999", "0"}});
  EXPECT_EQ(price(t, "99999999999999999999"),
            "error: the result needs more than 38 significant digits");
}

}  // namespace
}  // namespace tariff
