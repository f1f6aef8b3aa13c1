// Tests for tariff::Decimal: the rounding table, the Flexprice (V49) and
// OpenMeter (V50) rounding vectors, range boundaries, parsing and formatting.
#include "tariff/decimal.h"

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tariff/currency.h"

namespace tariff {
namespace {

constexpr std::string_view kMaxText = "99999999999999999999999999999999999999";  // 10^38 - 1

// The parsed value; a parse failure fails the calling test.
Decimal dec(std::string_view text) {
  const auto parsed = Decimal::parse(text);
  EXPECT_TRUE(parsed.has_value()) << "could not parse " << text;
  return parsed ? *parsed : Decimal{};
}

// "ok:<value>" or "error:<reason>", so one EXPECT_EQ shows both outcomes.
std::string show(const Expected<Decimal, DecimalError>& result) {
  if (result) return "ok:" + result->to_string();
  switch (result.error()) {
    case DecimalError::overflow: return "error:overflow";
    case DecimalError::division_by_zero: return "error:division_by_zero";
    case DecimalError::scale_out_of_range: return "error:scale_out_of_range";
    case DecimalError::empty: return "error:empty";
    case DecimalError::bad_character: return "error:bad_character";
    case DecimalError::exponent: return "error:exponent";
    case DecimalError::thousands_separator: return "error:thousands_separator";
    case DecimalError::too_many_digits: return "error:too_many_digits";
    case DecimalError::too_many_decimals: return "error:too_many_decimals";
  }
  return "error:unknown";
}

std::string parsed(std::string_view text) { return show(Decimal::parse(text)); }

// ---------------------------------------------------------------------------
// The rounding table: every mode on every value.

constexpr std::array<RoundingMode, 7> kTableModes = {
    RoundingMode::half_even, RoundingMode::half_up, RoundingMode::half_down, RoundingMode::up,
    RoundingMode::down,      RoundingMode::ceiling, RoundingMode::floor};

struct RoundingRow {
  std::string_view value;
  int scale;
  std::array<std::string_view, 7> expected;  // in kTableModes order
};

TEST(DecimalRounding, EveryCellOfTheRoundingTable) {
  const std::vector<RoundingRow> table = {
      {"0.125", 2, {"0.12", "0.13", "0.12", "0.13", "0.12", "0.13", "0.12"}},
      {"0.135", 2, {"0.14", "0.14", "0.13", "0.14", "0.13", "0.14", "0.13"}},
      {"-0.125", 2, {"-0.12", "-0.13", "-0.12", "-0.13", "-0.12", "-0.12", "-0.13"}},
      {"0.1251", 2, {"0.13", "0.13", "0.13", "0.13", "0.12", "0.13", "0.12"}},
      {"2.5", 0, {"2", "3", "2", "3", "2", "3", "2"}},
      {"-2.5", 0, {"-2", "-3", "-2", "-3", "-2", "-2", "-3"}},
  };
  int cells = 0;
  for (const auto& row : table) {
    for (std::size_t column = 0; column < kTableModes.size(); ++column) {
      SCOPED_TRACE(fmt::format("{} {}", row.value, to_string(kTableModes[column])));
      EXPECT_EQ(show(dec(row.value).rescale(row.scale, kTableModes[column])),
                "ok:" + std::string(row.expected[column]));
      ++cells;
    }
  }
  EXPECT_EQ(cells, 42);
}

TEST(DecimalRounding, IntegerRowsAgreeWithToInt64) {
  EXPECT_EQ(dec("2.5").to_int64(RoundingMode::half_even), 2);
  EXPECT_EQ(dec("2.5").to_int64(RoundingMode::half_up), 3);
  EXPECT_EQ(dec("-2.5").to_int64(RoundingMode::ceiling), -2);
  EXPECT_EQ(dec("-2.5").to_int64(RoundingMode::floor), -3);
}

TEST(DecimalRounding, RescalingUpIsExactAndKeepsTheValue) {
  EXPECT_EQ(show(dec("1.5").rescale(4, RoundingMode::down)), "ok:1.5000");
  EXPECT_EQ(show(dec("-7").rescale(2, RoundingMode::up)), "ok:-7.00");
}

TEST(DecimalRounding, RoundingToZeroNeverGivesNegativeZero) {
  EXPECT_EQ(show(dec("-0.001").rescale(2, RoundingMode::half_up)), "ok:0.00");
  EXPECT_EQ(show(dec("-0.4").rescale(0, RoundingMode::ceiling)), "ok:0");
}

TEST(DecimalRounding, ModeNamesRoundTrip) {
  for (int index = 0; index < kRoundingModeCount; ++index) {
    const auto mode = static_cast<RoundingMode>(index);
    EXPECT_EQ(parse_rounding_mode(to_string(mode)), mode);
  }
  EXPECT_EQ(parse_rounding_mode("half_even"), RoundingMode::half_even);
  EXPECT_EQ(parse_rounding_mode("ceiling"), RoundingMode::ceiling);
  EXPECT_EQ(parse_rounding_mode("HALF_UP"), std::nullopt);
  EXPECT_EQ(parse_rounding_mode("half-up"), std::nullopt);
  EXPECT_EQ(parse_rounding_mode("half_up "), std::nullopt);
  EXPECT_EQ(parse_rounding_mode(""), std::nullopt);
}

// ---------------------------------------------------------------------------
// V49 (Flexprice "round at source"): each amount is rounded half away from
// zero to its currency's minor digits from the ISO table.

Decimal round_at_source(Decimal amount, std::string_view currency_code) {
  const auto currency = find_currency(currency_code);
  EXPECT_TRUE(currency.has_value()) << currency_code;
  const auto rounded = amount.rescale(currency ? currency->minor_digits : 0, RoundingMode::half_up);
  EXPECT_TRUE(rounded.has_value());
  return rounded ? *rounded : Decimal{};
}

std::string round_at_source(std::string_view amount, std::string_view currency_code) {
  return round_at_source(dec(amount), currency_code).to_string();
}

// Rounds each line at source, then adds the rounded lines.
std::string subtotal(const std::vector<std::string_view>& lines, std::string_view currency_code) {
  Decimal total;
  for (const auto line : lines) {
    const auto sum = add(total, round_at_source(dec(line), currency_code));
    EXPECT_TRUE(sum.has_value());
    if (sum) total = *sum;
  }
  return total.to_string();
}

// quantity x unit price, rounded once to the currency.
std::string usage_charge(std::string_view quantity, std::string_view unit_price,
                         std::string_view currency_code) {
  const auto currency = find_currency(currency_code);
  EXPECT_TRUE(currency.has_value());
  return show(multiply_rounded(dec(quantity), dec(unit_price),
                               currency ? currency->minor_digits : 0, RoundingMode::half_up));
}

TEST(DecimalV49, RoundAtSourceToTheCurrencyMinorUnit) {
  EXPECT_EQ(round_at_source("10.278798", "USD"), "10.28");
  EXPECT_EQ(round_at_source("10.271", "USD"), "10.27");
  EXPECT_EQ(round_at_source("10.275", "USD"), "10.28");
  EXPECT_EQ(round_at_source("99.996", "EUR"), "100.00");
  EXPECT_EQ(round_at_source("0.004", "GBP"), "0.00");
  EXPECT_EQ(round_at_source("0.005", "GBP"), "0.01");
  EXPECT_EQ(round_at_source("1023.45", "JPY"), "1023");
  EXPECT_EQ(round_at_source("1023.5", "JPY"), "1024");
}

TEST(DecimalV49, SubtotalsAddTheRoundedLines) {
  EXPECT_EQ(subtotal({"10.333333", "10.333333", "10.333333"}, "USD"), "30.99");
  EXPECT_EQ(subtotal({"33.333333", "33.333333", "33.333334"}, "USD"), "99.99");
  EXPECT_EQ(subtotal({"100.4", "200.5", "300.6"}, "JPY"), "602");
  EXPECT_EQ(subtotal({"0.011", "0.012", "0.013", "0.014", "0.015"}, "USD"), "0.06");
  EXPECT_EQ(subtotal(std::vector<std::string_view>(100, "0.011"), "USD"), "1.00");
}

TEST(DecimalV49, UsageChargesRoundTheProductOnce) {
  EXPECT_EQ(usage_charge("150", "0.10", "USD"), "ok:15.00");
  EXPECT_EQ(usage_charge("123.456", "0.50", "USD"), "ok:61.73");
  EXPECT_EQ(usage_charge("1000", "0.003333", "USD"), "ok:3.33");
  EXPECT_EQ(usage_charge("50", "10.5", "JPY"), "ok:525");
}

// V50 (OpenMeter): half away from zero, at the currency's or a custom precision.
TEST(DecimalV50, HalfAwayFromZeroAtCurrencyAndCustomPrecision) {
  EXPECT_EQ(round_at_source("1.235", "USD"), "1.24");
  EXPECT_EQ(show(dec("1.2345678").rescale(6, RoundingMode::half_up)), "ok:1.234568");
}

// ---------------------------------------------------------------------------
// Range boundaries.

TEST(DecimalRange, ThirtyEightNinesParseAndTenToTheThirtyEightDoesNot) {
  EXPECT_EQ(parsed(kMaxText), "ok:99999999999999999999999999999999999999");
  EXPECT_EQ(parsed("-99999999999999999999999999999999999999"),
            "ok:-99999999999999999999999999999999999999");
  EXPECT_EQ(parsed("100000000000000000000000000000000000000"), "error:too_many_digits");
}

TEST(DecimalRange, AdditionAtTheLimit) {
  const Decimal max = dec(kMaxText);
  EXPECT_EQ(show(add(max, dec("1"))), "error:overflow");
  EXPECT_EQ(show(add(max, dec("0"))), "ok:99999999999999999999999999999999999999");
  EXPECT_EQ(show(subtract(max.negated(), dec("1"))), "error:overflow");
  EXPECT_EQ(show(subtract(max.negated(), dec("0"))), "ok:-99999999999999999999999999999999999999");
  EXPECT_EQ(show(add(max, max.negated())), "ok:0");
  // 0.1 needs scale 1, where 10^38 - 1 no longer fits.
  EXPECT_EQ(show(add(max, dec("0.1"))), "error:overflow");
}

TEST(DecimalRange, AdditionWhoseAlignedOperandExceedsTheRangeButWhoseSumFits) {
  // 10^20 aligned to scale 18 is 10^38: too many digits on its own, but the
  // sum is back in range.
  EXPECT_EQ(show(add(dec("100000000000000000000"),
                     dec("-50000000000000000000.000000000000000000"))),
            "ok:50000000000000000000.000000000000000000");
  // 4 * 10^20 aligned to scale 18 is beyond 128 bits; so is the sum.
  EXPECT_EQ(show(add(dec("400000000000000000000"), dec("-0.000000000000000001"))),
            "error:overflow");
}

TEST(DecimalRange, MultiplicationOnBothSidesOfTheLimit) {
  // (10^19 - 1) * 10^19 = 10^38 - 10^19 fits; 10^19 * 10^19 = 10^38 does not.
  EXPECT_EQ(show(multiply(dec("9999999999999999999"), dec("10000000000000000000"))),
            "ok:99999999999999999990000000000000000000");
  EXPECT_EQ(show(multiply(dec("10000000000000000000"), dec("10000000000000000000"))),
            "error:overflow");
  EXPECT_EQ(show(multiply(dec(kMaxText), dec("-1"))),
            "ok:-99999999999999999999999999999999999999");
  EXPECT_EQ(show(multiply(dec(kMaxText), dec("2"))), "error:overflow");
  // Exact product beyond 128 bits (one digit short of scale room).
  EXPECT_EQ(show(multiply(dec(kMaxText), dec(kMaxText))), "error:overflow");
  EXPECT_EQ(show(multiply_rounded(dec(kMaxText), dec("1.4"), 0, RoundingMode::half_up)),
            "error:overflow");
  EXPECT_EQ(show(multiply_rounded(dec(kMaxText), dec("0.5"), 0, RoundingMode::half_up)),
            "ok:50000000000000000000000000000000000000");
}

TEST(DecimalRange, RescaleUpThatOverflows) {
  const Decimal thirty_seven_nines = dec("9999999999999999999999999999999999999");
  EXPECT_EQ(show(thirty_seven_nines.rescale(1, RoundingMode::down)),
            "ok:9999999999999999999999999999999999999.0");
  EXPECT_EQ(show(thirty_seven_nines.rescale(2, RoundingMode::down)), "error:overflow");
  EXPECT_EQ(show(dec(kMaxText).rescale(1, RoundingMode::down)), "error:overflow");
}

TEST(DecimalRange, RoundingAwayFromZeroPastTheLimitOverflows) {
  // 41841004184100418410041841004184100418 * 2.39 = (10^38 - 1) + 0.02
  const Decimal factor = dec("41841004184100418410041841004184100418");
  EXPECT_EQ(show(multiply_rounded(factor, dec("2.39"), 0, RoundingMode::down)),
            "ok:99999999999999999999999999999999999999");
  EXPECT_EQ(show(multiply_rounded(factor, dec("2.39"), 0, RoundingMode::half_up)),
            "ok:99999999999999999999999999999999999999");
  EXPECT_EQ(show(multiply_rounded(factor, dec("2.39"), 0, RoundingMode::up)), "error:overflow");
  EXPECT_EQ(show(multiply_rounded(factor, dec("-2.39"), 0, RoundingMode::floor)),
            "error:overflow");
  // Rounding a value already in range to fewer places can gain a digit but never overflows.
  EXPECT_EQ(show(dec("9999999999999999999999999999999999999.9").rescale(0, RoundingMode::up)),
            "ok:10000000000000000000000000000000000000");
}

TEST(DecimalRange, DivisionByZero) {
  EXPECT_EQ(show(divide(dec("1"), dec("0"), 2, RoundingMode::half_up)), "error:division_by_zero");
  EXPECT_EQ(show(divide(dec("0"), dec("0.000"), 0, RoundingMode::down)), "error:division_by_zero");
}

TEST(DecimalRange, ScaleEighteenIsAllowedAndNineteenIsNot) {
  EXPECT_EQ(show(Decimal::from_parts(1, 18)), "ok:0.000000000000000001");
  EXPECT_EQ(show(Decimal::from_parts(1, 19)), "error:scale_out_of_range");
  EXPECT_EQ(show(Decimal::from_parts(1, -1)), "error:scale_out_of_range");
  EXPECT_EQ(show(dec("1").rescale(18, RoundingMode::down)), "ok:1.000000000000000000");
  EXPECT_EQ(show(dec("1").rescale(19, RoundingMode::down)), "error:scale_out_of_range");
  EXPECT_EQ(show(dec("1").rescale(-1, RoundingMode::down)), "error:scale_out_of_range");
  EXPECT_EQ(show(divide(dec("1"), dec("3"), 18, RoundingMode::down)), "ok:0.333333333333333333");
  EXPECT_EQ(show(divide(dec("1"), dec("3"), 19, RoundingMode::down)), "error:scale_out_of_range");
  EXPECT_EQ(show(multiply_rounded(dec("1"), dec("3"), 19, RoundingMode::down)),
            "error:scale_out_of_range");
  EXPECT_EQ(parsed("0.000000000000000001"), "ok:0.000000000000000001");
  EXPECT_EQ(parsed("0.0000000000000000001"), "error:too_many_decimals");
}

TEST(DecimalRange, FromPartsChecksTheMantissa) {
  const int128 max = dec(kMaxText).mantissa();
  EXPECT_EQ(show(Decimal::from_parts(max, 0)), "ok:99999999999999999999999999999999999999");
  EXPECT_EQ(show(Decimal::from_parts(-max, 2)), "ok:-999999999999999999999999999999999999.99");
  EXPECT_EQ(show(Decimal::from_parts(max + 1, 0)), "error:overflow");
  EXPECT_EQ(show(Decimal::from_parts(-max - 1, 0)), "error:overflow");
}

TEST(DecimalRange, ToInt64AtTheEdges) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(dec("9223372036854775807").to_int64(RoundingMode::down), kMax);
  EXPECT_EQ(dec("9223372036854775808").to_int64(RoundingMode::down), std::nullopt);
  EXPECT_EQ(dec("9223372036854775807.4").to_int64(RoundingMode::half_up), kMax);
  EXPECT_EQ(dec("9223372036854775807.5").to_int64(RoundingMode::half_up), std::nullopt);
  EXPECT_EQ(dec("9223372036854775807.9").to_int64(RoundingMode::down), kMax);
  EXPECT_EQ(dec("-9223372036854775808").to_int64(RoundingMode::down), kMin);
  EXPECT_EQ(dec("-9223372036854775809").to_int64(RoundingMode::down), std::nullopt);
  EXPECT_EQ(dec("-9223372036854775808.5").to_int64(RoundingMode::ceiling), kMin);
  EXPECT_EQ(dec("-9223372036854775808.5").to_int64(RoundingMode::floor), std::nullopt);
  EXPECT_EQ(dec(kMaxText).to_int64(RoundingMode::down), std::nullopt);
  EXPECT_EQ(dec("-12.50").to_int64(RoundingMode::half_even), -12);
}

// ---------------------------------------------------------------------------
// Parsing.

TEST(DecimalParse, KeepsTheScaleAsWritten) {
  EXPECT_EQ(dec("12.50").scale(), 2);
  EXPECT_EQ(dec("12.50").mantissa(), 1250);
  EXPECT_EQ(dec("007.50").scale(), 2);
  EXPECT_EQ(dec("007.50").mantissa(), 750);
  EXPECT_EQ(parsed("007.50"), "ok:7.50");
  EXPECT_EQ(parsed("0000"), "ok:0");
}

TEST(DecimalParse, SignsAndBarePoints) {
  EXPECT_EQ(parsed("-12.50"), "ok:-12.50");
  EXPECT_EQ(parsed("+5"), "ok:5");
  EXPECT_EQ(parsed(".5"), "ok:0.5");
  EXPECT_EQ(parsed("-.5"), "ok:-0.5");
  EXPECT_EQ(parsed("5."), "ok:5");
  EXPECT_EQ(dec("5.").scale(), 0);
}

TEST(DecimalParse, NegativeZeroIsZero) {
  const Decimal zero = dec("-0");
  EXPECT_TRUE(zero.is_zero());
  EXPECT_FALSE(zero.is_negative());
  EXPECT_EQ(zero.to_string(), "0");
  EXPECT_EQ(parsed("-0.00"), "ok:0.00");
  EXPECT_EQ(Decimal{}.negated().to_string(), "0");
}

TEST(DecimalParse, TextWithoutDigitsIsEmpty) {
  EXPECT_EQ(parsed(""), "error:empty");
  EXPECT_EQ(parsed("-"), "error:empty");
  EXPECT_EQ(parsed("+"), "error:empty");
  EXPECT_EQ(parsed("."), "error:empty");
  EXPECT_EQ(parsed("-."), "error:empty");
}

TEST(DecimalParse, ExponentsAreRefusedWithTheirOwnReason) {
  EXPECT_EQ(parsed("1e5"), "error:exponent");
  EXPECT_EQ(parsed("1E5"), "error:exponent");
  EXPECT_EQ(parsed("2.5E-3"), "error:exponent");
  EXPECT_EQ(parsed("2.5e+3"), "error:exponent");
  EXPECT_EQ(parsed("1.e5"), "error:exponent");
  // An 'e' that does not introduce a power is just a bad character.
  EXPECT_EQ(parsed("1e"), "error:bad_character");
  EXPECT_EQ(parsed("e5"), "error:bad_character");
}

TEST(DecimalParse, ThousandsSeparatorsAreRefusedWithTheirOwnReason) {
  EXPECT_EQ(parsed("1,000"), "error:thousands_separator");
  EXPECT_EQ(parsed("1'000"), "error:thousands_separator");
  EXPECT_EQ(parsed("1 000"), "error:thousands_separator");
  EXPECT_EQ(parsed("-1,000.50"), "error:thousands_separator");
  EXPECT_EQ(parsed("1,5"), "error:thousands_separator");
  EXPECT_EQ(parsed("1,"), "error:bad_character");
}

TEST(DecimalParse, OtherCharactersAreBad) {
  EXPECT_EQ(parsed("1.2.3"), "error:bad_character");
  EXPECT_EQ(parsed(" 1"), "error:bad_character");
  EXPECT_EQ(parsed("1 "), "error:bad_character");
  // Underscores are the scheme lexer's business, not parse's.
  EXPECT_EQ(parsed("1_000"), "error:bad_character");
  EXPECT_EQ(parsed("--1"), "error:bad_character");
  EXPECT_EQ(parsed("+-1"), "error:bad_character");
  EXPECT_EQ(parsed("$5"), "error:bad_character");
  EXPECT_EQ(parsed("5USD"), "error:bad_character");
  EXPECT_EQ(parsed("0x10"), "error:bad_character");
}

TEST(DecimalParse, DigitLimitsCountOnlySignificantDigits) {
  // Leading zeros do not count.
  EXPECT_EQ(parsed("000099999999999999999999999999999999999999"),
            "ok:99999999999999999999999999999999999999");
  EXPECT_EQ(parsed("0.000000000000000123"), "ok:0.000000000000000123");
  EXPECT_EQ(parsed("1234567890123456789012345678901234567890"), "error:too_many_digits");
  EXPECT_EQ(parsed("12345678901234567890.1234567890123456789"), "error:too_many_decimals");
  EXPECT_EQ(parsed("123456789012345678901.123456789012345678"), "error:too_many_digits");
}

TEST(DecimalParse, TrailingFractionalZerosGiveWayExactly) {
  // Beyond 18 places, trailing zeros are dropped.
  EXPECT_EQ(parsed("1.50000000000000000000000"), "ok:1.500000000000000000");
  EXPECT_EQ(parsed("0.0000000000000000000"), "ok:0.000000000000000000");
  // And before 38 digits would be exceeded.
  EXPECT_EQ(parsed("99999999999999999999999999999999999999.00"),
            "ok:99999999999999999999999999999999999999");
  EXPECT_EQ(parsed("9999999999999999999999999999999999999.50"),
            "ok:9999999999999999999999999999999999999.5");
}

TEST(DecimalParse, DescriptionsNameTheProblem) {
  EXPECT_EQ(describe(DecimalError::exponent),
            "exponents such as 1e5 are not accepted; write the digits out");
  EXPECT_EQ(describe(DecimalError::thousands_separator),
            "thousands separators are not accepted, and '.' is the only decimal point");
  EXPECT_EQ(describe(DecimalError::too_many_digits), "more than 38 significant digits");
  EXPECT_EQ(describe(DecimalError::division_by_zero), "division by zero");
}

// ---------------------------------------------------------------------------
// Arithmetic.

TEST(DecimalMath, AddAndSubtractUseTheLargerScale) {
  EXPECT_EQ(show(add(dec("1.5"), dec("0.25"))), "ok:1.75");
  EXPECT_EQ(show(add(dec("1.50"), dec("-1.5"))), "ok:0.00");
  EXPECT_EQ(show(subtract(dec("10"), dec("0.001"))), "ok:9.999");
  EXPECT_EQ(show(subtract(dec("-2.5"), dec("-2.5"))), "ok:0.0");
  EXPECT_EQ(show(add(dec("-1.25"), dec("0.5"))), "ok:-0.75");
}

TEST(DecimalMath, MultiplyAddsTheScales) {
  EXPECT_EQ(show(multiply(dec("1.5"), dec("2.25"))), "ok:3.375");
  EXPECT_EQ(show(multiply(dec("-0.10"), dec("150"))), "ok:-15.00");
  EXPECT_EQ(show(multiply(dec("-3"), dec("-0.5"))), "ok:1.5");
}

TEST(DecimalMath, MultiplyBeyondScaleEighteenDropsOnlyExactZeros) {
  // Scale 9 + 10 = 19: 10^-9 * 10 * 10^-10 = 10^-18, exact at scale 18.
  EXPECT_EQ(show(multiply(dec("0.000000001"), dec("0.0000000010"))), "ok:0.000000000000000001");
  EXPECT_EQ(show(multiply(dec("0.000000001"), dec("0.0000000001"))), "error:scale_out_of_range");
  EXPECT_EQ(show(multiply_rounded(dec("0.000000001"), dec("0.0000000001"), 18,
                                  RoundingMode::up)),
            "ok:0.000000000000000001");
}

TEST(DecimalMath, MultiplyRoundedKeepsProductsWiderThan128Bits) {
  // A 38-digit by 19-digit product (76 digits) rounded to cents.
  EXPECT_EQ(show(multiply_rounded(dec("12345678901234567890.123456789012345678"),
                                  dec("1.000000000000000001"), 2, RoundingMode::half_up)),
            "ok:12345678901234567902.47");
  EXPECT_EQ(show(multiply_rounded(dec("2.5"), dec("-1"), 0, RoundingMode::half_even)), "ok:-2");
  EXPECT_EQ(show(multiply_rounded(dec("1.5"), dec("2"), 3, RoundingMode::down)), "ok:3.000");
}

struct DivisionRow {
  std::string_view dividend;
  std::string_view divisor;
  std::array<std::string_view, 7> expected;  // in kTableModes order
};

TEST(DecimalMath, DivideWithEachMode) {
  const std::vector<DivisionRow> table = {
      {"1", "3", {"0.33", "0.33", "0.33", "0.34", "0.33", "0.34", "0.33"}},
      {"-1", "3", {"-0.33", "-0.33", "-0.33", "-0.34", "-0.33", "-0.33", "-0.34"}},
      {"2", "3", {"0.67", "0.67", "0.67", "0.67", "0.66", "0.67", "0.66"}},
      {"1", "8", {"0.12", "0.13", "0.12", "0.13", "0.12", "0.13", "0.12"}},
      {"3", "8", {"0.38", "0.38", "0.37", "0.38", "0.37", "0.38", "0.37"}},
      {"1", "-8", {"-0.12", "-0.13", "-0.12", "-0.13", "-0.12", "-0.12", "-0.13"}},
      {"0.5", "0.04", {"12.50", "12.50", "12.50", "12.50", "12.50", "12.50", "12.50"}},
  };
  for (const auto& row : table) {
    for (std::size_t column = 0; column < kTableModes.size(); ++column) {
      SCOPED_TRACE(fmt::format("{} / {} {}", row.dividend, row.divisor,
                               to_string(kTableModes[column])));
      EXPECT_EQ(show(divide(dec(row.dividend), dec(row.divisor), 2, kTableModes[column])),
                "ok:" + std::string(row.expected[column]));
    }
  }
}

TEST(DecimalMath, DivideWithOperandsWiderThan128BitsOnceAligned) {
  // 10^20 * 10^36 does not fit in 128 bits; the 38-digit quotient does.
  EXPECT_EQ(show(divide(dec("100000000000000000000"), dec("3.141592653589793238"), 18,
                        RoundingMode::half_even)),
            "ok:31830988618379067158.464310194320369574");
  EXPECT_EQ(show(divide(dec("100000000000000000000"), dec("3.141592653589793238"), 18,
                        RoundingMode::up)),
            "ok:31830988618379067158.464310194320369575");
  // Here the divisor is the wide one: (10^38 - 1) * 10^18.
  const Decimal tiny_ratio_dividend = dec("99999999999999999999.999999999999999999");
  EXPECT_EQ(show(divide(tiny_ratio_dividend, dec(kMaxText), 0, RoundingMode::half_up)), "ok:0");
  EXPECT_EQ(show(divide(tiny_ratio_dividend, dec(kMaxText), 0, RoundingMode::up)), "ok:1");
  EXPECT_EQ(show(divide(tiny_ratio_dividend.negated(), dec(kMaxText), 0, RoundingMode::floor)),
            "ok:-1");
  EXPECT_EQ(show(divide(dec(kMaxText), dec("0.1"), 0, RoundingMode::down)), "error:overflow");
}

TEST(DecimalMath, CompareAcrossScales) {
  EXPECT_EQ(compare(dec("1.5"), dec("1.50")), 0);
  EXPECT_TRUE(dec("1.5") == dec("1.50"));
  EXPECT_FALSE(same_representation(dec("1.5"), dec("1.50")));
  EXPECT_EQ(compare(dec("1.49"), dec("1.5")), -1);
  EXPECT_EQ(compare(dec("-1.49"), dec("-1.5")), 1);
  EXPECT_EQ(compare(dec("-0.00"), dec("0")), 0);
  EXPECT_TRUE(dec("-2") < dec("0.001"));
  EXPECT_TRUE(dec("2.000000000000000001") > dec("2"));
  EXPECT_TRUE(dec("-2.000000000000000001") < dec("-2"));
}

TEST(DecimalMath, CompareNeverFailsWhereAligningWouldOverflow) {
  const Decimal huge = dec(kMaxText);
  const Decimal tiny = dec("0.000000000000000001");
  EXPECT_EQ(compare(huge, tiny), 1);
  EXPECT_EQ(compare(tiny, huge), -1);
  EXPECT_EQ(compare(huge.negated(), tiny.negated()), -1);
  EXPECT_EQ(compare(dec("99999999999999999999"), dec("99999999999999999999.000000000000000000")), 0);
  EXPECT_EQ(compare(dec("99999999999999999999"), dec("99999999999999999999.999999999999999999")), -1);
  EXPECT_EQ(compare(dec("-99999999999999999999"), dec("-99999999999999999999.000000000000000001")),
            1);
}

// ---------------------------------------------------------------------------
// Text.

TEST(DecimalText, ToStringRoundTrips) {
  const std::string_view texts[] = {"0",
                                    "1",
                                    "-1.50",
                                    "0.05",
                                    "-0.000000000000000001",
                                    "123456789.123456789",
                                    kMaxText,
                                    "-99999999999999999999.999999999999999999",
                                    "1.000"};
  for (const std::string_view text : texts) {
    EXPECT_EQ(parsed(text), "ok:" + std::string(text));
  }
}

TEST(DecimalText, NormalizedDropsTrailingFractionalZeros) {
  EXPECT_EQ(dec("1.500").normalized().to_string(), "1.5");
  EXPECT_EQ(dec("100").normalized().to_string(), "100");
  EXPECT_EQ(dec("-0.000").normalized().to_string(), "0");
  EXPECT_EQ(dec("12.340").normalized().scale(), 2);
  EXPECT_TRUE(dec("3.000").is_integer());
  EXPECT_FALSE(dec("3.001").is_integer());
}

TEST(DecimalText, FmtFormatsAsPlainText) {
  EXPECT_EQ(fmt::format("{}", dec("-1234.50")), "-1234.50");
  EXPECT_EQ(fmt::format("{}", dec("-0")), "0");
  EXPECT_EQ(fmt::format("[{:>8}]", dec("12.5")), "[    12.5]");
}

}  // namespace
}  // namespace tariff
