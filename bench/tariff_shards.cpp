// bench/tariff_shards SCHEME USAGE.csv K: Tariff on K threads over the
// library -- the usage file is split at line boundaries into K shards (each
// given the header), one Rater per thread, states merged, one invoice
// (printed as `tariff invoice --format csv` would).
#include <tariff/tariff.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

namespace {
struct MemBuf : std::streambuf {
  MemBuf(const char* b, const char* e) { setg(const_cast<char*>(b), const_cast<char*>(b), const_cast<char*>(e)); }
};
struct CountRejects : tariff::RejectSink {
  std::size_t n = 0;
  void reject(tariff::Reject) override { ++n; }
};
}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) { std::cerr << "usage: tariff_shards SCHEME USAGE.csv K\n"; return 2; }
  auto compiled = tariff::load_scheme_or_program(argv[1]);
  if (!compiled.program) { std::cerr << compiled.diagnostics.render_all(); return 1; }
  // One read of the whole file (an istreambuf_iterator copy, a byte at a
  // time, cost more than rating a shard).
  std::ifstream f(argv[2], std::ios::binary | std::ios::ate);
  std::string data(static_cast<std::size_t>(f.tellg()), '\0');
  f.seekg(0);
  f.read(data.data(), static_cast<std::streamsize>(data.size()));
  std::size_t k = std::stoul(argv[3]);
  std::size_t hdr_end = data.find('\n') + 1;
  std::string header = data.substr(0, hdr_end);
  std::vector<std::size_t> cut{hdr_end};
  for (std::size_t i = 1; i < k; ++i) {
    std::size_t at = hdr_end + (data.size() - hdr_end) * i / k;
    at = data.find('\n', at);
    cut.push_back(at == std::string::npos ? data.size() : at + 1);
  }
  cut.push_back(data.size());
  std::vector<tariff::Rater> raters;
  for (std::size_t i = 0; i < k; ++i) raters.emplace_back(compiled.program);
  std::vector<std::string> errors(k);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < k; ++i) {
    threads.emplace_back([&, i] {
      // The header, then the shard's bytes, without copying the shard.
      struct Cat : std::streambuf {
        std::string h; const char* b; const char* e; bool first = true;
        Cat(std::string hh, const char* bb, const char* ee) : h(std::move(hh)), b(bb), e(ee) {
          setg(h.data(), h.data(), h.data() + h.size());
        }
        int_type underflow() override {
          if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
          if (!first || b == e) return traits_type::eof();
          first = false;
          setg(const_cast<char*>(b), const_cast<char*>(b), const_cast<char*>(e));
          return traits_type::to_int_type(*gptr());
        }
      } buf(header, data.data() + cut[i], data.data() + cut[i + 1]);
      std::istream in(&buf);
      CountRejects rej;
      auto& r = raters[i];
      if (auto p = r.set_period("2026-03"); !p) { errors[i] = p.error().message; return; }
      auto added = r.add_usage(in, "shard" + std::to_string(i) + ".csv", tariff::UsageFormat::csv, rej);
      if (!added) errors[i] = added.error().message;
    });
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors) if (!e.empty()) { std::cerr << e << '\n'; return 1; }
  for (std::size_t i = 1; i < k; ++i) {
    auto m = raters[0].merge(std::move(raters[i]));
    if (!m) { std::cerr << m.error().message << '\n'; return 1; }
  }
  auto invoice = raters[0].finish();
  if (!invoice) { std::cerr << invoice.error().message << '\n'; return 1; }
  std::cout << tariff::format_csv(*invoice);
  return 0;
}
