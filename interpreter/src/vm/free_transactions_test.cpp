// A percentage charge's free allowance (billing-engines.md V25, V26): the
// kept transactions, what the allowance takes off the fees, and that
// neither depends on the order of the rows or how they were sharded.
#include "vm/free_transactions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace tariff {
namespace {

Decimal d(const char* text) { return *Decimal::parse(text); }

struct Transaction {
  int time;
  const char* value;
};

FreeTransactions terms(const char* rate, std::optional<const char*> plus, std::optional<int> count,
                       std::optional<const char*> value) {
  FreeTransactions t;
  t.rate = d(rate);
  if (plus) t.plus = d(*plus);
  if (count) t.count = Decimal::from_int(*count);
  if (value) t.value = d(*value);
  return t;
}

MeterSlot kept_of(const FreeTransactions& t, const std::vector<Transaction>& transactions) {
  MeterSlot slot;
  for (const auto& [time, value] : transactions)
    EXPECT_TRUE(add_transaction(slot, d(value), Decimal::from_int(time), t));
  return slot;
}

// The charge as billed: every transaction's full fee (the record program's
// sum), plus what the allowance takes back.
Decimal charged(const FreeTransactions& t, const std::vector<Transaction>& transactions) {
  Decimal full;
  for (const auto& [time, value] : transactions) full = *add(full, *transaction_fee(t, d(value), RoundingMode::half_up));
  std::vector<std::string> explain;
  auto change = free_allowance_change(t, kept_of(t, transactions), RoundingMode::half_up, explain);
  EXPECT_TRUE(change);
  return *add(full, *change);
}

// V25: payments 50, 100, 250, 400 (running totals 50, 150, 400, 800), 1.3%
// plus 2.00 each.
const std::vector<Transaction> kV25 = {{1, "50"}, {2, "100"}, {3, "250"}, {4, "400"}};

TEST(FreeTransactions, V25FreeValueRunsOutInsideTheThirdTransaction) {
  // 3 transactions or 250.00: 50 and 100 free, 100 of the 250 free;
  // (800 - 250) x 1.3% = 7.15, plus 2 x 2.00 for the two billed = 11.15.
  EXPECT_EQ(charged(terms("0.013", "2.00", 3, "250.00"), kV25), d("11.15"));
}

TEST(FreeTransactions, V25FreeTransactionsAlone) {
  // The first 3 free: 400 x 1.3% + 2.00 = 7.20.
  EXPECT_EQ(charged(terms("0.013", "2.00", 3, std::nullopt), kV25), d("7.2"));
}

TEST(FreeTransactions, V25MoreFreeTransactionsThanTransactions) {
  // 5 free, 4 transactions of 100 each: nothing billed.
  EXPECT_EQ(charged(terms("0.013", "2.00", 5, std::nullopt), {{1, "100"}, {2, "100"}, {3, "100"}, {4, "100"}}),
            d("0"));
}

// V26: payments 10, 80, 10,000 at 2.99%, held between 1.75 and 12.
FreeTransactions premium(std::optional<int> count, std::optional<const char*> value) {
  FreeTransactions t = terms("0.0299", std::nullopt, count, value);
  t.min = d("1.75");
  t.max = d("12");
  return t;
}
const std::vector<Transaction> kV26 = {{1, "10"}, {2, "80"}, {3, "10000"}};

TEST(FreeTransactions, V26FreeTransactionsSkipTheMinimum) {
  // The first two are free (no minimum on them); 10,000 -> 12.
  EXPECT_EQ(charged(premium(2, std::nullopt), kV26), d("12"));
}

TEST(FreeTransactions, V26FreeValueBillsTheRestOfATransactionHeld) {
  // 10 free (20 left); 60 of the 80 billed: 1.794; 10,000 -> 12. 13.794.
  EXPECT_EQ(charged(premium(std::nullopt, "30"), kV26), d("13.794"));
}

TEST(FreeTransactions, V26ValueRunsOutInsideTheLastFreeTransaction) {
  // 10 and 80 free (9,910 left), 90 of the 10,000 billed: 2.691.
  EXPECT_EQ(charged(premium(3, "10000"), kV26), d("2.691"));
}

TEST(FreeTransactions, OnlyTheTransactionsTheAllowanceCanReachAreKept) {
  const FreeTransactions t = terms("0.01", std::nullopt, 2, std::nullopt);
  MeterSlot slot;
  for (int time = 100; time > 0; --time)  // latest first: each new one pushes the others out
    ASSERT_TRUE(add_transaction(slot, Decimal::from_int(time), Decimal::from_int(time), t));
  ASSERT_TRUE(slot.extra);
  EXPECT_EQ(slot.extra->points,
            (std::vector<std::pair<Decimal, Decimal>>{{d("1"), d("1")}, {d("2"), d("2")}}));
  // By value: 40 + 40 reaches 60, so a third is never free.
  const FreeTransactions by_value = terms("0.01", std::nullopt, std::nullopt, "60");
  const MeterSlot kept = kept_of(by_value, {{1, "40"}, {2, "40"}, {3, "40"}, {4, "40"}});
  EXPECT_EQ(kept.extra->points.size(), 2u);
}

TEST(FreeTransactions, TheResultDoesNotDependOnTheOrderOrTheShards) {
  const FreeTransactions t = premium(2, "50");
  // Two at time 3: ties are kept in the order of their values.
  std::vector<Transaction> rows = {{5, "30"}, {1, "10"}, {3, "25"}, {3, "5"}, {9, "400"}, {2, "7"}};
  const auto before = [](const Transaction& a, const Transaction& b) {
    return a.time < b.time || (a.time == b.time && std::string_view(a.value) < b.value);
  };
  std::sort(rows.begin(), rows.end(), before);
  const Decimal expected = charged(t, rows);
  int orders = 0;
  do {
    EXPECT_EQ(charged(t, rows), expected);
    ++orders;
  } while (std::next_permutation(rows.begin(), rows.end(), before));
  EXPECT_EQ(orders, 720);
  // Two shards merged keep what one pass keeps.
  MeterSlot first = kept_of(t, {rows[0], rows[2], rows[4]});
  MeterSlot second = kept_of(t, {rows[1], rows[3], rows[5]});
  ASSERT_TRUE(merge(MeterKind::free_transactions, first, std::move(second)));
  std::vector<std::string> explain;
  Decimal full;
  for (const auto& [time, value] : rows) full = *add(full, *transaction_fee(t, d(value), RoundingMode::half_up));
  EXPECT_EQ(*add(full, *free_allowance_change(t, first, RoundingMode::half_up, explain)), expected);
}

TEST(FreeTransactions, TheExplanationSaysWhatWasFree) {
  std::vector<std::string> explain;
  const FreeTransactions t = terms("0.013", "2.00", 3, "250.00");
  ASSERT_TRUE(free_allowance_change(t, kept_of(t, kV25), RoundingMode::half_up, explain));
  ASSERT_EQ(explain.size(), 1u);
  EXPECT_EQ(explain[0],
            "free: the first 3 transactions or the first 250.00 of value, whichever runs out first: 2 transactions "
            "free; 100 of the 250 at 1970-01-01T00:00:03Z free, 150 billed; fees less 7.25");
  // No transactions: nothing to say.
  explain.clear();
  ASSERT_TRUE(free_allowance_change(t, MeterSlot{}, RoundingMode::half_up, explain));
  EXPECT_TRUE(explain.empty());
}

}  // namespace
}  // namespace tariff
