// CSV framing (RFC 4180 over large in-place blocks) and the typing of each
// record against the usage schema. The accepted-row path allocates nothing
// once its buffers have grown to the largest record seen.
#include "usage/csv_reader.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "support/utf8.h"
#include "usage/timestamp.h"

namespace tariff::usage {
namespace {

// How much of an over-budget record a reject keeps, to show what it was
// (less when the budget itself is smaller, so the prefix never depends on
// where blocks happened to split the record).
constexpr std::size_t kLongRecordPrefixBytes = 256;

constexpr std::array<bool, 256> make_unquoted_stops() {
  std::array<bool, 256> stops{};
  stops[static_cast<unsigned char>(',')] = true;
  stops[static_cast<unsigned char>('\n')] = true;
  stops[static_cast<unsigned char>('"')] = true;
  return stops;
}
// Bytes that end a run of plain bytes in an unquoted field.
constexpr std::array<bool, 256> kUnquotedStops = make_unquoted_stops();

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "find_unquoted_stop takes the first byte in memory as the lowest");
constexpr std::uint64_t kEveryByte = 0x0101010101010101u;
constexpr std::uint64_t kHighBits = 0x8080808080808080u;

// The high bit of each byte of `word` that equals `byte`; exact for the
// lowest such byte (higher ones may be false positives, never misses).
constexpr std::uint64_t bytes_equal_to(std::uint64_t word, unsigned char byte) noexcept {
  const std::uint64_t difference = word ^ (kEveryByte * byte);
  return (difference - kEveryByte) & ~difference & kHighBits;
}

// The first ',', '\n' or '"' in [p, end), or end. Eight bytes at a time:
// this loop is where most of a usage file's bytes go by.
const char* find_unquoted_stop(const char* p, const char* end) noexcept {
  while (end - p >= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);
    const std::uint64_t stops =
        bytes_equal_to(word, ',') | bytes_equal_to(word, '\n') | bytes_equal_to(word, '"');
    if (stops != 0) return p + (__builtin_ctzll(stops) >> 3);
    p += 8;
  }
  while (p < end && !kUnquotedStops[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

// "at byte column 7", or "at line 12, byte column 3" when the byte lies on
// a later physical line of a record with quoted line breaks.
std::string describe_position(std::string_view record, std::size_t offset,
                              std::uint64_t record_line) {
  std::uint64_t line = record_line;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (record[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  const std::size_t column = offset - line_start + 1;
  if (line == record_line) return fmt::format("at byte column {}", column);
  return fmt::format("at line {}, byte column {}", line, column);
}

// Writes a quoted field's content with each "" turned into " and returns
// the length written (never more than raw.size()).
std::size_t unescape_quotes(std::string_view raw, char* out) noexcept {
  std::size_t written = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    out[written++] = raw[i];
    if (raw[i] == '"') ++i;  // the framer guarantees quotes come in pairs
  }
  return written;
}

}  // namespace

// ---------------------------------------------------------------------------
// CsvRecordFramer

CsvRecordFramer::CsvRecordFramer(std::istream& in, CsvReaderOptions options)
    : BlockFramer(in, options.block_size, options.max_record_bytes) {}

bool CsvRecordFramer::next_record(std::size_t max_fields) {
  begin_record(max_fields);
  for (;;) {
    if (scan_buffered()) return true;
    // One byte of slack: a trailing '\r' may turn out to be the line ending.
    if (too_long_ || data_end_ - record_begin_ > max_record_bytes_ + 1) discard_over_budget_bytes();
    if (!refill()) return finish_at_end_of_input();
  }
}

std::string_view CsvRecordFramer::text() const noexcept {
  if (too_long_) return long_record_prefix_;
  return {record_data(), content_end_};
}

std::string_view CsvRecordFramer::raw_field(const FieldSpan& field) const noexcept {
  return {record_data() + field.begin, field.end - field.begin};
}

void CsvRecordFramer::begin_record(std::size_t max_fields) noexcept {
  record_begin_ = scan_pos_;
  state_ = ScanState::field_start;
  max_fields_ = max_fields;
  field_count_ = 0;
  record_line_ = next_line_;
  record_newlines_ = 0;
  content_end_ = 0;
  quote_problem_ = QuoteProblem::none;
  quote_problem_field_ = 0;
  unterminated_ = false;
  too_long_ = false;
}

bool CsvRecordFramer::scan_buffered() {
  const char* const record = record_data();
  const char* const end = buffer_.data() + data_end_;
  const char* p = buffer_.data() + scan_pos_;
  const auto offset = [record](const char* at) { return static_cast<std::size_t>(at - record); };
  // The record ends at this '\n'; a '\r' before it belongs to the line ending.
  const auto end_line = [&](const char* newline) {
    std::size_t content_end = offset(newline);
    if (newline > record && newline[-1] == '\r') --content_end;
    end_record(content_end);
    next_line_ += record_newlines_ + 1;
    scan_pos_ = static_cast<std::size_t>(newline + 1 - buffer_.data());
  };

  while (p < end) {
    switch (state_) {
      case ScanState::field_start:
        field_has_escapes_ = false;
        field_quoted_ = *p == '"';
        if (field_quoted_) {
          ++p;
          state_ = ScanState::quoted;
        } else {
          state_ = ScanState::unquoted;
        }
        field_begin_ = offset(p);
        break;
      case ScanState::unquoted: {
        p = find_unquoted_stop(p, end);
        // Most fields are unquoted: after a comma the next one starts here
        // as field_start would start it, without a round of the switch.
        while (p != end && *p == ',') {
          end_field(offset(p));
          ++p;
          if (p == end || *p == '"') {
            state_ = ScanState::field_start;
            break;
          }
          field_has_escapes_ = false;
          field_begin_ = offset(p);
          p = find_unquoted_stop(p, end);
        }
        if (p == end || state_ != ScanState::unquoted) break;
        if (*p == '"') {
          note_quote_problem(QuoteProblem::stray_quote);
          ++p;
          break;
        }
        std::size_t field_end = offset(p);
        if (field_end > field_begin_ && p[-1] == '\r') --field_end;
        end_field(field_end);
        end_line(p);
        return true;
      }
      case ScanState::quoted:
        while (p < end && *p != '"') {
          if (*p == '\n') ++record_newlines_;
          ++p;
        }
        if (p < end) {
          ++p;
          state_ = ScanState::quote_in_quoted;
        }
        break;
      case ScanState::quote_in_quoted:
        if (*p == '"') {
          field_has_escapes_ = true;
          ++p;
          state_ = ScanState::quoted;
        } else {
          field_end_ = offset(p) - 1;
          state_ = ScanState::after_closing_quote;
        }
        break;
      case ScanState::after_closing_quote:
        if (*p == ',') {
          end_field(field_end_);
          ++p;
          state_ = ScanState::field_start;
        } else if (*p == '\n') {
          end_field(field_end_);
          end_line(p);
          return true;
        } else {
          if (*p == '\r')
            state_ = ScanState::after_closing_quote_cr;
          else
            note_quote_problem(QuoteProblem::text_after_quote);
          ++p;
        }
        break;
      case ScanState::after_closing_quote_cr:
        if (*p == '\n') {
          end_field(field_end_);
          end_line(p);
          return true;
        }
        note_quote_problem(QuoteProblem::text_after_quote);
        state_ = ScanState::after_closing_quote;
        break;
    }
  }
  scan_pos_ = data_end_;
  return false;
}

// An over-budget record is still scanned to its end (to stay in step with
// quoting and line numbers) but its bytes are dropped as soon as scanned.
void CsvRecordFramer::discard_over_budget_bytes() {
  if (!too_long_) {
    too_long_ = true;
    long_record_prefix_.assign(record_data(), std::min(max_record_bytes_, kLongRecordPrefixBytes));
  }
  record_begin_ = scan_pos_ = data_end_;
  field_begin_ = 0;  // keeps the '\r' look-behind inside the buffer
}

bool CsvRecordFramer::finish_at_end_of_input() {
  // A record cut by a failing stream is not a record: its last field may be
  // truncated (a quantity of 12 that was 1234).
  if (input_failed_) return false;
  const std::size_t length = data_end_ - record_begin_;
  if (length == 0 && !too_long_) return false;
  const char* const record = record_data();
  const bool ends_with_cr = length > 0 && record[length - 1] == '\r';
  switch (state_) {
    case ScanState::field_start:  // after a trailing comma
      field_begin_ = length;
      field_quoted_ = false;
      end_field(length);
      break;
    case ScanState::unquoted:
      end_field(ends_with_cr && length > field_begin_ ? length - 1 : length);
      break;
    case ScanState::quoted:
      unterminated_ = true;
      end_field(length);
      break;
    case ScanState::quote_in_quoted:
      end_field(length - 1);
      break;
    case ScanState::after_closing_quote:
    case ScanState::after_closing_quote_cr:
      end_field(field_end_);
      break;
  }
  end_record(ends_with_cr && state_ != ScanState::quoted ? length - 1 : length);
  next_line_ += record_newlines_;
  scan_pos_ = data_end_;
  return true;
}

void CsvRecordFramer::end_field(std::size_t end) {
  if (field_count_ < max_fields_) {
    if (field_count_ == fields_.size()) fields_.emplace_back();
    fields_[field_count_] = {field_begin_, end, field_quoted_, field_has_escapes_};
  }
  ++field_count_;
}

void CsvRecordFramer::note_quote_problem(QuoteProblem problem) noexcept {
  if (quote_problem_ != QuoteProblem::none) return;
  quote_problem_ = problem;
  quote_problem_field_ = field_count_;
}

void CsvRecordFramer::end_record(std::size_t content_end) {
  content_end_ = content_end;
  if (!too_long_ && content_end > max_record_bytes_) {
    too_long_ = true;
    long_record_prefix_.assign(record_data(), std::min(max_record_bytes_, kLongRecordPrefixBytes));
  }
}

// ---------------------------------------------------------------------------
// CsvUsageReader

CsvUsageReader::CsvUsageReader(const UsageSchema& schema, std::istream& in, std::string file_name,
                               CsvReaderOptions options)
    : schema_(schema), file_name_(std::move(file_name)), framer_(in, options) {}

Expected<std::monostate, std::string> CsvUsageReader::open() {
  framer_.skip_byte_order_mark();
  if (auto header = read_header(); !header) return header;
  if (auto bound = bind_columns(); !bound) return bound;
  opened_ = true;
  return std::monostate{};
}

std::string CsvUsageReader::header_error(std::string_view message) const {
  return fmt::format("{}:{}: error: {}", file_name_, header_line_, message);
}

Expected<std::monostate, std::string> CsvUsageReader::read_header() {
  do {
    if (!framer_.next_record(std::numeric_limits<std::size_t>::max())) {
      if (framer_.input_failed())
        return unexpected(header_error("reading failed before the header line"));
      return unexpected(
          header_error("the file is empty; expected a header line naming the columns"));
    }
  } while (framer_.is_blank());
  header_line_ = framer_.line();
  header_text_ = framer_.text();

  if (framer_.too_long())
    return unexpected(
        header_error(fmt::format("header line longer than {} bytes", framer_.max_record_bytes())));
  if (framer_.unterminated())
    return unexpected(header_error("unterminated quoted field in the header"));
  if (auto bad = first_invalid_utf8(framer_.text()))
    return unexpected(header_error(fmt::format(
        "invalid UTF-8 in the header {}", describe_position(framer_.text(), *bad, header_line_))));
  switch (framer_.quote_problem()) {
    case CsvRecordFramer::QuoteProblem::none:
      break;
    case CsvRecordFramer::QuoteProblem::stray_quote:
      return unexpected(
          header_error(fmt::format("stray quote in header field {}; quote the whole field",
                                   framer_.quote_problem_field() + 1)));
    case CsvRecordFramer::QuoteProblem::text_after_quote:
      return unexpected(header_error(fmt::format("text after the closing quote in header field {}",
                                                 framer_.quote_problem_field() + 1)));
  }

  header_names_.clear();
  for (std::size_t i = 0; i < framer_.stored_field_count(); ++i) {
    const auto& field = framer_.field(i);
    const std::string_view raw = framer_.raw_field(field);
    std::string name(raw);
    if (field.has_escapes) name.resize(unescape_quotes(raw, name.data()));
    header_names_.push_back(std::move(name));
  }
  std::unordered_map<std::string_view, std::size_t> first_position;
  for (std::size_t i = 0; i < header_names_.size(); ++i) {
    if (header_names_[i].empty()) continue;
    const auto [seen, inserted] = first_position.emplace(header_names_[i], i);
    if (!inserted)
      return unexpected(header_error(fmt::format("duplicate column `{}` (fields {} and {})",
                                                 header_names_[i], seen->second + 1, i + 1)));
  }
  return std::monostate{};
}

Expected<std::monostate, std::string> CsvUsageReader::bind_columns() {
  bindings_.assign(schema_.columns.size(), Binding{});
  std::vector<std::string_view> missing;
  for (std::size_t i = 0; i < schema_.columns.size(); ++i) {
    const Column& column = schema_.columns[i];
    Binding& binding = bindings_[i];
    const auto found = std::find(header_names_.begin(), header_names_.end(), column.name);
    if (found != header_names_.end())
      binding.file_field = static_cast<std::size_t>(found - header_names_.begin());
    if (column.default_text) {
      binding.default_text = *column.default_text;
      if (!column.default_text->empty()) {
        if (auto problem = type_column_value(column, *column.default_text, binding.default_number))
          return unexpected(
              fmt::format("the scheme's default `{}` for column `{}` is not valid: {}",
                          *column.default_text, column.name, *problem));
      }
    } else if (!binding.file_field && !column.optional) {
      missing.push_back(column.name);
    }
  }
  if (missing.empty()) return std::monostate{};
  std::string names;
  for (const std::string_view name : missing) {
    if (!names.empty()) names += ", ";
    names += fmt::format("`{}`", name);
  }
  return unexpected(
      header_error(fmt::format("missing column{} {} required by the scheme's usage block",
                               missing.size() == 1 ? "" : "s", names)));
}

bool CsvUsageReader::next(Row& row, RejectSink& sink) {
  if (!opened_) return false;
  while (framer_.next_record(header_names_.size())) {
    if (framer_.is_blank()) continue;
    ++counts_.read;
    if (auto problem = framing_problem()) {
      reject(sink, std::move(*problem));
      continue;
    }
    if (auto problem = type_record(row)) {
      reject(sink, std::move(*problem));
      continue;
    }
    ++counts_.accepted;
    return true;
  }
  return false;
}

std::optional<std::string> CsvUsageReader::input_error() const {
  if (!framer_.input_failed()) return std::nullopt;
  return input_failure(file_name_, framer_.line());
}

std::string CsvUsageReader::describe_file_field(std::size_t index) const {
  if (index < header_names_.size() && !header_names_[index].empty())
    return fmt::format("column `{}`", header_names_[index]);
  return fmt::format("field {}", index + 1);
}

std::optional<std::string> CsvUsageReader::framing_problem() const {
  if (framer_.too_long())
    return fmt::format("line longer than {} bytes", framer_.max_record_bytes());
  if (framer_.unterminated())
    return fmt::format("unterminated quoted field in {} at end of file",
                       describe_file_field(framer_.field_count() - 1));
  if (framer_.field_count() != header_names_.size())
    return fmt::format("expected {} field{}, found {}", header_names_.size(),
                       header_names_.size() == 1 ? "" : "s", framer_.field_count());
  const std::string_view text = framer_.text();
  if (const auto bad = first_invalid_utf8(text)) {
    std::size_t field = 0;
    while (field + 1 < framer_.stored_field_count() && framer_.field(field + 1).begin <= *bad)
      ++field;
    return fmt::format("invalid UTF-8 in {} {}", describe_file_field(field),
                       describe_position(text, *bad, framer_.line()));
  }
  switch (framer_.quote_problem()) {
    case CsvRecordFramer::QuoteProblem::none:
      return std::nullopt;
    case CsvRecordFramer::QuoteProblem::stray_quote:
      return fmt::format("stray quote in {}; a field containing quotes must be quoted whole",
                         describe_file_field(framer_.quote_problem_field()));
    case CsvRecordFramer::QuoteProblem::text_after_quote:
      return fmt::format("text after the closing quote in {}",
                         describe_file_field(framer_.quote_problem_field()));
  }
  return std::nullopt;
}

std::optional<std::string> CsvUsageReader::type_record(Row& row) {
  row.fields.resize(schema_.columns.size());
  row.file = file_name_;
  row.line = framer_.line();
  row.text = framer_.text();
  const std::size_t record_size = framer_.text().size();
  if (unescaped_.size() < record_size) unescaped_.resize(record_size);
  unescaped_used_ = 0;

  for (std::size_t i = 0; i < schema_.columns.size(); ++i) {
    const Column& column = schema_.columns[i];
    const Binding& binding = bindings_[i];
    Field& field = row.fields[i];
    std::string_view text;
    if (binding.file_field) text = field_text(framer_.field(*binding.file_field));
    if (auto problem =
            fill_field(column, text, binding.default_text, binding.default_number, field))
      return problem;
  }
  return std::nullopt;
}

std::string_view CsvUsageReader::field_text(const CsvRecordFramer::FieldSpan& field) {
  const std::string_view raw = framer_.raw_field(field);
  if (!field.has_escapes) return raw;
  char* const out = unescaped_.data() + unescaped_used_;
  const std::size_t length = unescape_quotes(raw, out);
  unescaped_used_ += length;
  return {out, length};
}

void CsvUsageReader::reject(RejectSink& sink, std::string reason) {
  ++counts_.rejected;
  sink.reject(Reject{file_name_, framer_.line(), std::move(reason), std::string(framer_.text())});
}

}  // namespace tariff::usage
