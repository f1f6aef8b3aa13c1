// The Tariff library: compile a scheme once into an immutable Program,
// rate usage with a Rater per run, and get invoices as values.
//
//   auto compiled = tariff::compile_file("scheme.tariff");
//   if (!compiled.program) { std::cerr << compiled.diagnostics.render_all(); ... }
//   tariff::Rater rater(compiled.program);
//   rater.add_usage(usage_stream, "usage.csv", tariff::UsageFormat::csv, rejects);
//   auto invoice = rater.finish();
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "tariff/decimal.h"
#include "tariff/diagnostic.h"
#include "tariff/expected.h"
#include "tariff/records.h"

namespace tariff {

// A compiled, verified scheme. Immutable: share it across threads.
struct Program;

struct CompileResult {
  std::shared_ptr<const Program> program;  // null when there are errors
  Diagnostics diagnostics;                 // errors and warnings
  // A bytecode file was refused (corrupt, another format version, failed
  // verification): the CLI's exit code 3 rather than 1.
  bool refused = false;
};

CompileResult compile_source(std::string name, std::string text);
// Reads the file (a diagnostic without a location when it cannot be read).
CompileResult compile_file(const std::string& path);

// Compiled programs as bytecode files (.tfc; docs/bytecode.md). Loading
// checks every byte and verifies the program, so a file from anywhere is
// safe to load; a refusal is one diagnostic without a location,
// "FILE: refused: REASON", with `refused` set.
Expected<std::string, std::string> save_program(const Program& program);
CompileResult load_program_file(const std::string& path);
// By content, not by name: a file starting with the bytecode magic is
// loaded as bytecode, as is any file named *.tfc (so one without the magic
// is refused); anything else is compiled as a scheme.
CompileResult load_scheme_or_program(const std::string& path);

// The program listing: pc, opcode, operands, semantics, source line.
std::string disassembly(const Program& program);


struct InvoiceLine {
  std::string charge;
  Decimal quantity;
  Decimal exact_amount;  // before rounding to the currency
  Decimal amount;        // as billed
  std::vector<std::string> explain;
};

struct AccountInvoice {
  std::string account;
  std::vector<InvoiceLine> lines;
  Decimal total;
};

struct Invoice {
  std::string scheme;
  std::string version;
  std::string currency;
  std::uint8_t minor_digits = 2;
  // The billing period, ISO 8601 with the scheme's zone; empty when the
  // scheme declares no period.
  std::string period_start;
  std::string period_end;
  std::vector<AccountInvoice> accounts;  // ordered by account id (bytewise)
  Decimal total;
  ReadCounts records;
};

// A failure that stops a run: an unreadable usage file or header, or an
// arithmetic error (overflow) at a place in the scheme.
struct RunError {
  std::string message;  // complete, e.g. "scheme.tariff:12:7: error: ..."
};

// One rating run. Not thread-safe; use one Rater per thread and merge.
class Rater {
 public:
  explicit Rater(std::shared_ptr<const Program> program);
  ~Rater();
  Rater(Rater&&) noexcept;
  Rater& operator=(Rater&&) noexcept;

  // The billing period to rate, a month such as "2026-03", for schemes
  // that declare `period calendar month`. Without it the period is the
  // month of the first record, and rows from other months make finish()
  // fail (so the outcome never depends on the order of the rows).
  Expected<std::monostate, RunError> set_period(std::string_view month);
  // Rates every record of a usage stream (CSV or NDJSON). Bad records go
  // to `rejects` and the run goes on; a bad header or an arithmetic error
  // stops it.
  Expected<std::monostate, RunError> add_usage(std::istream& in, const std::string& name,
                                               UsageFormat format, RejectSink& rejects);
  // Adds another rater's state (same program) to this one.
  Expected<std::monostate, RunError> merge(Rater&& other);
  // Runs the period program for every account and assembles the invoice.
  Expected<Invoice, RunError> finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The names of the program's charges, in invoice order.
std::vector<std::string> charge_names(const Program& program);

// What one charge bills when its meter's value is `quantity` and every
// other meter is 0: the line's exact amount and its amount as billed.
// For price curves and what-if questions about a single charge. Fails for
// an unknown charge or one that prices no meter (a flat fee).
struct ChargePrice {
  Decimal exact_amount;
  Decimal amount;
  std::vector<std::string> explain;
};
Expected<ChargePrice, RunError> price_of_charge(const Program& program, std::string_view charge,
                                                Decimal quantity);

// Invoice writers: text for people; JSON with amounts as decimal strings;
// CSV with one row per line.
std::string format_text(const Invoice& invoice);
std::string format_json(const Invoice& invoice);
std::string format_csv(const Invoice& invoice);

// The rejects file: a header line, then one CSV row per rejected record
// with its file, line, reason and original text.
std::string rejects_csv_header();
std::string format_reject_csv(const Reject& reject);

}  // namespace tariff
