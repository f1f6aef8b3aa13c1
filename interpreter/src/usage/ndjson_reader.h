// Streaming reader for usage files in NDJSON: one JSON object per line,
// keys naming the scheme's columns. Lines are framed in place from large
// blocks and parsed with simdjson; bad lines are set aside with a reason,
// so one bad record never stops a run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "tariff/decimal.h"
#include "tariff/expected.h"
#include "tariff/usage_schema.h"
#include "usage/usage_reader.h"
#include "usage/usage_row.h"

namespace tariff::usage {

struct NdjsonReaderOptions {
  // Bytes asked of the stream per read; tests use tiny blocks to force
  // lines across block boundaries.
  std::size_t block_size = std::size_t{1} << 20;
  // Longer lines are rejected and skipped without being buffered whole, so
  // a hostile file cannot exhaust memory.
  std::size_t max_record_bytes = std::size_t{1} << 20;
};

// Splits the byte stream into lines without copying them, and keeps
// `padding` readable bytes after every line so a SIMD parser may read past
// its end.
class NdjsonLineFramer : public BlockFramer {
 public:
  NdjsonLineFramer(std::istream& in, NdjsonReaderOptions options, std::size_t padding);

  // Frames the next line. False at the end of the input.
  bool next_line();

  // The current line:
  std::uint64_t line() const noexcept { return line_; }
  // Without the line ending ("\n" or "\r\n"). For a line over the size
  // budget only its first bytes are kept.
  std::string_view text() const noexcept;
  // Bytes readable from text().data() on: at least text().size() + padding.
  std::size_t readable_bytes() const noexcept { return buffer_.size() - record_begin_; }
  // Empty or JSON whitespace only.
  bool is_blank() const noexcept;
  bool too_long() const noexcept { return too_long_; }

 private:
  void end_line(std::size_t length);
  void discard_over_budget_bytes();
  bool finish_at_end_of_input();

  std::uint64_t line_ = 0;
  std::size_t line_length_ = 0;  // without the line ending
  // Over-budget lines are scanned to their end but not kept.
  bool too_long_ = false;
  std::string long_line_prefix_;
};

// Reads one JSON object per line. Values are typed by the scheme:
// - decimal and integer columns take a JSON number or a string holding a
//   decimal ("quantity": 12.50 or "12.50"); a number's own source text is
//   what gets parsed, never a binary floating-point value, so 12.50 keeps
//   its scale and long numbers stay exact. Exponents are refused.
// - id and text columns take a string, or a JSON number whose source text
//   becomes the value ("account": 1042 reads as "1042").
// - timestamp columns take a string (ISO 8601).
// A key that is absent, null or "" leaves the column absent: its default
// applies, an optional column stays empty, a required one rejects the
// line (the same rules as an empty CSV field). Keys match column names
// after unescaping; other keys are ignored but must be well-formed JSON;
// a column's key given twice rejects the line. Blank (whitespace-only)
// lines are skipped and not counted.
class NdjsonUsageReader final : public UsageReader {
 public:
  // The schema and the stream must outlive the reader.
  NdjsonUsageReader(const UsageSchema& schema, std::istream& in, std::string file_name,
                    NdjsonReaderOptions options = {});
  NdjsonUsageReader(UsageSchema&& schema, std::istream& in, std::string file_name,
                    NdjsonReaderOptions options = {}) = delete;
  ~NdjsonUsageReader() override;
  NdjsonUsageReader(const NdjsonUsageReader&) = delete;
  NdjsonUsageReader& operator=(const NdjsonUsageReader&) = delete;

  // There is no header: checks that the scheme's defaults type, skips a
  // byte order mark, and otherwise succeeds. Call once, before next().
  Expected<std::monostate, std::string> open() override;
  bool next(Row& row, RejectSink& sink) override;
  const ReadCounts& counts() const noexcept override { return counts_; }
  std::optional<std::string> input_error() const override;

 private:
  // What the current line gave a column.
  enum class ValueKind : std::uint8_t { absent, null, string, number };
  struct Slot {
    ValueKind kind = ValueKind::absent;
    std::string_view text;  // unescaped string, or a number's source text
  };
  struct Binding {
    std::optional<std::string_view> default_text;
    Decimal default_number;
  };
  // simdjson's parser, kept out of this header.
  struct JsonParser;

  // Fills slots_ from the line's JSON; on failure the reason.
  std::optional<std::string> collect_values();
  // Fills `row` from slots_; on failure the reason.
  std::optional<std::string> type_values(Row& row);
  // The reason for a line simdjson found not to be UTF-8, naming where.
  std::string invalid_utf8_reason(std::string_view line);
  // "column `quantity`" for a schema column, otherwise "key `note`".
  std::string describe_key(std::string_view key) const;
  void reject(RejectSink& sink, std::string reason);

  const UsageSchema& schema_;
  std::string file_name_;
  std::unique_ptr<JsonParser> parser_;
  NdjsonLineFramer framer_;
  bool opened_ = false;
  std::unordered_map<std::string_view, std::size_t> column_by_name_;
  std::vector<Binding> bindings_;
  std::vector<Slot> slots_;  // by schema column
  // A copy of a line with invalid UTF-8, repaired to locate the bad byte.
  std::string repaired_line_;
  ReadCounts counts_;
};

}  // namespace tariff::usage
