// One typed usage record as the record program sees it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tariff/decimal.h"
#include "tariff/records.h"

namespace tariff::usage {

// A field of the current row. `text` points into the reader's buffer and is
// valid until the reader's next call. `number` is set for numeric columns
// (timestamps as UTC epoch seconds, fractional seconds kept exactly).
struct Field {
  std::string_view text;
  Decimal number;
};

// Fields in schema column order (not file order).
struct Row {
  std::vector<Field> fields;
  std::string_view file;
  std::uint64_t line = 0;  // 1-based physical line where the record starts
  std::string_view text;   // the original record, for a reject after reading
};

// The reject and count types are public (tariff/records.h).
using tariff::ReadCounts;
using tariff::Reject;
using tariff::RejectSink;

}  // namespace tariff::usage
