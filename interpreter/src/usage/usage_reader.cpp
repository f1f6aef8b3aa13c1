// Picks a usage reader by format, reads blocks for every framer and types
// field texts the same way for every format.
#include "usage/usage_reader.h"

#include <algorithm>
#include <cstring>
#include <ios>
#include <utility>

#include <fmt/format.h>

#include "usage/csv_reader.h"
#include "usage/ndjson_reader.h"
#include "usage/timestamp.h"

namespace tariff::usage {
namespace {

bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Up to 18 plain digits, the usual quantity: the value Decimal::parse
// gives (scale 0, already normalized) without its general passes.
std::optional<Decimal> plain_digits(std::string_view text) noexcept {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return Decimal::from_int(value);
}

}  // namespace

void ByteBuffer::resize(std::size_t size) {
  std::unique_ptr<char[]> resized(new char[size]);  // default-initialized: not zeroed
  if (size_ > 0) std::memcpy(resized.get(), bytes_.get(), std::min(size, size_));
  bytes_ = std::move(resized);
  size_ = size;
}

BlockFramer::BlockFramer(std::istream& in, std::size_t block_size, std::size_t max_record_bytes,
                         std::size_t padding)
    : in_(in),
      block_size_(std::max<std::size_t>(block_size, 1)),
      max_record_bytes_(max_record_bytes),
      padding_(padding) {}

void BlockFramer::skip_byte_order_mark() {
  static constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  while (data_end_ - scan_pos_ < kByteOrderMark.size() && refill()) {
  }
  const std::string_view start(buffer_.data() + scan_pos_,
                               std::min(data_end_ - scan_pos_, kByteOrderMark.size()));
  if (start == kByteOrderMark) scan_pos_ += kByteOrderMark.size();
}

bool BlockFramer::refill() {
  if (input_exhausted_) return false;
  const std::size_t kept = data_end_ - record_begin_;
  if (record_begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + record_begin_, kept);
    scan_pos_ -= record_begin_;
    record_begin_ = 0;
    data_end_ = kept;
  }
  // Room for a partial record, a whole block and the padding after it;
  // doubling keeps growth rare. The padding's bytes are never part of a
  // record; they only have to be there.
  const std::size_t needed = kept + block_size_ + padding_;
  if (buffer_.size() < needed)
    buffer_.resize(std::max(needed, 2 * std::max(buffer_.size(), block_size_)));
  std::size_t got = 0;
  try {
    in_.read(buffer_.data() + data_end_, static_cast<std::streamsize>(block_size_));
    got = static_cast<std::size_t>(in_.gcount());
  } catch (const std::ios_base::failure&) {
    // Only when the caller enabled stream exceptions; the state bits below
    // still tell an end of input from a failure.
    got = static_cast<std::size_t>(in_.gcount());
  }
  data_end_ += got;
  // Parsers may read the padding but never depend on it; zeros keep even
  // that deterministic.
  std::memset(buffer_.data() + data_end_, 0, padding_);
  if (in_.bad()) {
    input_failed_ = true;
    input_exhausted_ = true;
    return false;
  }
  if (got == 0) {
    input_exhausted_ = true;
    return false;
  }
  return true;
}

}  // namespace tariff::usage

namespace tariff {

std::optional<UsageFormat> format_from_path(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = name.rfind('.');
  // A leading dot names a hidden file, not an extension.
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  const std::string_view extension = name.substr(dot + 1);
  if (usage::equals_ignoring_ascii_case(extension, "csv")) return UsageFormat::csv;
  for (const std::string_view json : {"ndjson", "jsonl", "json"})
    if (usage::equals_ignoring_ascii_case(extension, json)) return UsageFormat::ndjson;
  return std::nullopt;
}

}  // namespace tariff

namespace tariff::usage {

std::unique_ptr<UsageReader> make_usage_reader(UsageFormat format, const UsageSchema& schema,
                                               std::istream& in, std::string file_name) {
  switch (format) {
    case UsageFormat::csv:
      return std::make_unique<CsvUsageReader>(schema, in, std::move(file_name));
    case UsageFormat::ndjson:
      return std::make_unique<NdjsonUsageReader>(schema, in, std::move(file_name));
  }
  return nullptr;
}

namespace {

// The known values, shortened when there are many: the reason stays one
// readable line.
std::string unknown_value(const Column& column, std::string_view text) {
  constexpr std::size_t kListed = 8;
  std::string known;
  for (std::size_t i = 0; i < column.one_of.size() && i < kListed; ++i)
    known += fmt::format("{}\"{}\"", i == 0 ? "" : ", ", column.one_of[i]);
  if (column.one_of.size() > kListed) known += fmt::format(" and {} more", column.one_of.size() - kListed);
  return fmt::format("unknown value \"{}\" in column `{}` (the scheme knows {})", text, column.name, known);
}

}  // namespace

std::optional<std::string> type_column_value(const Column& column, std::string_view text,
                                             Decimal& number) {
  switch (column.type) {
    case ColumnType::id:
    case ColumnType::text:
      number = Decimal();
      if (!column.one_of.empty() &&
          std::find(column.one_of.begin(), column.one_of.end(), text) == column.one_of.end())
        return unknown_value(column, text);
      return std::nullopt;
    case ColumnType::decimal:
    case ColumnType::integer: {
      if (const auto plain = plain_digits(text)) {
        number = *plain;
        return std::nullopt;
      }
      auto parsed = Decimal::parse(text);
      if (!parsed)
        return fmt::format("bad number in column `{}`: {}", column.name, describe(parsed.error()));
      if (column.type == ColumnType::integer) {
        if (!parsed->is_integer())
          return fmt::format("fraction in integer column `{}`: {} is not a whole number",
                             column.name, text);
        number = parsed->normalized();
      } else {
        number = *parsed;
      }
      return std::nullopt;
    }
    case ColumnType::timestamp: {
      auto parsed = parse_timestamp(text);
      if (!parsed)
        return fmt::format("bad timestamp in column `{}`: {}", column.name, parsed.error());
      number = *parsed;
      return std::nullopt;
    }
  }
  return fmt::format("column `{}` has an unknown type", column.name);
}

std::optional<std::string> fill_field(const Column& column, std::string_view text,
                                      const std::optional<std::string_view>& default_text,
                                      const Decimal& default_number, Field& field) {
  if (text.empty()) {
    if (default_text) {
      field.text = *default_text;
      field.number = default_number;
      return std::nullopt;
    }
    if (!column.optional)
      return fmt::format("missing value in required column `{}`", column.name);
    field.text = {};
    field.number = Decimal();
    return std::nullopt;
  }
  field.text = text;
  return type_column_value(column, text, field.number);
}

std::string input_failure(std::string_view file_name, std::uint64_t line) {
  return fmt::format("{}:{}: reading the file failed; the rest of it was not read", file_name,
                     line);
}

}  // namespace tariff::usage
