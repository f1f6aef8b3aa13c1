// Tests for the ISO 4217 table generated from stdlib/iso4217.csv.
#include "tariff/currency.h"

#include <cstddef>
#include <set>
#include <string_view>

#include <gtest/gtest.h>

namespace tariff {
namespace {

TEST(Currency, MinorDigitsOfWellKnownCurrencies) {
  struct Known {
    std::string_view code;
    int numeric;
    int minor_digits;
  };
  for (const Known known : {Known{"USD", 840, 2}, Known{"EUR", 978, 2}, Known{"JPY", 392, 0},
                            Known{"CNY", 156, 2}, Known{"KRW", 410, 0}, Known{"BHD", 48, 3},
                            Known{"KWD", 414, 3}, Known{"JOD", 400, 3}, Known{"CLF", 990, 4},
                            Known{"UYW", 927, 4}, Known{"VND", 704, 0}, Known{"ISK", 352, 0},
                            Known{"CLP", 152, 0}, Known{"XAF", 950, 0}, Known{"XOF", 952, 0},
                            Known{"GBP", 826, 2}}) {
    SCOPED_TRACE(known.code);
    const auto currency = find_currency(known.code);
    ASSERT_TRUE(currency.has_value());
    EXPECT_EQ(currency->code, known.code);
    EXPECT_EQ(currency->numeric, known.numeric);
    EXPECT_EQ(currency->minor_digits, known.minor_digits);
  }
}

TEST(Currency, NamesComeFromTheData) {
  EXPECT_EQ(find_currency("USD")->name, "US Dollar");
  EXPECT_EQ(find_currency("CLF")->name, "Unidad de Fomento");
}

TEST(Currency, FirstAndLastRowsAreFound) {
  EXPECT_EQ(currency_at(0).code, "AED");
  EXPECT_EQ(find_currency("AED")->numeric, 784);
  EXPECT_EQ(currency_at(currency_count() - 1).code, "ZWG");
  EXPECT_EQ(find_currency("ZWG")->numeric, 924);
}

TEST(Currency, UnknownOrMistypedCodesAreNotFound) {
  EXPECT_EQ(find_currency("XYZ"), std::nullopt);
  EXPECT_EQ(find_currency("usd"), std::nullopt);
  EXPECT_EQ(find_currency("US"), std::nullopt);
  EXPECT_EQ(find_currency("USDD"), std::nullopt);
  EXPECT_EQ(find_currency(""), std::nullopt);
  EXPECT_EQ(find_currency("AAA"), std::nullopt);  // before the first row
  EXPECT_EQ(find_currency("ZZZ"), std::nullopt);  // after the last row
  // Codes without a minor unit (precious metals) are left out of the table.
  EXPECT_EQ(find_currency("XAU"), std::nullopt);
}

TEST(Currency, TableIsSortedWithoutDuplicates) {
  ASSERT_GT(currency_count(), 150u);
  std::set<int> numerics;
  for (std::size_t index = 0; index < currency_count(); ++index) {
    const Currency& currency = currency_at(index);
    SCOPED_TRACE(currency.code);
    if (index > 0) {
      EXPECT_LT(currency_at(index - 1).code, currency.code);
    }
    EXPECT_TRUE(numerics.insert(currency.numeric).second) << "numeric code used twice";
    EXPECT_LE(currency.minor_digits, 4);
    EXPECT_EQ(find_currency(currency.code)->numeric, currency.numeric);
  }
}

}  // namespace
}  // namespace tariff
