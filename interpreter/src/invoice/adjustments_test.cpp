// Adjustments through the rating API, with the brief's numbers
// (billing-engines.md V39, V40, V41, V45, V46, V47) and the cases the
// golden files do not show: included taxes, the per-invoice stage, scoped
// minimums, and overflow located at the declaration.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tariff
