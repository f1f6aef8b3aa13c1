// What each fuzz target does with one input, in one place so the libFuzzer
// harnesses (fuzz_*.cpp) and the regression test that replays their old
// crashes (tests/fuzz_regression_test.cpp) run exactly the same code.
//
// Any input must end in a result or a refusal. A crash, a sanitizer report
// or a broken invariant (checked here, ending in __builtin_trap after a
// line on stderr saying which) is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "bytecode/bytecode_file.h"
#include "bytecode/program.h"
#include "support/byte_stream.h"
#include "tariff/tariff.h"

namespace tariff::fuzz {

// The usage fuzzers rate with this scheme: every column type, optional
// columns and defaults, every aggregation, windows, unit conversions, a
// billing period, filters, functions, both tier models. Its required
// columns are in every usage file in tests/ and examples/, so every seed
// gets past the header.
inline constexpr std::string_view kUsageScheme = R"(# fuzz/targets.h
scheme "Fuzz usage" version "1"
currency USD
rounding half_even per line
period calendar month UTC
usage {
  account  id
  time     timestamp optional
  event    text optional
  user     id optional
  project  id default "main"
  quantity decimal default 0
  users    decimal optional
  gb       decimal default 0
  region   text optional one of "eu", "us", "apac"
  calls    integer default 1
}
meter messages = sum quantity where event == "message"
meter voice    = sum round(quantity * 1.5, 2) where event == "voice" and not (region == "eu"), seconds -> minutes rounded up per day
meter storage  = sum if region == "eu" then gb * 2 else gb
meter bytes    = average gb, bytes -> GiB rounded nearest
meter peak     = max users
meter low      = min ceil(gb / 3)
meter hits     = count where calls > 2 or time >= 1772323200
meter total    = sum calls, seconds -> hours rounded down
meter mau      = distinct user
meter dau      = max over days of (distinct user where event == "login")
meter projects = sum over project of (max over days of (count))
meter plan     = latest quantity where event == "plan"
meter sessions = weighted_sum quantity where event == "session"
charge "Platform" = flat 9.99
charge "Messages" = messages at 0.50 per 1_000
charge "Voice"    = voice at 0.99 per 7
charge "Storage"  = storage at 0.023
charge "Bytes"    = bytes at 0.1
charge "Low"      = low at 1.5%
charge "Hits"     = hits at 0.001
charge "Calls"    = total at 0.0001
charge "MAU users" = mau at 0.2
charge "DAU"      = dau at 0.3
charge "DAU days" = volume dau per window {
  up to 10 at 0.1
  above at 0.05
}
charge "Projects" = projects at 0.01
charge "Plan"     = plan at 1
charge "Sessions" = sessions at 0.02218
charge "MAU" = graduated peak {
  first 200 free
  next 4_800 at 0.05
  above at 0.045 flat 3
}
charge "MAU volume" = volume peak {
  up to 5_000 at 0.05 flat 10
  above at 0.04
}
meter seat_adds = sum quantity where event == "seat"
charge "Seat-days" = graduated seat_adds prorated {
  up to 3 at 2 flat 1
  above at 1
}
charge "Card fees" = 2.9% of quantity where event == "payment", plus 0.30, min 0.5, max 12,
    free 3 transactions, free 100 of value
)";

// The usage the scheme and bytecode fuzzers rate a compiled program with:
// the union of the columns of the repository's schemes, so programs from
// the seed corpus accept it (a program that wants other columns stops at
// the header, which is a fine outcome too).
inline constexpr std::string_view kFixedUsageCsv =
    "account,time,event,user,project,quantity,users,gb,region,calls\n"
    "acme,2026-03-01T09:00:00Z,message,ann,main,12000,120,10.5,eu,3\n"
    "acme,2026-03-02T10:30:00Z,voice,bob,web,1250.5,13250,2.25,,1\n"
    "globex,2026-03-03T11:00:00+08:00,login,ann,,800,150,0,us,\n"
    "globex,2026-03-04T12:00:00Z,voice,,main,not-a-number,1,1,eu,2\n"
    "initech,2026-03-05T00:00:00-05:00,session,cy,x,0.000001,0,99999999999.999999,ap,7\n"
    "acme,2026-03-06T08:00:00Z,seat,,main,3,,,,\n"
    "acme,2026-03-07T09:00:00Z,payment,,main,250,,,,\n";

[[noreturn]] inline void invariant_failed(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::fflush(stderr);
  __builtin_trap();
}

inline void check(bool ok, const char* what) {
  if (!ok) invariant_failed(what);
}

class CountRejects final : public RejectSink {
 public:
  void reject(Reject r) override {
    ++count;
    // Writing a reject is part of the path a real run takes.
    bytes += format_reject_csv(r).size();
  }
  std::uint64_t count = 0;
  std::size_t bytes = 0;
};

// Rates `usage` with `program` under a small distinct-values budget and
// formats the invoice every way. Checks read = accepted + rejected and that
// every rejected record reached the sink.
inline void rate_and_format(std::shared_ptr<const Program> program, std::string_view usage,
                            UsageFormat format) {
  Rater rater(std::move(program));
  // Small enough that inputs of a few KB reach the distinct-values budget.
  RatingLimits limits;
  limits.max_distinct_values = 32;
  rater.set_limits(limits);
  ByteStream in(usage);
  CountRejects rejects;
  auto added = rater.add_usage(in.stream(), "usage", format, rejects);
  if (!added) return;  // a bad header or an arithmetic error: a refusal, not a finding
  auto invoice = rater.finish();
  if (!invoice) return;
  const ReadCounts& counts = invoice->records;
  check(counts.read == counts.accepted + counts.rejected, "read == accepted + rejected");
  check(counts.rejected == rejects.count, "rejected == records given to the reject sink");
  (void)format_text(*invoice);
  (void)format_json(*invoice);
  (void)format_csv(*invoice);
}

// fuzz_scheme: bytes as scheme text -> compile; if it compiles, a save/load
// round trip through the bytecode API must give back the same program (same
// listing, same bytes), and the program rates the fixed usage.
inline void run_scheme(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  CompileResult compiled = compile_source("fuzz.tariff", std::move(text));
  (void)compiled.diagnostics.render_all();
  // The parser's catch-all and the check that the compiler's output verifies
  // (front/parser.cpp, api/compile.cpp) say this; compared whole, as
  // messages quote the input and the fuzzer would learn to write the words.
  for (const Diagnostic& d : compiled.diagnostics.items)
    check(d.hint != "please report this scheme as a bug",
          "no \"please report this scheme as a bug\" (parser catch-all, verifier refusing compiled code)");
  if (!compiled.program) {
    check(compiled.diagnostics.error_count() > 0, "a scheme that does not compile has an error");
    return;
  }
  const std::string listing = disassembly(*compiled.program);
  auto saved = save_program(*compiled.program);
  if (!saved) return;  // beyond the format's sizes; not reachable from small inputs
  auto loaded = load_bytecode(*saved);
  check(static_cast<bool>(loaded), "a compiled program loads back from its own bytecode");
  check(disassembly(**loaded) == listing, "the reloaded program disassembles the same");
  auto saved_again = save_program(**loaded);
  check(saved_again && *saved_again == *saved, "the reloaded program saves to the same bytes");
  rate_and_format(*loaded, kFixedUsageCsv, UsageFormat::csv);
}

inline std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325u;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3u;
  }
  return hash;
}

// fuzz_bytecode: bytes -> load_bytecode, as they are and then with the
// header's body size and checksum recomputed (else almost every mutation
// stops at the checksum and the section reader is never reached). A
// program that loads is disassembled and rates the fixed usage.
inline void run_bytecode(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto run = [](std::string_view file) {
    auto loaded = load_bytecode(file);
    if (!loaded) return;
    (void)disassembly(**loaded);
    rate_and_format(*loaded, kFixedUsageCsv, UsageFormat::csv);
  };
  run(bytes);
  constexpr std::size_t kHeader = 24;
  if (size < kHeader || bytes.substr(0, kBytecodeMagic.size()) != kBytecodeMagic) return;
  std::string fixed(bytes);
  const std::string_view body = std::string_view(fixed).substr(kHeader);
  const auto body_size = static_cast<std::uint32_t>(body.size());
  const std::uint64_t checksum = fnv1a64(body);
  for (std::size_t i = 0; i < 4; ++i) fixed[12 + i] = static_cast<char>((body_size >> (8 * i)) & 0xFF);
  for (std::size_t i = 0; i < 8; ++i) fixed[16 + i] = static_cast<char>((checksum >> (8 * i)) & 0xFF);
  if (fixed != bytes) run(fixed);
}

inline std::shared_ptr<const Program> usage_program() {
  static const std::shared_ptr<const Program> program = [] {
    CompileResult compiled = compile_source("fuzz-usage.tariff", std::string(kUsageScheme));
    if (!compiled.program) {
      std::fprintf(stderr, "%s", compiled.diagnostics.render_all().c_str());
      invariant_failed("the usage fuzzers' fixed scheme compiles");
    }
    return compiled.program;
  }();
  return program;
}

// fuzz_usage_csv / fuzz_usage_ndjson: bytes as a usage file for the fixed
// scheme -> add_usage -> finish -> the invoice in every format.
inline void run_usage(const std::uint8_t* data, std::size_t size, UsageFormat format) {
  rate_and_format(usage_program(),
                  std::string_view(reinterpret_cast<const char*>(data), size), format);
}

}  // namespace tariff::fuzz
