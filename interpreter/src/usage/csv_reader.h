// Streaming reader for usage CSV files. Frames RFC 4180 records in place
// from large blocks, types them against the scheme's usage block and sets
// bad records aside with a reason, so one bad row never stops a run.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tariff/decimal.h"
#include "tariff/expected.h"
#include "tariff/usage_schema.h"
#include "usage/usage_reader.h"
#include "usage/usage_row.h"

namespace tariff::usage {

struct CsvReaderOptions {
  // Bytes asked of the stream per read; tests use tiny blocks to force
  // records across block boundaries.
  std::size_t block_size = std::size_t{1} << 20;
  // Longer records are rejected and skipped without being buffered whole,
  // so a hostile file cannot exhaust memory.
  std::size_t max_record_bytes = std::size_t{1} << 20;
};

// Splits the byte stream into records and fields without copying. Used by
// CsvUsageReader; separate so header and rows share one framing path.
class CsvRecordFramer : public BlockFramer {
 public:
  // A field's content as offsets into the record: for a quoted field, the
  // bytes between the quotes with any "" escapes still doubled.
  struct FieldSpan {
    std::size_t begin = 0;
    std::size_t end = 0;
    bool quoted = false;
    bool has_escapes = false;
  };
  enum class QuoteProblem : std::uint8_t {
    none,
    stray_quote,       // a '"' inside an unquoted field
    text_after_quote,  // "abc"def
  };

  CsvRecordFramer(std::istream& in, CsvReaderOptions options);

  // Frames the next record, keeping at most `max_fields` field spans (the
  // count is always exact). False at the end of the input.
  bool next_record(std::size_t max_fields);

  // The current record:
  std::uint64_t line() const noexcept { return record_line_; }
  // Without the line ending. For a record over the size budget only its
  // first bytes are kept.
  std::string_view text() const noexcept;
  bool is_blank() const noexcept { return !too_long_ && content_end_ == 0; }
  bool too_long() const noexcept { return too_long_; }
  bool unterminated() const noexcept { return unterminated_; }
  std::size_t field_count() const noexcept { return field_count_; }
  // Field `index` of the record, for index < stored_field_count().
  const FieldSpan& field(std::size_t index) const noexcept { return fields_[index]; }
  std::size_t stored_field_count() const noexcept { return std::min(field_count_, max_fields_); }
  std::string_view raw_field(const FieldSpan& field) const noexcept;
  QuoteProblem quote_problem() const noexcept { return quote_problem_; }
  std::size_t quote_problem_field() const noexcept { return quote_problem_field_; }

 private:
  enum class ScanState : std::uint8_t {
    field_start,
    unquoted,
    quoted,
    quote_in_quoted,  // a '"' inside a quoted field: an escape or the end
    after_closing_quote,
    after_closing_quote_cr,
  };

  void begin_record(std::size_t max_fields) noexcept;
  bool scan_buffered();  // true when the record ended at a '\n'
  void discard_over_budget_bytes();
  bool finish_at_end_of_input();
  void end_field(std::size_t end);
  void note_quote_problem(QuoteProblem problem) noexcept;
  void end_record(std::size_t content_end);
  const char* record_data() const noexcept { return buffer_.data() + record_begin_; }

  ScanState state_ = ScanState::field_start;
  std::size_t field_begin_ = 0;
  std::size_t field_end_ = 0;
  bool field_quoted_ = false;
  bool field_has_escapes_ = false;
  std::vector<FieldSpan> fields_;  // only grows: entries past the count are stale
  std::size_t max_fields_ = 0;
  std::size_t field_count_ = 0;
  std::uint64_t record_line_ = 0;
  std::uint64_t record_newlines_ = 0;  // quoted line breaks inside the record
  std::size_t content_end_ = 0;        // record offset where the line ending starts
  QuoteProblem quote_problem_ = QuoteProblem::none;
  std::size_t quote_problem_field_ = 0;
  bool unterminated_ = false;
  // Over-budget records are scanned to their end but not kept.
  bool too_long_ = false;
  std::string long_record_prefix_;
};

class CsvUsageReader : public UsageReader {
 public:
  // The schema and the stream must outlive the reader.
  CsvUsageReader(const UsageSchema& schema, std::istream& in, std::string file_name,
                 CsvReaderOptions options = {});
  CsvUsageReader(UsageSchema&& schema, std::istream& in, std::string file_name,
                 CsvReaderOptions options = {}) = delete;

  // Reads and maps the header; call once, before next(). On error (no
  // header, a required column missing, a duplicate column name, a malformed
  // header) the message is "file:line: ..." and no rows are read.
  Expected<std::monostate, std::string> open() override;
  // The next accepted row, or false at the end of the input. Rejected
  // records go to `sink` and are skipped. Row texts stay valid until the
  // next call.
  bool next(Row& row, RejectSink& sink) override;
  const ReadCounts& counts() const noexcept override { return counts_; }
  // Set when the stream failed before its end (not at a clean end of
  // input): the rows read so far stand, the rest of the file was not read.
  std::optional<std::string> input_error() const override;
  std::string_view header_text() const override { return header_text_; }

 private:
  // Where a schema column's value comes from.
  struct Binding {
    std::optional<std::size_t> file_field;
    std::optional<std::string_view> default_text;
    Decimal default_number;
  };

  std::string header_error(std::string_view message) const;
  Expected<std::monostate, std::string> read_header();
  Expected<std::monostate, std::string> bind_columns();
  // Why the framed record cannot be a row, checked before typing.
  std::optional<std::string> framing_problem() const;
  // Fills `row`; on failure the reason.
  std::optional<std::string> type_record(Row& row);
  std::string_view field_text(const CsvRecordFramer::FieldSpan& field);
  std::string describe_file_field(std::size_t index) const;
  void reject(RejectSink& sink, std::string reason);

  const UsageSchema& schema_;
  std::string file_name_;
  CsvRecordFramer framer_;
  bool opened_ = false;
  std::uint64_t header_line_ = 1;
  std::string header_text_;
  std::vector<std::string> header_names_;
  std::vector<Binding> bindings_;
  // Unescaped quoted fields of the current row; sized to the record so
  // views into it never move while a row is built.
  std::vector<char> unescaped_;
  std::size_t unescaped_used_ = 0;
  ReadCounts counts_;
};

}  // namespace tariff::usage
