// The `tariff` command line.
//
// Exit codes: 0 ok; 1 errors in a scheme or in usage data; 2 bad command
// line; 3 a refused file.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "tariff/tariff.h"

namespace {

constexpr int kOk = 0;
constexpr int kDataError = 1;
constexpr int kUsageError = 2;

std::string read_all(std::istream& in) {
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

tariff::CompileResult compile_path(const std::string& path) {
  if (path == "-") return tariff::compile_source("<stdin>", read_all(std::cin));
  return tariff::compile_file(path);
}

// Prints the diagnostics; the program when there were no errors.
std::shared_ptr<const tariff::Program> compile_or_report(const std::string& path) {
  auto result = compile_path(path);
  std::cerr << result.diagnostics.render_all();
  return result.program;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Reports rejected records on stderr (the first few) and, when asked, all
// of them with their original text to a CSV file.
class RejectReport final : public tariff::RejectSink {
 public:
  explicit RejectReport(std::ostream* file) : file_(file) {
    if (file_) *file_ << "file,line,reason,record\n";
  }
  void reject(tariff::Reject r) override {
    if (shown_ < kShown)
      std::cerr << fmt::format("{}:{}: rejected: {}\n", r.file, r.line, r.reason);
    ++shown_;
    if (file_)
      *file_ << fmt::format("{},{},{},{}\n", csv_field(r.file), r.line, csv_field(r.reason),
                            csv_field(r.text));
  }
  void summary() const {
    if (shown_ > kShown)
      std::cerr << fmt::format("... and {} more rejected records\n", shown_ - kShown);
  }

 private:
  static constexpr std::uint64_t kShown = 20;
  std::ostream* file_;
  std::uint64_t shown_ = 0;
};

int run_check(const std::vector<std::string>& schemes) {
  int status = kOk;
  for (const auto& path : schemes) {
    if (!compile_or_report(path)) status = kDataError;
  }
  return status;
}

int run_disasm(const std::string& scheme) {
  auto program = compile_or_report(scheme);
  if (!program) return kDataError;
  std::cout << tariff::disassembly(*program);
  return kOk;
}

int run_invoice(const std::string& scheme, const std::vector<std::string>& usage,
                const std::string& format, const std::string& rejects_path) {
  auto program = compile_or_report(scheme);
  if (!program) return kDataError;
  std::ofstream rejects_file;
  if (!rejects_path.empty()) {
    rejects_file.open(rejects_path, std::ios::binary);
    if (!rejects_file) {
      std::cerr << fmt::format("tariff: error: cannot write `{}`\n", rejects_path);
      return kDataError;
    }
  }
  RejectReport rejects(rejects_path.empty() ? nullptr : &rejects_file);
  tariff::Rater rater(program);
  for (const auto& path : usage) {
    tariff::Expected<std::monostate, tariff::RunError> added = std::monostate{};
    if (path == "-") {
      added = rater.add_csv(std::cin, "<stdin>", rejects);
    } else {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        std::cerr << fmt::format("tariff: error: cannot read `{}`\n", path);
        return kDataError;
      }
      added = rater.add_csv(in, path, rejects);
    }
    if (!added) {
      std::cerr << added.error().message << '\n';
      return kDataError;
    }
  }
  rejects.summary();
  auto invoice = rater.finish();
  if (!invoice) {
    std::cerr << invoice.error().message << '\n';
    return kDataError;
  }
  if (format == "text") std::cout << tariff::format_text(*invoice);
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Tariff: rate usage records into exact invoices with a pricing scheme."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tariff 0.1.0");

  std::vector<std::string> check_schemes;
  auto* check = app.add_subcommand("check", "Check schemes and report every error.\n"
                                            "  example: tariff check pricing.tariff");
  check->add_option("scheme", check_schemes, "Scheme files (- reads standard input)")->required();

  std::string disasm_scheme;
  auto* disasm = app.add_subcommand("disasm", "List the compiled programs of a scheme.\n"
                                              "  example: tariff disasm pricing.tariff");
  disasm->add_option("scheme", disasm_scheme, "Scheme file")->required();

  std::string invoice_scheme;
  std::vector<std::string> usage;
  std::string format = "text";
  std::string rejects_path;
  auto* invoice = app.add_subcommand(
      "invoice", "Rate usage records and print the invoice.\n"
                 "  example: tariff invoice pricing.tariff --usage march.csv --rejects bad.csv");
  invoice->add_option("scheme", invoice_scheme, "Scheme file")->required();
  invoice->add_option("--usage", usage, "Usage CSV files (- reads standard input)")->required();
  invoice->add_option("--format", format, "Output format")->check(CLI::IsMember({"text"}));
  invoice->add_option("--rejects", rejects_path, "Write rejected records to this CSV file");

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

  if (*check) return run_check(check_schemes);
  if (*disasm) return run_disasm(disasm_scheme);
  if (*invoice) return run_invoice(invoice_scheme, usage, format, rejects_path);
  return kUsageError;
}
