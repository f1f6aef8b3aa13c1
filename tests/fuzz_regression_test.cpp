// Inputs the fuzzers once crashed on, replayed through the very code the
// harnesses run (fuzz/targets.h): every file in fuzz-regressions/TARGET/
// must now end in a result or a refusal. Each file runs in a child process,
// so one crash names its file and the others still run. Under
// `scripts/test --sanitize` a sanitizer report (a leak included) fails the
// case too; the plain build only catches what crashes without one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../fuzz/targets.h"

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> regression_files(const std::string& target) {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(TARIFF_FUZZ_REGRESSIONS) / target;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().filename().string().front() != '.')
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

using Run = void (*)(const std::uint8_t*, std::size_t);

void replay_all(const std::string& target, Run run) {
  const auto files = regression_files(target);
  if (files.empty()) GTEST_SKIP() << "no inputs in fuzz-regressions/" << target;
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    const std::vector<std::uint8_t> bytes = read_bytes(file);
    EXPECT_EXIT(
        {
          run(bytes.data(), bytes.size());
          std::exit(0);
        },
        ::testing::ExitedWithCode(0), "")
        << "fuzz target " << target << " still fails on " << file;
  }
}

void run_usage_csv(const std::uint8_t* data, std::size_t size) {
  tariff::fuzz::run_usage(data, size, tariff::UsageFormat::csv);
}

void run_usage_ndjson(const std::uint8_t* data, std::size_t size) {
  tariff::fuzz::run_usage(data, size, tariff::UsageFormat::ndjson);
}

TEST(FuzzRegression, Scheme) { replay_all("scheme", tariff::fuzz::run_scheme); }
TEST(FuzzRegression, Bytecode) { replay_all("bytecode", tariff::fuzz::run_bytecode); }
TEST(FuzzRegression, UsageCsv) { replay_all("usage_csv", run_usage_csv); }
TEST(FuzzRegression, UsageNdjson) { replay_all("usage_ndjson", run_usage_ndjson); }

}  // namespace
