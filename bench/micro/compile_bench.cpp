// Compiling: a generated 5,000-line scheme (target: under 100 ms), and
// start-up as a user meets it -- the quickstart scheme compiled and its
// first invoice rated and formatted (target: under 10 ms).
#include <benchmark/benchmark.h>

#include <sstream>

#include "tariff/tariff.h"
#include "workload.h"

namespace tariff {
namespace {

void BM_Compile5000LineScheme(benchmark::State& state) {
  const std::string scheme = bench::generated_scheme(5000);
  for (auto _ : state) {
    auto compiled = compile_source("generated.tariff", scheme);
    if (!compiled.program) state.SkipWithError("the generated scheme does not compile");
    benchmark::DoNotOptimize(compiled);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * scheme.size()));
}
BENCHMARK(BM_Compile5000LineScheme)->Unit(benchmark::kMillisecond);

class NoRejects final : public RejectSink {
 public:
  void reject(Reject) override {}
};

void BM_StartupQuickstartInvoice(benchmark::State& state) {
  const std::string scheme = bench::read_source_file("examples/quickstart/scheme.tariff");
  const std::string usage = bench::read_source_file("examples/quickstart/usage.csv");
  for (auto _ : state) {
    auto compiled = compile_source("scheme.tariff", scheme);
    Rater rater(compiled.program);
    std::istringstream in(usage);
    NoRejects rejects;
    (void)rater.add_usage(in, "usage.csv", UsageFormat::csv, rejects);
    auto invoice = rater.finish();
    if (!invoice) state.SkipWithError("the quickstart does not rate");
    benchmark::DoNotOptimize(format_text(*invoice));
  }
}
BENCHMARK(BM_StartupQuickstartInvoice)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tariff
