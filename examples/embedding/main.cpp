// A billing service in miniature: compile a scheme once, rate a usage file
// on two threads that share the compiled Program (each thread with its own
// Rater over half of the rows), merge the two, and print the invoice as
// JSON — byte for byte what `tariff invoice SCHEME --usage USAGE --format
// json` prints, because meter state merges exactly.
//
//   embedding SCHEME USAGE.csv
//
// Exit codes as the command line's: 0 ok, 1 errors in the scheme or the
// data, 2 bad arguments, 3 a refused bytecode file.
#include <tariff/tariff.h>

#include <array>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

// Rejected rows of one shard, reported after the threads are done.
class CollectRejects final : public tariff::RejectSink {
 public:
  void reject(tariff::Reject r) override { rejects.push_back(std::move(r)); }
  std::vector<tariff::Reject> rejects;
};

// The CSV split into two streams with the header line each. This example
// splits by line, so it assumes no quoted field spans lines; a service
// would shard by file, by time range or by account.
std::array<std::string, 2> split_in_halves(std::istream& in) {
  std::string header;
  std::getline(in, header);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::array<std::string, 2> halves{header + '\n', header + '\n'};
  for (std::size_t i = 0; i < lines.size(); ++i) halves[i < lines.size() / 2 ? 0 : 1] += lines[i] + '\n';
  return halves;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: embedding SCHEME USAGE.csv\n";
    return 2;
  }
  const std::string scheme_path = argv[1];
  const std::string usage_path = argv[2];

  // Compile (or load a .tfc) once; the Program is immutable and shared.
  tariff::CompileResult compiled = tariff::load_scheme_or_program(scheme_path);
  std::cerr << compiled.diagnostics.render_all();
  if (!compiled.program) return compiled.refused ? 3 : 1;

  std::ifstream usage(usage_path, std::ios::binary);
  if (!usage) {
    std::cerr << "embedding: cannot read " << usage_path << '\n';
    return 1;
  }
  const std::array<std::string, 2> halves = split_in_halves(usage);

  // One Rater per thread, both over the same Program.
  std::vector<tariff::Rater> raters;
  raters.emplace_back(compiled.program);
  raters.emplace_back(compiled.program);
  std::array<CollectRejects, 2> rejects;
  std::array<std::optional<tariff::Expected<std::monostate, tariff::RunError>>, 2> results;
  std::vector<std::thread> threads;
  for (std::size_t shard = 0; shard < 2; ++shard)
    threads.emplace_back([&, shard] {
      std::istringstream rows(halves[shard]);
      results[shard] = raters[shard].add_usage(rows, usage_path, tariff::UsageFormat::csv, rejects[shard]);
    });
  for (auto& thread : threads) thread.join();

  for (std::size_t shard = 0; shard < 2; ++shard) {
    if (!*results[shard]) {
      std::cerr << results[shard]->error().message << '\n';
      return 1;
    }
    for (const auto& r : rejects[shard].rejects)
      std::cerr << "shard " << shard + 1 << ", line " << r.line << ": rejected: " << r.reason << '\n';
  }

  // Merge the second shard into the first, then price every account.
  if (auto merged = raters[0].merge(std::move(raters[1])); !merged) {
    std::cerr << merged.error().message << '\n';
    return 1;
  }
  auto invoice = raters[0].finish();
  if (!invoice) {
    std::cerr << invoice.error().message << '\n';
    return 1;
  }
  std::cout << tariff::format_json(*invoice);
  return 0;
}
