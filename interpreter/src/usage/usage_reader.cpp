// Picks a usage reader by format and types field texts the same way for
// every format.
#include "usage/usage_reader.h"

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

}  // namespace

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

std::optional<std::string> type_column_value(const Column& column, std::string_view text,
                                             Decimal& number) {
  switch (column.type) {
    case ColumnType::id:
    case ColumnType::text:
      number = Decimal();
      return std::nullopt;
    case ColumnType::decimal:
    case ColumnType::integer: {
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

}  // namespace tariff::usage
