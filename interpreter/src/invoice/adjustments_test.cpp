// Adjustments through the rating API, with the brief's numbers
// (billing-engines.md V39, V40, V41, V43, V44, V45, V46, V47) and the cases
// the golden files do not show: included taxes, the per-invoice stage,
// scoped minimums, overflow located at the declaration, and how prepaid
// wallets draw.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>

#include "bytecode/bytecode_file.h"
#include "tariff/tariff.h"

namespace tariff {
namespace {

class NoRejects final : public RejectSink {
 public:
  void reject(Reject r) override { ADD_FAILURE() << "rejected: " << r.reason; }
};

std::string scheme(const std::string& stage, const std::string& adjustments) {
  return "scheme \"Adjust\" version \"1\"\ncurrency USD\nrounding half_up per " + stage +
         "\nusage {\n  account id\n  a decimal\n  b decimal\n}\n"
         "meter a = sum a\nmeter b = sum b\n"
         "charge \"A\" = a at 1\ncharge \"B\" = b at 1\n" +
         adjustments;
}

// The one account's invoice for a and b.
Expected<Invoice, RunError> rate(const std::string& source, const std::string& a, const std::string& b) {
  auto compiled = compile_source("adjust.tariff", source);
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  if (!compiled.program) return unexpected(RunError{"does not compile"});
  Rater rater(compiled.program);
  NoRejects rejects;
  std::istringstream in("account,a,b\nx," + a + "," + b + "\n");
  auto added = rater.add_usage(in, "u.csv", UsageFormat::csv, rejects);
  if (!added) return unexpected(added.error());
  return rater.finish();
}

// "kind name amount" per adjustment, then "total T".
std::vector<std::string> summary(const Expected<Invoice, RunError>& invoice) {
  EXPECT_TRUE(invoice) << (invoice ? "" : invoice.error().message);
  std::vector<std::string> out;
  if (!invoice) return out;
  const AccountInvoice& account = invoice->accounts.at(0);
  for (const Adjustment& adjustment : account.adjustments)
    out.push_back(adjustment.kind + " " + adjustment.name + " " + adjustment.amount.to_string() +
                  (adjustment.included ? " included" : ""));
  out.push_back("total " + account.total.to_string());
  return out;
}

using Lines = std::vector<std::string>;

TEST(Adjustments, V39MinimumTrueUpOnlyWhenShort) {
  // 50.00 + 30.00 = 80.00 under a 100.00 minimum: true-up 20.00.
  EXPECT_EQ(summary(rate(scheme("line", "minimum 100.00\n"), "50", "30")),
            (Lines{"minimum Minimum commitment 20.00", "total 100.00"}));
  // 200.00 + 300.00 + 150.00 over a 10,000.00 commitment: 9,350.00 (V39, in dollars).
  EXPECT_EQ(summary(rate(scheme("line", "minimum 10_000.00\n"), "200", "450")),
            (Lines{"minimum Minimum commitment 9350.00", "total 10000.00"}));
  // Commitment 2.00 with the same fees: nothing to add.
  EXPECT_EQ(summary(rate(scheme("line", "minimum 2.00\n"), "200", "450")), (Lines{"total 650.00"}));
}

TEST(Adjustments, V40MinimumOnOneCharge) {
  // Charge minimum 10.00, fee 7.00 -> true-up 3.00; B is not counted.
  EXPECT_EQ(summary(rate(scheme("line", "minimum \"A minimum\" 10.00 on \"A\"\n"), "7", "100")),
            (Lines{"minimum A minimum 3.00", "total 110.00"}));
}

TEST(Adjustments, V41CapReducesTheExcess) {
  // Maximum spend 170 on charges worth 182: a reduction of 12.
  EXPECT_EQ(summary(rate(scheme("line", "cap 170.00\n"), "160", "22")),
            (Lines{"cap Spend cap -12.00", "total 170.00"}));
}

TEST(Adjustments, V45FixedCouponIsCappedAtItsBase) {
  // Coupon 12.00 on 3.00 of charges: 3.00; a 20% coupon on 3.00: 0.60.
  EXPECT_EQ(summary(rate(scheme("line", "discount \"Coupon\" 12.00\n"), "1", "2")),
            (Lines{"discount Coupon -3.00", "total 0.00"}));
  EXPECT_EQ(summary(rate(scheme("line", "discount \"Coupon\" 20%\n"), "1", "2")),
            (Lines{"discount Coupon -0.60", "total 2.40"}));
}

TEST(Adjustments, V46TaxesAfterACouponSpreadInProportion) {
  // Fees 10.00 and 20.00, coupon 10.00: 3.33 and 6.67 off, leaving 6.67
  // and 13.33. 10% on both (per invoice: exact, 2.000); 12% on B only:
  // 13.33 x 12% = 1.5996. Total 20.00 + 2.00 + 1.5996 = 23.5996 -> 23.60.
  EXPECT_EQ(summary(rate(scheme("invoice", "discount \"Coupon\" 10.00\ntax \"Tax 1\" 10%\n"
                                           "tax \"Tax 2\" 12% on \"B\"\n"),
                         "10.00", "20.00")),
            (Lines{"discount Coupon -10.00", "tax Tax 1 2.0000", "tax Tax 2 1.5996", "total 23.60"}));
}

TEST(Adjustments, V47TaxRoundedPerLineOrOncePerInvoice) {
  // Per line: 0.43 x 15% = 0.0645 -> 0.06; 4.84 x 15% = 0.726 -> 0.73; 0.79.
  EXPECT_EQ(summary(rate(scheme("line", "tax \"Tax\" 15%\n"), "0.43", "4.84")),
            (Lines{"tax Tax 0.79", "total 6.06"}));
  // Per invoice: 5.27 x 15% = 0.7905 exact; total 6.0605 -> 6.06.
  EXPECT_EQ(summary(rate(scheme("invoice", "tax \"Tax\" 15%\n"), "0.43", "4.84")),
            (Lines{"tax Tax 0.7905", "total 6.06"}));
}

TEST(Adjustments, IncludedTaxIsShownNotAdded) {
  // 119.00 with 19% VAT inside: 119 x 0.19 / 1.19 = 19.00; the total stays.
  // 10.00 inside 7% on A only: 10 x 0.07 / 1.07 = 0.654... -> 0.65.
  EXPECT_EQ(summary(rate(scheme("line", "tax \"VAT\" 19% included\ntax \"Reduced\" 7% included on \"A\"\n"),
                         "10.00", "109.00")),
            (Lines{"tax VAT 19.00 included", "tax Reduced 0.65 included", "total 119.00"}));
}

TEST(Adjustments, StagesApplyInOrderWhateverTheDeclarationOrder) {
  // Written tax first, then discount, then minimum: the minimum lifts 5.00
  // to 20.00, the 50% discount halves it to 10.00, the tax adds 1.00.
  EXPECT_EQ(summary(rate(scheme("line", "tax \"Tax\" 10%\ndiscount \"Half\" 50%\nminimum 20.00\n"), "5", "0")),
            (Lines{"minimum Minimum commitment 15.00", "discount Half -10.00", "tax Tax 1.00", "total 11.00"}));
}

TEST(Adjustments, ScopedAdjustmentsSeeOnlyTheirCharges) {
  // A minimum on A adds a true-up that belongs to A: the discount on A
  // takes 10% of A's 10.00 (7.00 + 3.00), not of B.
  EXPECT_EQ(summary(rate(scheme("line", "minimum \"A minimum\" 10.00 on \"A\"\ndiscount \"A off\" 10% on \"A\"\n"),
                         "7", "100")),
            (Lines{"minimum A minimum 3.00", "discount A off -1.00", "total 109.00"}));
}

TEST(Adjustments, OverflowIsAnErrorAtTheDeclaration) {
  const std::string source = scheme("line", "tax \"Huge\" 99999999999999999999%\n");
  auto invoice = rate(source, "99999999999999999", "0");
  ASSERT_FALSE(invoice);
  EXPECT_NE(invoice.error().message.find("adjust.tariff:13:1: error: account x: tax \"Huge\""), std::string::npos)
      << invoice.error().message;
}

TEST(Adjustments, SurviveTheBytecodeFile) {
  auto compiled = compile_source("adjust.tariff", scheme("line", "minimum 100.00\ntax \"VAT\" 19% included on \"B\"\n"));
  ASSERT_TRUE(compiled.program);
  auto saved = save_program(*compiled.program);
  ASSERT_TRUE(saved) << saved.error();
  auto loaded = load_bytecode(*saved);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(disassembly(**loaded), disassembly(*compiled.program));
  EXPECT_NE(disassembly(**loaded).find("j1 = tax \"VAT\" 0.19 (fraction) included c1"), std::string::npos);
}

// ---- Prepaid wallets: balances from the accounts file -------------------

// Wallets need an accounts file, so a billing period: the scheme above
// with a time column and a month.
std::string wallet_scheme(const std::string& stage, const std::string& adjustments) {
  return "scheme \"Wallets\" version \"1\"\ncurrency USD\nrounding half_up per " + stage +
         "\nperiod calendar month UTC\nusage {\n  account id\n  time timestamp\n  a decimal\n  b decimal\n}\n"
         "meter a = sum a\nmeter b = sum b\n"
         "charge \"A\" = a at 1\ncharge \"B\" = b at 1\n" +
         adjustments;
}

// Account x's invoice for a and b in March 2026, its wallets' balances
// `wallets` (the accounts file's column, `NAME=AMOUNT;...`).
Expected<Invoice, RunError> rate_wallets(const std::string& source, const std::string& a, const std::string& b,
                                         const std::string& wallets) {
  auto compiled = compile_source("wallets.tariff", source);
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  if (!compiled.program) return unexpected(RunError{"does not compile"});
  std::istringstream accounts_in("account,wallets\nx,\"" + wallets + "\"\n");
  auto accounts = read_accounts(*compiled.program, accounts_in, "accounts.csv", UsageFormat::csv);
  if (!accounts) return unexpected(RunError{accounts.error()});
  Rater rater(compiled.program);
  rater.set_accounts(std::make_shared<const Accounts>(std::move(*accounts)));
  NoRejects rejects;
  std::istringstream in("account,time,a,b\nx,2026-03-05T00:00:00Z," + a + "," + b + "\n");
  auto added = rater.add_usage(in, "u.csv", UsageFormat::csv, rejects);
  if (!added) return unexpected(added.error());
  return rater.finish();
}

// "wallet start used left" per wallet the account has a balance in.
std::vector<std::string> balances(const Expected<Invoice, RunError>& invoice) {
  std::vector<std::string> out;
  if (!invoice) return out;
  for (const WalletBalance& wallet : invoice->accounts.at(0).wallets)
    out.push_back(wallet.wallet + " " + wallet.start.to_string() + " " + wallet.used.to_string() + " " +
                  wallet.left.to_string());
  return out;
}

const Adjustment& adjustment_named(const Invoice& invoice, const std::string& name) {
  for (const Adjustment& adjustment : invoice.accounts.at(0).adjustments)
    if (adjustment.name == name) return adjustment;
  ADD_FAILURE() << "no adjustment " << name;
  return invoice.accounts.at(0).adjustments.at(0);
}

// Lago's wallets, in priority order (the order written), one restricted
// to a line the invoice has not (B is 0), one to charges.
const std::string kV43Wallets = "prepaid \"Only B\" on \"B\"\nprepaid \"First\"\nprepaid \"Charges\" on \"A\"\n"
                                "prepaid \"Last\"\n";
const std::string kV43Balances = "Only B=10.00;First=10.00;Charges=10.00;Last=10.00";

TEST(Wallets, V43AnInvoiceOf100CentsIsPaidByThePriorityWallet) {
  // 1.00: "Only B" has nothing to pay; "First" pays 1.00 (10.00 -> 9.00);
  // the others are untouched.
  const auto invoice = rate_wallets(wallet_scheme("line", kV43Wallets), "1.00", "0", kV43Balances);
  EXPECT_EQ(summary(invoice), (Lines{"prepaid First -1.00", "total 0.00"}));
  EXPECT_EQ(balances(invoice), (Lines{"Only B 10.00 0.00 10.00", "First 10.00 1.00 9.00", "Charges 10.00 0.00 10.00",
                                      "Last 10.00 0.00 10.00"}));
}

TEST(Wallets, V43AnInvoiceOf1500CentsTakesTheNextEligibleWallet) {
  // 15.00: "First" pays 10.00, "Charges" (restricted to charges) the
  // other 5.00; "Last" is untouched.
  const auto invoice = rate_wallets(wallet_scheme("line", kV43Wallets), "15.00", "0", kV43Balances);
  EXPECT_EQ(summary(invoice), (Lines{"prepaid First -10.00", "prepaid Charges -5.00", "total 0.00"}));
  EXPECT_EQ(balances(invoice), (Lines{"Only B 10.00 0.00 10.00", "First 10.00 10.00 0.00", "Charges 10.00 5.00 5.00",
                                      "Last 10.00 0.00 10.00"}));
}

TEST(Wallets, V44ACreditPaysLinesInInvoiceOrder) {
  // Lines 100.00 and 50.00, a credit of 150.00: both paid to 0 (V44).
  EXPECT_EQ(summary(rate_wallets(wallet_scheme("line", "prepaid \"Credit\"\n"), "100", "50", "Credit=150.00")),
            (Lines{"prepaid Credit -150.00", "total 0.00"}));
  // 120.00: A in full, then 20.00 of B's 50.00; 30.00 is left to pay.
  const auto invoice = rate_wallets(wallet_scheme("line", "prepaid \"Credit\"\n"), "100", "50", "Credit=120.00");
  EXPECT_EQ(summary(invoice), (Lines{"prepaid Credit -120.00", "total 30.00"}));
  ASSERT_TRUE(invoice);
  EXPECT_EQ(adjustment_named(*invoice, "Credit").explain,
            (Lines{"balance 120.00, for the whole amount due", "\"A\": 100.00 of 100.00", "\"B\": 20.00 of 50.00",
                   "used 120.00; 0.00 left"}));
}

TEST(Wallets, V44ACreditPaysATieredLinesTiersInOrder) {
  // OpenMeter's detailed lines: up to 5 flat 100, up to 10 flat 50, then 1
  // a unit; 10 units bill 150. A credit of 150.00 pays the flat 100 tier,
  // then the flat 50 one. With two wallets of 120.00 and 30.00, the second
  // carries on where the first stopped, inside tier 2.
  const std::string tiered =
      "scheme \"Wallets\" version \"1\"\ncurrency USD\nrounding half_up per line\n"
      "period calendar month UTC\nusage {\n  account id\n  time timestamp\n  a decimal\n  b decimal\n}\n"
      "meter a = sum a\n"
      "charge \"A\" = graduated a { up to 5 at 0 flat 100  up to 10 at 0 flat 50  above at 1 }\n";
  const auto one = rate_wallets(tiered + "prepaid \"Credit\"\n", "10", "0", "Credit=150.00");
  EXPECT_EQ(summary(one), (Lines{"prepaid Credit -150.00", "total 0.00"}));
  ASSERT_TRUE(one);
  EXPECT_EQ(adjustment_named(*one, "Credit").explain.at(1), "\"A\": 150.00 of 150.00 (tier 1 100, tier 2 50)");
  const auto two = rate_wallets(tiered + "prepaid \"First\"\nprepaid \"Second\"\n", "10", "0",
                                "First=120.00;Second=30.00");
  ASSERT_TRUE(two);
  EXPECT_EQ(adjustment_named(*two, "First").explain.at(1), "\"A\": 120.00 of 150.00 (tier 1 100, tier 2 20)");
  EXPECT_EQ(adjustment_named(*two, "Second").explain.at(1), "\"A\": 30.00 of 30.00 (tier 2 30)");
}

TEST(Wallets, AreDrawnAfterTaxesWhereverWritten) {
  // Written before the tax: 100.00 + 10% = 110.00 due, all of it paid;
  // 890.00 left.
  const auto invoice = rate_wallets(wallet_scheme("line", "prepaid \"Balance\"\ntax \"Tax\" 10%\n"), "100", "0",
                                    "Balance=1000.00");
  EXPECT_EQ(summary(invoice), (Lines{"tax Tax 10.00", "prepaid Balance -110.00", "total 0.00"}));
  EXPECT_EQ(balances(invoice), (Lines{"Balance 1000.00 110.00 890.00"}));
}

TEST(Wallets, ARestrictedWalletPaysItsChargesOnly) {
  // On A: 60.00 of A, neither B's 40.00 nor the 10.00 tax.
  EXPECT_EQ(summary(rate_wallets(wallet_scheme("line", "prepaid \"A only\" on \"A\"\ntax \"Tax\" 10%\n"), "60", "40",
                                 "A only=500.00")),
            (Lines{"tax Tax 10.00", "prepaid A only -60.00", "total 50.00"}));
}

TEST(Wallets, PayWhatIsLeftAfterDiscountsAndMinimums) {
  // A 30.00 under a 100.00 minimum: a true-up of 70.00. The 50% discount
  // halves both (50.00 off); the wallet pays the 50.00 left, 15.00 of A
  // and 35.00 of the true-up.
  EXPECT_EQ(summary(rate_wallets(wallet_scheme("line", "minimum 100.00\ndiscount \"Half\" 50%\nprepaid \"W\"\n"), "30",
                                 "0", "W=80.00")),
            (Lines{"minimum Minimum commitment 70.00", "discount Half -50.00", "prepaid W -50.00", "total 0.00"}));
}

TEST(Wallets, ALinePaidByAnEarlierWalletIsNotPaidAgain) {
  // A 100.00: the first wallet pays 60.00, the second the 40.00 left.
  const auto invoice = rate_wallets(wallet_scheme("line", "prepaid \"One\" on \"A\"\nprepaid \"Two\" on \"A\"\n"),
                                    "100", "0", "One=60.00;Two=100.00");
  EXPECT_EQ(summary(invoice), (Lines{"prepaid One -60.00", "prepaid Two -40.00", "total 0.00"}));
  EXPECT_EQ(balances(invoice), (Lines{"One 60.00 60.00 0.00", "Two 100.00 40.00 60.00"}));
}

TEST(Wallets, NoBalanceOrNothingToPayAddsNoLine) {
  // "Empty" has 0.00; "Idle" may pay only B, which is 0; "Unlisted" has no
  // balance in the accounts file, so no balance is shown either.
  const auto invoice =
      rate_wallets(wallet_scheme("line", "prepaid \"Empty\"\nprepaid \"Idle\" on \"B\"\nprepaid \"Unlisted\"\n"),
                   "5", "0", "Empty=0;Idle=3.00");
  EXPECT_EQ(summary(invoice), (Lines{"total 5.00"}));
  EXPECT_EQ(balances(invoice), (Lines{"Empty 0.00 0.00 0.00", "Idle 3.00 0.00 3.00"}));
}

TEST(Wallets, PerLinePayTheRoundedLines) {
  // A 0.005 -> 0.01, B 0.004 -> 0.00 (half up): the wallet pays 0.01.
  const auto invoice = rate_wallets(wallet_scheme("line", "prepaid \"W\"\n"), "0.005", "0.004", "W=1.00");
  EXPECT_EQ(summary(invoice), (Lines{"prepaid W -0.01", "total 0.00"}));
  EXPECT_EQ(balances(invoice), (Lines{"W 1.00 0.01 0.99"}));
}

TEST(Wallets, PerInvoiceDrawExactAmountsInTheMinorUnit) {
  // A 0.004, B 0.004: 0.008 due, 0.01 rounded. A wallet on A draws 0.004,
  // 0.00 in cents: no line. An overall wallet draws 0.008 -> 0.01.
  EXPECT_EQ(summary(rate_wallets(wallet_scheme("invoice", "prepaid \"A only\" on \"A\"\n"), "0.004", "0.004",
                                 "A only=1.00")),
            (Lines{"total 0.01"}));
  const auto all = rate_wallets(wallet_scheme("invoice", "prepaid \"W\"\n"), "0.004", "0.004", "W=1.00");
  EXPECT_EQ(summary(all), (Lines{"prepaid W -0.01", "total 0.00"}));
  ASSERT_TRUE(all);
  EXPECT_EQ(adjustment_named(*all, "W").explain.back(),
            "used 0.008, rounded half_up to 2 decimal places: 0.01; 0.99 left");
  // A 0.015: 0.02 due (half up). Paid from the rounded total, the wallet
  // leaves 0.00; rounding 0.015 - 0.02 instead would leave -0.01.
  EXPECT_EQ(summary(rate_wallets(wallet_scheme("invoice", "prepaid \"W\"\n"), "0.015", "0", "W=1.00")),
            (Lines{"prepaid W -0.02", "total 0.00"}));
}

TEST(Wallets, NeverPayMoreThanTheAmountDue) {
  // Per invoice, A 0.005 and B 0.005: 0.01 due. The wallet on A rounds its
  // 0.005 up to 0.01, which is all that is due; the wallet on B pays nothing.
  const auto invoice = rate_wallets(wallet_scheme("invoice", "prepaid \"On A\" on \"A\"\nprepaid \"On B\" on \"B\"\n"),
                                    "0.005", "0.005", "On A=1.00;On B=1.00");
  EXPECT_EQ(summary(invoice), (Lines{"prepaid On A -0.01", "total 0.00"}));
  EXPECT_EQ(balances(invoice), (Lines{"On A 1.00 0.01 0.99", "On B 1.00 0.00 1.00"}));
}

TEST(Wallets, TheSameInvoiceWhateverTheOrderOfTheBalances) {
  const std::string source = wallet_scheme("line", "prepaid \"One\" on \"A\"\nprepaid \"Two\"\n");
  const auto first = rate_wallets(source, "30", "20", "One=25.00;Two=40.00");
  const auto second = rate_wallets(source, "30", "20", "Two=40.00; One=25.00");
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(format_json(*first), format_json(*second));
  // One pays 25.00 of A; Two the 5.00 left of A and B's 20.00.
  EXPECT_EQ(summary(first), (Lines{"prepaid One -25.00", "prepaid Two -25.00", "total 0.00"}));
}

TEST(Wallets, SurviveTheBytecodeFile) {
  auto compiled =
      compile_source("wallets.tariff", wallet_scheme("line", "prepaid \"Promo\" on \"B\"\nprepaid \"All\"\n"));
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  auto saved = save_program(*compiled.program);
  ASSERT_TRUE(saved) << saved.error();
  auto loaded = load_bytecode(*saved);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(disassembly(**loaded), disassembly(*compiled.program));
  EXPECT_NE(disassembly(**loaded).find("j0 = prepaid \"Promo\" c1\n  j1 = prepaid \"All\"\n"), std::string::npos)
      << disassembly(**loaded);
}

}  // namespace
}  // namespace tariff
