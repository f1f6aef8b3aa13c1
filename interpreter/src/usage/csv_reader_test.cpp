// Tests for the streaming CSV usage reader: framing, typing, rejects with
// their lines, reconciliation of counts, block boundaries and allocations.
#include "usage/csv_reader.h"

#include <atomic>
#include <cstdlib>
#include <iterator>
#include <new>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "usage/reader_test_support.h"

// Counts heap allocations so the test can show the row path makes none
// once warmed up.
namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* block = std::malloc(size == 0 ? 1 : size)) return block;
  throw std::bad_alloc();
}
// Not inlined: GCC would otherwise see malloc'd memory reach `delete` and
// warn of a mismatch that the replacement makes correct.
[[gnu::noinline]] void operator delete(void* block) noexcept { std::free(block); }
[[gnu::noinline]] void operator delete(void* block, std::size_t) noexcept { std::free(block); }

namespace tariff::usage {
namespace {

using namespace tariff::usage::testing;

ReadResult read_all(const UsageSchema& schema, const std::string& content,
                    CsvReaderOptions options = {}) {
  std::istringstream in(content);
  CsvUsageReader reader(schema, in, "usage.csv", options);
  ReadResult result = read_everything(reader, "usage.csv");
  return result;
}

std::string open_error(const UsageSchema& schema, const std::string& content) {
  std::istringstream in(content);
  CsvUsageReader reader(schema, in, "usage.csv");
  auto opened = reader.open();
  EXPECT_FALSE(opened.has_value());
  CollectingSink sink;
  Row row;
  EXPECT_FALSE(reader.next(row, sink));
  return opened ? std::string() : opened.error();
}

const std::string kHeader = "account,time,quantity,count,region\n";

// The one reject a single bad line produces, after a good line 2.
std::string single_reject(const std::string& bad_line, CsvReaderOptions options = {}) {
  const ReadResult result =
      read_all(usage_schema(), kHeader + "A1,2026-03-01T10:00:00Z,1,2,eu\n" + bad_line, options);
  EXPECT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rejects.size(), 1u);
  return result.rejects.empty() ? std::string() : result.rejects.front();
}

TEST(CsvUsageReader, ReadsTypedRowsInSchemaOrder) {
  const ReadResult result = read_all(usage_schema(),
                                     "region,quantity,account,count,time\n"
                                     "eu,1.50,A1,3,2026-03-01T10:00:00.25Z\n"
                                     "us,-2,A2,4.0,2026-03-01T08:00:00+08:00\n");
  EXPECT_EQ(result.rows, (std::vector<std::string>{
                             "2: A1=0 2026-03-01T10:00:00.25Z=1772359200.25 1.50=1.50 3=3 eu=0",
                             "3: A2=0 2026-03-01T08:00:00+08:00=1772323200 -2=-2 4.0=4 us=0",
                         }));
  EXPECT_TRUE(result.rejects.empty());
  EXPECT_EQ(result.counts.read, 2u);
}

TEST(CsvUsageReader, IgnoresExtraColumns) {
  const ReadResult result = read_all(usage_schema(),
                                     "note,account,time,quantity,count,region,extra\n"
                                     "hello,A1,2026-03-01,5,1,eu,\"x,y\"\n");
  EXPECT_EQ(result.rows, (std::vector<std::string>{"2: A1=0 2026-03-01=1772323200 5=5 1=1 eu=0"}));
}

TEST(CsvUsageReader, DefaultsAndEmptyOptionalFields) {
  // count absent from the header takes its default; region absent is empty.
  ReadResult result = read_all(usage_schema(), "account,time,quantity\nA1,2026-03-01,5\n");
  EXPECT_EQ(result.rows, (std::vector<std::string>{"2: A1=0 2026-03-01=1772323200 5=5 1=1 =0"}));
  // Present but empty: the same.
  result = read_all(usage_schema(), kHeader + "A1,2026-03-01,5,,\n");
  EXPECT_EQ(result.rows, (std::vector<std::string>{"2: A1=0 2026-03-01=1772323200 5=5 1=1 =0"}));
  // A quoted empty field is empty too.
  result = read_all(usage_schema(), kHeader + "A1,2026-03-01,5,\"\",\"\"\n");
  EXPECT_EQ(result.rows, (std::vector<std::string>{"2: A1=0 2026-03-01=1772323200 5=5 1=1 =0"}));
}

TEST(CsvUsageReader, DefaultsAreTypedLikeValues) {
  UsageSchema schema = usage_schema();
  schema.columns.push_back(
      column("started", ColumnType::timestamp, true, "2026-01-01T00:00:00+01:00"));
  schema.columns.push_back(column("rate", ColumnType::decimal, false, "0.5"));
  const ReadResult result = read_all(schema, "account,time,quantity,rate\nA1,2026-03-01,5,\n");
  EXPECT_EQ(result.rows,
            (std::vector<std::string>{"2: A1=0 2026-03-01=1772323200 5=5 1=1 =0 "
                                      "2026-01-01T00:00:00+01:00=1767222000 0.5=0.5"}));
}

TEST(CsvUsageReader, InvalidDefaultIsAnOpenError) {
  UsageSchema schema = usage_schema();
  schema.columns[3].default_text = "one";
  EXPECT_EQ(open_error(schema, kHeader),
            fmt::format("the scheme's default `one` for column `count` is not valid: "
                        "bad number in column `count`: {}",
                        describe(DecimalError::bad_character)));
}

TEST(CsvUsageReader, QuotedFields) {
  const ReadResult result =
      read_all(usage_schema(), kHeader +
                                   "\"A,1\",2026-03-01,\"1.5\",2,\"say \"\"hi\"\"\"\n"
                                   "A2,2026-03-01,3,4,\"two\nlines, \"\"quoted\"\"\n\"\n"
                                   "A3,2026-03-01,5,6,\"\"\"\"\n");
  EXPECT_EQ(result.rows, (std::vector<std::string>{
                             "2: A,1=0 2026-03-01=1772323200 1.5=1.5 2=2 say \"hi\"=0",
                             "3: A2=0 2026-03-01=1772323200 3=3 4=4 two\nlines, \"quoted\"\n=0",
                             "6: A3=0 2026-03-01=1772323200 5=5 6=6 \"=0",
                         }));
}

TEST(CsvUsageReader, CrLfLineEndings) {
  const ReadResult result = read_all(usage_schema(),
                                     "account,time,quantity,count,region\r\n"
                                     "A1,2026-03-01,1,2,eu\r\n"
                                     "A2,2026-03-01,3,4,\"x\r\ny\"\r\n"
                                     "\r\n"
                                     "A3,2026-03-01,5,6,\r\n"
                                     "A4,2026-03-01,1.5,2,us\r\n");
  EXPECT_EQ(result.rows, (std::vector<std::string>{
                             "2: A1=0 2026-03-01=1772323200 1=1 2=2 eu=0",
                             "3: A2=0 2026-03-01=1772323200 3=3 4=4 x\r\ny=0",
                             "6: A3=0 2026-03-01=1772323200 5=5 6=6 =0",
                             "7: A4=0 2026-03-01=1772323200 1.5=1.5 2=2 us=0",
                         }));
}

TEST(CsvUsageReader, ByteOrderMarkIsSkipped) {
  const ReadResult result = read_all(usage_schema(),
                                     "\xEF\xBB\xBF"
                                     "account,time,quantity\nA1,2026-03-01,1\n");
  EXPECT_EQ(result.rows, (std::vector<std::string>{"2: A1=0 2026-03-01=1772323200 1=1 1=1 =0"}));
}

TEST(CsvUsageReader, LastLineWithoutNewline) {
  ReadResult result =
      read_all(usage_schema(), "account,time,quantity\nA1,2026-03-01,1\nA2,2026-03-01,2");
  EXPECT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.rows.back(), "3: A2=0 2026-03-01=1772323200 2=2 1=1 =0");
  result = read_all(usage_schema(), "account,time,quantity\nA1,2026-03-01,\"2\"");
  EXPECT_EQ(result.rows, (std::vector<std::string>{"2: A1=0 2026-03-01=1772323200 2=2 1=1 =0"}));
  result = read_all(usage_schema(), "account,time,quantity,region\r\nA1,2026-03-01,3,\r");
  EXPECT_EQ(result.rows, (std::vector<std::string>{"2: A1=0 2026-03-01=1772323200 3=3 1=1 =0"}));
}

TEST(CsvUsageReader, BlankLinesAreSkippedAndNotCounted) {
  const ReadResult result = read_all(
      usage_schema(), "\n\naccount,time,quantity\n\nA1,2026-03-01,1\n\r\n\nA2,2026-03-01,2\n\n");
  EXPECT_EQ(result.rows, (std::vector<std::string>{
                             "5: A1=0 2026-03-01=1772323200 1=1 1=1 =0",
                             "8: A2=0 2026-03-01=1772323200 2=2 1=1 =0",
                         }));
  EXPECT_EQ(result.counts.read, 2u);
}

TEST(CsvUsageReader, RejectsWrongFieldCount) {
  EXPECT_EQ(single_reject("A2,2026-03-01,1,2\n"),
            "usage.csv:3: expected 5 fields, found 4 [A2,2026-03-01,1,2]");
  EXPECT_EQ(single_reject("A2,2026-03-01,1,2,eu,extra\n"),
            "usage.csv:3: expected 5 fields, found 6 [A2,2026-03-01,1,2,eu,extra]");
  // A line of spaces is a record, not a blank line.
  EXPECT_EQ(single_reject("  \n"), "usage.csv:3: expected 5 fields, found 1 [  ]");
}

TEST(CsvUsageReader, RejectsBadNumbers) {
  EXPECT_EQ(single_reject("A2,2026-03-01,1e5,2,eu\n"),
            fmt::format("usage.csv:3: bad number in column `quantity`: {} [A2,2026-03-01,1e5,2,eu]",
                        describe(DecimalError::exponent)));
  EXPECT_EQ(
      single_reject("A2,2026-03-01,\"1,000\",2,eu\n"),
      fmt::format("usage.csv:3: bad number in column `quantity`: {} [A2,2026-03-01,\"1,000\",2,eu]",
                  describe(DecimalError::thousands_separator)));
  EXPECT_EQ(single_reject("A2,2026-03-01,1,two,eu\n"),
            fmt::format("usage.csv:3: bad number in column `count`: {} [A2,2026-03-01,1,two,eu]",
                        describe(DecimalError::bad_character)));
}

// `region text one of "eu", "us"`: another value rejects the record; an
// empty optional field takes no value and passes.
TEST(CsvUsageReader, RejectsValuesAColumnDoesNotList) {
  UsageSchema schema = usage_schema();
  schema.columns[4].one_of = {"eu", "us"};
  const ReadResult result = read_all(schema, kHeader +
                                                 "A1,2026-03-01T10:00:00Z,1,2,eu\n"
                                                 "A1,2026-03-01T10:00:00Z,1,2,apac\n"
                                                 "A1,2026-03-01T10:00:00Z,1,2,\n");
  EXPECT_EQ(result.rows.size(), 2u);
  ASSERT_EQ(result.rejects.size(), 1u);
  EXPECT_EQ(result.rejects.front(),
            "usage.csv:3: unknown value \"apac\" in column `region` (the scheme knows \"eu\", \"us\") "
            "[A1,2026-03-01T10:00:00Z,1,2,apac]");
}

TEST(CsvUsageReader, RejectsFractionInIntegerColumn) {
  EXPECT_EQ(single_reject("A2,2026-03-01,1,2.5,eu\n"),
            "usage.csv:3: fraction in integer column `count`: 2.5 is not a whole number "
            "[A2,2026-03-01,1,2.5,eu]");
}

TEST(CsvUsageReader, RejectsBadTimestamps) {
  EXPECT_EQ(single_reject("A2,2026-02-29T10:00:00Z,1,2,eu\n"),
            "usage.csv:3: bad timestamp in column `time`: day 29 does not exist in February 2026 "
            "[A2,2026-02-29T10:00:00Z,1,2,eu]");
  EXPECT_EQ(single_reject("A2,2026-03-01T10:00:00,1,2,eu\n"),
            "usage.csv:3: bad timestamp in column `time`: missing UTC offset: end the timestamp "
            "with Z or an offset such as +01:00 [A2,2026-03-01T10:00:00,1,2,eu]");
}

TEST(CsvUsageReader, RejectsMissingRequiredValues) {
  EXPECT_EQ(single_reject(",2026-03-01,1,2,eu\n"),
            "usage.csv:3: missing value in required column `account` [,2026-03-01,1,2,eu]");
  EXPECT_EQ(single_reject("A2,\"\",1,2,eu\n"),
            "usage.csv:3: missing value in required column `time` [A2,\"\",1,2,eu]");
}

TEST(CsvUsageReader, RejectsInvalidUtf8WithTheByteColumn) {
  EXPECT_EQ(single_reject("A2,2026-03-01,1,2,caf\xE9\n"),
            "usage.csv:3: invalid UTF-8 in column `region` at byte column 22 "
            "[A2,2026-03-01,1,2,caf\xE9]");
  EXPECT_EQ(single_reject("\xC0\xAF,2026-03-01,1,2,eu\n"),  // an overlong '/'
            "usage.csv:3: invalid UTF-8 in column `account` at byte column 1 "
            "[\xC0\xAF,2026-03-01,1,2,eu]");
  EXPECT_EQ(single_reject("A2,2026-03-01,1,2,\"x\ny\xFFz\"\n"),
            "usage.csv:3: invalid UTF-8 in column `region` at line 4, byte column 2 "
            "[A2,2026-03-01,1,2,\"x\ny\xFFz\"]");
  // Valid multi-byte text is fine.
  const ReadResult result =
      read_all(usage_schema(), kHeader + "A\xE2\x82\xAC,2026-03-01,1,2,caf\xC3\xA9\n");
  EXPECT_EQ(result.rows.size(), 1u);
}

TEST(CsvUsageReader, RejectsMalformedQuoting) {
  EXPECT_EQ(single_reject("A2,2026-03-01,1,2,e\"u\n"),
            "usage.csv:3: stray quote in column `region`; a field containing quotes must be "
            "quoted whole [A2,2026-03-01,1,2,e\"u]");
  EXPECT_EQ(single_reject("\"A2\"x,2026-03-01,1,2,eu\n"),
            "usage.csv:3: text after the closing quote in column `account` "
            "[\"A2\"x,2026-03-01,1,2,eu]");
}

TEST(CsvUsageReader, RejectsUnterminatedQuoteAtEndOfFile) {
  EXPECT_EQ(single_reject("A2,2026-03-01,1,2,\"eu\nA3,2026-03-01,1,2,eu\n"),
            "usage.csv:3: unterminated quoted field in column `region` at end of file "
            "[A2,2026-03-01,1,2,\"eu\nA3,2026-03-01,1,2,eu\n]");
}

TEST(CsvUsageReader, RejectsOverlongLinesAndCarriesOn) {
  CsvReaderOptions options;
  options.max_record_bytes = 40;
  options.block_size = 16;
  const std::string long_line = "A2,2026-03-01,1,2," + std::string(600, 'x');
  const ReadResult result = read_all(usage_schema(),
                                     kHeader + "A1,2026-03-01,1,2,eu\n" + long_line +
                                         "\n"
                                         "A3,2026-03-01,1,2,\"" +
                                         std::string(100, 'y') + "\n" + std::string(100, 'z') +
                                         "\"\n"
                                         "A4,2026-03-01,1,2,eu\n",
                                     options);
  EXPECT_EQ(result.rows, (std::vector<std::string>{
                             "2: A1=0 2026-03-01=1772323200 1=1 2=2 eu=0",
                             "6: A4=0 2026-03-01=1772323200 1=1 2=2 eu=0",
                         }));
  ASSERT_EQ(result.rejects.size(), 2u);
  // Over-budget records keep only their first bytes (here the budget's 40).
  EXPECT_EQ(result.rejects[0],
            "usage.csv:3: line longer than 40 bytes [" + long_line.substr(0, 40) + "]");
  EXPECT_EQ(result.rejects[1], "usage.csv:4: line longer than 40 bytes [A3,2026-03-01,1,2,\"" +
                                   std::string(21, 'y') + "]");
}

TEST(CsvUsageReader, LineBudgetCountsContentNotTheLineEnding) {
  CsvReaderOptions options;
  const std::string line = "A2,2026-03-01T10:00:00.000Z,1,2,europe-west";  // longer than the header
  options.max_record_bytes = line.size();
  for (std::size_t block_size : {1, 7, 1 << 20}) {
    options.block_size = block_size;
    EXPECT_EQ(read_all(usage_schema(), kHeader + line + "\r\n" + line + "\n" + line + "\r", options)
                  .rows.size(),
              3u);
  }
  options.max_record_bytes = line.size() - 1;
  EXPECT_EQ(
      read_all(usage_schema(), kHeader + line + "\r\n", options).rejects,
      (std::vector<std::string>{fmt::format("usage.csv:2: line longer than {} bytes [{}]",
                                            line.size() - 1, line.substr(0, line.size() - 1))}));
}

TEST(CsvUsageReader, DefaultLineBudgetIsOneMebibyte) {
  const std::string long_line = "A2,2026-03-01,1,2," + std::string(std::size_t{1} << 20, 'x');
  const ReadResult result =
      read_all(usage_schema(), kHeader + long_line + "\nA3,2026-03-01,1,2,eu\n");
  ASSERT_EQ(result.rejects.size(), 1u);
  EXPECT_EQ(result.rejects[0].substr(0, 51), "usage.csv:2: line longer than 1048576 bytes [A2,202");
  EXPECT_EQ(result.rows.size(), 1u);
}

TEST(CsvUsageReader, HeaderErrors) {
  const UsageSchema schema = usage_schema();
  EXPECT_EQ(open_error(schema, ""),
            "usage.csv:1: error: the file is empty; expected a header line naming the columns");
  EXPECT_EQ(open_error(schema, "\xEF\xBB\xBF\n\n"),
            "usage.csv:1: error: the file is empty; expected a header line naming the columns");
  EXPECT_EQ(open_error(schema, "account,time,count\nA1,2026-03-01,1\n"),
            "usage.csv:1: error: missing column `quantity` required by the scheme's usage block");
  EXPECT_EQ(open_error(schema, "region\n"),
            "usage.csv:1: error: missing columns `account`, `time`, `quantity` required by the scheme's "
            "usage block");
  EXPECT_EQ(open_error(schema, "\naccount,time,quantity,account\n"),
            "usage.csv:2: error: duplicate column `account` (fields 1 and 4)");
  EXPECT_EQ(open_error(schema, "account,time,quantity,n\xE9\n"),
            "usage.csv:1: error: invalid UTF-8 in the header at byte column 24");
  EXPECT_EQ(open_error(schema, "account,time,\"quantity\n"),
            "usage.csv:1: error: unterminated quoted field in the header");
  EXPECT_EQ(open_error(schema, "account,ti\"me,quantity\n"),
            "usage.csv:1: error: stray quote in header field 2; quote the whole field");
}

TEST(CsvUsageReader, QuotedHeaderNames) {
  const ReadResult result = read_all(
      usage_schema(), "\"account\",\"time\",\"quantity\",\"a \"\"b\"\"\"\nA1,2026-03-01,1,x\n");
  EXPECT_EQ(result.rows.size(), 1u);
}

// A file exercising every framing feature and reject, read whole and with
// tiny blocks: the results must not depend on where blocks split it.
const std::string kKitchenSink =
    "\xEF\xBB\xBF"
    "region,quantity,account,time,notes\r\n"
    "eu,1.5,A1,2026-03-01T10:00:00Z,plain\r\n"
    "\r\n"
    "\"us, east\",2,A2,2026-03-01T10:00:00.25Z,\"say \"\"hi\"\"\"\n"
    "eu,\"3\",\"A\"\"3\",2026-03-01 08:00:00+08:00,\"multi\nline\r\nnote\"\n"
    "eu,1e5,A4,2026-03-01,x\n"
    "eu,2,A5,2026-02-29T00:00:00Z,x\n"
    "eu,2,,2026-03-01,x\n"
    "eu,2,A6\n"
    "eu,2,A7,2026-03-01,caf\xC3\xA9\n"
    "eu,2,A8,2026-03-01,caf\xE9\n"
    "eu,2,A9,2026-03-01,a\"b\n"
    "eu,2,A10,2026-03-01,\"a\"b\n"
    "eu,2,A11,2026-03-01,"
    "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\"\n"
    ",4,A12,2026-03-01,\n"
    "\n"
    "eu,7,A13,2026-03-01T00:00:00Z,last";

std::string serialise(const ReadResult& result) {
  std::string out;
  for (const auto& row : result.rows) out += row + "\n";
  for (const auto& reject : result.rejects) out += reject + "\n";
  out += fmt::format("read {} accepted {} rejected {}\n", result.counts.read,
                     result.counts.accepted, result.counts.rejected);
  return out;
}

TEST(CsvUsageReader, KitchenSink) {
  CsvReaderOptions options;
  options.max_record_bytes = 64;
  const ReadResult result = read_all(usage_schema(), kKitchenSink, options);
  EXPECT_EQ(result.rows, (std::vector<std::string>{
                             "2: A1=0 2026-03-01T10:00:00Z=1772359200 1.5=1.5 1=1 eu=0",
                             "4: A2=0 2026-03-01T10:00:00.25Z=1772359200.25 2=2 1=1 us, east=0",
                             "5: A\"3=0 2026-03-01 08:00:00+08:00=1772323200 3=3 1=1 eu=0",
                             "12: A7=0 2026-03-01=1772323200 2=2 1=1 eu=0",
                             "18: A12=0 2026-03-01=1772323200 4=4 1=1 =0",
                             "20: A13=0 2026-03-01T00:00:00Z=1772323200 7=7 1=1 eu=0",
                         }));
  const std::vector<std::string> reasons = [&] {
    std::vector<std::string> prefixes;
    for (const auto& reject : result.rejects)
      prefixes.push_back(reject.substr(0, reject.find(" [")));
    return prefixes;
  }();
  EXPECT_EQ(
      reasons,
      (std::vector<std::string>{
          fmt::format("usage.csv:8: bad number in column `quantity`: {}",
                      describe(DecimalError::exponent)),
          "usage.csv:9: bad timestamp in column `time`: day 29 does not exist in February 2026",
          "usage.csv:10: missing value in required column `account`",
          "usage.csv:11: expected 5 fields, found 3",
          "usage.csv:13: invalid UTF-8 in column `notes` at byte column 23",
          "usage.csv:14: stray quote in column `notes`; a field containing quotes must be "
          "quoted whole",
          "usage.csv:15: text after the closing quote in column `notes`",
          "usage.csv:16: line longer than 64 bytes",
      }));
  EXPECT_EQ(result.counts.read, 14u);
}

TEST(CsvUsageReader, BlockBoundariesDoNotChangeResults) {
  const std::string unterminated =
      kHeader + "A1,2026-03-01,1,2,eu\r\nA2,2026-03-01,1,2,\"eu\r\nA3,\r\n";
  for (const std::string* input : {&kKitchenSink, &unterminated}) {
    CsvReaderOptions options;
    options.max_record_bytes = 64;
    const std::string whole = serialise(read_all(usage_schema(), *input, options));
    for (std::size_t block_size = 1; block_size <= 17; ++block_size) {
      options.block_size = block_size;
      EXPECT_EQ(serialise(read_all(usage_schema(), *input, options)), whole)
          << "block size " << block_size;
    }
  }
}

TEST(CsvUsageReader, RandomInputsReadTheSameInAnyBlockSize) {
  UsageSchema schema;
  schema.columns = {column("account", ColumnType::id), column("note", ColumnType::text, true),
                    column("quantity", ColumnType::decimal, true, "0")};
  const std::string alphabet[] = {"a",  "1",  ".",  ",", ",",        "\"",
                                  "\"", "\n", "\r", " ", "\xC3\xA9", "\xFF"};
  std::mt19937 random(20260301);
  std::uniform_int_distribution<std::size_t> length(0, 60);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(alphabet) - 1);
  for (int round = 0; round < 300; ++round) {
    std::string input = round % 2 == 0 ? "account,note,quantity\n"
                                       : "\xEF\xBB\xBF"
                                         "note,account\r\n";
    for (std::size_t n = length(random); n > 0; --n) input += alphabet[pick(random)];
    CsvReaderOptions options;
    options.max_record_bytes = 24;
    const std::string whole = serialise(read_all(schema, input, options));
    for (std::size_t block_size = 1; block_size <= 9; ++block_size) {
      options.block_size = block_size;
      ASSERT_EQ(serialise(read_all(schema, input, options)), whole)
          << "block size " << block_size << ", input " << ::testing::PrintToString(input);
    }
  }
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

TEST(CsvUsageReader, ReadFailureIsReportedAndTheCutRecordDropped) {
  FailingBuffer source("account,time,quantity\nA1,2026-03-01,1\nA2,2026-03-01,12");
  std::istream in(&source);
  CsvReaderOptions options;
  options.block_size = 1;
  const UsageSchema schema = usage_schema();
  CsvUsageReader reader(schema, in, "usage.csv", options);
  const auto opened = reader.open();
  ASSERT_TRUE(opened.has_value()) << opened.error();
  CollectingSink sink;
  Row row;
  ASSERT_TRUE(reader.next(row, sink));
  EXPECT_EQ(row.line, 2u);
  EXPECT_FALSE(reader.next(row, sink));
  EXPECT_EQ(reader.counts().read, 1u);
  EXPECT_EQ(reader.input_error(),
            "usage.csv:3: reading the file failed; the rest of it was not read");
}

TEST(CsvUsageReader, StreamWithExceptionsEnabled) {
  std::istringstream in("account,time,quantity\nA1,2026-03-01,1\nA2,2026-03-01,2");
  in.exceptions(std::ios::failbit | std::ios::badbit);
  const UsageSchema schema = usage_schema();
  CsvUsageReader reader(schema, in, "usage.csv");
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

TEST(CsvUsageReader, RowsNeedNoAllocationOnceWarmedUp) {
  std::string input = "account,time,quantity,count,region\n";
  // Five-digit quantities throughout, so the warm-up sees the longest records.
  for (int i = 10000; i < 30000; ++i)
    input += fmt::format("A{},2026-03-01T10:00:{:02}.5+01:00,{}.25,{},\"r \"\"{}\"\", x\"\n",
                         i % 97, i % 60, i, i % 7, i % 13);
  std::istringstream in(input);
  CsvReaderOptions options;
  options.block_size = 4096;
  const UsageSchema schema = usage_schema();
  CsvUsageReader reader(schema, in, "usage.csv", options);
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
