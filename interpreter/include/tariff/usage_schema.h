// The shape of a usage record as a scheme declares it: typed columns,
// optional ones with defaults. Compiled into every Program; the readers
// type each row against it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tariff {

enum class ColumnType : std::uint8_t {
  id,         // an opaque identifier: account, user, project
  text,       // free text compared by value (event names)
  decimal,    // an exact decimal number
  integer,    // a decimal number with no fractional part
  timestamp,  // ISO 8601 with an offset or Z; held as UTC epoch seconds
};

std::string_view to_string(ColumnType type) noexcept;
// True when the column's value is a number (decimal, integer, timestamp).
constexpr bool is_numeric(ColumnType type) noexcept {
  return type == ColumnType::decimal || type == ColumnType::integer ||
         type == ColumnType::timestamp;
}

struct Column {
  std::string name;
  ColumnType type = ColumnType::text;
  bool optional = false;                   // may be absent or empty
  std::optional<std::string> default_text; // used when absent or empty
  // The values a text or id column may have (`one of`); empty: any. A
  // record with another value is rejected.
  std::vector<std::string> one_of;
};

struct UsageSchema {
  std::vector<Column> columns;
  // Index of the column named `account` (required, type id).
  std::uint32_t account_column = 0;
  // Index of the first timestamp column named `time`, if any.
  std::optional<std::uint32_t> time_column;

  std::optional<std::uint32_t> find(std::string_view name) const noexcept {
    for (std::uint32_t i = 0; i < columns.size(); ++i)
      if (columns[i].name == name) return i;
    return std::nullopt;
  }
};

}  // namespace tariff
