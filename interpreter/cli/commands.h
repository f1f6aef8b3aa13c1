// Subcommands of the `tariff` command line that live outside main.cpp:
// each adds itself to the app and runs from the options it filled in.
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tariff/tariff.h"

namespace tariff::cli {

// Exit codes (docs/cli.md): ok; errors in a scheme or in usage data; a bad
// command line; a refused file.
inline constexpr int kOk = 0;
inline constexpr int kDataError = 1;
inline constexpr int kUsageError = 2;
inline constexpr int kRefused = 3;

// `--accounts FILE [--unknown-accounts reject|rate]`, for invoice and compare.
struct AccountsOptions {
  std::string path;
  std::string unknown = "reject";
};
void add_accounts_options(CLI::App& command, AccountsOptions& options);
// Reads the accounts file (if one was given) against `program` and gives
// it to `rater`: kOk, or, with every problem printed to stderr (and
// `read_for`, when given, named as the scheme it was read for), kUsageError
// for a file whose format its name does not tell and kDataError otherwise.
int give_accounts(Rater& rater, const Program& program, const AccountsOptions& options,
                  const std::string& read_for = {});

// `tariff compare SCHEME… --usage FILE…` and `--what-if OLD NEW`.
struct CompareOptions {
  std::vector<std::string> schemes;
  std::vector<std::string> what_if;  // OLD NEW
  std::vector<std::string> usage;
  std::string usage_format;
  std::string period;
  std::string format = "text";
  AccountsOptions accounts;
  std::shared_ptr<const Plugins> plugins;  // from --plugin
};
CLI::App* add_compare_command(CLI::App& app, CompareOptions& options);
int run_compare(const CompareOptions& options);

// `tariff plot SCHEME --charge NAME --from A --to B [--steps N] -o FILE`.
struct PlotOptions {
  std::string scheme;
  std::string charge;
  std::string from;
  std::string to;
  std::uint32_t steps = 100;
  std::string output;
  std::shared_ptr<const Plugins> plugins;  // from --plugin
};
CLI::App* add_plot_command(CLI::App& app, PlotOptions& options);
int run_plot(const PlotOptions& options);

// Progress of `tariff invoice` on stderr: a bar (records per second and the
// share of the current file read) only when stderr is a terminal, redrawn at
// most 10 times a second; then one summary line. `quiet` shows neither.
class RunProgress {
 public:
  explicit RunProgress(bool quiet);
  // The callback for Rater::add_usage over one file; `size` in bytes when
  // known (a regular file).
  UsageProgressCallback for_file(const std::string& name, std::optional<std::uint64_t> size);
  // Erases the bar, so another line can be printed; it comes back at the
  // next update.
  void clear();
  // "rated N records (A accepted, R rejected) in X.Y s".
  void summary(const ReadCounts& counts);

 private:
  void draw(const std::string& name, std::optional<std::uint64_t> size, const UsageProgress& now);

  bool quiet_;
  bool bar_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::uint64_t records_before_ = 0;  // records of the files before the current one
  std::uint64_t records_in_file_ = 0;
};

// The size of a regular file, for the percentage.
std::optional<std::uint64_t> regular_file_size(const std::string& path);

}  // namespace tariff::cli
