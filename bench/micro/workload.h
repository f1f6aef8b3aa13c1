// Inputs the micro-benchmarks share: the standard scheme's text, usage rows
// shaped like bench/gen's (as CSV and as NDJSON), and a generated scheme
// of a given number of lines. Deterministic: a fixed-seed splitmix64.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace tariff::bench {

// The text of the file at `path` (relative paths from the source tree).
std::string read_source_file(const std::string& path);

// `rows` usage rows over `accounts` accounts, header included, in the
// standard workload's columns: account,time,event,user,pixels,quantity.
std::string usage_csv(std::size_t rows, std::size_t accounts);
// The same rows as NDJSON objects (pixels only on video rows).
std::string usage_ndjson(std::size_t rows, std::size_t accounts);

// A scheme of about `lines` lines: meters with filters, unit conversions
// and classes; charges at flat, unit and graduated prices.
std::string generated_scheme(std::size_t lines);

}  // namespace tariff::bench
