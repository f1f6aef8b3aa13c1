// The `tariff` command line.
//
// Exit codes: 0 ok; 1 errors in a scheme or in usage data; 2 bad command
// line; 3 a refused file.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <iostream>
#include <sstream>
#include <string_view>

#include "commands.h"
#include "tariff/tariff.h"

namespace {

using tariff::cli::kDataError;
using tariff::cli::kOk;
using tariff::cli::kRefused;
using tariff::cli::kUsageError;

std::string read_all(std::istream& in) {
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The plugins named with --plugin, loaded once before any scheme.
std::shared_ptr<const tariff::Plugins>& loaded_plugins() {
  static std::shared_ptr<const tariff::Plugins> plugins = std::make_shared<tariff::Plugins>();
  return plugins;
}

// Loads every --plugin library; a refused one ends the run with exit 3.
// Where `--plugin NAME` looks: the directories of TARIFF_PLUGIN_PATH
// (colon-separated), then `plugins/` beside the tariff executable (where
// the build puts the bundled plugins).
std::vector<std::string> plugin_search_dirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("TARIFF_PLUGIN_PATH")) {
    std::string_view rest = env;
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      if (colon != 0) dirs.emplace_back(rest.substr(0, colon));
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back((exe.parent_path() / "plugins").string());
  return dirs;
}

// A plugin is a file path (it holds a `/` or ends in `.so`) or a name.
int load_plugins(const std::vector<std::string>& paths) {
  auto plugins = std::make_shared<tariff::Plugins>();
  for (const auto& path : paths) {
    const bool is_path = path.find('/') != std::string::npos ||
                         (path.size() > 3 && path.compare(path.size() - 3, 3, ".so") == 0);
    auto loaded = is_path ? plugins->load(path) : plugins->load_by_name(path, plugin_search_dirs());
    if (!loaded) {
      std::cerr << "tariff: error: " << loaded.error() << '\n';
      return kRefused;
    }
  }
  loaded_plugins() = std::move(plugins);
  return kOk;
}

// A scheme or a bytecode file; `-` is scheme text on standard input.
tariff::CompileResult load_path(const std::string& path) {
  const tariff::Plugins* plugins = loaded_plugins().get();
  if (path == "-") return tariff::compile_source("<stdin>", read_all(std::cin), plugins);
  return tariff::load_scheme_or_program(path, plugins);
}

struct Loaded {
  std::shared_ptr<const tariff::Program> program;  // null when there were errors
  int status = kOk;                                // the exit code when null
};

// Prints the diagnostics; the program when there were no errors.
Loaded load_or_report(const std::string& path) {
  auto result = load_path(path);
  std::cerr << result.diagnostics.render_all();
  const int status = result.program ? kOk : result.refused ? kRefused : kDataError;
  return {std::move(result.program), status};
}

// Reports rejected records on stderr (the first few) and, when asked, all
// of them with their original text to a CSV file.
class RejectReport final : public tariff::RejectSink {
 public:
  // `progress` is cleared before a line is shown; `quiet` shows none.
  explicit RejectReport(std::ostream* file, tariff::cli::RunProgress* progress = nullptr,
                        bool quiet = false)
      : file_(file), progress_(progress), quiet_(quiet) {
    if (file_) *file_ << tariff::rejects_csv_header();
  }
  void reject(tariff::Reject r) override {
    if (shown_ < kShown && !quiet_) {
      if (progress_) progress_->clear();
      std::cerr << fmt::format("{}:{}: rejected: {}\n", r.file, r.line, r.reason);
    }
    ++shown_;
    if (file_) *file_ << tariff::format_reject_csv(r);
  }
  void summary() const {
    if (shown_ > kShown && !quiet_)
      std::cerr << fmt::format("... and {} more rejected records\n", shown_ - kShown);
  }

 private:
  static constexpr std::uint64_t kShown = 20;
  std::ostream* file_;
  tariff::cli::RunProgress* progress_;
  bool quiet_;
  std::uint64_t shown_ = 0;
};

// Every file is checked; the exit code is the worst (a refusal over errors).
int run_check(const std::vector<std::string>& schemes) {
  int status = kOk;
  for (const auto& path : schemes) status = std::max(status, load_or_report(path).status);
  return status;
}

// Runs the worked examples of each scheme. Ends with `N passed, M failed`;
// exit 1 when a test fails or a scheme does not compile (3 for a refused
// .tfc), 0 otherwise.
int run_test(const std::vector<std::string>& schemes) {
  int status = kOk;
  std::size_t passed = 0, failed = 0;
  for (const auto& path : schemes) {
    auto result = load_path(path);
    std::cerr << result.diagnostics.render_all();
    if (!result.program) {
      status = std::max(status, result.refused ? kRefused : kDataError);
      continue;
    }
    if (result.tests.empty()) {
      std::cout << fmt::format("{}: no tests\n", path);
      continue;
    }
    for (const auto& outcome : tariff::run_tests(result, loaded_plugins())) {
      if (outcome.passed()) {
        ++passed;
        std::cout << fmt::format("PASS {}:{}: {}\n", path, outcome.source_line, outcome.name);
        continue;
      }
      ++failed;
      status = std::max(status, kDataError);
      std::cout << fmt::format("FAIL {}:{}: {}\n", path, outcome.source_line, outcome.name);
      for (const auto& failure : outcome.failures) std::cout << fmt::format("  {}\n", failure);
    }
  }
  std::cout << fmt::format("{} passed, {} failed\n", passed, failed);
  return status;
}

int run_compile(const std::string& scheme, const std::string& out_path) {
  auto loaded = load_or_report(scheme);
  if (!loaded.program) return loaded.status;
  auto bytes = tariff::save_program(*loaded.program);
  if (!bytes) {
    std::cerr << fmt::format("tariff: error: {}\n", bytes.error());
    return kDataError;
  }
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  out.close();
  if (!out) {
    std::cerr << fmt::format("tariff: error: cannot write `{}`\n", out_path);
    return kDataError;
  }
  return kOk;
}

int run_disasm(const std::string& scheme) {
  auto loaded = load_or_report(scheme);
  if (!loaded.program) return loaded.status;
  std::cout << tariff::disassembly(*loaded.program);
  return kOk;
}

// Formats schemes: to standard output, in place (--write, only the files
// that change) or not at all (--check, for CI: names each file that is not
// in canonical form). Exit 1 for syntax errors and, with --check, for a
// file that would change.
int run_fmt(const std::vector<std::string>& schemes, bool write, bool check) {
  int status = kOk;
  for (const auto& path : schemes) {
    if (path == "-" && write) {
      std::cerr << "tariff: error: --write needs a file, not standard input\n";
      return kUsageError;
    }
    std::string text;
    if (path == "-") {
      text = read_all(std::cin);
    } else {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        std::cerr << fmt::format("tariff: error: cannot read `{}`\n", path);
        status = std::max(status, kDataError);
        continue;
      }
      text = read_all(in);
    }
    auto formatted = tariff::format_source(path == "-" ? "<stdin>" : path, text);
    if (!formatted) {
      std::cerr << formatted.error().render_all();
      status = std::max(status, kDataError);
    } else if (check) {
      if (*formatted == text) continue;
      std::cerr << fmt::format("{}: not in canonical form (tariff fmt --write {} fixes it)\n",
                               path, path);
      status = std::max(status, kDataError);
    } else if (write) {
      if (*formatted == text) continue;
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << *formatted;
      out.close();
      if (!out) {
        std::cerr << fmt::format("tariff: error: cannot write `{}`\n", path);
        status = std::max(status, kDataError);
      }
    } else {
      std::cout << *formatted;
    }
  }
  return status;
}

// Run errors carry their own location ("scheme.tariff:12:7: error: ...")
// when they have one; the others are sentences that get the tool's prefix.
void report(const tariff::RunError& error) {
  if (error.message.find(": error: ") != std::string::npos)
    std::cerr << error.message << '\n';
  else
    std::cerr << "tariff: error: " << error.message << '\n';
}

// The format of one usage file: the flag when given, else the file name;
// standard input without the flag is CSV.
std::optional<tariff::UsageFormat> usage_format(const std::string& path, const std::string& flag) {
  if (flag == "csv") return tariff::UsageFormat::csv;
  if (flag == "ndjson") return tariff::UsageFormat::ndjson;
  if (path == "-") return tariff::UsageFormat::csv;
  return tariff::format_from_path(path);
}

int run_invoice(const std::string& scheme, const std::vector<std::string>& usage,
                const std::string& usage_format_flag, const std::string& period,
                const std::string& format, const std::string& rejects_path, bool quiet, bool strict,
                const tariff::RatingLimits& limits, const tariff::cli::AccountsOptions& accounts) {
  auto loaded = load_or_report(scheme);
  if (!loaded.program) return loaded.status;
  const auto& program = loaded.program;
  std::ofstream rejects_file;
  if (!rejects_path.empty()) {
    rejects_file.open(rejects_path, std::ios::binary);
    if (!rejects_file) {
      std::cerr << fmt::format("tariff: error: cannot write `{}`\n", rejects_path);
      return kDataError;
    }
  }
  tariff::cli::RunProgress progress(quiet);
  RejectReport rejects(rejects_path.empty() ? nullptr : &rejects_file, &progress, quiet);
  tariff::Rater rater(program, loaded_plugins());
  rater.set_limits(limits);
  if (int status = tariff::cli::give_accounts(rater, *program, accounts); status != kOk) return status;
  if (!period.empty()) {
    if (auto set = rater.set_period(period); !set) {
      report(tariff::RunError{"--period: " + set.error().message});
      return kUsageError;
    }
  }
  for (const auto& path : usage) {
    const auto file_format = usage_format(path, usage_format_flag);
    if (!file_format) {
      std::cerr << fmt::format(
          "tariff: error: cannot tell the format of `{}` from its name\n"
          "hint: name it .csv or .ndjson, or say --usage-format csv|ndjson\n", path);
      return kUsageError;
    }
  }
  for (const auto& path : usage) {
    const auto file_format = *usage_format(path, usage_format_flag);
    tariff::Expected<std::monostate, tariff::RunError> added = std::monostate{};
    if (path == "-") {
      added = rater.add_usage(std::cin, "<stdin>", file_format, rejects,
                              progress.for_file("<stdin>", std::nullopt));
    } else {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        std::cerr << fmt::format("tariff: error: cannot read `{}`\n", path);
        return kDataError;
      }
      added = rater.add_usage(in, path, file_format, rejects,
                              progress.for_file(path, tariff::cli::regular_file_size(path)));
    }
    if (!added) {
      progress.clear();
      report(added.error());
      return kDataError;
    }
  }
  progress.clear();
  rejects.summary();
  auto invoice = rater.finish();
  if (!invoice) {
    report(invoice.error());
    return kDataError;
  }
  progress.summary(invoice->records);
  if (format == "json")
    std::cout << tariff::format_json(*invoice);
  else if (format == "csv")
    std::cout << tariff::format_csv(*invoice);
  else
    std::cout << tariff::format_text(*invoice);
  // The invoice is printed all the same: --strict changes the verdict, not
  // what is rated.
  if (strict && invoice->records.rejected > 0) {
    std::cerr << fmt::format("tariff: error: {} record{} rejected (--strict)\n", invoice->records.rejected,
                             invoice->records.rejected == 1 ? "" : "s");
    return kDataError;
  }
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Tariff: rate usage records into exact invoices with a pricing scheme."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tariff 0.1.0");
  // Accepted before or after the subcommand.
  app.fallthrough();
  std::vector<std::string> plugin_paths;
  // One path per --plugin, so `plot --plugin LIB SCHEME` leaves SCHEME to
  // the subcommand (a vector option would take every word that follows).
  app.add_option("--plugin", plugin_paths,
                 "Load a plugin (shared library) whose tier kinds schemes may name; repeatable.\n"
                 "A path, or a name looked up in TARIFF_PLUGIN_PATH and then plugins/ beside tariff.\n"
                 "  example: tariff invoice plan.tariff --plugin capacity_tier --usage march.csv")
      ->allow_extra_args(false);

  std::vector<std::string> check_schemes;
  auto* check = app.add_subcommand("check", "Check schemes and report every error.\n"
                                            "  example: tariff check pricing.tariff");
  check->add_option("scheme", check_schemes,
                    "Scheme or bytecode (.tfc) files (- reads a scheme from standard input)")
      ->required();

  std::vector<std::string> test_schemes;
  auto* test = app.add_subcommand("test", "Run the worked examples (`test` blocks) of schemes.\n"
                                          "  example: tariff test pricing.tariff");
  test->add_option("scheme", test_schemes, "Scheme files (- reads a scheme from standard input)")->required();

  std::string compile_scheme;
  std::string compile_out;
  auto* compile = app.add_subcommand("compile", "Compile a scheme into a bytecode file.\n"
                                                "  example: tariff compile pricing.tariff -o pricing.tfc");
  compile->add_option("scheme", compile_scheme, "Scheme file (- reads standard input)")->required();
  compile->add_option("-o,--output", compile_out, "The bytecode file to write")->required();

  std::string disasm_scheme;
  auto* disasm = app.add_subcommand("disasm", "List the compiled programs of a scheme.\n"
                                              "  example: tariff disasm pricing.tariff");
  disasm->add_option("scheme", disasm_scheme, "Scheme or bytecode (.tfc) file")->required();

  std::vector<std::string> fmt_schemes;
  bool fmt_write = false;
  bool fmt_check = false;
  auto* fmt_cmd = app.add_subcommand(
      "fmt", "Print schemes in canonical layout, comments kept (docs/language.md, Formatting).\n"
             "  example: tariff fmt pricing.tariff\n"
             "  example: tariff fmt --check examples/*/*.tariff");
  fmt_cmd->add_option("scheme", fmt_schemes, "Scheme files (- reads standard input)")->required();
  auto* fmt_write_flag =
      fmt_cmd->add_flag("--write", fmt_write, "Rewrite the files that change; print nothing");
  fmt_cmd->add_flag("--check", fmt_check, "Change nothing; exit 1 naming each file not in canonical form")
      ->excludes(fmt_write_flag);

  std::string invoice_scheme;
  std::vector<std::string> usage;
  std::string format = "text";
  std::string rejects_path;
  auto* invoice = app.add_subcommand(
      "invoice", "Rate usage records and print the invoice.\n"
                 "  example: tariff invoice pricing.tariff --usage march.csv --rejects bad.csv");
  invoice->add_option("scheme", invoice_scheme, "Scheme or bytecode (.tfc) file")->required();
  invoice->add_option("--usage", usage, "Usage files, CSV or NDJSON (- reads standard input)")
      ->required();
  std::string usage_format_flag;
  invoice->add_option("--usage-format", usage_format_flag,
                      "Format of the usage files (default: from each file's name; stdin is csv)")
      ->check(CLI::IsMember({"csv", "ndjson"}));
  std::string period;
  invoice->add_option("--period", period,
                      "Billing month to rate, e.g. 2026-03 (default: the month of the first row)");
  invoice->add_option("--format", format, "Output format")->check(CLI::IsMember({"text", "json", "csv"}));
  invoice->add_option("--rejects", rejects_path, "Write rejected records to this CSV file");
  tariff::RatingLimits limits;
  invoice->add_option("--max-distinct-values", limits.max_distinct_values,
                      fmt::format("Most distinct values a `distinct` meter keeps per account "
                                  "(default {})", limits.max_distinct_values))
      ->check(CLI::PositiveNumber);
  bool quiet = false;
  invoice->add_flag("-q,--quiet", quiet,
                    "No progress bar, summary line or rejected-record lines on stderr");
  bool strict = false;
  invoice->add_flag("--strict", strict, "Exit 1 when any record is rejected (the invoice is still printed)");
  tariff::cli::AccountsOptions accounts;
  tariff::cli::add_accounts_options(*invoice, accounts);

  tariff::cli::CompareOptions compare_options;
  auto* compare = tariff::cli::add_compare_command(app, compare_options);
  tariff::cli::PlotOptions plot_options;
  auto* plot = tariff::cli::add_plot_command(app, plot_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsageError;
  }

  if (int status = load_plugins(plugin_paths); status != kOk) return status;
  compare_options.plugins = plot_options.plugins = loaded_plugins();
  if (*check) return run_check(check_schemes);
  if (*test) return run_test(test_schemes);
  if (*compile) return run_compile(compile_scheme, compile_out);
  if (*disasm) return run_disasm(disasm_scheme);
  if (*fmt_cmd) return run_fmt(fmt_schemes, fmt_write, fmt_check);
  if (*invoice)
    return run_invoice(invoice_scheme, usage, usage_format_flag, period, format, rejects_path, quiet, strict,
                       limits, accounts);
  if (*compare) return tariff::cli::run_compare(compare_options);
  if (*plot) return tariff::cli::run_plot(plot_options);
  return kUsageError;
}
