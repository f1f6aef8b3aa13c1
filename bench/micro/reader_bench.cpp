// Usage readers: framing and typing rows of the standard workload's shape,
// in bytes per second of input.
#include <benchmark/benchmark.h>

#include <sstream>

#include "tariff/usage_schema.h"
#include "tariff/tariff.h"
#include "bytecode/program.h"
#include "usage/usage_reader.h"
#include "workload.h"

namespace tariff {
namespace {

class NoRejects final : public RejectSink {
 public:
  void reject(Reject) override {}
};

void read_all(benchmark::State& state, UsageFormat format, const std::string& text) {
  const auto compiled =
      compile_source("standard.tariff", bench::read_source_file("bench/standard.tariff"));
  const UsageSchema& schema = compiled.program->usage;
  NoRejects rejects;
  usage::Row row;
  std::size_t rows = 0;
  for (auto _ : state) {
    std::istringstream in(text);
    const auto reader = usage::make_usage_reader(format, schema, in, "bench");
    (void)reader->open();
    while (reader->next(row, rejects)) ++rows;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(rows));
}

void BM_ReadCsv(benchmark::State& state) {
  static const std::string text = bench::usage_csv(100'000, 20'000);
  read_all(state, UsageFormat::csv, text);
}
BENCHMARK(BM_ReadCsv)->Unit(benchmark::kMillisecond);

void BM_ReadNdjson(benchmark::State& state) {
  static const std::string text = bench::usage_ndjson(100'000, 20'000);
  read_all(state, UsageFormat::ndjson, text);
}
BENCHMARK(BM_ReadNdjson)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tariff
