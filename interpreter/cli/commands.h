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

// `--accounts FILE [--unknown-accounts reject|rate]`, for invoice and compare.
struct AccountsOptions {
  std::string path;
  std::string unknown = "reject";
};
void add_accounts_options(CLI::App& command, AccountsOptions& options);
// The accounts file read against one program. The error is the complete
// message for stderr; it starts "tariff: error: cannot tell" when the
// file's format cannot be told from its name (a command-line error).
Expected<Accounts, std::string> read_accounts_file(const Program& program, const std::string& path);
std::shared_ptr<const Accounts> shared_accounts(Accounts&& accounts);
UnknownAccounts unknown_accounts(const AccountsOptions& options);

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
