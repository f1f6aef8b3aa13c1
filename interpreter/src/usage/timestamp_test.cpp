// Tests for ISO 8601 parsing and the civil-date arithmetic.
#include "usage/timestamp.h"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace tariff::usage {
namespace {

Decimal seconds(std::string_view text) {
  auto parsed = Decimal::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed ? *parsed : Decimal();
}

Decimal timestamp(std::string_view text) {
  auto parsed = parse_timestamp(text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << (parsed ? "" : parsed.error());
  return parsed ? *parsed : Decimal();
}

std::string refusal(std::string_view text) {
  auto parsed = parse_timestamp(text);
  EXPECT_FALSE(parsed.has_value()) << text << " parsed as " << (parsed ? parsed->to_string() : "");
  return parsed ? std::string() : parsed.error();
}

TEST(Timestamp, UtcSecondsSinceEpoch) {
  EXPECT_EQ(timestamp("1970-01-01T00:00:00Z"), seconds("0"));
  EXPECT_EQ(timestamp("2026-03-01T10:00:00Z"), seconds("1772359200"));
  EXPECT_EQ(timestamp("2000-01-01T00:00:00Z"), seconds("946684800"));
  EXPECT_EQ(timestamp("1969-12-31T23:59:59Z"), seconds("-1"));
}

TEST(Timestamp, FractionalSecondsAreExact) {
  EXPECT_TRUE(same_representation(timestamp("2026-03-01T10:00:00.25Z"), seconds("1772359200.25")));
  EXPECT_TRUE(same_representation(timestamp("2026-03-01T10:00:00.000000000000000001Z"),
                                  seconds("1772359200.000000000000000001")));
  EXPECT_EQ(timestamp("1969-12-31T23:59:59.5Z"), seconds("-0.5"));
  // Zeros past 18 places change nothing.
  EXPECT_EQ(timestamp("2026-03-01T10:00:00.1000000000000000000Z"), seconds("1772359200.1"));
  EXPECT_EQ(refusal("2026-03-01T10:00:00.1234567890123456789Z"),
            "fractional seconds have more than 18 digits");
  EXPECT_EQ(refusal("2026-03-01T10:00:00.Z"), "expected digits after the '.' in the seconds");
}

TEST(Timestamp, OffsetsAreNormalisedToUtc) {
  EXPECT_EQ(timestamp("2026-03-01T08:00:00+08:00"), timestamp("2026-03-01T00:00:00Z"));
  EXPECT_EQ(timestamp("2026-02-28T19:00:00-05:00"), timestamp("2026-03-01T00:00:00Z"));
  EXPECT_EQ(timestamp("2026-03-01T05:30:00+05:30"), timestamp("2026-03-01T00:00:00Z"));
  EXPECT_EQ(timestamp("2026-03-01T00:00:00+00:00"), timestamp("2026-03-01T00:00:00-00:00"));
  EXPECT_TRUE(same_representation(timestamp("2026-03-01T08:00:00.5+08:00"),
                                  timestamp("2026-03-01T00:00:00.5Z")));
}

TEST(Timestamp, SpaceSeparatorAndDateOnly) {
  EXPECT_EQ(timestamp("2026-03-01 10:00:00Z"), timestamp("2026-03-01T10:00:00Z"));
  EXPECT_EQ(timestamp("2026-03-01"), timestamp("2026-03-01T00:00:00Z"));
}

TEST(Timestamp, LeapDays) {
  EXPECT_EQ(timestamp("2024-02-29T12:00:00Z"), seconds("1709208000"));
  EXPECT_EQ(refusal("2026-02-29T00:00:00Z"), "day 29 does not exist in February 2026");
  EXPECT_EQ(timestamp("2000-02-29"), seconds("951782400"));
  EXPECT_EQ(refusal("1900-02-29"), "day 29 does not exist in February 1900");
}

TEST(Timestamp, RangesAreChecked) {
  EXPECT_EQ(refusal("2026-13-01T00:00:00Z"), "month 13 is out of range 1-12");
  EXPECT_EQ(refusal("2026-00-01T00:00:00Z"), "month 0 is out of range 1-12");
  EXPECT_EQ(refusal("2026-04-31T00:00:00Z"), "day 31 does not exist in April 2026");
  EXPECT_EQ(refusal("2026-04-00T00:00:00Z"), "day 0 does not exist in April 2026");
  EXPECT_EQ(refusal("2026-03-01T24:00:00Z"), "hour 24 is out of range 0-23");
  EXPECT_EQ(refusal("2026-03-01T10:60:00Z"), "minute 60 is out of range 0-59");
  EXPECT_EQ(refusal("2026-03-01T10:00:60Z"),
            "second 60 is out of range 0-59 (leap seconds are not accepted)");
  EXPECT_EQ(refusal("2026-03-01T10:00:00+24:00"), "offset hour 24 is out of range 0-23");
  EXPECT_EQ(refusal("2026-03-01T10:00:00+01:60"), "offset minute 60 is out of range 0-59");
}

TEST(Timestamp, MalformedTextIsRefusedWithAReason) {
  EXPECT_EQ(refusal(""), "the timestamp is empty");
  const std::string bad_date =
      "expected a date YYYY-MM-DD at the start, as in 2026-03-01T10:00:00Z";
  EXPECT_EQ(refusal("2026/03/01"), bad_date);
  EXPECT_EQ(refusal("26-03-01"), bad_date);
  EXPECT_EQ(refusal("2026-3-1"), bad_date);
  EXPECT_EQ(refusal("1772359200"), bad_date);
  EXPECT_EQ(refusal("2026-03-01X10:00:00Z"),
            "expected 'T' or a space between the date and the time");
  EXPECT_EQ(refusal("2026-03-01T10:00Z"), "expected a time HH:MM:SS after the date");
  EXPECT_EQ(refusal("2026-03-01T"), "expected a time HH:MM:SS after the date");
  EXPECT_EQ(refusal("2026-03-01T10:00:00"),
            "missing UTC offset: end the timestamp with Z or an offset such as +01:00");
  EXPECT_EQ(refusal("2026-03-01T10:00:00+0100"),
            "expected a UTC offset of the form +HH:MM or -HH:MM");
  EXPECT_EQ(refusal("2026-03-01T10:00:00+01"),
            "expected a UTC offset of the form +HH:MM or -HH:MM");
  EXPECT_EQ(refusal("2026-03-01T10:00:00 UTC"),
            "expected Z or a UTC offset such as +01:00 after the time");
  EXPECT_EQ(refusal("2026-03-01T10:00:00Zjunk"), "unexpected text after the UTC offset");
  EXPECT_EQ(refusal("2026-03-01T10:00:00+01:00:00"), "unexpected text after the UTC offset");
}

TEST(Calendar, DaysFromCivilRoundTrips) {
  EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(days_from_civil({2026, 3, 1}), 20513);
  EXPECT_EQ(days_from_civil({1969, 12, 31}), -1);
  EXPECT_EQ(days_from_civil({0, 3, 1}), -719468);
  for (std::int64_t days = -800000; days <= 800000; days += 7) {
    const CivilDate date = civil_from_days(days);
    ASSERT_GE(date.m, 1u);
    ASSERT_LE(date.m, 12u);
    ASSERT_GE(date.d, 1u);
    ASSERT_LE(date.d, days_in_month(date.y, date.m));
    ASSERT_EQ(days_from_civil(date), days);
  }
}

TEST(Calendar, DaysInMonth) {
  EXPECT_EQ(days_in_month(2024, 2), 29u);
  EXPECT_EQ(days_in_month(2026, 2), 28u);
  EXPECT_EQ(days_in_month(2000, 2), 29u);
  EXPECT_EQ(days_in_month(2100, 2), 28u);
  EXPECT_EQ(days_in_month(2026, 12), 31u);
  EXPECT_EQ(days_in_month(2026, 11), 30u);
}

TEST(Calendar, DayNumberFloorsBeforeTheEpoch) {
  EXPECT_EQ(day_number(0), 0);
  EXPECT_EQ(day_number(86399), 0);
  EXPECT_EQ(day_number(86400), 1);
  EXPECT_EQ(day_number(-1), -1);
  EXPECT_EQ(day_number(-86400), -1);
  EXPECT_EQ(day_number(-86401), -2);
  EXPECT_EQ(day_number(1772359200), days_from_civil({2026, 3, 1}));
}

TEST(Calendar, FormatUtc) {
  EXPECT_EQ(format_utc(1772359200), "2026-03-01T10:00:00Z");
  EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_utc(1709251199), "2024-02-29T23:59:59Z");
  EXPECT_EQ(format_utc(253402300799), "9999-12-31T23:59:59Z");
  // The extremes must not overflow.
  EXPECT_FALSE(format_utc(std::numeric_limits<std::int64_t>::min()).empty());
  EXPECT_FALSE(format_utc(std::numeric_limits<std::int64_t>::max()).empty());
}

TEST(Calendar, FormatAndParseAgree) {
  for (std::int64_t t = -2000000000; t <= 4000000000; t += 86400 * 37 + 3607) {
    auto parsed = parse_timestamp(format_utc(t));
    ASSERT_TRUE(parsed.has_value()) << format_utc(t);
    ASSERT_EQ(*parsed, Decimal::from_int(t)) << format_utc(t);
  }
}

}  // namespace
}  // namespace tariff::usage
