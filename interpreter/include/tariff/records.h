// Usage records that could not be rated, and the counts that reconcile a
// run: read = accepted + rejected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tariff {

struct Reject {
  std::string file;
  std::uint64_t line = 0;  // 1-based line where the record starts
  std::string reason;      // "bad number in column quantity: ..."
  std::string text;        // the original record, without its line ending
};

class RejectSink {
 public:
  virtual ~RejectSink() = default;
  virtual void reject(Reject reject) = 0;
};

struct ReadCounts {
  std::uint64_t read = 0;  // records seen (headers and blank lines excluded)
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
};

// Usage record formats: CSV with a header line, or NDJSON (one JSON object
// per line, keys naming the columns).
enum class UsageFormat : std::uint8_t { csv, ndjson };

// By file name, ignoring case: .csv is CSV; .ndjson, .jsonl and .json are
// NDJSON; anything else has no format (ask for one explicitly).
std::optional<UsageFormat> format_from_path(std::string_view path);

}  // namespace tariff
