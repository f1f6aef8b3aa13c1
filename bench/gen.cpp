// bench/gen: deterministic generator of Tariff's standard benchmark workload.
//
//   gen --rows N [--accounts A] [--seed S] > usage.csv
//
// CSV columns: account,time,event,user,pixels,quantity
//   event   audio | video | message
//   pixels  aggregate pixels of the received video (video rows only, else empty)
//   quantity seconds (audio, video) or bytes (message); always a whole number
// All rows fall in March 2026 (UTC). Account sizes follow a Zipf law (s = 1)
// over A accounts (default 20,000). Each account draws its users uniformly
// from a pool of about 2.17 x its expected row count, which gives about
// 0.8 distinct account-user pairs per row (4 M pairs at 5 M rows).
// Same arguments, same bytes: only a fixed-seed splitmix64 is used.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }  // bias < 2^-40 for our n
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

[[noreturn]] void usage() {
  std::fprintf(stderr, "usage: gen --rows N [--accounts A] [--seed S]\n");
  std::exit(2);
}
}  // namespace

int main(int argc, char** argv) {
  std::uint64_t rows = 5'000'000, accounts = 20'000, seed = 20260301;
  for (int i = 1; i < argc; ++i) {
    auto arg = [&]() -> std::uint64_t {
      if (i + 1 >= argc) usage();
      return std::strtoull(argv[++i], nullptr, 10);
    };
    if (!std::strcmp(argv[i], "--rows")) rows = arg();
    else if (!std::strcmp(argv[i], "--accounts")) accounts = arg();
    else if (!std::strcmp(argv[i], "--seed")) seed = arg();
    else usage();
  }
  if (accounts == 0) usage();

  // Zipf weights; the cumulative table picks an account per row. Accounts
  // are numbered in a shuffled order so that the biggest is not acc00001.
  std::vector<double> cum(accounts);
  double h = 0;
  for (std::uint64_t k = 0; k < accounts; ++k) h += 1.0 / static_cast<double>(k + 1);
  double acc = 0;
  std::vector<std::uint64_t> pool(accounts), label(accounts);
  for (std::uint64_t k = 0; k < accounts; ++k) {
    double w = 1.0 / static_cast<double>(k + 1) / h;
    acc += w;
    cum[k] = acc;
    double expected = w * static_cast<double>(rows);
    pool[k] = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(2.17 * expected)));
    label[k] = k + 1;
  }
  cum.back() = 1.0;
  Rng rng{seed};
  for (std::uint64_t k = accounts - 1; k > 0; --k) std::swap(label[k], label[rng.below(k + 1)]);

  // Aggregate pixels of received video: common layouts, including values
  // exactly on the class bounds (921,600; 2,073,600; 3,686,400).
  static const std::uint64_t kPixels[] = {
      230'400, 307'200, 640'000, 921'600, 1'228'800, 1'382'400, 2'073'600,
      2'764'800, 3'110'400, 3'686'400, 4'147'200, 8'294'400, 8'847'360};
  constexpr int kNp = sizeof kPixels / sizeof kPixels[0];
  // March has 31 days = 2,678,400 s.
  std::string out;
  out.reserve(1 << 20);
  out += "account,time,event,user,pixels,quantity\n";
  char buf[160];
  for (std::uint64_t r = 0; r < rows; ++r) {
    double u = rng.unit();
    std::uint64_t k = static_cast<std::uint64_t>(std::lower_bound(cum.begin(), cum.end(), u) - cum.begin());
    if (k >= accounts) k = accounts - 1;
    std::uint64_t user = rng.below(pool[k]) + 1;
    std::uint64_t t = rng.below(2'678'400);
    unsigned day = static_cast<unsigned>(t / 86400) + 1, hh = static_cast<unsigned>(t / 3600 % 24),
             mm = static_cast<unsigned>(t / 60 % 60), ss = static_cast<unsigned>(t % 60);
    std::uint64_t e = rng.below(100);
    int n;
    if (e < 45) {
      std::uint64_t secs = rng.below(3600) + 1;
      n = std::snprintf(buf, sizeof buf, "acc%05llu,2026-03-%02uT%02u:%02u:%02uZ,audio,u%llu,,%llu\n",
                        (unsigned long long)label[k], day, hh, mm, ss, (unsigned long long)user,
                        (unsigned long long)secs);
    } else if (e < 80) {
      std::uint64_t secs = rng.below(3600) + 1;
      std::uint64_t px = kPixels[rng.below(kNp)];
      n = std::snprintf(buf, sizeof buf, "acc%05llu,2026-03-%02uT%02u:%02u:%02uZ,video,u%llu,%llu,%llu\n",
                        (unsigned long long)label[k], day, hh, mm, ss, (unsigned long long)user,
                        (unsigned long long)px, (unsigned long long)secs);
    } else {
      std::uint64_t bytes = rng.below(200'000) + 100;
      n = std::snprintf(buf, sizeof buf, "acc%05llu,2026-03-%02uT%02u:%02u:%02uZ,message,u%llu,,%llu\n",
                        (unsigned long long)label[k], day, hh, mm, ss, (unsigned long long)user,
                        (unsigned long long)bytes);
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > (1u << 20) - 200) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}
