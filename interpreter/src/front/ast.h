// The abstract syntax tree of a scheme: our own types with source ranges.
// Built from the parse tree, which is dropped afterwards; the checker fills
// in the `type` and `resolved` slots; the compiler reads the result.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tariff/decimal.h"
#include "tariff/diagnostic.h"

namespace tariff::ast {

// What the checker decides an expression is.
enum class Type : std::uint8_t { unknown, number, boolean, text };

enum class ExprKind : std::uint8_t {
  number,   // 12.50 or 15% (stored as 0.15)
  string,   // "audio"
  boolean,  // true / false
  name,     // a usage column
  call,     // ceil(x), min(a, b), ...
  negate,
  logical_not,
  binary,
  conditional,  // if a then b else c
};

enum class BinaryOp : std::uint8_t { add, subtract, multiply, divide, eq, ne, lt, le, gt, ge, logical_and, logical_or };

struct Expr {
  ExprKind kind = ExprKind::number;
  SourceRange range;
  Decimal number;          // number
  std::string text;        // string value, name, or callee
  bool boolean = false;    // boolean
  BinaryOp op = BinaryOp::add;
  std::vector<std::unique_ptr<Expr>> operands;

  // Filled by the checker.
  Type type = Type::unknown;
  std::uint32_t resolved = 0;  // name: usage column index
};
using ExprPtr = std::unique_ptr<Expr>;

// A name and where it was written.
struct Named {
  std::string text;
  SourceRange range;
};

struct Column {
  std::string name;
  SourceRange range;
  std::string type_name;
  SourceRange type_range;
  bool optional = false;
  ExprPtr default_value;  // a literal
  std::optional<Named> one_word;  // `one` of `one of "a", "b"`
  std::vector<Named> one_of;      // the values a record may have; empty: any
};

// `, seconds -> minutes rounded up per day`
struct Conversion {
  SourceRange range;
  Named from;
  Named to;
  std::optional<Named> direction;  // up, down, nearest
  std::optional<Named> stage;      // day, period
};

// What a meter aggregates: `sum quantity where ...`, or a window over an
// inner body: `max over days of (distinct user where ...)`.
struct MeterBody {
  std::string aggregate;
  SourceRange aggregate_range;
  ExprPtr argument;  // may be null (count)
  ExprPtr filter;    // may be null
  std::optional<Named> window;  // `days` or a column name
  std::unique_ptr<MeterBody> inner;
  std::optional<Conversion> conversion;
  std::optional<Named> group_class;  // `by resolution`: one meter per band
};

struct Meter {
  std::string name;
  SourceRange range;  // the name
  MeterBody body;
};

// `class resolution(pixels) { hd <= 921_600 ... uhd otherwise }`
struct Band {
  Named name;
  std::optional<Decimal> bound;  // none: `otherwise`
  SourceRange range;
};

struct ClassDecl {
  Named name;
  Named input;  // the numeric column classified
  std::vector<Band> bands;
  SourceRange range;
};

// A meter an allowance draws from, with its ratio.
struct Draw {
  Named meter;  // "audio_min" or "video_min[hd]"
  Decimal ratio = Decimal::from_int(1);
  SourceRange range;
};

// `package minutes = 250_000 for 227.00, valid 1 month draws ...`: an
// allowance an account buys (the accounts file lists the purchases).
struct PackageTerms {
  Named for_word;  // `for`
  Decimal price;
  SourceRange price_range;
  Named valid_word;  // `valid`
  Decimal validity;
  Named validity_unit;  // day(s), month(s), year(s)
  SourceRange validity_range;
};

// `allowance free_minutes = 10_000 per period draws audio_min, video_min[hd] * 4`
struct Allowance {
  Named name;
  Decimal amount;
  Named period;  // `period`; unset for a package
  std::vector<Draw> draws;
  SourceRange range;
  std::optional<PackageTerms> package;
};

// `edition pro { ... }` or `module recording { ... }`: what an account's
// subscription brings it (docs/language.md, "Subscriptions").
enum class PlanKind : std::uint8_t { edition, module };

// `fee 699.00 monthly`, `seat 8.00 annual`
struct PlanPrice {
  Named word;
  Decimal amount;
  Named cycle;
  SourceRange range;
};

// `annual discount 15%`, `includes free_mau 10_000`, `minimum seats 10`
struct PlanAmount {
  Named word;
  Named target;
  Decimal amount;
  SourceRange amount_range;
  SourceRange range;
};

struct Plan {
  PlanKind kind = PlanKind::edition;
  Named name;
  std::vector<PlanPrice> prices;
  std::vector<PlanAmount> amounts;
  std::vector<Named> switches;  // `whole months`: the words joined by a space
  SourceRange range;

  // Filled by the checker.
  std::vector<std::pair<std::uint32_t, Decimal>> includes;  // allowance index, amount
};

// flat ... plugin are written as charges; `subscription` lines are made by
// the AST builder for a plan's fee or seats or a package's purchases.
enum class ChargeKind : std::uint8_t { flat, per_unit, graduated, volume, band, blocks, percentage, plugin, subscription };
enum class SubscriptionPart : std::uint8_t { fee, seats, package };

// How a tier row says where it ends.
enum class TierBound : std::uint8_t { first, next, up_to, above };

struct Tier {
  SourceRange range;
  TierBound bound = TierBound::above;
  Decimal limit;  // first/next: the width; up_to: the upper bound
  bool free = false;
  std::optional<Decimal> price;
  std::optional<Decimal> unit;  // `per 1_000`
  std::optional<Decimal> fee;   // flat fee of the tier
  SourceRange price_range;

  // Filled by the checker: the cumulative upper bound (none for `above`).
  std::optional<Decimal> upper;
};

struct Charge {
  std::string name;
  SourceRange range;  // the name
  ChargeKind kind = ChargeKind::flat;
  ExprPtr amount;  // flat: the fee
  std::string meter;  // per_unit
  SourceRange meter_range;
  std::vector<Named> after;  // allowances drawn before the charge
  // plugin: `capacity(peak_users, peak_rooms) with p = 1 { (100, 1_000, 10) }`
  Named plugin_kind;
  std::vector<Named> plugin_meters;
  std::vector<std::pair<Named, Decimal>> plugin_params;
  std::vector<std::vector<Decimal>> plugin_rows;
  std::vector<std::uint32_t> plugin_meter_indexes;  // filled by the checker
  ExprPtr price;  // per_unit
  ExprPtr unit;   // per_unit: `per 1_000`; null means per 1
  std::vector<Tier> tiers;  // graduated, volume, band; blocks: one `above` row
  SourceRange tiers_range;  // the table's braces
  // `by started block` / `by whole block`; band and blocks default to started.
  std::optional<Named> block_which;
  std::optional<Named> block_unit;
  std::optional<Named> if_used;  // `if used`: the word after `if`
  // `per window`: each group of the meter's outermost window priced on its
  // own, the amounts summed (billing-engines.md V31).
  std::optional<Named> per_window;
  // `graduated seats prorated { … }`: each record's value counts for the
  // part of the period left from its day (billing-engines.md V32, V33).
  std::optional<Named> prorated;
  // percentage: `2.99% of amount where ..., plus 0.30, min 1.75, max 12`,
  // a fee per record summed over the period.
  Decimal rate;  // 0.0299
  ExprPtr value;
  ExprPtr filter;
  std::vector<std::pair<Named, Decimal>> percent_options;  // plus, min, max
  // `free 3 transactions`, `free 250.00 of value`: the unit word and the
  // amount (billing-engines.md V25, V26).
  std::vector<std::pair<Named, Decimal>> free_terms;
  // Written inside an edition or module: billed only to accounts holding it.
  // For a subscription line: the plan (or package) it bills.
  std::optional<Named> plan;
  SubscriptionPart part = SubscriptionPart::fee;
  std::string doc;  // `## ...` lines above it: what the line is, for the invoice

  // Filled by the checker.
  std::uint32_t meter_index = 0;
};

// What an invoice does after its charge lines, in this order: minimums and
// caps, then discounts, then taxes, then prepaid wallets
// (docs/pricing-semantics.md).
enum class AdjustmentKind : std::uint8_t { minimum, cap, discount, tax, prepaid };

// `minimum 1_000.00`, `cap 500.00 on "Messages"`, `discount "Launch" 10%`,
// `tax "VAT" 19% included`, `prepaid "Promo credits" on "Messages"`.
struct Adjustment {
  Named kind_name;
  std::optional<Named> label;  // the checker names an unnamed minimum or cap
  // A percentage is stored as its fraction (19% -> 0.19). None: not
  // written, as for a prepaid wallet (the checker asks the others for one).
  std::optional<Decimal> amount;
  bool percent = false;
  SourceRange amount_range;
  std::vector<Named> charges;  // `on "A", "B"`; empty: every charge
  bool included = false;       // a tax already inside the prices
  SourceRange range;

  // Filled by the checker.
  AdjustmentKind kind = AdjustmentKind::minimum;
  std::vector<std::uint32_t> charge_indexes;
};

// `record account = "acme", quantity = 60`: a usage record of a test.
struct TestField {
  Named column;
  std::string text;               // a string's content, or the number in plain digits
  std::optional<Decimal> number;  // when written as a number
  SourceRange value_range;
};

struct TestRecord {
  std::vector<TestField> fields;
  SourceRange range;
};

// `expect "Voice" = 12.77` or `expect total = 30.00`
struct TestExpectation {
  std::optional<Named> line;  // none: the total
  Named total_word;           // `total` when `line` is none
  Decimal amount;
  SourceRange range;
};

struct TestCase {
  Named name;
  std::vector<TestRecord> records;
  // `account edition = "pro", ...`: rows of the test's accounts file; the
  // word written is checked to be `account`.
  std::vector<std::pair<Named, TestRecord>> accounts;
  std::optional<Named> period;  // `period "2026-03"`
  std::vector<std::pair<Named, Decimal>> meters;  // `meter mau = 13_250`
  std::vector<TestExpectation> expectations;
  SourceRange range;
};

// `schedule twilio_2021 { (99.95, 10) }`: a named credit table.
struct Schedule {
  Named name;
  std::vector<std::vector<Decimal>> rows;
  SourceRange range;
};

// A credit rule a plugin defines, fed with an intervals meter (the
// downtime) and the charges it applies to.
struct Credit {
  Named name;
  Named rule;
  Named meter;
  std::vector<Named> charges;  // empty: every charge
  std::vector<std::pair<Named, Decimal>> params;
  std::vector<std::vector<Decimal>> rows;  // the checker copies a schedule's here
  std::optional<Named> schedule;          // `schedule twilio_2021` instead of rows
  SourceRange range;

  // Filled by the checker.
  std::uint32_t meter_index = 0;
  std::vector<std::uint32_t> charge_indexes;
};

struct Scheme {
  std::shared_ptr<const SourceFile> file;
  std::optional<Named> name;
  std::optional<Named> version;
  std::vector<Named> imports;  // `import "rtc/agora"`: standard-library modules
  std::optional<Named> currency;
  std::optional<Named> rounding_mode;
  std::optional<Named> rounding_stage;
  // `period calendar month UTC`
  std::optional<Named> period_calendar;
  std::optional<Named> period_unit;
  std::optional<Named> period_zone;
  // `, settle daily`: unit conversions without a stage round per day.
  std::optional<Named> settle_word;
  std::optional<Named> settlement;  // daily | monthly
  // `, months of 30 days`: monthly fees prorated over 30-day months
  // (Kill Bill's fixed-days mode, billing-engines.md V36).
  struct MonthDays {
    Named word;  // months
    Decimal days;
    Named unit;  // days
    SourceRange range;
  };
  std::optional<MonthDays> month_days;
  bool has_usage = false;
  SourceRange usage_range;
  std::vector<Column> columns;
  std::vector<ClassDecl> classes;
  std::vector<Meter> meters;
  std::vector<Allowance> allowances;  // packages too
  std::vector<Plan> plans;
  std::vector<Charge> charges;
  std::vector<Adjustment> adjustments;
  std::vector<TestCase> tests;
  std::vector<Credit> credits;
  std::vector<Schedule> schedules;  // imported ones first
};

}  // namespace tariff::ast
