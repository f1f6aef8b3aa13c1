// Same scheme + same rows in any order -> byte-identical invoices, at
// scale: a deterministic generator makes TARIFF_DETERMINISM_ROWS usage rows
// (1,000,000 by default) for several accounts, and a scheme with every
// aggregation, windows, unit conversions, a class, an allowance and both
// tier models rates them in five orders, delivered in one stream, in
// several streams to one rater and to several raters merged. Every JSON
// invoice must equal the first, byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/byte_stream.h"
#include "tariff/tariff.h"

#ifndef TARIFF_DETERMINISM_ROWS
#define TARIFF_DETERMINISM_ROWS 1000000
#endif

namespace {

constexpr std::size_t kRows = TARIFF_DETERMINISM_ROWS;

constexpr const char* kScheme = R"(scheme "Determinism" version "1"
currency USD
rounding half_even per line
period calendar month UTC
usage {
  account  id
  time     timestamp
  event    text
  user     id
  project  id default "main"
  quantity decimal default 0
  pixels   integer default 0
  region   text optional
}
class resolution(pixels) {
  hd   <= 921_600
  fhd  <= 2_073_600
  uhd  otherwise
}
meter messages = sum quantity where event == "message"
meter voice    = sum quantity where event == "voice" and not (region == "eu"), seconds -> minutes rounded up per day
meter video    = sum quantity where event == "video" by resolution, seconds -> minutes rounded up
meter storage  = average quantity where event == "storage", MB -> GiB rounded nearest
meter peak     = max quantity where event == "voice"
meter low      = min quantity where event == "message"
meter logins   = count where event == "login"
meter mau      = distinct user
meter dau      = max over days of (distinct user where event == "login")
meter projects = sum over project of (max over days of (count))
meter plan     = latest quantity where event == "plan"
meter seats    = weighted_sum quantity where event == "seat"
meter seat_adds = sum quantity where event == "seat"
allowance free_minutes = 5_000 per period
  draws voice, video[hd], video[fhd] * 2
charge "Platform" = flat 9.99
charge "Messages" = messages at 0.50 per 1_000
charge "Voice"    = voice after free_minutes at 0.99 per 1_000
charge "Video HD" = video[hd] after free_minutes at 3.99 per 1_000
charge "Video FHD" = video[fhd] after free_minutes at 8.99 per 1_000
charge "Video UHD" = video[uhd] at 15.99 per 1_000
charge "Storage"  = storage at 0.023
charge "Peak"     = peak at 0.0001
charge "Low"      = low at 1.5%
charge "Logins"   = logins at 0.001
charge "DAU"      = dau at 0.3
charge "Projects" = projects at 0.01
charge "Plan"     = plan at 1
charge "Seats"    = seats at 0.02218
charge "MAU" = graduated mau {
  first 200 free
  next 4_800 at 0.05
  above at 0.045 flat 3
}
charge "MAU volume" = volume mau {
  up to 1_000 at 0.05 flat 10
  above at 0.04
}
charge "Seat-days" = graduated seat_adds prorated {
  up to 3 at 2 flat 1
  above at 1 flat 2
}
charge "Message fees" = 1.5% of quantity where event == "message", plus 0.01, max 2, free 3 transactions, free 2_000 of value
)";

// splitmix64: the same numbers on every platform, unlike the standard
// library's distributions.
class Generator {
 public:
  explicit Generator(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }

 private:
  std::uint64_t state_;
};

void append_two_digits(std::string& out, std::uint64_t n) {
  out += static_cast<char>('0' + n / 10);
  out += static_cast<char>('0' + n % 10);
}

// A decimal with up to three places, from thousandths.
void append_thousandths(std::string& out, std::uint64_t thousandths) {
  out += std::to_string(thousandths / 1000);
  if (const std::uint64_t fraction = thousandths % 1000; fraction != 0) {
    out += '.';
    out += static_cast<char>('0' + fraction / 100);
    out += static_cast<char>('0' + fraction / 10 % 10);
    out += static_cast<char>('0' + fraction % 10);
  }
}

// Rows of March 2026 (UTC), each ending in '\n', concatenated; `starts`
// has each row's offset and the end. A few big accounts and many small
// ones; about one row in a thousand has a bad quantity and is rejected.
struct Rows {
  std::string text;
  std::vector<std::size_t> starts;
};

Rows generate_rows(std::size_t count) {
  static constexpr const char* kEvents[] = {"message", "voice", "video", "storage", "login",
                                            "plan",    "seat",  "message", "voice", "login"};
  static constexpr const char* kRegions[] = {"eu", "us", "ap", ""};
  static constexpr const char* kPixels[] = {"640000", "921600", "2073600", "3686400", ""};
  Generator random(20260301);
  Rows rows;
  rows.text.reserve(count * 72);
  rows.starts.reserve(count + 1);
  for (std::size_t i = 0; i < count; ++i) {
    rows.starts.push_back(rows.text.size());
    std::string& out = rows.text;
    const std::uint64_t account = random.below(4) == 0 ? random.below(200) : random.below(5);
    out += "acct-";
    out += std::to_string(account);
    const std::uint64_t second = random.below(31 * 86400);
    out += ",2026-03-";
    append_two_digits(out, second / 86400 + 1);
    out += 'T';
    append_two_digits(out, second / 3600 % 24);
    out += ':';
    append_two_digits(out, second / 60 % 60);
    out += ':';
    append_two_digits(out, second % 60);
    out += "Z,";
    const char* event = kEvents[random.below(std::size(kEvents))];
    out += event;
    out += ",u";
    out += std::to_string(random.below(account < 5 ? 6000 : 300));
    out += ",p";
    out += std::to_string(random.below(7));
    out += ',';
    if (random.below(1000) == 0) {
      out += "not-a-number";
    } else {
      // Seats go up and down by a few; everything else is a positive amount.
      if (std::string_view(event) == "seat") {
        const std::uint64_t step = random.below(9);
        out += step < 4 ? "-" : "";
        out += std::to_string(step < 4 ? step + 1 : step - 3);
      } else {
        append_thousandths(out, random.below(10'000'000));
      }
    }
    out += ',';
    out += kPixels[random.below(std::size(kPixels))];
    out += ',';
    out += kRegions[random.below(std::size(kRegions))];
    out += '\n';
  }
  rows.starts.push_back(rows.text.size());
  return rows;
}

class CountRejects final : public tariff::RejectSink {
 public:
  void reject(tariff::Reject) override { ++count; }
  std::uint64_t count = 0;
};

constexpr std::string_view kHeader = "account,time,event,user,project,quantity,pixels,region\n";

// The rows in `order`, split into `parts` CSV files of nearly equal size.
std::vector<std::string> csv_files(const Rows& rows, const std::vector<std::uint32_t>& order,
                                   std::size_t parts) {
  std::vector<std::string> files(parts);
  for (std::size_t p = 0; p < parts; ++p) {
    const std::size_t from = order.size() * p / parts;
    const std::size_t to = order.size() * (p + 1) / parts;
    std::string& file = files[p];
    file.reserve(kHeader.size() + (rows.text.size() / parts) * 11 / 10);
    file += kHeader;
    for (std::size_t i = from; i < to; ++i) {
      const std::size_t start = rows.starts[order[i]];
      file.append(rows.text, start, rows.starts[order[i] + 1] - start);
    }
  }
  return files;
}

struct Delivery {
  std::size_t files;   // the order split into this many CSV files …
  std::size_t raters;  // … rated by this many raters (file f by rater f % raters), then merged
};

std::optional<tariff::Invoice> rate(const std::shared_ptr<const tariff::Program>& program,
                                    const Rows& rows, const std::vector<std::uint32_t>& order,
                                    Delivery delivery) {
  const std::vector<std::string> files = csv_files(rows, order, delivery.files);
  std::vector<tariff::Rater> raters;
  for (std::size_t r = 0; r < delivery.raters; ++r) raters.emplace_back(program);
  CountRejects rejects;
  for (std::size_t f = 0; f < files.size(); ++f) {
    tariff::ByteStream in(files[f]);
    auto added = raters[f % delivery.raters].add_usage(in.stream(), "usage-" + std::to_string(f) + ".csv",
                                                       tariff::UsageFormat::csv, rejects);
    EXPECT_TRUE(added) << added.error().message;
  }
  for (std::size_t r = 1; r < raters.size(); ++r) {
    auto merged = raters[0].merge(std::move(raters[r]));
    EXPECT_TRUE(merged) << merged.error().message;
  }
  auto invoice = raters[0].finish();
  if (!invoice) {
    ADD_FAILURE() << invoice.error().message;
    return std::nullopt;
  }
  EXPECT_EQ(invoice->records.rejected, rejects.count);
  return std::move(*invoice);
}

TEST(Determinism, AMillionRowsInFiveOrdersGiveByteIdenticalInvoices) {
  auto compiled = tariff::compile_source("determinism.tariff", kScheme);
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  const Rows rows = generate_rows(kRows);

  std::vector<std::uint32_t> order(kRows);
  for (std::size_t i = 0; i < kRows; ++i) order[i] = static_cast<std::uint32_t>(i);
  const Delivery deliveries[] = {{1, 1}, {1, 1}, {3, 1}, {4, 4}, {6, 2}};
  Generator shuffle(7);
  std::string first;
  for (std::size_t run = 0; run < std::size(deliveries); ++run) {
    SCOPED_TRACE("order " + std::to_string(run));
    if (run > 0) {
      // Fisher-Yates with our own generator: the same orders everywhere.
      for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[shuffle.below(i + 1)]);
    }
    const auto invoice = rate(compiled.program, rows, order, deliveries[run]);
    ASSERT_TRUE(invoice);
    const std::string json = tariff::format_json(*invoice);
    if (run == 0) {
      first = json;
      // Every charge bills something for some account: every meter is in play.
      for (const std::string& charge : tariff::charge_names(*compiled.program)) {
        bool billed = false;
        for (const auto& account : invoice->accounts)
          for (const auto& line : account.lines)
            billed = billed || (line.charge == charge && line.amount.sign() > 0);
        EXPECT_TRUE(billed) << charge;
      }
      EXPECT_GT(invoice->records.rejected, 0u);
      continue;
    }
    // Not EXPECT_EQ: a failure would print two invoices of megabytes.
    if (json != first) {
      const auto at = std::mismatch(first.begin(), first.end(), json.begin(), json.end());
      const auto offset = static_cast<std::size_t>(at.first - first.begin());
      const std::size_t from = offset < 200 ? 0 : offset - 200;
      ADD_FAILURE() << "the invoice differs from order 0's at byte " << offset << ":\n  order 0: "
                    << first.substr(from, 400) << "\n  this:    " << json.substr(from, 400);
    }
  }
}

}  // namespace
