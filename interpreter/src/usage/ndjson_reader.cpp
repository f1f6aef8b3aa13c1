// NDJSON framing (lines over large in-place blocks) and the typing of each
// line's JSON object against the usage schema. simdjson's On Demand API is
// used because it exposes every number's source text, so numbers reach
// Decimal::parse digit for digit and never pass through floating point. Accepted
// lines allocate nothing once the buffers have grown to the longest line.
#include "usage/ndjson_reader.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

#include "support/utf8.h"

namespace tariff::usage {
namespace ondemand = simdjson::ondemand;

namespace {

// How much of an over-budget line a reject keeps, to show what it was
// (less when the budget itself is smaller, so the prefix never depends on
// where blocks happened to split the line).
constexpr std::size_t kLongLinePrefixBytes = 256;

// Nesting allowed inside a line's values. Ample for any record's metadata,
// and it bounds the recursion in validate_value, which On Demand's own
// depth tracking does not.
constexpr int kMaxNesting = 128;

constexpr bool is_json_whitespace(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// simdjson's raw tokens run on to the next token, spaces included.
std::string_view without_trailing_whitespace(std::string_view token) noexcept {
  while (!token.empty() && is_json_whitespace(token.back())) token.remove_suffix(1);
  return token;
}

// RFC 8259's number grammar, -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
// On Demand types a value as a number by its first byte only, so "007",
// "1." and "-" would otherwise pass as numbers.
bool is_json_number(std::string_view text) noexcept {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

std::string_view describe(ondemand::json_type type) noexcept {
  switch (type) {
    case ondemand::json_type::array:
      return "an array";
    case ondemand::json_type::object:
      return "an object";
    case ondemand::json_type::number:
      return "a number";
    case ondemand::json_type::string:
      return "a string";
    case ondemand::json_type::boolean:
      return "a boolean";
    case ondemand::json_type::null:
      return "null";
  }
  return "an unknown value";
}

// Checks a value the reader does not otherwise use, so a line is accepted
// only if all of it is JSON: On Demand skips unread values by counting
// brackets and would let `[1,,2]` or `tru` through.
simdjson::error_code validate_value(ondemand::value value, int depth) {
  ondemand::json_type type{};
  if (const auto error = value.type().get(type)) return error;
  switch (type) {
    case ondemand::json_type::object: {
      if (depth >= kMaxNesting) return simdjson::DEPTH_ERROR;
      ondemand::object object;
      if (const auto error = value.get_object().get(object)) return error;
      for (auto member : object) {
        ondemand::field field;
        if (const auto error = std::move(member).get(field)) return error;
        std::string_view key;
        if (const auto error = field.unescaped_key().get(key)) return error;
        if (const auto error = validate_value(field.value(), depth + 1)) return error;
      }
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::array: {
      if (depth >= kMaxNesting) return simdjson::DEPTH_ERROR;
      ondemand::array array;
      if (const auto error = value.get_array().get(array)) return error;
      for (auto element : array) {
        ondemand::value item;
        if (const auto error = std::move(element).get(item)) return error;
        if (const auto error = validate_value(item, depth + 1)) return error;
      }
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::string: {
      std::string_view text;
      return value.get_string().get(text);
    }
    case ondemand::json_type::number:
      return is_json_number(without_trailing_whitespace(value.raw_json_token()))
                 ? simdjson::SUCCESS
                 : simdjson::NUMBER_ERROR;
    case ondemand::json_type::boolean: {
      // get_bool's own error is "not the requested type"; say what it is.
      bool flag = false;
      if (value.get_bool().get(flag) == simdjson::SUCCESS) return simdjson::SUCCESS;
      return value.raw_json_token().front() == 't' ? simdjson::T_ATOM_ERROR
                                                   : simdjson::F_ATOM_ERROR;
    }
    case ondemand::json_type::null: {
      bool is_null = false;
      if (value.is_null().get(is_null) == simdjson::SUCCESS && is_null) return simdjson::SUCCESS;
      return simdjson::N_ATOM_ERROR;
    }
  }
  return simdjson::TAPE_ERROR;
}

std::string malformed(simdjson::error_code error) {
  return fmt::format("malformed JSON: {}", simdjson::error_message(error));
}

// Whether a column of `type` takes a JSON value of type `found` (null is
// always taken: it leaves the column absent).
bool takes(ColumnType type, ondemand::json_type found) noexcept {
  switch (found) {
    case ondemand::json_type::string:
    case ondemand::json_type::null:
      return true;
    case ondemand::json_type::number:
      return type != ColumnType::timestamp;
    case ondemand::json_type::boolean:
    case ondemand::json_type::object:
    case ondemand::json_type::array:
      return false;
  }
  return false;
}

// What a column takes, for the wrong-type reason.
std::string_view expected_value(const Column& column) noexcept {
  if (column.type == ColumnType::timestamp) return "a string holding a timestamp";
  if (is_numeric(column.type)) return "a number or a string holding one";
  return "a string or a number";
}

}  // namespace

// ---------------------------------------------------------------------------
// NdjsonLineFramer

NdjsonLineFramer::NdjsonLineFramer(std::istream& in, NdjsonReaderOptions options,
                                   std::size_t padding)
    : BlockFramer(in, options.block_size, options.max_record_bytes, padding) {}

bool NdjsonLineFramer::next_line() {
  record_begin_ = scan_pos_;
  line_ = next_line_;
  too_long_ = false;
  for (;;) {
    if (scan_pos_ < data_end_) {
      const void* newline = std::memchr(buffer_.data() + scan_pos_, '\n', data_end_ - scan_pos_);
      if (newline != nullptr) {
        const auto at =
            static_cast<std::size_t>(static_cast<const char*>(newline) - buffer_.data());
        end_line(at - record_begin_);
        scan_pos_ = at + 1;
        ++next_line_;
        return true;
      }
      scan_pos_ = data_end_;
    }
    // One byte of slack: a trailing '\r' may turn out to be the line ending.
    if (too_long_ || data_end_ - record_begin_ > max_record_bytes_ + 1) discard_over_budget_bytes();
    if (!refill()) return finish_at_end_of_input();
  }
}

std::string_view NdjsonLineFramer::text() const noexcept {
  if (too_long_) return long_line_prefix_;
  return {buffer_.data() + record_begin_, line_length_};
}

bool NdjsonLineFramer::is_blank() const noexcept {
  if (too_long_) return false;
  const std::string_view line = text();
  return std::all_of(line.begin(), line.end(), is_json_whitespace);
}

void NdjsonLineFramer::end_line(std::size_t length) {
  if (!too_long_) {
    if (length > 0 && buffer_.data()[record_begin_ + length - 1] == '\r') --length;
    if (length > max_record_bytes_) {
      too_long_ = true;
      long_line_prefix_.assign(buffer_.data() + record_begin_,
                               std::min(max_record_bytes_, kLongLinePrefixBytes));
    }
  }
  line_length_ = length;
}

// An over-budget line is still scanned to its end (to stay in step with
// line numbers) but its bytes are dropped as soon as scanned.
void NdjsonLineFramer::discard_over_budget_bytes() {
  if (!too_long_) {
    too_long_ = true;
    long_line_prefix_.assign(buffer_.data() + record_begin_,
                             std::min(max_record_bytes_, kLongLinePrefixBytes));
  }
  record_begin_ = scan_pos_ = data_end_;
}

bool NdjsonLineFramer::finish_at_end_of_input() {
  // A line cut by a failing stream is not a record: its last value may be
  // truncated (a quantity of 12 that was 1234).
  if (input_failed_) return false;
  const std::size_t length = data_end_ - record_begin_;
  if (length == 0 && !too_long_) return false;
  end_line(length);
  scan_pos_ = data_end_;
  return true;
}

// ---------------------------------------------------------------------------
// NdjsonUsageReader

struct NdjsonUsageReader::JsonParser {
  // Reused for every line: it keeps its buffers, and the strings it
  // unescapes stay valid until the next line is parsed, which is exactly
  // as long as a Row's texts must live.
  ondemand::parser parser;
};

NdjsonUsageReader::NdjsonUsageReader(const UsageSchema& schema, std::istream& in,
                                     std::string file_name, NdjsonReaderOptions options)
    : schema_(schema),
      file_name_(std::move(file_name)),
      parser_(std::make_unique<JsonParser>()),
      framer_(in, options, simdjson::SIMDJSON_PADDING) {}

NdjsonUsageReader::~NdjsonUsageReader() = default;

Expected<std::monostate, std::string> NdjsonUsageReader::open() {
  const std::size_t column_count = schema_.columns.size();
  bindings_.assign(column_count, Binding{});
  slots_.assign(column_count, Slot{});
  column_by_name_.clear();
  for (std::size_t i = 0; i < column_count; ++i) {
    const Column& column = schema_.columns[i];
    column_by_name_.emplace(column.name, i);
    if (!column.default_text) continue;
    Binding& binding = bindings_[i];
    binding.default_text = *column.default_text;
    if (column.default_text->empty()) continue;
    if (auto problem = type_column_value(column, *column.default_text, binding.default_number))
      return unexpected(fmt::format("the scheme's default `{}` for column `{}` is not valid: {}",
                                    *column.default_text, column.name, *problem));
  }
  framer_.skip_byte_order_mark();
  opened_ = true;
  return std::monostate{};
}

bool NdjsonUsageReader::next(Row& row, RejectSink& sink) {
  if (!opened_) return false;
  while (framer_.next_line()) {
    if (framer_.is_blank()) continue;
    ++counts_.read;
    if (framer_.too_long()) {
      reject(sink, fmt::format("line longer than {} bytes", framer_.max_record_bytes()));
      continue;
    }
    auto problem = collect_values();
    if (!problem) problem = type_values(row);
    if (problem) {
      reject(sink, std::move(*problem));
      continue;
    }
    ++counts_.accepted;
    return true;
  }
  return false;
}

std::optional<std::string> NdjsonUsageReader::input_error() const {
  if (!framer_.input_failed()) return std::nullopt;
  return input_failure(file_name_, framer_.line());
}

std::string NdjsonUsageReader::describe_key(std::string_view key) const {
  if (column_by_name_.count(key) != 0) return fmt::format("column `{}`", key);
  return fmt::format("key `{}`", key);
}

// Malformed JSON outranks every other problem: a line that is not JSON is
// reported as such even if an earlier value was also unusable.
std::optional<std::string> NdjsonUsageReader::collect_values() {
  for (Slot& slot : slots_) slot = Slot{};
  const std::string_view line = framer_.text();
  ondemand::parser& parser = parser_->parser;
  // simdjson alone would regrow to each longer line's exact size; doubling
  // keeps regrowth rare.
  if (parser.capacity() < line.size()) {
    const std::size_t capacity =
        std::max(line.size(), std::min(2 * parser.capacity(), framer_.max_record_bytes()));
    if (const auto error = parser.allocate(capacity))
      return fmt::format("the line could not be parsed: {}", simdjson::error_message(error));
  }
  ondemand::document document;
  simdjson::error_code error =
      parser.iterate(line.data(), line.size(), framer_.readable_bytes()).get(document);
  if (error == simdjson::UTF8_ERROR) return invalid_utf8_reason(line);
  if (error) return malformed(error);
  ondemand::json_type type{};
  if ((error = document.type().get(type))) return malformed(error);
  if (type != ondemand::json_type::object)
    return fmt::format("not a JSON object: the line holds {}", describe(type));
  ondemand::object object;
  if ((error = document.get_object().get(object))) return malformed(error);

  const auto malformed_in = [this](std::string_view key, simdjson::error_code code) {
    return fmt::format("malformed JSON in {}: {}", describe_key(key),
                       simdjson::error_message(code));
  };
  std::optional<std::string> value_problem;  // the first, reported if the line is JSON
  for (auto member : object) {
    ondemand::field field;
    if ((error = std::move(member).get(field))) return malformed(error);
    std::string_view key;
    if ((error = field.unescaped_key().get(key))) return malformed(error);
    ondemand::value value = field.value();
    const auto found = column_by_name_.find(key);
    if (found == column_by_name_.end()) {
      if ((error = validate_value(value, 0))) return malformed_in(key, error);
      continue;
    }
    const Column& column = schema_.columns[found->second];
    ondemand::json_type value_type{};
    if ((error = value.type().get(value_type))) return malformed_in(key, error);
    Slot read;
    switch (value_type) {
      case ondemand::json_type::string:
        if ((error = value.get_string().get(read.text))) return malformed_in(key, error);
        read.kind = ValueKind::string;
        break;
      case ondemand::json_type::number:
        // The token's own text: what the file says, digit for digit.
        read.text = without_trailing_whitespace(value.raw_json_token());
        if (!is_json_number(read.text)) return malformed_in(key, simdjson::NUMBER_ERROR);
        read.kind = ValueKind::number;
        break;
      case ondemand::json_type::null:
        if ((error = validate_value(value, 0))) return malformed_in(key, error);
        read.kind = ValueKind::null;
        break;
      case ondemand::json_type::boolean:
      case ondemand::json_type::object:
      case ondemand::json_type::array:
        if ((error = validate_value(value, 0))) return malformed_in(key, error);
        break;
    }
    if (!takes(column.type, value_type)) {
      if (!value_problem)
        value_problem = fmt::format("wrong value type in column `{}`: expected {}, found {}",
                                    column.name, expected_value(column), describe(value_type));
      continue;
    }
    Slot& slot = slots_[found->second];
    if (slot.kind != ValueKind::absent) {
      if (!value_problem) value_problem = fmt::format("duplicate key `{}`", column.name);
      continue;
    }
    slot = read;
  }
  const char* trailing = nullptr;
  if (document.current_location().get(trailing) == simdjson::SUCCESS)
    return malformed(simdjson::TRAILING_CONTENT);
  return value_problem;
}

std::optional<std::string> NdjsonUsageReader::type_values(Row& row) {
  row.fields.resize(schema_.columns.size());
  row.file = file_name_;
  row.line = framer_.line();
  row.text = framer_.text();
  for (std::size_t i = 0; i < schema_.columns.size(); ++i) {
    const Column& column = schema_.columns[i];
    const Slot& slot = slots_[i];
    Field& field = row.fields[i];
    // null and "" are absent, as an empty CSV field is.
    const bool has_value =
        (slot.kind == ValueKind::string || slot.kind == ValueKind::number) && !slot.text.empty();
    const Binding& binding = bindings_[i];
    if (auto problem = fill_field(column, has_value ? slot.text : std::string_view(),
                                  binding.default_text, binding.default_number, field))
      return problem;
  }
  return std::nullopt;
}

// simdjson only says the line is not UTF-8. To say which value holds the
// bad byte, a copy with every invalid byte replaced by '?' (which keeps the
// JSON's structure) is walked and the member spanning the byte named.
std::string NdjsonUsageReader::invalid_utf8_reason(std::string_view line) {
  const std::optional<std::size_t> bad = first_invalid_utf8(line);
  if (!bad) return malformed(simdjson::UTF8_ERROR);
  const std::string position = fmt::format("at byte column {}", *bad + 1);

  repaired_line_.assign(line);
  for (std::size_t at = *bad;;) {
    repaired_line_[at] = '?';
    const auto next = first_invalid_utf8(std::string_view(repaired_line_).substr(at + 1));
    if (!next) break;
    at += 1 + *next;
  }
  repaired_line_.append(simdjson::SIMDJSON_PADDING, ' ');
  const char* const base = repaired_line_.data();

  ondemand::document document;
  ondemand::object object;
  if (parser_->parser.iterate(base, line.size(), repaired_line_.size()).get(document) ||
      document.get_object().get(object))
    return fmt::format("invalid UTF-8 {}", position);
  std::optional<std::string_view> holder;  // the key of the member holding the byte
  bool in_key = false;
  bool passed_the_byte = false;
  for (auto member : object) {
    ondemand::field field;
    if (std::move(member).get(field)) return fmt::format("invalid UTF-8 {}", position);
    // raw() points just past the key's opening quote; unescaping the key
    // uses it up, so it is read first.
    const auto key_start = static_cast<std::size_t>(field.key().raw() - base) - 1;
    if (key_start > *bad) {
      passed_the_byte = true;
      break;
    }
    std::string_view key;
    if (field.unescaped_key().get(key)) return fmt::format("invalid UTF-8 {}", position);
    const auto value_start = static_cast<std::size_t>(field.value().raw_json_token().data() - base);
    holder = key;
    in_key = *bad < value_start;
  }
  // Without a later key, the last member holds the byte only if nothing
  // follows the object.
  const char* trailing = nullptr;
  if (!passed_the_byte && document.current_location().get(trailing) == simdjson::SUCCESS)
    holder.reset();
  if (!holder) return fmt::format("invalid UTF-8 {}", position);
  if (in_key) return fmt::format("invalid UTF-8 in a key {}", position);
  return fmt::format("invalid UTF-8 in {} {}", describe_key(*holder), position);
}

void NdjsonUsageReader::reject(RejectSink& sink, std::string reason) {
  ++counts_.rejected;
  sink.reject(Reject{file_name_, framer_.line(), std::move(reason), std::string(framer_.text())});
}

}  // namespace tariff::usage
