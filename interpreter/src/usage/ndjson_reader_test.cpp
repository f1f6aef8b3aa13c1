// Tests for the streaming NDJSON usage reader: typing by the scheme, exact
// numbers from their source text, rejects with their lines, reconciliation
// of counts, block boundaries, allocations, and agreement with the CSV
// reader behind the common UsageReader interface.
#include "usage/ndjson_reader.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <new>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "usage/reader_test_support.h"

#include "usage/usage_reader.h"

// Counts heap allocations so the test can show the row path makes none
// once warmed up. simdjson allocates with new (std::nothrow) and new[], so
// those forms are replaced too (and their deletes, or AddressSanitizer's
// own versions would see a mismatch).
namespace {
std::atomic<std::size_t> g_allocations{0};

void* counted_allocation(std::size_t size) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

void* operator new(std::size_t size) {
  if (void* block = counted_allocation(size)) return block;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* block = counted_allocation(size)) return block;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return counted_allocation(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return counted_allocation(size);
}
// Not inlined: GCC would otherwise see malloc'd memory reach `delete` and
// warn of a mismatch that the replacement makes correct.
[[gnu::noinline]] void operator delete(void* block) noexcept { std::free(block); }
[[gnu::noinline]] void operator delete(void* block, std::size_t) noexcept { std::free(block); }
[[gnu::noinline]] void operator delete[](void* block) noexcept { std::free(block); }
[[gnu::noinline]] void operator delete[](void* block, std::size_t) noexcept { std::free(block); }
[[gnu::noinline]] void operator delete(void* block, const std::nothrow_t&) noexcept {
  std::free(block);
}
[[gnu::noinline]] void operator delete[](void* block, const std::nothrow_t&) noexcept {
  std::free(block);
}

namespace tariff::usage {
namespace {

// simdjson's messages, which the reasons quote.
constexpr std::string_view kImproperStructure =
    "The JSON document has an improper structure: missing or superfluous commas, braces, missing "
    "keys, etc.";
constexpr std::string_view kBadNumber = "Problem while parsing a number";
constexpr std::string_view kBadString = "Problem while parsing a string";

using namespace tariff::usage::testing;

ReadResult read_all(const UsageSchema& schema, const std::string& content,
                    NdjsonReaderOptions options = {}) {
  std::istringstream in(content);
  NdjsonUsageReader reader(schema, in, "usage.ndjson", options);
  ReadResult result = read_everything(reader, "usage.ndjson");
  EXPECT_FALSE(reader.input_error().has_value());
  return result;
}

// The one row a single good line gives.
std::string single_row(const std::string& line) {
  const ReadResult result = read_all(usage_schema(), line + "\n");
  EXPECT_TRUE(result.rejects.empty()) << ::testing::PrintToString(result.rejects);
  return result.rows.size() == 1 ? result.rows.front() : std::string();
}

const std::string kGoodLine =
    R"({"account":"A1","time":"2026-03-01T10:00:00Z","quantity":1,"count":2,"region":"eu"})";

// The one reject a single bad line produces, after a good line 1.
std::string single_reject(const std::string& bad_line, NdjsonReaderOptions options = {}) {
  const ReadResult result = read_all(usage_schema(), kGoodLine + "\n" + bad_line + "\n", options);
  EXPECT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rejects.size(), 1u);
  return result.rejects.empty() ? std::string() : result.rejects.front();
}

// The typed value of column `quantity` in a one-line file.
Decimal quantity_of(const std::string& line) {
  std::istringstream in(line);
  const UsageSchema schema = usage_schema();
  NdjsonUsageReader reader(schema, in, "usage.ndjson");
  EXPECT_TRUE(reader.open().has_value());
  CollectingSink sink;
  Row row;
  EXPECT_TRUE(reader.next(row, sink)) << (sink.rejects.empty() ? "" : sink.rejects[0].reason);
  return row.fields.size() > 2 ? row.fields[2].number : Decimal();
}

TEST(NdjsonUsageReader, ReadsTypedRowsInSchemaOrder) {
  const ReadResult result = read_all(
      usage_schema(),
      R"({"region":"eu","quantity":1.50,"account":"A1","count":3,"time":"2026-03-01T10:00:00.25Z"})"
      "\n"
      R"({"time":"2026-03-01T08:00:00+08:00","count":"4.0","account":"A2","quantity":"-2",)"
      R"("region":"us"})"
      "\n");
  EXPECT_EQ(result.rows, (std::vector<std::string>{
                             "1: A1=0 2026-03-01T10:00:00.25Z=1772359200.25 1.50=1.50 3=3 eu=0",
                             "2: A2=0 2026-03-01T08:00:00+08:00=1772323200 -2=-2 4.0=4 us=0",
                         }));
  EXPECT_TRUE(result.rejects.empty());
  EXPECT_EQ(result.counts.read, 2u);
}

TEST(NdjsonUsageReader, NumbersAndStringsHoldingThemAreTheSameDecimal) {
  // Each as written: the scale survives and nothing rounds, which binary
  // floating point in between could not do (the last has 29 significant digits).
  for (const std::string text :
       {"0.1", "12.50", "-0", "0", "-0.000", "3", "-7.125", "12345678901234567890.123456789",
        "99999999999999999999999999999999999999"}) {
    const std::string prefix = R"({"account":"A","time":"2026-03-01","quantity":)";
    const Decimal as_number = quantity_of(prefix + text + "}");
    const Decimal as_string = quantity_of(prefix + "\"" + text + "\"}");
    const auto parsed = Decimal::parse(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_TRUE(same_representation(as_number, *parsed)) << text;
    EXPECT_TRUE(same_representation(as_string, *parsed)) << text;
  }
  const std::string prefix = R"({"account":"A","time":"2026-03-01","quantity":)";
  EXPECT_EQ(quantity_of(prefix + "12.50}").scale(), 2);
  EXPECT_EQ(quantity_of(prefix + "12345678901234567890.123456789}").to_string(),
            "12345678901234567890.123456789");
  EXPECT_EQ(quantity_of(prefix + "0.1}").to_string(), "0.1");
  EXPECT_TRUE(quantity_of(prefix + "-0}").is_zero());
  // The field text is the number's source text, spaces around it aside.
  EXPECT_EQ(single_row(R"({"account":"A","time":"2026-03-01","quantity" :  -0.10  })"),
            "1: A=0 2026-03-01=1772323200 -0.10=-0.10 1=1 =0");
}

TEST(NdjsonUsageReader, IntegerColumnsTakeWholeNumbersEitherWay) {
  EXPECT_EQ(single_row(R"({"account":"A","time":"2026-03-01","quantity":1,"count":4.00})"),
            "1: A=0 2026-03-01=1772323200 1=1 4.00=4 =0");
  EXPECT_EQ(single_row(R"({"account":"A","time":"2026-03-01","quantity":1,"count":"12"})"),
            "1: A=0 2026-03-01=1772323200 1=1 12=12 =0");
}

TEST(NdjsonUsageReader, IdAndTextColumnsTakeANumbersSourceText) {
  EXPECT_EQ(single_row(R"({"account":1042,"time":"2026-03-01","quantity":1,"region":1.50})"),
            "1: 1042=0 2026-03-01=1772323200 1=1 1=1 1.50=0");
  EXPECT_EQ(single_row(R"({"account":-1e5,"time":"2026-03-01","quantity":1})"),
            "1: -1e5=0 2026-03-01=1772323200 1=1 1=1 =0");
}

TEST(NdjsonUsageReader, StringsAreUnescaped) {
  EXPECT_EQ(single_row(R"({"account":"caf\u00e9","time":"2026-03-01","quantity":1,)"
                       R"("region":"\ud83d\ude00 \"q\" \\ \/ \t|\n|"})"),
            "1: caf\xC3\xA9=0 2026-03-01=1772323200 1=1 1=1 \xF0\x9F\x98\x80 \"q\" \\ / \t|\n|=0");
  // Keys are matched after unescaping.
  EXPECT_EQ(single_row(R"({"acc\u006Funt":"A","\u0074ime":"2026-03-01","quantity":1})"),
            "1: A=0 2026-03-01=1772323200 1=1 1=1 =0");
  // Raw UTF-8 is kept as is.
  EXPECT_EQ(single_row("{\"account\":\"A\xE2\x82\xAC\",\"time\":\"2026-03-01\",\"quantity\":1}"),
            "1: A\xE2\x82\xAC=0 2026-03-01=1772323200 1=1 1=1 =0");
}

TEST(NdjsonUsageReader, KeyOrderDoesNotMatterAndExtraKeysAreIgnored) {
  const std::string expected = "1: A1=0 2026-03-01=1772323200 5=5 2=2 eu=0";
  EXPECT_EQ(
      single_row(R"({"count":2,"region":"eu","quantity":5,"time":"2026-03-01","account":"A1"})"),
      expected);
  EXPECT_EQ(single_row(R"({"note":"hi","account":"A1","meta":{"a":[1,{"b":null}],"c":true},)"
                       R"("time":"2026-03-01","quantity":5,"list":[],"obj":{},"flag":false,)"
                       R"("none":null,"n":-1.5e-3,"count":2,"region":"eu","Account":"X"})"),
            expected);
  EXPECT_EQ(single_row(" \t{ \"account\" : \"A1\" , \"time\":\"2026-03-01\", \"quantity\":5,"
                       "\"count\":2,\"region\":\"eu\" }  "),
            expected);
}

TEST(NdjsonUsageReader, NullEmptyAndAbsentAreTheSame) {
  const std::string expected = "1: A1=0 2026-03-01=1772323200 5=5 1=1 =0";
  EXPECT_EQ(single_row(R"({"account":"A1","time":"2026-03-01","quantity":5})"), expected);
  EXPECT_EQ(
      single_row(R"({"account":"A1","time":"2026-03-01","quantity":5,"count":null,"region":null})"),
      expected);
  EXPECT_EQ(
      single_row(R"({"account":"A1","time":"2026-03-01","quantity":5,"count":"","region":""})"),
      expected);
}

TEST(NdjsonUsageReader, DefaultsAreTypedLikeValues) {
  UsageSchema schema = usage_schema();
  schema.columns.push_back(
      column("started", ColumnType::timestamp, true, "2026-01-01T00:00:00+01:00"));
  schema.columns.push_back(column("rate", ColumnType::decimal, false, "0.5"));
  const ReadResult result =
      read_all(schema, R"({"account":"A1","time":"2026-03-01","quantity":5,"rate":null})");
  EXPECT_EQ(result.rows,
            (std::vector<std::string>{"1: A1=0 2026-03-01=1772323200 5=5 1=1 =0 "
                                      "2026-01-01T00:00:00+01:00=1767222000 0.5=0.5"}));
}

TEST(NdjsonUsageReader, InvalidDefaultIsAnOpenError) {
  UsageSchema schema = usage_schema();
  schema.columns[3].default_text = "one";
  std::istringstream in(kGoodLine);
  NdjsonUsageReader reader(schema, in, "usage.ndjson");
  const auto opened = reader.open();
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error(), fmt::format("the scheme's default `one` for column `count` is not "
                                        "valid: bad number in column `count`: {}",
                                        describe(DecimalError::bad_character)));
  CollectingSink sink;
  Row row;
  EXPECT_FALSE(reader.next(row, sink));
  EXPECT_EQ(reader.counts().read, 0u);
}

TEST(NdjsonUsageReader, NothingIsReadBeforeOpen) {
  std::istringstream in(kGoodLine);
  const UsageSchema schema = usage_schema();
  NdjsonUsageReader reader(schema, in, "usage.ndjson");
  CollectingSink sink;
  Row row;
  EXPECT_FALSE(reader.next(row, sink));
}

TEST(NdjsonUsageReader, RejectsLinesThatAreNotObjects) {
  EXPECT_EQ(single_reject("[1,2]"),
            "usage.ndjson:2: not a JSON object: the line holds an array [[1,2]]");
  EXPECT_EQ(single_reject("42"), "usage.ndjson:2: not a JSON object: the line holds a number [42]");
  EXPECT_EQ(single_reject(R"("A1")"),
            "usage.ndjson:2: not a JSON object: the line holds a string [\"A1\"]");
  EXPECT_EQ(single_reject("null"), "usage.ndjson:2: not a JSON object: the line holds null [null]");
}

TEST(NdjsonUsageReader, RejectsMalformedJsonWithSimdjsonsMessage) {
  EXPECT_EQ(single_reject(R"({"account":"A2" "time":"2026-03-01"})"),
            fmt::format("usage.ndjson:2: malformed JSON: {} [{}]", kImproperStructure,
                        R"({"account":"A2" "time":"2026-03-01"})"));
  EXPECT_EQ(single_reject(R"({"account":"A2","quantity":1}})"),
            "usage.ndjson:2: malformed JSON: Unexpected trailing content in the JSON input. "
            R"([{"account":"A2","quantity":1}}])");
  EXPECT_EQ(single_reject(R"({"account":"A2"}{"quantity":1})"),
            "usage.ndjson:2: malformed JSON: Unexpected trailing content in the JSON input. "
            R"([{"account":"A2"}{"quantity":1}])");
  // Whatever simdjson calls it, an unfinished or garbled line is malformed.
  for (const std::string line :
       {R"({"account":"A2")", R"({"account":"A2",)", R"({"account)", R"({"account":})",
        R"({account:"A2"})", "{\"account\":\"A\x01\"}", R"({"account":"A2"} x)", "{",
        R"({"account":"A2","quantity":+1})"}) {
    EXPECT_EQ(single_reject(line).substr(0, 30), "usage.ndjson:2: malformed JSON") << line;
  }
}

TEST(NdjsonUsageReader, MalformedValuesNameTheirKey) {
  // Values of extra keys must be JSON too, however deep.
  EXPECT_EQ(single_reject(R"({"account":"A2","meta":[1,,2]})"),
            fmt::format("usage.ndjson:2: malformed JSON in key `meta`: {} [{}]", kImproperStructure,
                        R"({"account":"A2","meta":[1,,2]})"));
  EXPECT_EQ(single_reject(R"({"account":"A2","meta":{"a":[tru]}})"),
            "usage.ndjson:2: malformed JSON in key `meta`: Problem while parsing an atom starting "
            R"(with the letter 't' [{"account":"A2","meta":{"a":[tru]}}])");
  EXPECT_EQ(single_reject(R"({"account":"A2","flag":falsy})").substr(0, 64),
            "usage.ndjson:2: malformed JSON in key `flag`: Problem while pars");
  EXPECT_EQ(single_reject(R"({"account":"A2","none":nil})").substr(0, 48),
            "usage.ndjson:2: malformed JSON in key `none`: Pr");
  EXPECT_EQ(single_reject(R"({"account":"A2","n":007})"),
            fmt::format("usage.ndjson:2: malformed JSON in key `n`: {} [{}]", kBadNumber,
                        R"({"account":"A2","n":007})"));
  // Numbers follow JSON's grammar, not Decimal::parse's looser one.
  for (const std::string number : {"007", "1.", "-", "-.5", "1.e5", "1e", "0x10", "1_000"})
    EXPECT_EQ(
        single_reject(R"({"account":"A2","time":"2026-03-01","quantity":)" + number + "}"),
        fmt::format("usage.ndjson:2: malformed JSON in column `quantity`: {} [{}]", kBadNumber,
                    R"({"account":"A2","time":"2026-03-01","quantity":)" + number + "}"))
        << number;
  EXPECT_EQ(single_reject(R"({"account":"A2","region":"\ud800"})"),
            fmt::format("usage.ndjson:2: malformed JSON in column `region`: {} [{}]", kBadString,
                        R"({"account":"A2","region":"\ud800"})"));
  const std::string bad_escape = single_reject(R"({"account":"A\x41"})");
  EXPECT_EQ(bad_escape.substr(0, bad_escape.find(" [")),
            fmt::format("usage.ndjson:2: malformed JSON in column `account`: {}", kBadString));
}

TEST(NdjsonUsageReader, NestingIsBounded) {
  const auto nested = [](int depth) {
    return R"({"account":"A2","time":"2026-03-01","quantity":1,"meta":)" +
           std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']') + "}";
  };
  EXPECT_EQ(read_all(usage_schema(), nested(128)).rows.size(), 1u);
  const ReadResult deep = read_all(usage_schema(), nested(129) + "\n" + nested(100000));
  ASSERT_EQ(deep.rejects.size(), 2u);
  for (const std::string& reject : deep.rejects)
    EXPECT_EQ(reject.substr(0, reject.find(" [")),
              reject.substr(0, 16) +
                  "malformed JSON in key `meta`: The JSON document was too deep (too many nested "
                  "objects and arrays)");
}

TEST(NdjsonUsageReader, RejectsBadNumbers) {
  EXPECT_EQ(single_reject(R"({"account":"A2","time":"2026-03-01","quantity":1e5})"),
            fmt::format("usage.ndjson:2: bad number in column `quantity`: {} [{}]",
                        describe(DecimalError::exponent),
                        R"({"account":"A2","time":"2026-03-01","quantity":1e5})"));
  for (const std::string exponent : {"2.5E-3", "1E+2", "\"1e5\""})
    EXPECT_EQ(single_reject(R"({"account":"A2","time":"2026-03-01","quantity":)" + exponent + "}")
                  .substr(0, 66),
              fmt::format("usage.ndjson:2: bad number in column `quantity`: {}",
                          describe(DecimalError::exponent))
                  .substr(0, 66))
        << exponent;
  EXPECT_EQ(single_reject(R"({"account":"A2","time":"2026-03-01","quantity":"1,000"})"),
            fmt::format("usage.ndjson:2: bad number in column `quantity`: {} [{}]",
                        describe(DecimalError::thousands_separator),
                        R"({"account":"A2","time":"2026-03-01","quantity":"1,000"})"));
  EXPECT_EQ(single_reject(R"({"account":"A2","time":"2026-03-01","quantity":1,"count":"two"})"),
            fmt::format("usage.ndjson:2: bad number in column `count`: {} [{}]",
                        describe(DecimalError::bad_character),
                        R"({"account":"A2","time":"2026-03-01","quantity":1,"count":"two"})"));
  EXPECT_EQ(single_reject(R"({"account":"A2","time":"2026-03-01","quantity":)"
                          "123456789012345678901234567890123456789}")
                .substr(0, 49 + describe(DecimalError::too_many_digits).size()),
            fmt::format("usage.ndjson:2: bad number in column `quantity`: {}",
                        describe(DecimalError::too_many_digits)));
}

TEST(NdjsonUsageReader, RejectsFractionInIntegerColumn) {
  EXPECT_EQ(single_reject(R"({"account":"A2","time":"2026-03-01","quantity":1,"count":2.5})"),
            "usage.ndjson:2: fraction in integer column `count`: 2.5 is not a whole number "
            R"([{"account":"A2","time":"2026-03-01","quantity":1,"count":2.5}])");
  EXPECT_EQ(single_reject(R"({"account":"A2","time":"2026-03-01","quantity":1,"count":"2.5"})"),
            "usage.ndjson:2: fraction in integer column `count`: 2.5 is not a whole number "
            R"([{"account":"A2","time":"2026-03-01","quantity":1,"count":"2.5"}])");
}

TEST(NdjsonUsageReader, RejectsBadTimestamps) {
  EXPECT_EQ(single_reject(R"({"account":"A2","time":"2026-02-29T10:00:00Z","quantity":1})"),
            "usage.ndjson:2: bad timestamp in column `time`: day 29 does not exist in February "
            R"(2026 [{"account":"A2","time":"2026-02-29T10:00:00Z","quantity":1}])");
  EXPECT_EQ(single_reject(R"({"account":"A2","time":"2026-03-01T10:00:00","quantity":1})"),
            "usage.ndjson:2: bad timestamp in column `time`: missing UTC offset: end the "
            "timestamp with Z or an offset such as +01:00 "
            R"([{"account":"A2","time":"2026-03-01T10:00:00","quantity":1}])");
}

TEST(NdjsonUsageReader, RejectsMissingRequiredValues) {
  EXPECT_EQ(single_reject(R"({"time":"2026-03-01","quantity":1})"),
            "usage.ndjson:2: missing value in required column `account` "
            R"([{"time":"2026-03-01","quantity":1}])");
  EXPECT_EQ(single_reject(R"({"account":"A2","time":null,"quantity":1})"),
            "usage.ndjson:2: missing value in required column `time` "
            R"([{"account":"A2","time":null,"quantity":1}])");
  EXPECT_EQ(single_reject(R"({"account":"","time":"2026-03-01","quantity":1})"),
            "usage.ndjson:2: missing value in required column `account` "
            R"([{"account":"","time":"2026-03-01","quantity":1}])");
  EXPECT_EQ(single_reject("{}"), "usage.ndjson:2: missing value in required column `account` [{}]");
}

TEST(NdjsonUsageReader, RejectsWrongValueTypes) {
  EXPECT_EQ(
      single_reject(R"({"account":"A2","time":"2026-03-01","quantity":true})"),
      "usage.ndjson:2: wrong value type in column `quantity`: expected a number or a string "
      R"(holding one, found a boolean [{"account":"A2","time":"2026-03-01","quantity":true}])");
  EXPECT_EQ(single_reject(R"({"account":{"id":"A2"},"time":"2026-03-01","quantity":1})"),
            "usage.ndjson:2: wrong value type in column `account`: expected a string or a number, "
            R"(found an object [{"account":{"id":"A2"},"time":"2026-03-01","quantity":1}])");
  EXPECT_EQ(single_reject(R"({"account":"A2","time":1772323200,"quantity":1})"),
            "usage.ndjson:2: wrong value type in column `time`: expected a string holding a "
            R"(timestamp, found a number [{"account":"A2","time":1772323200,"quantity":1}])");
  EXPECT_EQ(
      single_reject(R"({"account":"A2","time":"2026-03-01","quantity":1,"region":["eu"]})"),
      "usage.ndjson:2: wrong value type in column `region`: expected a string or a number, "
      R"(found an array [{"account":"A2","time":"2026-03-01","quantity":1,"region":["eu"]}])");
  // The first unusable value is the reason, unless the line is not JSON.
  EXPECT_EQ(single_reject(R"({"account":false,"time":[],"quantity":1})").substr(0, 52),
            "usage.ndjson:2: wrong value type in column `account`");
  EXPECT_EQ(single_reject(R"({"account":false,"time":[],"quantity":1,})").substr(0, 31),
            "usage.ndjson:2: malformed JSON:");
}

TEST(NdjsonUsageReader, RejectsDuplicateColumnKeys) {
  EXPECT_EQ(single_reject(R"({"account":"A2","time":"2026-03-01","quantity":1,"quantity":2})"),
            "usage.ndjson:2: duplicate key `quantity` "
            R"([{"account":"A2","time":"2026-03-01","quantity":1,"quantity":2}])");
  EXPECT_EQ(single_reject(R"({"account":"A2","time":"2026-03-01","quantity":1,"count":null,)"
                          R"("c\u006funt":3})")
                .substr(0, 37),
            "usage.ndjson:2: duplicate key `count`");
  // Extra keys may repeat: nothing reads them.
  EXPECT_EQ(single_row(R"({"account":"A2","time":"2026-03-01","quantity":1,"x":1,"x":2})"),
            "1: A2=0 2026-03-01=1772323200 1=1 1=1 =0");
}

TEST(NdjsonUsageReader, RejectsInvalidUtf8WithTheByteColumn) {
  EXPECT_EQ(single_reject("{\"account\":\"A2\",\"region\":\"caf\xE9\"}"),
            "usage.ndjson:2: invalid UTF-8 in column `region` at byte column 30 "
            "[{\"account\":\"A2\",\"region\":\"caf\xE9\"}]");
  EXPECT_EQ(single_reject("{\"account\":\"\xC0\xAF\",\"region\":\"caf\xE9\"}"),  // overlong '/'
            "usage.ndjson:2: invalid UTF-8 in column `account` at byte column 13 "
            "[{\"account\":\"\xC0\xAF\",\"region\":\"caf\xE9\"}]");
  EXPECT_EQ(single_reject("{\"account\":\"A2\",\"note\":\"x\xF0\x9F\x98\",\"region\":\"eu\"}"),
            "usage.ndjson:2: invalid UTF-8 in key `note` at byte column 26 "
            "[{\"account\":\"A2\",\"note\":\"x\xF0\x9F\x98\",\"region\":\"eu\"}]");
  EXPECT_EQ(single_reject("{\"account\":\"A2\",\"n\xFFte\":1}"),
            "usage.ndjson:2: invalid UTF-8 in a key at byte column 19 "
            "[{\"account\":\"A2\",\"n\xFFte\":1}]");
  // Outside any string the line is not JSON either; the byte still is found.
  EXPECT_EQ(single_reject("{\"account\":\"A2\"}\xFF"),
            "usage.ndjson:2: invalid UTF-8 at byte column 17 [{\"account\":\"A2\"}\xFF]");
  EXPECT_EQ(single_reject("\xFF{\"account\":\"A2\"}"),
            "usage.ndjson:2: invalid UTF-8 at byte column 1 [\xFF{\"account\":\"A2\"}]");
}

TEST(NdjsonUsageReader, RejectsOverlongLinesAndCarriesOn) {
  NdjsonReaderOptions options;
  options.max_record_bytes = 70;
  options.block_size = 16;
  const std::string long_line = R"({"account":"A2","time":"2026-03-01","quantity":1,"note":")" +
                                std::string(600, 'x') + "\"}";
  const ReadResult result =
      read_all(usage_schema(),
               R"({"account":"A1","time":"2026-03-01","quantity":1})"
               "\n" +
                   long_line + "\r\n" + R"({"account":"A3","time":"2026-03-01","quantity":3})",
               options);
  EXPECT_EQ(result.rows, (std::vector<std::string>{
                             "1: A1=0 2026-03-01=1772323200 1=1 1=1 =0",
                             "3: A3=0 2026-03-01=1772323200 3=3 1=1 =0",
                         }));
  // Over-budget lines keep only their first bytes (here the budget's 70).
  EXPECT_EQ(result.rejects,
            (std::vector<std::string>{"usage.ndjson:2: line longer than 70 bytes [" +
                                      long_line.substr(0, 70) + "]"}));
}

TEST(NdjsonUsageReader, LineBudgetCountsContentNotTheLineEnding) {
  NdjsonReaderOptions options;
  const std::string line = kGoodLine;
  options.max_record_bytes = line.size();
  for (std::size_t block_size : {1, 7, 1 << 20}) {
    options.block_size = block_size;
    EXPECT_EQ(
        read_all(usage_schema(), line + "\r\n" + line + "\n" + line + "\r", options).rows.size(),
        3u);
  }
  options.max_record_bytes = line.size() - 1;
  EXPECT_EQ(
      read_all(usage_schema(), line + "\r\n", options).rejects,
      (std::vector<std::string>{fmt::format("usage.ndjson:1: line longer than {} bytes [{}]",
                                            line.size() - 1, line.substr(0, line.size() - 1))}));
}

TEST(NdjsonUsageReader, DefaultLineBudgetIsOneMebibyte) {
  const std::string long_line =
      R"({"account":"A2","note":")" + std::string(std::size_t{1} << 20, 'x') + "\"}";
  const ReadResult result = read_all(usage_schema(), long_line + "\n" + kGoodLine + "\n");
  ASSERT_EQ(result.rejects.size(), 1u);
  EXPECT_EQ(result.rejects[0].substr(0, 59),
            R"(usage.ndjson:1: line longer than 1048576 bytes [{"account":)");
  EXPECT_EQ(result.rejects[0].size(), 48 + 256 + 1u);  // the prefix is 256 bytes
  EXPECT_EQ(result.rows.size(), 1u);
}

TEST(NdjsonUsageReader, LineEndingsBlankLinesAndByteOrderMark) {
  const std::string row = R"({"account":"A1","time":"2026-03-01","quantity":1})";
  const ReadResult result = read_all(usage_schema(), "\xEF\xBB\xBF\n" + row + "\r\n\r\n  \t \n" +
                                                         row + "\n\n" + row + "\r\n" + row);
  EXPECT_EQ(result.rows, (std::vector<std::string>{
                             "2: A1=0 2026-03-01=1772323200 1=1 1=1 =0",
                             "5: A1=0 2026-03-01=1772323200 1=1 1=1 =0",
                             "7: A1=0 2026-03-01=1772323200 1=1 1=1 =0",
                             "8: A1=0 2026-03-01=1772323200 1=1 1=1 =0",
                         }));
  EXPECT_EQ(result.counts.read, 4u);
  // A last line without a newline, even one ending in '\r', is a line.
  EXPECT_EQ(read_all(usage_schema(), row + "\r").rows.size(), 1u);
  EXPECT_EQ(read_all(usage_schema(), row).rows.size(), 1u);
  // Nothing at all, or nothing but blank lines, reads nothing.
  for (const std::string empty : {"", "\n", "\r\n \n", "\xEF\xBB\xBF"}) {
    const ReadResult none = read_all(usage_schema(), empty);
    EXPECT_EQ(none.counts.read, 0u);
  }
}

// A file exercising every framing feature and reject, read whole and with
// tiny blocks: the results must not depend on where blocks split it.
const std::string kKitchenSink =
    "\xEF\xBB\xBF"
    R"({"region":"eu","quantity":1.5,"account":"A1","time":"2026-03-01T10:00:00Z"})"
    "\r\n"
    "\r\n"
    R"({"region":"us, east","quantity":"2","account":"A2","time":"2026-03-01T10:00:00.25Z"})"
    "\n"
    R"({"region":"\u00e9\ud83d\ude00","quantity":12345678901234567890.123456789,)"
    R"("account":"A\"3","time":"2026-03-01 08:00:00+08:00","x":[1,{"y":null}]})"
    "\n"
    R"({"quantity":1e5,"account":"A4","time":"2026-03-01"})"
    "\n"
    R"({"quantity":2,"account":"A5","time":"2026-02-29T00:00:00Z"})"
    "\n"
    R"({"quantity":2,"account":null,"time":"2026-03-01"})"
    "\n"
    R"({"quantity":2,"account":"A6")"
    "\n"
    "{\"quantity\":2,\"account\":\"A8\",\"time\":\"2026-03-01\",\"region\":\"caf\xE9\"}\n"
    R"([{"quantity":2}])"
    "\n"
    R"({"quantity":true,"account":"A9","time":"2026-03-01"})"
    "\n"
    R"({"quantity":2,"count":2.5,"account":"A10","time":"2026-03-01"})"
    "\n"
    R"({"quantity":2,"account":"A11","time":"2026-03-01","note":")"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    R"("})"
    "\n"
    R"({"quantity":4,"account":"A12","time":"2026-03-01","region":null})"
    "\n"
    "   \n"
    R"({"quantity":7,"account":"A13","time":"2026-03-01T00:00:00Z","region":"last"})";

std::string serialise(const ReadResult& result) {
  std::string out;
  for (const auto& row : result.rows) out += row + "\n";
  for (const auto& reject : result.rejects) out += reject + "\n";
  out += fmt::format("read {} accepted {} rejected {}\n", result.counts.read,
                     result.counts.accepted, result.counts.rejected);
  return out;
}

TEST(NdjsonUsageReader, KitchenSink) {
  NdjsonReaderOptions options;
  options.max_record_bytes = 200;
  const ReadResult result = read_all(usage_schema(), kKitchenSink, options);
  EXPECT_EQ(result.rows, (std::vector<std::string>{
                             "1: A1=0 2026-03-01T10:00:00Z=1772359200 1.5=1.5 1=1 eu=0",
                             "3: A2=0 2026-03-01T10:00:00.25Z=1772359200.25 2=2 1=1 us, east=0",
                             "4: A\"3=0 2026-03-01 08:00:00+08:00=1772323200 "
                             "12345678901234567890.123456789=12345678901234567890.123456789 1=1 "
                             "\xC3\xA9\xF0\x9F\x98\x80=0",
                             "14: A12=0 2026-03-01=1772323200 4=4 1=1 =0",
                             "16: A13=0 2026-03-01T00:00:00Z=1772323200 7=7 1=1 last=0",
                         }));
  const std::vector<std::string> reasons = [&] {
    std::vector<std::string> prefixes;
    for (const auto& reject : result.rejects)
      prefixes.push_back(reject.substr(0, reject.find(" [")));
    return prefixes;
  }();
  EXPECT_EQ(reasons,
            (std::vector<std::string>{
                fmt::format("usage.ndjson:5: bad number in column `quantity`: {}",
                            describe(DecimalError::exponent)),
                "usage.ndjson:6: bad timestamp in column `time`: day 29 does not exist in "
                "February 2026",
                "usage.ndjson:7: missing value in required column `account`",
                "usage.ndjson:8: malformed JSON: JSON document ended early in the middle of an "
                "object or array.",
                "usage.ndjson:9: invalid UTF-8 in column `region` at byte column 63",
                "usage.ndjson:10: not a JSON object: the line holds an array",
                "usage.ndjson:11: wrong value type in column `quantity`: expected a number or a "
                "string holding one, found a boolean",
                "usage.ndjson:12: fraction in integer column `count`: 2.5 is not a whole number",
                "usage.ndjson:13: line longer than 200 bytes",
            }));
  EXPECT_EQ(result.counts.read, 14u);
}

TEST(NdjsonUsageReader, BlockBoundariesDoNotChangeResults) {
  NdjsonReaderOptions options;
  options.max_record_bytes = 200;
  const std::string whole = serialise(read_all(usage_schema(), kKitchenSink, options));
  for (std::size_t block_size = 1; block_size <= 17; ++block_size) {
    options.block_size = block_size;
    EXPECT_EQ(serialise(read_all(usage_schema(), kKitchenSink, options)), whole)
        << "block size " << block_size;
  }
}

TEST(NdjsonUsageReader, RandomInputsReadTheSameInAnyBlockSize) {
  UsageSchema schema;
  schema.columns = {column("account", ColumnType::id), column("note", ColumnType::text, true),
                    column("quantity", ColumnType::decimal, true, "0")};
  const std::string alphabet[] = {"{\"account\":",
                                  "\"note\":",
                                  "\"quantity\":",
                                  "{",
                                  "}",
                                  "\"",
                                  ":",
                                  ",",
                                  "1",
                                  ".",
                                  "e",
                                  "\\u00e9",
                                  "\\",
                                  "\n",
                                  "\r",
                                  " ",
                                  "\xC3\xA9",
                                  "\xFF",
                                  "null",
                                  "[",
                                  "]"};
  std::mt19937 random(20260301);
  std::uniform_int_distribution<std::size_t> length(0, 40);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(alphabet) - 1);
  for (int round = 0; round < 300; ++round) {
    std::string input = round % 2 == 0 ? "" : "\xEF\xBB\xBF";
    for (std::size_t n = length(random); n > 0; --n) input += alphabet[pick(random)];
    NdjsonReaderOptions options;
    options.max_record_bytes = 32;
    const std::string whole = serialise(read_all(schema, input, options));
    for (std::size_t block_size = 1; block_size <= 9; ++block_size) {
      options.block_size = block_size;
      ASSERT_EQ(serialise(read_all(schema, input, options)), whole)
          << "block size " << block_size << ", input " << ::testing::PrintToString(input);
    }
  }
}

// Reads through the common interface and keeps each row's texts and exact
// numbers (the line aside: a CSV file's header shifts its lines by one).
std::vector<std::string> rows_through_interface(UsageFormat format, const std::string& content) {
  std::istringstream in(content);
  const UsageSchema schema = usage_schema();
  const std::unique_ptr<UsageReader> reader = make_usage_reader(format, schema, in, "usage");
  EXPECT_TRUE(reader->open().has_value());
  CollectingSink sink;
  Row row;
  std::vector<std::string> rows;
  while (reader->next(row, sink)) {
    std::string out;
    for (const Field& field : row.fields) {
      const Decimal number = field.number;
      out += fmt::format("[{}|{}e-{}]", field.text, static_cast<std::int64_t>(number.mantissa()),
                         number.scale());
    }
    rows.push_back(out);
  }
  EXPECT_TRUE(sink.rejects.empty());
  EXPECT_EQ(reader->counts().read, rows.size());
  return rows;
}

TEST(UsageReader, CsvAndNdjsonWithTheSameRecordsGiveTheSameRows) {
  const std::string csv =
      "account,time,quantity,count,region\n"
      "A1,2026-03-01T10:00:00Z,12.50,3,eu\n"
      "\"A,2\",2026-03-01T10:00:00.250+01:00,-0,,\"say \"\"hi\"\"\"\n"
      "A3,2026-03-01,0.1,4.0,caf\xC3\xA9\n"
      "A4,2026-03-01,-7.125,,\n";
  const std::string ndjson =
      R"({"account":"A1","time":"2026-03-01T10:00:00Z","quantity":12.50,"count":3,"region":"eu"})"
      "\n"
      R"({"region":"say \"hi\"","account":"A,2","time":"2026-03-01T10:00:00.250+01:00",)"
      R"("quantity":-0})"
      "\n"
      R"({"account":"A3","time":"2026-03-01","quantity":"0.1","count":"4.0","region":"caf\u00e9"})"
      "\n"
      R"({"account":"A4","time":"2026-03-01","quantity":-7.125,"count":null,"region":""})"
      "\n";
  const std::vector<std::string> from_csv = rows_through_interface(UsageFormat::csv, csv);
  EXPECT_EQ(from_csv.size(), 4u);
  EXPECT_EQ(rows_through_interface(UsageFormat::ndjson, ndjson), from_csv);
  EXPECT_EQ(from_csv[0],
            "[A1|0e-0][2026-03-01T10:00:00Z|1772359200e-0][12.50|1250e-2][3|3e-0][eu|0e-0]");
}

TEST(UsageReader, FormatFromPath) {
  EXPECT_EQ(format_from_path("usage.csv"), UsageFormat::csv);
  EXPECT_EQ(format_from_path("/data/2026-03/Usage.CSV"), UsageFormat::csv);
  EXPECT_EQ(format_from_path("usage.ndjson"), UsageFormat::ndjson);
  EXPECT_EQ(format_from_path("usage.jsonl"), UsageFormat::ndjson);
  EXPECT_EQ(format_from_path("dir.csv/usage.JSON"), UsageFormat::ndjson);
  EXPECT_EQ(format_from_path("usage.csv.gz"), std::nullopt);
  EXPECT_EQ(format_from_path("usage"), std::nullopt);
  EXPECT_EQ(format_from_path("dir.csv/usage"), std::nullopt);
  EXPECT_EQ(format_from_path(".csv"), std::nullopt);
  EXPECT_EQ(format_from_path(""), std::nullopt);
}

// A stream whose source fails after handing out `data`.
class FailingBuffer : public std::streambuf {
 public:
  explicit FailingBuffer(std::string data) : data_(std::move(data)) {}

 protected:
  int_type underflow() override {
    if (served_) throw std::runtime_error("device gone");
    served_ = true;
    setg(data_.data(), data_.data(), data_.data() + data_.size());
    return traits_type::to_int_type(data_.front());
  }

 private:
  std::string data_;
  bool served_ = false;
};

TEST(NdjsonUsageReader, ReadFailureIsReportedAndTheCutLineDropped) {
  FailingBuffer source(kGoodLine + "\n" + R"({"account":"A2","time":"2026-03-01","quantity":12)");
  std::istream in(&source);
  NdjsonReaderOptions options;
  options.block_size = 1;
  const UsageSchema schema = usage_schema();
  NdjsonUsageReader reader(schema, in, "usage.ndjson", options);
  const auto opened = reader.open();
  ASSERT_TRUE(opened.has_value()) << opened.error();
  CollectingSink sink;
  Row row;
  ASSERT_TRUE(reader.next(row, sink));
  EXPECT_EQ(row.line, 1u);
  EXPECT_FALSE(reader.next(row, sink));
  EXPECT_EQ(reader.counts().read, 1u);
  EXPECT_EQ(reader.input_error(),
            "usage.ndjson:2: reading the file failed; the rest of it was not read");
}

TEST(NdjsonUsageReader, StreamWithExceptionsEnabled) {
  std::istringstream in(kGoodLine + "\n" + kGoodLine);
  in.exceptions(std::ios::failbit | std::ios::badbit);
  const UsageSchema schema = usage_schema();
  NdjsonUsageReader reader(schema, in, "usage.ndjson");
  const auto opened = reader.open();
  ASSERT_TRUE(opened.has_value()) << opened.error();
  CollectingSink sink;
  Row row;
  EXPECT_TRUE(reader.next(row, sink));
  EXPECT_TRUE(reader.next(row, sink));
  EXPECT_FALSE(reader.next(row, sink));
  EXPECT_EQ(reader.counts().accepted, 2u);
  EXPECT_FALSE(reader.input_error().has_value());
}

TEST(NdjsonUsageReader, RowsNeedNoAllocationOnceWarmedUp) {
  std::string input;
  // Five-digit quantities throughout, so the warm-up sees the longest lines.
  for (int i = 10000; i < 30000; ++i)
    input +=
        fmt::format(R"({{"account":"A{}","time":"2026-03-01T10:00:{:02}.5+01:00","quantity":{}.25,)"
                    R"("count":{},"region":"r \"{}\", x","extra":[{},{{"k":null}}]}})"
                    "\n",
                    i % 97, i % 60, i, i % 7, i % 13, i);
  std::istringstream in(input);
  NdjsonReaderOptions options;
  options.block_size = 4096;
  const UsageSchema schema = usage_schema();
  NdjsonUsageReader reader(schema, in, "usage.ndjson", options);
  const auto opened = reader.open();
  ASSERT_TRUE(opened.has_value()) << opened.error();
  CollectingSink sink;
  Row row;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(reader.next(row, sink));
  const std::size_t before = g_allocations.load();
  std::size_t rows = 0;
  while (reader.next(row, sink)) ++rows;
  const std::size_t allocations = g_allocations.load() - before;
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(rows, 19000u);
  EXPECT_TRUE(sink.rejects.empty());
}

}  // namespace
}  // namespace tariff::usage
