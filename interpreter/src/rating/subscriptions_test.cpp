// Subscription billing against the proration vectors of the brief
// (billing-engines.md §5.6): day proration (V34, V35), an upgrade in the
// middle of a month (V37), month-end anchors (V38); annual terms with
// co-terming and removal at the term's end; packages in expiry order.
#include "rating/subscriptions.h"

#include <gtest/gtest.h>

#include "tariff/tariff.h"
#include "usage/timestamp.h"

#include <fmt/format.h>

namespace tariff {
namespace {

constexpr const char* kScheme = R"(scheme "Plans" version "1"
currency USD
rounding half_up per line
period calendar month UTC
usage {
  account  id
  time     timestamp
  quantity decimal
}
meter minutes = sum quantity
package pack = 1_000 for 5.00, valid 1 month draws minutes
edition small { fee 10.00 monthly }
edition large { fee 20.00 monthly }
edition hundred { fee 100.00 monthly }
edition yearly { fee 1_200.00 annual
  seat 120.00 annual
  minimum seats 2 }
module addon { fee 365.00 annual }
charge "Minutes" = minutes after pack at 0.01
)";

const Program& program() {
  static const auto compiled = compile_source("plans.tariff", kScheme);
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  return *compiled.program;
}

std::int64_t day(int y, unsigned m, unsigned d) { return usage::days_from_civil({y, m, d}); }

PeriodDays month(int y, unsigned m) {
  return PeriodDays{day(y, m, 1), day(y, m, usage::days_in_month(y, m)), 1};
}

SubscriptionSpan span(std::int64_t start, const std::string& edition, bool annual = false,
                      std::int64_t seats = 0) {
  SubscriptionSpan s;
  s.start = start;
  s.edition = edition;
  s.annual = annual;
  s.seats = Decimal::from_int(seats);
  return s;
}

SubscriptionBill bill(const AccountSubscription& account, const PeriodDays& period) {
  auto billed = bill_subscription(program(), &account, period);
  EXPECT_TRUE(billed) << billed.error();
  return billed ? *billed : SubscriptionBill{};
}

// The amount of the line named `charge`, rounded to cents half up.
std::string cents(const SubscriptionBill& b, const std::string& charge) {
  for (const EmittedLine& line : b.lines)
    if (program().charges[line.charge].name == charge) return line.amount.rescale(2, RoundingMode::half_up)->to_string();
  return "(no line)";
}

// V35: 100 USD for 15 of January's 31 days -> 48.39; 10 days -> 32.26.
TEST(Subscriptions, DayProrationOverThePeriodsDays) {
  AccountSubscription fifteen{"a", {span(day(2026, 1, 1), "hundred")}, {}};
  fifteen.spans[0].end = day(2026, 1, 15);
  EXPECT_EQ(cents(bill(fifteen, month(2026, 1)), "hundred edition"), "48.39");
  AccountSubscription ten{"b", {span(day(2026, 1, 22), "hundred")}, {}};
  EXPECT_EQ(cents(bill(ten, month(2026, 1)), "hundred edition"), "32.26");
  // V34: started 2022-03-15 -> 17/31 of 1.00 = 0.548... (here x 10: 5.48).
  AccountSubscription late{"c", {span(day(2022, 3, 15), "small")}, {}};
  EXPECT_EQ(cents(bill(late, month(2022, 3)), "small edition"), "5.48");
}

// V37: 10/month to 20/month exactly halfway through a 30-day month: the
// month costs 10 x 15/30 + 20 x 15/30 = 15 (Stripe: -5 + 10 on top of 10).
TEST(Subscriptions, AnUpgradeInTheMiddleOfAMonthIsProratedOnBothSides) {
  AccountSubscription account{"a", {span(day(2026, 3, 1), "small"), span(day(2026, 4, 16), "large")}, {}};
  const SubscriptionBill b = bill(account, month(2026, 4));
  EXPECT_EQ(cents(b, "small edition"), "5.00");
  EXPECT_EQ(cents(b, "large edition"), "10.00");
}

// An annual term bills its price on the day it begins; a seat increase
// within it is co-termed; a decrease waits for the next term.
TEST(Subscriptions, AnnualTermsCoTermIncreasesAndDeferDecreases) {
  // Term 2026-01-15 .. 2027-01-14 (365 days): 3 seats billed then.
  AccountSubscription account{"a",
                              {span(day(2026, 1, 15), "yearly", true, 3), span(day(2026, 3, 16), "yearly", true, 5),
                               span(day(2026, 5, 1), "yearly", true, 1)},
                              {}};
  // January: the term begins: 1_200 + 3 x 120 = 360.
  const SubscriptionBill january = bill(account, month(2026, 1));
  EXPECT_EQ(cents(january, "yearly edition"), "1200.00");
  EXPECT_EQ(cents(january, "yearly seats"), "360.00");
  // March: 2 more seats for 305 of 365 days: 240 x 305/365 = 200.547... -> 200.55.
  const SubscriptionBill march = bill(account, month(2026, 3));
  EXPECT_EQ(cents(march, "yearly edition"), "(no line)");
  EXPECT_EQ(cents(march, "yearly seats"), "200.55");
  // May: down to 1 seat (minimum 2): nothing now, and no credit.
  EXPECT_TRUE(bill(account, month(2026, 5)).lines.empty());
  // January 2027: the new term bills what is held when it begins: the
  // minimum of 2 seats.
  const SubscriptionBill renewal = bill(account, month(2027, 1));
  EXPECT_EQ(cents(renewal, "yearly seats"), "240.00");
  EXPECT_EQ(cents(renewal, "yearly edition"), "1200.00");
}

TEST(Subscriptions, AModuleAddedWithinATermIsCoTermed) {
  AccountSubscription account{"a", {span(day(2026, 1, 1), "yearly", true, 2), span(day(2026, 12, 2), "yearly", true, 2)},
                              {}};
  account.spans[1].modules = {"addon"};
  // 2026-12-02 .. 2026-12-31 is 30 of 365 days: 365.00 x 30/365 = 30.00.
  EXPECT_EQ(cents(bill(account, month(2026, 12)), "addon module"), "30.00");
}

// V38: an anniversary on Feb 29 falls on Feb 28 in other years; a package
// bought Jan 31 for a month is valid to Feb 27 (the next one from Feb 28).
TEST(Subscriptions, MonthEndAnchorsClampToTheLastDayOfShortMonths) {
  AccountSubscription leap{"a", {span(day(2020, 2, 29), "yearly", true, 2)}, {}};
  EXPECT_EQ(cents(bill(leap, month(2021, 2)), "yearly edition"), "1200.00");
  EXPECT_NE(bill(leap, month(2021, 2)).lines.front().explain.front().find("term 2021-02-28 to 2022-02-27"),
            std::string::npos);
  AccountSubscription buyer{"b", {}, {PackagePurchase{"pack", day(2022, 1, 31), std::nullopt, 2}}};
  const SubscriptionBill b = bill(buyer, month(2022, 1));
  ASSERT_EQ(b.lots.size(), 1u);
  EXPECT_EQ(usage::format_day(b.lots[0].expires), "2022-02-27");
}

// Lots are drawn earliest expiry first, whatever order they were listed in.
TEST(Subscriptions, PackagesAreSettledInExpiryOrder) {
  AccountSubscription account{"a",
                              {},
                              {PackagePurchase{"pack", day(2026, 3, 20), std::nullopt, 2},
                               PackagePurchase{"pack", day(2026, 2, 10), Decimal::from_int(400), 3}}};
  const SubscriptionBill b = bill(account, month(2026, 3));
  ASSERT_EQ(b.lots.size(), 2u);
  EXPECT_EQ(usage::format_day(b.lots[0].bought), "2026-02-10");
  EXPECT_EQ(b.allowance_amounts[0], Decimal::from_int(1400));
  EXPECT_EQ(cents(b, "pack package"), "5.00");  // only the one bought in March
  // 600 units used: 400 from the February lot, 200 from March's.
  auto settled = settle_packages(program(), b.lots, {Decimal::from_int(800)});
  ASSERT_TRUE(settled) << settled.error();
  EXPECT_EQ((*settled)[0].used, Decimal::from_int(400));
  EXPECT_EQ((*settled)[0].left, Decimal::from_int(0));
  EXPECT_EQ((*settled)[1].used, Decimal::from_int(200));
  EXPECT_EQ((*settled)[1].left, Decimal::from_int(800));
}

TEST(Subscriptions, APackageBoughtBeforeThePeriodMustSayWhatIsLeft) {
  AccountSubscription account{"a", {}, {PackagePurchase{"pack", day(2026, 2, 10), std::nullopt, 7}}};
  auto billed = bill_subscription(program(), &account, month(2026, 3));
  ASSERT_FALSE(billed);
  EXPECT_NE(billed.error().find("`pack@2026-02-10=UNITS` (accounts file line 7)"), std::string::npos)
      << billed.error();
}

TEST(Subscriptions, NoSubscriptionMeansDeclaredAllowancesAndNoPackageUnits) {
  auto billed = bill_subscription(program(), nullptr, month(2026, 3));
  ASSERT_TRUE(billed);
  EXPECT_FALSE(billed->active);
  EXPECT_TRUE(billed->lines.empty());
  EXPECT_EQ(billed->allowance_amounts, std::vector<Decimal>{Decimal()});
}

}  // namespace
}  // namespace tariff

namespace tariff {
namespace {

BillingPeriod calendar_month(int y, unsigned m) {
  return *parse_period(fmt::format("{:04}-{:02}", y, m), PeriodInfo{PeriodKind::anniversary_month, 0});
}

// V38: months counted from the anchor, never chained: an account started
// Jan 31 has February from Feb 28 and March from Mar 31 again.
// V36, Kill Bill's fixed-days mode: every month counts 30 days, so a run
// to a month's end counts 30 minus the month's other days.
const Program& thirty_day_program() {
  static const auto compiled = compile_source("thirty.tariff", R"(scheme "Thirty" version "1"
currency USD
rounding half_up per line
period anniversary month UTC, months of 30 days
usage {
  account  id
  time     timestamp
  quantity decimal
}
edition basic { fee 19.95 monthly
  seat 3.00 monthly }
edition plus { fee 19.95 monthly }
)");
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  return *compiled.program;
}

std::string thirty_day_cents(const AccountSubscription& account, const PeriodDays& period, const std::string& charge) {
  auto billed = bill_subscription(thirty_day_program(), &account, period);
  EXPECT_TRUE(billed) << billed.error();
  if (!billed) return "(error)";
  for (const EmittedLine& line : billed->lines)
    if (thirty_day_program().charges[line.charge].name == charge)
      return line.amount.rescale(2, RoundingMode::half_up)->to_string() + " for " + line.quantity.to_string();
  return "(no line)";
}

TEST(Subscriptions, V36ThirtyDayMonthsCountAMonthsEndAgainstThirty) {
  // Billing day 15: the period 2023-05-15 to 2023-06-14. Basic from May 15
  // to 22: 8 days, 19.95 x 8/30 = 5.32. Plus from May 23: May 23-31 is 9
  // days less 1 (May has 31), then June 1-14: 22 days, 19.95 x 22/30 =
  // 14.63 — Kill Bill's two invoice items.
  const PeriodDays may{day(2023, 5, 15), day(2023, 6, 14), 1};
  AccountSubscription account{"a", {span(day(2023, 5, 15), "basic"), span(day(2023, 5, 23), "plus")}, {}};
  EXPECT_EQ(thirty_day_cents(account, may, "basic edition"), "5.32 for 8");
  EXPECT_EQ(thirty_day_cents(account, may, "plus edition"), "14.63 for 22");
  // A whole calendar month is 30 days whatever its length: February 2023
  // (28 days) and March (31) both bill 19.95; seats by the same count.
  AccountSubscription whole{"b", {span(day(2023, 1, 1), "basic", false, 2)}, {}};
  EXPECT_EQ(thirty_day_cents(whole, month(2023, 2), "basic edition"), "19.95 for 30");
  EXPECT_EQ(thirty_day_cents(whole, month(2023, 3), "basic edition"), "19.95 for 30");
  EXPECT_EQ(thirty_day_cents(whole, month(2023, 2), "basic seats"), "6.00 for 60");
  // From February 15 to its end: 14 days plus the 2 February lacks = 16.
  AccountSubscription late{"c", {span(day(2023, 2, 15), "basic")}, {}};
  EXPECT_EQ(thirty_day_cents(late, month(2023, 2), "basic edition"), "10.64 for 16");
  // Only March 31: no day of a 30-day month, nothing to pay.
  AccountSubscription last{"d", {span(day(2023, 3, 31), "basic")}, {}};
  EXPECT_EQ(thirty_day_cents(last, month(2023, 3), "basic edition"), "0.00 for 0");
}

TEST(AnniversaryPeriods, RunFromTheAnchorClampedInShortMonths) {
  const std::int64_t anchor = usage::days_from_civil({2022, 1, 31});
  const PeriodInfo info{PeriodKind::anniversary_month, 0};
  auto february = anniversary_period(anchor, calendar_month(2022, 2), info);
  ASSERT_TRUE(february);
  EXPECT_EQ(february->start, "2022-02-28T00:00:00Z");
  EXPECT_EQ(february->end, "2022-03-31T00:00:00Z");
  auto march = anniversary_period(anchor, calendar_month(2022, 3), info);
  ASSERT_TRUE(march);
  EXPECT_EQ(march->start, "2022-03-31T00:00:00Z");
  EXPECT_EQ(march->end, "2022-04-30T00:00:00Z");
  // In a zone: the same days, local midnight.
  auto east = anniversary_period(anchor, *parse_period("2022-02", PeriodInfo{PeriodKind::anniversary_month, 28800}),
                                 PeriodInfo{PeriodKind::anniversary_month, 28800});
  ASSERT_TRUE(east);
  EXPECT_EQ(east->start, "2022-02-28T00:00:00+08:00");
  // An account starting after the month has no period in it.
  EXPECT_FALSE(anniversary_period(usage::days_from_civil({2022, 3, 10}), calendar_month(2022, 2), info));
}

}  // namespace
}  // namespace tariff
