// Exact decimal arithmetic: the operations a rating run repeats per row
// (add, parse) and per line (multiply, divide with rounding, format).
#include <benchmark/benchmark.h>

#include "tariff/decimal.h"

namespace tariff {
namespace {

Decimal value(const char* text) { return *Decimal::parse(text); }

void BM_DecimalAdd(benchmark::State& state) {
  Decimal sum = value("0");
  const Decimal step = value("1234.5");
  for (auto _ : state) {
    sum = *add(sum, step);
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(BM_DecimalAdd);

void BM_DecimalAddMixedScales(benchmark::State& state) {
  const Decimal a = value("1234.5");
  const Decimal b = value("0.00099");
  for (auto _ : state) benchmark::DoNotOptimize(add(a, b));
}
BENCHMARK(BM_DecimalAddMixedScales);

void BM_DecimalMultiply(benchmark::State& state) {
  const Decimal minutes = value("10001");
  const Decimal price = value("0.00399");
  for (auto _ : state) benchmark::DoNotOptimize(multiply(minutes, price));
}
BENCHMARK(BM_DecimalMultiply);

void BM_DecimalDivideRounded(benchmark::State& state) {
  const Decimal seconds = value("600001");
  const Decimal sixty = value("60");
  for (auto _ : state) benchmark::DoNotOptimize(divide(seconds, sixty, 2, RoundingMode::half_up));
}
BENCHMARK(BM_DecimalDivideRounded);

void BM_DecimalRescaleToCents(benchmark::State& state) {
  const Decimal amount = value("0.10797");
  for (auto _ : state) benchmark::DoNotOptimize(amount.rescale(2, RoundingMode::half_even));
}
BENCHMARK(BM_DecimalRescaleToCents);

void BM_DecimalParseInteger(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Decimal::parse("2073600"));
}
BENCHMARK(BM_DecimalParseInteger);

void BM_DecimalParseFraction(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Decimal::parse("1250.125"));
}
BENCHMARK(BM_DecimalParseFraction);

void BM_DecimalFormat(benchmark::State& state) {
  const Decimal amount = value("741290.70");
  for (auto _ : state) benchmark::DoNotOptimize(amount.to_string());
}
BENCHMARK(BM_DecimalFormat);

}  // namespace
}  // namespace tariff
