// The two programs of bench/standard.tariff in the VM, without the
// reader: the record program per row (over rows typed in advance) and
// the period program per account. Built once per dispatch kind (see
// CMakeLists.txt), so the two can be compared on the same rows.
#include <benchmark/benchmark.h>

#include <sstream>
#include <vector>

#include "bytecode/program.h"
#include "tariff/tariff.h"
#include "usage/usage_reader.h"
#include "vm/vm.h"
#include "workload.h"

namespace tariff {
namespace {

// The default budget of RatingLimits: the benchmark measures the check as rating does.
constexpr std::uint64_t kDistinctBudget = RatingLimits{}.max_distinct_values;

class NoRejects final : public RejectSink {
 public:
  void reject(Reject) override {}
};

std::shared_ptr<const Program> standard_program() {
  static const auto program =
      compile_source("standard.tariff", bench::read_source_file("bench/standard.tariff")).program;
  return program;
}

// The standard scheme's record side without its distinct-user meter: what
// is left is interpretation (filters, classes, sums), which is what the
// dispatch kind can change, without the hash set's memory latency.
std::shared_ptr<const Program> sums_only_program() {
  static const auto program = compile_source("sums.tariff", R"(scheme "Sums" version "1"
currency USD
rounding half_up per line
period calendar month UTC
usage {
  account  id
  time     timestamp
  event    text
  user     id
  pixels   integer default 0
  quantity decimal
}
class resolution(pixels) {
  hd     <= 921_600
  fhd    <= 2_073_600
  qhd    <= 3_686_400
  qhdp   otherwise
}
meter audio_min  = sum quantity where event == "audio", seconds -> minutes rounded up
meter video_min  = sum quantity where event == "video" by resolution, seconds -> minutes rounded up
meter traffic_gb = sum quantity where event == "message", bytes -> GB
charge "Audio"     = audio_min at 0.99 per 1_000
charge "Video HD"  = video_min[hd] at 3.99 per 1_000
charge "Video FHD" = video_min[fhd] at 8.99 per 1_000
charge "Video 2K"  = video_min[qhd] at 15.99 per 1_000
charge "Video 2K+" = video_min[qhdp] at 35.99 per 1_000
charge "Traffic"   = traffic_gb at 0.09
)").program;
  return program;
}

// Typed rows that own their texts (a reader's rows do not outlive its
// next call), with each row's account as an index.
struct TypedRows {
  std::vector<std::string> texts;
  std::vector<usage::Row> rows;
  std::vector<std::size_t> accounts;
};

TypedRows typed_rows(const Program& program, std::size_t count, std::size_t accounts) {
  TypedRows out;
  std::istringstream in(bench::usage_csv(count, accounts));
  const auto reader = usage::make_usage_reader(UsageFormat::csv, program.usage, in, "bench.csv");
  (void)reader->open();
  NoRejects rejects;
  usage::Row row;
  out.texts.reserve(count * program.usage.columns.size());
  while (reader->next(row, rejects)) {
    for (auto& field : row.fields) {
      out.texts.emplace_back(field.text);
      field.text = out.texts.back();
    }
    out.rows.push_back(row);
    const std::string_view account = row.fields[program.usage.account_column].text;
    out.accounts.push_back(std::stoul(std::string(account.substr(3))));
  }
  return out;
}

// Rows and per-account state, rated once before any timing: Google
// Benchmark calls a benchmark several times, and the set-up is done once.
// Few enough rows to stay in cache, as the reader's one reused row does.
struct WarmRecordState {
  static constexpr std::size_t kAccounts = 256;
  std::shared_ptr<const Program> program;
  TypedRows rows;
  std::vector<std::vector<MeterSlot>> meters{kAccounts};
  Frame frame;

  explicit WarmRecordState(std::shared_ptr<const Program> p)
      : program(std::move(p)), rows(typed_rows(*program, 4096, kAccounts)), frame(*program) {
    for (auto& slots : meters) slots.resize(program->meters.size());
    for (std::size_t r = 0; r < rows.rows.size(); ++r)
      (void)run_record(*program, rows.rows[r], meters[rows.accounts[r]].data(), frame, kDistinctBudget);
  }
};

void rate_rows(benchmark::State& state, WarmRecordState& warm) {
  const Program& program = *warm.program;
  std::size_t i = 0;
  for (auto _ : state) {
    auto ran = run_record(program, warm.rows.rows[i], warm.meters[warm.rows.accounts[i]].data(),
                          warm.frame, kDistinctBudget);
    benchmark::DoNotOptimize(ran);
    if (++i == warm.rows.rows.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

// Over warm state every distinct-user lookup hits; the cost of new values
// is in the end-to-end bench/run.
void BM_RecordProgramPerRow(benchmark::State& state) {
  static WarmRecordState warm(standard_program());
  rate_rows(state, warm);
}
BENCHMARK(BM_RecordProgramPerRow);

void BM_RecordProgramPerRowSumsOnly(benchmark::State& state) {
  static WarmRecordState warm(sums_only_program());
  rate_rows(state, warm);
}
BENCHMARK(BM_RecordProgramPerRowSumsOnly);

void BM_PeriodProgramPerAccount(benchmark::State& state) {
  const auto program = standard_program();
  // An account of the standard workload: some of every meter, above the
  // allowance and in the MAU tiers.
  std::vector<Decimal> account_values;
  for (const char* v : {"8000", "3000", "1200", "400", "250", "5200", "12.5"})
    account_values.push_back(*Decimal::parse(v));
  std::vector<Decimal> values = account_values;
  Frame frame(*program);
  std::vector<EmittedLine> lines;
  for (auto _ : state) {
    values = account_values;
    lines.clear();
    auto ran = run_period(*program, values, frame, lines);
    benchmark::DoNotOptimize(ran);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PeriodProgramPerAccount);

}  // namespace
}  // namespace tariff
