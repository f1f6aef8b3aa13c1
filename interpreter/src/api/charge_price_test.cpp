// price_of_charge: one charge priced at chosen quantities.
#include <gtest/gtest.h>

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
