// The progress bar and the summary line of `tariff invoice`. Times are
// whole milliseconds from std::chrono; rates and shares are integer
// arithmetic.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "commands.h"

namespace tariff::cli {

namespace {

constexpr auto kRedraw = std::chrono::milliseconds(100);
constexpr std::uint64_t kBarWidth = 24;

std::uint64_t milliseconds_since(std::chrono::steady_clock::time_point start) {
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  return ms < 0 ? 0 : static_cast<std::uint64_t>(ms);
}

// 1234567 -> "1,234,567".
std::string grouped(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::optional<std::uint64_t> regular_file_size(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
  const auto size = std::filesystem::file_size(path, error);
  if (error) return std::nullopt;
  return static_cast<std::uint64_t>(size);
}

RunProgress::RunProgress(bool quiet)
    : quiet_(quiet),
      bar_(!quiet && isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

UsageProgressCallback RunProgress::for_file(const std::string& name, std::optional<std::uint64_t> size) {
  records_before_ += records_in_file_;
  records_in_file_ = 0;
  if (!bar_) return {};
  return [this, name, size](const UsageProgress& now) {
    records_in_file_ = now.records;
    const auto at = std::chrono::steady_clock::now();
    if (drawn_ && at - last_draw_ < kRedraw) return;
    last_draw_ = at;
    draw(name, size, now);
  };
}

void RunProgress::draw(const std::string& name, std::optional<std::uint64_t> size,
                       const UsageProgress& now) {
  const std::uint64_t records = records_before_ + now.records;
  const std::uint64_t ms = milliseconds_since(start_);
  const std::uint64_t rate = ms == 0 ? 0 : records * 1000 / ms;
  std::string line = fmt::format("{} records, {} records/s", grouped(records), grouped(rate));
  if (size && now.bytes && *size > 0) {
    const std::uint64_t percent = std::min<std::uint64_t>(100, *now.bytes * 100 / *size);
    const std::uint64_t filled = percent * kBarWidth / 100;
    line = fmt::format("[{}{}] {:>3}% {}  {}", std::string(static_cast<std::size_t>(filled), '#'),
                       std::string(static_cast<std::size_t>(kBarWidth - filled), '.'), percent, name,
                       line);
  } else {
    line = fmt::format("{}  {}", name, line);
  }
  std::cerr << "\r\033[K" << line << std::flush;
  drawn_ = true;
}

void RunProgress::clear() {
  if (!drawn_) return;
  std::cerr << "\r\033[K" << std::flush;
  drawn_ = false;
}

void RunProgress::summary(const ReadCounts& counts) {
  clear();
  if (quiet_) return;
  const std::uint64_t tenths = (milliseconds_since(start_) + 50) / 100;
  std::cerr << fmt::format("rated {} records ({} accepted, {} rejected) in {}.{} s\n", counts.read,
                           counts.accepted, counts.rejected, tenths / 10, tenths % 10);
}

}  // namespace tariff::cli
