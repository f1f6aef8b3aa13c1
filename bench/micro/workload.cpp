#include "workload.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace tariff::bench {
namespace {

struct Rng {
  std::uint64_t s;
  std::uint64_t below(std::uint64_t n) {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (z ^ (z >> 31)) % n;
  }
};

struct UsageRow {
  std::string account, time, event, user, pixels, quantity;
};

// 45 % audio, 35 % video, 20 % message, as bench/gen writes them.
std::vector<UsageRow> usage_rows(std::size_t rows, std::size_t accounts) {
  static const char* const kPixels[] = {"921600", "2073600", "3686400", "8294400", "307200"};
  Rng rng{20260301};
  std::vector<UsageRow> out;
  out.reserve(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    UsageRow row;
    row.account = fmt::format("acc{:05}", rng.below(accounts));
    row.time = fmt::format("2026-03-{:02}T{:02}:{:02}:{:02}Z", 1 + rng.below(31), rng.below(24),
                           rng.below(60), rng.below(60));
    row.user = fmt::format("u{}", rng.below(5000));
    const std::uint64_t kind = rng.below(100);
    if (kind < 45) {
      row.event = "audio";
      row.quantity = std::to_string(1 + rng.below(3600));
    } else if (kind < 80) {
      row.event = "video";
      row.pixels = kPixels[rng.below(5)];
      row.quantity = std::to_string(1 + rng.below(3600));
    } else {
      row.event = "message";
      row.quantity = std::to_string(1 + rng.below(2'000'000));
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

std::string read_source_file(const std::string& path) {
  std::ifstream in(path.front() == '/' ? path : std::string(TARIFF_SOURCE_DIR) + "/" + path,
                   std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string usage_csv(std::size_t rows, std::size_t accounts) {
  std::string out = "account,time,event,user,pixels,quantity\n";
  for (const UsageRow& r : usage_rows(rows, accounts))
    out += fmt::format("{},{},{},{},{},{}\n", r.account, r.time, r.event, r.user, r.pixels, r.quantity);
  return out;
}

std::string usage_ndjson(std::size_t rows, std::size_t accounts) {
  std::string out;
  for (const UsageRow& r : usage_rows(rows, accounts)) {
    out += fmt::format(R"({{"account":"{}","time":"{}","event":"{}","user":"{}",)", r.account, r.time,
                       r.event, r.user);
    if (!r.pixels.empty()) out += fmt::format(R"("pixels":{},)", r.pixels);
    out += fmt::format("\"quantity\":{}}}\n", r.quantity);
  }
  return out;
}

// A header with a class, then groups of eleven lines (two meters, charges
// of four kinds) while they fit in `lines`.
std::string generated_scheme(std::size_t lines) {
  std::string out =
      "scheme \"Generated\" version \"1\"\n"
      "currency USD\n"
      "rounding half_up per line\n"
      "period calendar month UTC\n"
      "usage {\n"
      "  account  id\n"
      "  time     timestamp\n"
      "  event    text\n"
      "  user     id\n"
      "  pixels   integer default 0\n"
      "  quantity decimal\n"
      "}\n"
      "class resolution(pixels) {\n"
      "  hd     <= 921_600\n"
      "  fhd    <= 2_073_600\n"
      "  other  otherwise\n"
      "}\n";
  std::size_t written = 17;
  for (std::size_t g = 0; written + 11 <= lines; ++g, written += 11) {
    out += fmt::format(
        "meter m{0}_seconds = sum quantity where event == \"e{0}\", seconds -> minutes rounded up\n"
        "meter m{0}_video = sum quantity where event == \"v{0}\" by resolution\n"
        "charge \"Seconds {0}\" = m{0}_seconds at {1}.99 per 1_000\n"
        "charge \"Video {0}\" = m{0}_video[fhd] at 0.{1:02}\n"
        "charge \"Video other {0}\" = m{0}_video[other] at 0.{1:02}\n"
        "charge \"Fee {0}\" = flat {1}.00\n"
        "charge \"Tiers {0}\" = graduated m{0}_video[hd] {{\n"
        "  first 200    free\n"
        "  next  4_800  at 0.05\n"
        "  above        at 0.045\n"
        "}}\n",
        g, g % 100);
  }
  return out;
}

}  // namespace tariff::bench
