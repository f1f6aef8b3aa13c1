// bench/native: the standard job (bench/standard.tariff) written by hand in
// C++ -- the near limit for a rater of this workload.
//
//   native USAGE.csv > totals.csv        (account,total; sorted bytewise)
//
// Same semantics as the scheme, with exact fixed point and no floating
// point: quantities are read as integers in micro-units (at most 6
// decimals, otherwise the row is rejected), minutes are the month's seconds
// per class rounded up, 10,000 free minutes drawn audio -> HD -> FHD -> 2K
// -> 2K+, prices per 1,000 minutes, MAU graduated (200 free, 0.05 to 5,000,
// 0.0475 to 10,000, 0.045 above), traffic at 0.09 per GB (10^9 bytes), each
// line rounded half up to cents, total = sum of lines.
//
// Simplifications (honest list): the CSV must have the header
// account,time,event,user,pixels,quantity in that order, no quoted fields;
// the period check is "time starts with 2026-03-"; an unknown event or a
// bad number rejects the row (counted on stderr). The input file is mapped
// whole (mmap); user ids are kept as views into the mapping.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {
using i64 = std::int64_t;
using i128 = __int128;

struct Account {
  std::string_view id;
  i64 audio = 0;      // micro-seconds
  i64 video[4] = {};  // micro-seconds per class: hd, fhd, 2K, 2K+
  i64 bytes = 0;      // micro-bytes
  i64 mau = 0;
};

std::uint64_t hash_sv(std::string_view s, std::uint64_t seed) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a over the text, then
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  h += seed * 0x9E3779B97F4A7C15ull;         // the account, then a full mixer
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

// Open-addressing set of (account index, user) pairs; exact (compares text).
struct PairSet {
  struct Slot {
    std::uint32_t acct = UINT32_MAX;
    std::uint32_t len = 0;
    const char* p = nullptr;
    std::uint64_t hash = 0;
  };
  std::vector<Slot> slots;
  std::size_t used = 0, mask = 0;
  explicit PairSet(std::size_t expected) {
    std::size_t n = 1 << 16;
    while (n * 7 < expected * 10) n *= 2;
    slots.resize(n);
    mask = n - 1;
  }
  bool insert(std::uint32_t acct, std::string_view u) {
    if ((used + 1) * 10 > slots.size() * 7) grow();
    std::uint64_t h = hash_sv(u, acct);
    std::size_t i = h & mask;
    for (;;) {
      Slot& s = slots[i];
      if (s.acct == UINT32_MAX) {
        s = {acct, static_cast<std::uint32_t>(u.size()), u.data(), h};
        ++used;
        return true;
      }
      if (s.hash == h && s.acct == acct && s.len == u.size() && std::memcmp(s.p, u.data(), u.size()) == 0) return false;
      i = (i + 1) & mask;
    }
  }
  void grow() {
    std::vector<Slot> old(slots.size() * 2);
    old.swap(slots);
    mask = slots.size() - 1;
    for (const Slot& s : old) {
      if (s.acct == UINT32_MAX) continue;
      std::size_t i = s.hash & mask;
      while (slots[i].acct != UINT32_MAX) i = (i + 1) & mask;
      slots[i] = s;
    }
  }
};

// Decimal text -> micro-units; false on anything else.
bool parse_micro(std::string_view s, i64& out) {
  if (s.empty()) return false;
  i64 v = 0;
  std::size_t i = 0;
  int frac = -1;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      if (frac >= 0 && ++frac > 6) return false;
      if (v > (INT64_MAX - 9) / 10) return false;
      v = v * 10 + (c - '0');
    } else if (c == '.' && frac < 0) {
      frac = 0;
    } else {
      return false;
    }
  }
  for (int f = frac < 0 ? 0 : frac; f < 6; ++f) {
    if (v > INT64_MAX / 10) return false;
    v *= 10;
  }
  out = v;
  return true;
}

bool parse_int(std::string_view s, i64& out) {
  if (s.empty()) { out = 0; return true; }  // pixels default 0
  i64 v = 0;
  for (char c : s) {
    if (c < '0' || c > '9' || v > (INT64_MAX - 9) / 10) return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// Amount in units of 10^-5 dollars -> cents, half up (amounts are >= 0).
i64 round_e5(i128 x) { return static_cast<i64>((x + 500) / 1000); }

// ceil(micro-seconds / 60 s)
i64 minutes(i64 micro) { return (micro + 60'000'000 - 1) / 60'000'000; }
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: native USAGE.csv\n");
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  struct stat st{};
  if (fd < 0 || fstat(fd, &st) != 0) {
    std::perror(argv[1]);
    return 1;
  }
  std::size_t size = static_cast<std::size_t>(st.st_size);
  const char* data = size ? static_cast<const char*>(mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0)) : "";
  if (data == MAP_FAILED) { std::perror("mmap"); return 1; }
  if (size) madvise(const_cast<char*>(data), size, MADV_SEQUENTIAL);
  const char* p = data;
  const char* end = data + size;
  const char* nl = static_cast<const char*>(std::memchr(p, '\n', size));
  std::string_view header(p, nl ? static_cast<std::size_t>(nl - p) : size);
  if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
  if (header != "account,time,event,user,pixels,quantity") {
    std::fprintf(stderr, "native: unexpected header\n");
    return 1;
  }
  p = nl ? nl + 1 : end;

  std::vector<Account> accounts;
  std::unordered_map<std::string_view, std::uint32_t> index;
  index.reserve(1 << 16);
  PairSet pairs(size / 50);  // about one pair per 50-byte row: no rehash
  i64 read = 0, rejected = 0;
  std::string_view last_id;
  std::uint32_t last_idx = 0;
  while (p < end) {
    const char* e = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (!e) e = end;
    std::string_view line(p, static_cast<std::size_t>(e - p));
    p = e + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    ++read;
    std::string_view f[6];
    int n = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= line.size() && n < 7; ++i) {
      if (i == line.size() || line[i] == ',') {
        if (n < 6) f[n] = line.substr(start, i - start);
        ++n;
        start = i + 1;
      }
    }
    i64 q, px;
    if (n != 6 || f[0].empty() || f[1].substr(0, 8) != "2026-03-" || f[3].empty() ||
        !parse_micro(f[5], q) || !parse_int(f[4], px)) {
      ++rejected;
      continue;
    }
    int kind;  // 0 audio, 1 video, 2 message
    if (f[2] == "audio") kind = 0;
    else if (f[2] == "video") kind = 1;
    else if (f[2] == "message") kind = 2;
    else { ++rejected; continue; }
    std::uint32_t idx;
    if (f[0] == last_id) {
      idx = last_idx;
    } else {
      auto [it, fresh] = index.try_emplace(f[0], static_cast<std::uint32_t>(accounts.size()));
      if (fresh) accounts.push_back(Account{f[0]});
      idx = it->second;
      last_id = f[0];
      last_idx = idx;
    }
    Account& a = accounts[idx];
    if (kind == 0) a.audio += q;
    else if (kind == 1) a.video[px <= 921'600 ? 0 : px <= 2'073'600 ? 1 : px <= 3'686'400 ? 2 : 3] += q;
    else a.bytes += q;
    if (pairs.insert(idx, f[3])) ++a.mau;
  }

  std::sort(accounts.begin(), accounts.end(), [](const Account& x, const Account& y) { return x.id < y.id; });
  static const i64 kPrice[5] = {99, 399, 899, 1599, 3599};  // 10^-5 $ per minute
  std::string out = "account,total\n";
  i64 grand = 0;
  char buf[128];
  for (const Account& a : accounts) {
    i64 q[5] = {minutes(a.audio), minutes(a.video[0]), minutes(a.video[1]), minutes(a.video[2]),
                minutes(a.video[3])};
    i64 left = 10'000, cents = 0;
    for (int c = 0; c < 5; ++c) {
      i64 drawn = std::min(q[c], left);
      left -= drawn;
      cents += round_e5(static_cast<i128>(q[c] - drawn) * kPrice[c]);
    }
    // MAU graduated, in 10^-5 $.
    i64 m = a.mau;
    i128 mau = 0;
    if (m > 200) mau += static_cast<i128>(std::min<i64>(m, 5'000) - 200) * 5'000;
    if (m > 5'000) mau += static_cast<i128>(std::min<i64>(m, 10'000) - 5'000) * 4'750;
    if (m > 10'000) mau += static_cast<i128>(m - 10'000) * 4'500;
    cents += round_e5(mau);
    // Traffic: micro-bytes x 0.09 / 10^9 = micro-bytes x 9 / 10^17 $ = x 9 / 10^15 cents.
    cents += static_cast<i64>((static_cast<i128>(a.bytes) * 9 + 500'000'000'000'000) / 1'000'000'000'000'000);
    grand += cents;
    int len = std::snprintf(buf, sizeof buf, "%.*s,%lld.%02lld\n", static_cast<int>(a.id.size()), a.id.data(),
                            static_cast<long long>(cents / 100), static_cast<long long>(cents % 100));
    out.append(buf, static_cast<std::size_t>(len));
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fprintf(stderr, "native: read %lld, rejected %lld, accounts %zu, pairs %zu, total %lld.%02lld\n",
               static_cast<long long>(read), static_cast<long long>(rejected), accounts.size(), pairs.used,
               static_cast<long long>(grand / 100), static_cast<long long>(grand % 100));
  return 0;
}
