// The Tariff library: compile a scheme once into an immutable Program,
// rate usage with a Rater per run, and get invoices as values.
//
//   auto compiled = tariff::compile_file("scheme.tariff");
//   if (!compiled.program) { std::cerr << compiled.diagnostics.render_all(); ... }
//   tariff::Rater rater(compiled.program);
//   rater.add_usage(usage_stream, "usage.csv", tariff::UsageFormat::csv, rejects);
//   auto invoice = rater.finish();
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tariff/accounts.h"
#include "tariff/decimal.h"
#include "tariff/diagnostic.h"
#include "tariff/expected.h"
#include "tariff/records.h"
#include "tariff/tier_share.h"

namespace tariff {

// A compiled, verified scheme. Immutable: share it across threads.
struct Program;

class PluginRegistry;

// Plugins loaded from shared libraries (the C ABI of tariff/plugin.h;
// docs/plugins.md): tier kinds schemes can name. Load at start-up, on one
// thread; then share (read-only) with compilers and raters.
class Plugins {
 public:
  Plugins();
  ~Plugins();
  Plugins(Plugins&&) noexcept;
  Plugins& operator=(Plugins&&) noexcept;
  // "PATH: refused: REASON" when the library is not a usable plugin.
  Expected<std::monostate, std::string> load(const std::string& path);
  // By name: the first DIR/lib<name>.so or DIR/<name>.so over the
  // directories in order; the error lists every file looked for.
  Expected<std::monostate, std::string> load_by_name(const std::string& name,
                                                     const std::vector<std::string>& search_dirs);
  std::vector<std::string> tier_kind_names() const;
  const PluginRegistry& registry() const noexcept { return *registry_; }

 private:
  std::unique_ptr<PluginRegistry> registry_;
};

// A worked example written in a scheme (`test "name" { ... }`;
// docs/language.md, "Tests"): records or meter values in, expected
// invoice lines and total out. Tests stay with the source: a .tfc file
// has none.
struct SchemeTest {
  struct Expectation {
    std::string line;  // a charge or adjustment name; empty: the total
    Decimal amount;
    std::uint32_t source_line = 0;
  };
  std::string name;
  std::uint32_t source_line = 0;
  // The records as CSV with the usage block's columns as header; empty
  // when the test gives meter values instead.
  std::string records_csv;
  std::vector<std::pair<std::string, Decimal>> meters;  // name -> value; others 0
  std::string account;       // the account rated: the records', or "test"
  // The account's subscription, as an accounts file (header included);
  // empty when the test gives none.
  std::string accounts_csv;
  std::string period;        // `period "2026-03"`; empty: from the records
  std::vector<Expectation> expectations;
};

struct CompileResult {
  std::shared_ptr<const Program> program;  // null when there are errors
  Diagnostics diagnostics;                 // errors and warnings
  std::vector<SchemeTest> tests;           // from the source; none from a .tfc
  // A bytecode file was refused (corrupt, another format version, failed
  // verification): the CLI's exit code 3 rather than 1.
  bool refused = false;
};

// `plugins` are the loaded plugins whose tier kinds the scheme may name;
// an unknown kind is an error listing the known ones.
CompileResult compile_source(std::string name, std::string text, const Plugins* plugins = nullptr);
// The canonical layout of a scheme (`tariff fmt`; docs/language.md,
// "Formatting"), comments kept. Text with syntax errors is refused with
// its diagnostics; `name` is the file name they carry.
Expected<std::string, Diagnostics> format_source(std::string name, std::string text);
// Reads the file (a diagnostic without a location when it cannot be read).
CompileResult compile_file(const std::string& path, const Plugins* plugins = nullptr);

// Compiled programs as bytecode files (.tfc; docs/bytecode.md). Loading
// checks every byte and verifies the program, so a file from anywhere is
// safe to load; a refusal is one diagnostic without a location,
// "FILE: refused: REASON", with `refused` set.
Expected<std::string, std::string> save_program(const Program& program);
// A program whose tier kinds no loaded plugin defines is refused too.
CompileResult load_program_file(const std::string& path, const Plugins* plugins = nullptr);
// By content, not by name: a file starting with the bytecode magic is
// loaded as bytecode, as is any file named *.tfc (so one without the magic
// is refused); anything else is compiled as a scheme.
CompileResult load_scheme_or_program(const std::string& path, const Plugins* plugins = nullptr);
// The same choice for bytes already read (a scheme sent to another
// machine): `name` stands for the file in diagnostics and runtime errors.
CompileResult load_scheme_or_program_bytes(const std::string& name, std::string bytes,
                                           const Plugins* plugins = nullptr);

// What running one SchemeTest found: nothing when it passed, otherwise
// one entry per failed expectation (expected vs actual, the line's
// explanation indented below) or per rejected record.
struct TestOutcome {
  std::string name;
  std::uint32_t source_line = 0;
  std::vector<std::string> failures;
  bool passed() const noexcept { return failures.empty(); }
};
std::vector<TestOutcome> run_tests(const CompileResult& compiled,
                                   std::shared_ptr<const Plugins> plugins = nullptr);

// The program listing: pc, opcode, operands, semantics, source line.
std::string disassembly(const Program& program);


struct InvoiceLine {
  std::string charge;
  Decimal quantity;
  Decimal exact_amount;  // before rounding to the currency
  Decimal amount;        // as billed
  std::vector<std::string> explain;
  // A tier-table charge's rows reached, in order (its explanation lists
  // them too); wallets say which tiers they paid (billing-engines.md V44).
  std::vector<TierShare> tiers;
};

// What the invoice does after the charge lines: a minimum commitment's
// true-up, a cap, an SLA credit, a discount, a tax, or what a prepaid
// wallet paid.
struct Adjustment {
  std::string kind;  // "minimum", "cap", "credit", "discount", "tax" or "prepaid"
  std::string name;
  Decimal base;      // the charges it was computed on (a wallet: what its lines came to)
  Decimal amount;    // added to the total (a cap, discount or wallet is negative)
  bool included = false;  // a tax inside the prices: shown, not added
  std::vector<std::string> explain;
};

// A package purchase that counted in the period: its units at the
// period's start (or when bought), what the period used, what is left for
// the next one (its `=UNITS` in the next accounts file).
struct PackageBalance {
  std::string package;
  std::string bought;   // YYYY-MM-DD
  std::string expires;  // the last day it is valid
  Decimal start;
  Decimal used;
  Decimal left;
};

// A prepaid wallet the accounts file gives the account a balance in: the
// balance available to the period, what the invoice used, what is left
// for the next one (its `NAME=AMOUNT` in the next accounts file).
struct WalletBalance {
  std::string wallet;
  Decimal start;
  Decimal used;
  Decimal left;
};

struct AccountInvoice {
  std::string account;
  // The account's own period when it has one (`period anniversary
  // month`); empty: the invoice's.
  std::string period_start;
  std::string period_end;
  std::vector<InvoiceLine> lines;
  std::vector<Adjustment> adjustments;
  std::vector<PackageBalance> packages;  // earliest expiry first
  std::vector<WalletBalance> wallets;    // in the order the scheme draws them
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

// How far Rater::add_usage has read one stream, reported every few
// thousand records (for progress bars; never needed for a result).
struct UsageProgress {
  std::uint64_t records = 0;          // records read so far from this stream
  std::optional<std::uint64_t> bytes;  // bytes read so far, when the stream can tell (not a pipe)
};
using UsageProgressCallback = std::function<void(const UsageProgress&)>;

// Budgets a rating run holds to, so that no usage can make it keep
// unbounded state (docs/reliability.md). Going over one stops the run with
// an error naming the meter's declaration in the scheme and the account.
struct RatingLimits {
  // Distinct values a `distinct` meter keeps for one account, counted over
  // all of its windows. Each stays in memory until the period ends: 64
  // bytes for a short id, 124 for a UUID, so 10 million is 0.6 to 1.2 GB.
  std::uint64_t max_distinct_values = 10'000'000;
};

// ---- Rating in parts, on several machines (docs/scale-out.md) ----------

// The records of one usage file that go to one partition, as a usage file
// of their own, each record keeping the line it starts on in the original,
// so rejects and errors name the original place.
struct UsagePartition {
  std::string file;  // the original file's name, as rejects name it
  UsageFormat format = UsageFormat::csv;
  // CSV: the original header line, then the records; NDJSON: the records.
  // Each record ends with "\n".
  std::string text;
  // (line in `text`, line in the original file) for every record, increasing.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> lines;
  // Records the usage reader refused (bad fields, too long, bad UTF-8 ...),
  // with their reasons; they are counted when the partition is rated.
  std::vector<Reject> rejects;
};

// Splits a usage file into `partitions` parts by a hash of the account id
// (FNV-1a, the same on every machine), so each account is rated in one
// part. Records the reader refuses go to part 0 as rejects. A bad header or
// an unreadable stream fails with the CLI's message.
Expected<std::vector<UsagePartition>, RunError> partition_usage(const Program& program,
                                                                std::istream& in,
                                                                const std::string& name,
                                                                UsageFormat format,
                                                                std::uint32_t partitions);

// One rating run. Not thread-safe; use one Rater per thread and merge.
class Rater {
 public:
  // `plugins` price the tier kinds the program names from plugins.
  explicit Rater(std::shared_ptr<const Program> program,
                 std::shared_ptr<const Plugins> plugins = nullptr);
  ~Rater();
  Rater(Rater&&) noexcept;
  Rater& operator=(Rater&&) noexcept;

  // The billing period to rate, a month such as "2026-03", for schemes
  // that declare `period calendar month`. Without it the period is the
  // month of the first record, and rows from other months make finish()
  // fail (so the outcome never depends on the order of the rows).
  Expected<std::monostate, RunError> set_period(std::string_view month);
  // Replaces the default budgets; they apply to add_usage and merge.
  void set_limits(const RatingLimits& limits);
  // Each account's subscription (tariff/accounts.h): editions, modules,
  // seats and packages are billed from it, and every account it lists as
  // subscribed during the period is invoiced, with usage or without. Usage
  // of an account it does not list is rejected, or rated with no
  // subscription, as `unknown` says. Call before add_usage.
  void set_accounts(std::shared_ptr<const Accounts> accounts, UnknownAccounts unknown = UnknownAccounts::reject);
  // Rates every record of a usage stream (CSV or NDJSON). Bad records go
  // to `rejects` and the run goes on; a bad header or an arithmetic error
  // stops it. `progress`, when given, is called every few thousand
  // records from this thread.
  Expected<std::monostate, RunError> add_usage(std::istream& in, const std::string& name,
                                               UsageFormat format, RejectSink& rejects,
                                               const UsageProgressCallback& progress = {});
  // Rates one part of a usage file (partition_usage): its rejects first,
  // then its records, both reported with their lines in the original file.
  Expected<std::monostate, RunError> add_partition(const UsagePartition& partition,
                                                   RejectSink& rejects);
  // Adds another rater's state (same program) to this one.
  Expected<std::monostate, RunError> merge(Rater&& other);
  // The state so far as bytes (counts, period, every account's meters), to
  // send to another process and load there; docs/scale-out.md.
  Expected<std::string, RunError> save_state() const;
  // A rater with a saved state, for the same program (checked by its
  // fingerprint). Corrupt, truncated or foreign bytes are refused with the
  // reason. The limits are the defaults; set_limits applies to later merges.
  static Expected<Rater, RunError> load_state(std::shared_ptr<const Program> program,
                                              std::string_view bytes,
                                              std::shared_ptr<const Plugins> plugins = nullptr);
  // Runs the period program for every account and assembles the invoice.
  // The meter state stays as it was: a finished rater can still be merged
  // into another.
  Expected<Invoice, RunError> finish();

 private:
  struct State;
  class OriginalLines;
  Expected<std::monostate, RunError> rate_stream(std::istream& in, const std::string& name,
                                                 UsageFormat format, RejectSink& rejects,
                                                 const UsageProgressCallback& progress,
                                                 OriginalLines* original);
  std::unique_ptr<State> state_;
};

// The names of the program's charges, in invoice order.
std::vector<std::string> charge_names(const Program& program);

// What one charge bills when its meter's value is `quantity` and every
// other meter is 0: the line's exact amount and its amount as billed.
// For price curves and what-if questions about a single charge. A charge
// priced by a plugin's tier kind varies its first meter and needs
// `plugins` to define the kind. Fails for an unknown charge, one that
// prices no meter (a flat fee), a tier kind no loaded plugin defines (the
// message names it and the loaded kinds) or a plugin's own failure.
struct ChargePrice {
  Decimal exact_amount;
  Decimal amount;
  std::vector<std::string> explain;
};
Expected<ChargePrice, RunError> price_of_charge(const Program& program, std::string_view charge,
                                                Decimal quantity, const Plugins* plugins = nullptr);

// Invoice writers: text for people; JSON with amounts as decimal strings;
// CSV with one row per line.
std::string format_text(const Invoice& invoice);
std::string format_json(const Invoice& invoice);
std::string format_csv(const Invoice& invoice);
// `text` as a JSON string literal, quotes included, as format_json writes
// every string: control characters escaped, other bytes (UTF-8) as they are.
std::string json_quote(std::string_view text);

// The rejects file: a header line, then one CSV row per rejected record
// with its file, line, reason and original text.
std::string rejects_csv_header();
std::string format_reject_csv(const Reject& reject);

// ---- Comparing invoices of the same usage (`tariff compare`) ----------

// What one account, or the total, costs under one of the compared invoices.
struct SchemeCost {
  Decimal amount;      // as billed, at the currency's minor digits; 0 when not billed
  Decimal difference;  // amount minus the cheapest amount: 0 for the cheapest
  bool billed = false; // the invoice bills the account (for the total: always)
};

struct CostRow {
  std::string account;            // empty for the total
  std::vector<SchemeCost> costs;  // one per invoice, in the order given
  std::size_t cheapest = 0;       // the first invoice with the lowest amount
};

struct Comparison {
  std::string currency;
  std::uint8_t minor_digits = 2;
  std::vector<CostRow> accounts;  // every account any invoice bills, bytewise by id
  CostRow total;
};

// The same usage rated under several schemes (or editions), in the order
// given: per account and in total what each charges, and the difference to
// the cheapest. Fails when the invoices are not all in one currency.
Expected<Comparison, RunError> compare_invoices(const std::vector<Invoice>& invoices);

// One account's amount under the old and the new version of a scheme.
struct AccountChange {
  std::string account;             // empty for the total
  Decimal before;                  // as billed; 0 when not billed
  Decimal after;
  Decimal change;                  // after - before
  // change / before x 100, computed exactly and rounded half up to 2
  // places; none when `before` is 0.
  std::optional<Decimal> percent;
};

struct WhatIf {
  std::string currency;
  std::uint8_t minor_digits = 2;
  std::vector<AccountChange> more;  // pay more: the largest increase first, ties bytewise by id
  std::vector<AccountChange> less;  // pay less: the largest decrease first, ties bytewise by id
  std::uint64_t unchanged = 0;      // accounts that pay the same
  AccountChange total;
};

// What changes for each account when `after` (the new version) replaces
// `before`. Fails when the currencies differ.
Expected<WhatIf, RunError> what_if(const Invoice& before, const Invoice& after);

// ---- Price curves (`tariff plot`) ---------------------------------------

// The upper bounds of a graduated or volume charge's tier rows, increasing;
// empty for a charge without tiers, and for a plugin's tier kind (the ABI
// gives its table as plain cells whose meaning only the plugin knows).
// Fails for an unknown charge.
Expected<std::vector<Decimal>, RunError> tier_boundaries(const Program& program,
                                                         std::string_view charge);

struct CurvePoint {
  Decimal quantity;
  Decimal exact_amount;
  Decimal amount;  // as billed (price_of_charge)
};

// The price per unit over (from, to]: the exact amount's change divided by
// the quantity's, 12 places.
struct MarginalStep {
  Decimal from;
  Decimal to;
  Decimal price;
};

struct PriceCurve {
  std::string scheme;
  std::string version;
  std::string currency;
  std::string charge;
  std::string meter;                 // the meter the charge prices
  Decimal from;
  Decimal to;
  std::vector<Decimal> boundaries;   // tier bounds within [from, to]
  // Increasing quantities: `steps` + 1 evenly spaced ones, every boundary
  // b, and just above it (b + 10^-k), so kinks and jumps fall on points.
  std::vector<CurvePoint> points;
  // Between consecutive points, except across a boundary (b, b + 10^-k].
  std::vector<MarginalStep> marginal;
};

// Prices `charge` at quantities from `from` to `to` (from < to; 1 to
// 10,000 steps) with price_of_charge, so `plugins` as there. Fails as
// price_of_charge does.
Expected<PriceCurve, RunError> price_curve(const Program& program, std::string_view charge,
                                           Decimal from, Decimal to, std::uint32_t steps,
                                           const Plugins* plugins = nullptr);

// The curve as a standalone SVG image: quantity across, the total price
// (left axis) and the marginal price per unit (right axis), and a dashed
// vertical line (class "tier-boundary") at each tier boundary.
Expected<std::string, RunError> format_price_curve_svg(const PriceCurve& curve);

}  // namespace tariff
