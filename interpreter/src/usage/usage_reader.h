// The interface every usage reader offers the rater, the choice of reader
// by file format, and the typing rules all formats share, so a record means
// the same whichever format carried it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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
  // The header record as read (CSV), without its line ending; empty for
  // formats without one. Lets a file be cut into parts that keep it.
  virtual std::string_view header_text() const { return {}; }
};

// Bytes that grow keeping their content but are never zero-filled: the
// block buffer is megabytes, and zeroing it (touching every page) cost a
// short run more than reading its input.
class ByteBuffer {
 public:
  char* data() noexcept { return bytes_.get(); }
  const char* data() const noexcept { return bytes_.get(); }
  std::size_t size() const noexcept { return size_; }
  // Keeps the first min(size, size()) bytes; the rest are unset.
  void resize(std::size_t size);

 private:
  std::unique_ptr<char[]> bytes_;
  std::size_t size_ = 0;
};

// The block input every framer reads through: the stream is read a block
// at a time into one buffer, in which records are framed in place. The
// framers derive from it and keep their own record state.
class BlockFramer {
 public:
  // Skips a UTF-8 byte order mark at the very start of the input.
  void skip_byte_order_mark();

  std::size_t max_record_bytes() const noexcept { return max_record_bytes_; }
  // The stream failed (rather than ended); the framer's line() is the
  // record it cut.
  bool input_failed() const noexcept { return input_failed_; }

 protected:
  // `padding` bytes past each block stay allocated (not read into) for
  // parsers that read past a record's end.
  BlockFramer(std::istream& in, std::size_t block_size, std::size_t max_record_bytes,
              std::size_t padding = 0);

  // Drops the bytes before record_begin_ and reads one more block. False
  // at the end of the input or when the stream failed.
  bool refill();

  std::istream& in_;
  std::size_t block_size_;
  std::size_t max_record_bytes_;
  std::size_t padding_;
  ByteBuffer buffer_;
  std::size_t record_begin_ = 0;  // buffer offsets
  std::size_t scan_pos_ = 0;
  std::size_t data_end_ = 0;
  bool input_exhausted_ = false;
  bool input_failed_ = false;
  std::uint64_t next_line_ = 1;
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

// Sets `field` of `column` from its record's `text`: an empty text is
// absent and takes `default_text` (typed as `default_number`) when there is
// one, stays empty in an optional column and is refused in a required one;
// any other text is typed. On failure the reject reason.
std::optional<std::string> fill_field(const Column& column, std::string_view text,
                                      const std::optional<std::string_view>& default_text,
                                      const Decimal& default_number, Field& field);

// UsageReader::input_error()'s text for a stream that failed at `line`.
std::string input_failure(std::string_view file_name, std::uint64_t line);

}  // namespace tariff::usage
