// The quickstart example rated through the C++ API, with every expected
// number worked out by hand.
#include <gtest/gtest.h>

#include <fstream>

#include "tariff/tariff.h"

namespace {

class CollectRejects final : public tariff::RejectSink {
 public:
  void reject(tariff::Reject r) override { rejects.push_back(std::move(r)); }
  std::vector<tariff::Reject> rejects;
};

tariff::Decimal dec(const char* text) { return *tariff::Decimal::parse(text); }

TEST(Quickstart, InvoiceMatchesTheHandComputation) {
  auto compiled = tariff::compile_file(TARIFF_EXAMPLES "/quickstart/scheme.tariff");
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  tariff::Rater rater(compiled.program);
  std::ifstream usage(TARIFF_EXAMPLES "/quickstart/usage.csv", std::ios::binary);
  CollectRejects rejects;
  ASSERT_TRUE(rater.add_usage(usage, "usage.csv", tariff::UsageFormat::csv, rejects));
  auto invoice = rater.finish();
  ASSERT_TRUE(invoice);

  // Row 7 (globex voice "not-a-number") is rejected; 6 of 7 rows rated.
  ASSERT_EQ(rejects.rejects.size(), 1u);
  EXPECT_EQ(rejects.rejects[0].line, 7u);
  EXPECT_EQ(invoice->records.read, 7u);
  EXPECT_EQ(invoice->records.accepted, 6u);
  EXPECT_EQ(invoice->records.rejected, 1u);

  ASSERT_EQ(invoice->accounts.size(), 2u);
  const auto& acme = invoice->accounts[0];
  const auto& globex = invoice->accounts[1];
  EXPECT_EQ(acme.account, "acme");
  EXPECT_EQ(globex.account, "globex");

  // acme: platform fee 49.00
  //       messages 12000 + 345 = 12345; 12345 x 0.50 / 1000 = 6.1725 -> 6.17 (half up)
  //       voice 1250.5 + 749.5 = 2000.0; 2000.0 x 0.99 / 1000 = 1.98
  //       total 49.00 + 6.17 + 1.98 = 57.15
  ASSERT_EQ(acme.lines.size(), 3u);
  EXPECT_EQ(acme.lines[1].quantity, dec("12345"));
  EXPECT_EQ(acme.lines[1].exact_amount, dec("6.1725"));
  EXPECT_EQ(acme.lines[1].amount.to_string(), "6.17");
  EXPECT_EQ(acme.lines[2].amount.to_string(), "1.98");
  EXPECT_EQ(acme.total.to_string(), "57.15");

  // globex: platform fee 49.00
  //         messages 800 x 0.0005 = 0.40
  //         voice 2000 x 0.00099 = 1.98 (the bad row is not counted)
  //         total 49.00 + 0.40 + 1.98 = 51.38
  EXPECT_EQ(globex.total.to_string(), "51.38");

  // Invoice: 57.15 + 51.38 = 108.53
  EXPECT_EQ(invoice->total.to_string(), "108.53");
}

}  // namespace
