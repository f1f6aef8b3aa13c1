// price_of_charge: one charge priced at chosen quantities.
#include <gtest/gtest.h>

#include <sstream>

#include "tariff/tariff.h"

namespace tariff {
namespace {

std::shared_ptr<const Program> program() {
  auto compiled = compile_source("p.tariff", R"(scheme "P" version "1"
currency USD
rounding half_up per line
usage {
  account id
  users   decimal
}
meter mau = max users
charge "Base" = flat 10
charge "MAU" = graduated mau {
  first 200   free
  next  4_800 at 0.05
  above       at 0.045
}
)");
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  return compiled.program;
}

TEST(ChargePrice, PricesOneChargeAtAQuantity) {
  auto p = program();
  EXPECT_EQ(charge_names(*p), (std::vector<std::string>{"Base", "MAU"}));
  // 200 free + 4,800 x 0.05 = 240 + 1,000 x 0.045 = 45 -> 285.00
  auto price = price_of_charge(*p, "MAU", Decimal::from_int(6000));
  ASSERT_TRUE(price);
  EXPECT_EQ(price->amount.to_string(), "285.00");
  // 201 users: 1 x 0.05 = 0.05
  EXPECT_EQ(price_of_charge(*p, "MAU", Decimal::from_int(201))->amount.to_string(), "0.05");
}

TEST(ChargePrice, RefusesUnknownAndFlatCharges) {
  auto p = program();
  EXPECT_EQ(price_of_charge(*p, "Nope", Decimal()).error().message, "unknown charge \"Nope\"");
  EXPECT_EQ(price_of_charge(*p, "Base", Decimal()).error().message, "charge \"Base\" prices no meter");
}

}  // namespace
}  // namespace tariff

namespace tariff {
namespace {

// V48 (Stripe's decimal unit amounts): 0.05 cents x 30 = 1.5 cents, billed
// 2 cents; lines are rounded before they are summed, so two such lines
// make 0.04, not the 0.03 of their exact sum.
TEST(ChargePrice, V48SubCentUnitPricesRoundPerLine) {
  auto compiled = compile_source("v48.tariff", R"(scheme "V48" version "1"
currency USD
rounding half_up per line
usage {
  account  id
  quantity decimal
}
meter calls = sum quantity
charge "Calls"   = calls at 0.0005
charge "Replays" = calls at 0.0005
)");
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  auto price = price_of_charge(*compiled.program, "Calls", Decimal::from_int(30));
  ASSERT_TRUE(price);
  EXPECT_EQ(price->exact_amount.normalized().to_string(), "0.015");
  EXPECT_EQ(price->amount.to_string(), "0.02");
  struct NoRejects final : RejectSink {
    void reject(Reject r) override { ADD_FAILURE() << r.reason; }
  } rejects;
  Rater rater(compiled.program);
  std::istringstream usage("account,quantity\nacme,30\n");
  ASSERT_TRUE(rater.add_usage(usage, "usage.csv", UsageFormat::csv, rejects));
  auto invoice = rater.finish();
  ASSERT_TRUE(invoice) << invoice.error().message;
  EXPECT_EQ(invoice->total.to_string(), "0.04");
}

}  // namespace
}  // namespace tariff
