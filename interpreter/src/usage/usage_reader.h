// The interface every usage reader offers the rater, the choice of reader
// by file format, and the typing rules all formats share, so a record means
// the same whichever format carried it.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "tariff/decimal.h"
#include "tariff/expected.h"
#include "tariff/usage_schema.h"
#include "usage/usage_row.h"

namespace tariff::usage {

// A stream of typed usage rows. Bad records go to a RejectSink with a
// reason and never stop the read.
class UsageReader {
 public:
  virtual ~UsageReader() = default;

  // Call once, before next(). On error (for CSV a bad header; for any
  // format a scheme default that does not type) no rows are read.
  virtual Expected<std::monostate, std::string> open() = 0;
  // The next accepted row, or false at the end of the input. Rejected
  // records go to `sink` and are skipped. Row texts stay valid until the
  // next call.
  virtual bool next(Row& row, RejectSink& sink) = 0;
  // read = accepted + rejected; blank lines are not records.
  virtual const ReadCounts& counts() const = 0;
  // Set when the stream failed before its end: the rows read so far stand,
  // the rest of the file was not read.
  virtual std::optional<std::string> input_error() const = 0;
};

// The formats and the choice by file name are public (tariff/records.h).
using tariff::format_from_path;
using tariff::UsageFormat;

// A reader with default options. The schema and the stream must outlive it.
std::unique_ptr<UsageReader> make_usage_reader(UsageFormat format, const UsageSchema& schema,
                                               std::istream& in, std::string file_name);
std::unique_ptr<UsageReader> make_usage_reader(UsageFormat format, UsageSchema&& schema,
                                               std::istream& in, std::string file_name) = delete;

// Types `text` (not empty) as `column` declares and sets `number` (zero for
// id and text columns); on failure the reject reason, naming the column.
std::optional<std::string> type_column_value(const Column& column, std::string_view text,
                                             Decimal& number);

}  // namespace tariff::usage
