// A compiled scheme: immutable once built (or loaded and verified), shared
// across threads; everything a run needs apart from its scratch state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bytecode/opcodes.h"
#include "tariff/decimal.h"
#include "tariff/diagnostic.h"
#include "tariff/usage_schema.h"

namespace tariff {

enum class RoundingStage : std::uint8_t { line, invoice };

// What a meter aggregates per account over the period.
enum class MeterKind : std::uint8_t {
  sum,
  count,
  max,
  min,
  distinct,      // number of distinct values of a column (exact)
  latest,        // the value of the latest record; ties: the larger value
  average,       // mean of the samples
  weighted_sum,  // gauge increments integrated over time / period length
  intervals,     // [time, time + value seconds) per record; seconds covered
  // The earliest transactions of a percentage charge, which its free
  // allowance may cover: (time, value), in time order.
  free_transactions,
  // A sum that also keeps each record's (time, value), for charges that
  // prorate each record by the part of the period left from its day.
  events,
};

// A window groups the records of an inner aggregation (by day, or by the
// value of a column) and reduces the groups' values with `reduce`.
enum class WindowKind : std::uint8_t { day, column };

struct MeterWindow {
  WindowKind kind = WindowKind::day;
  std::uint32_t column = 0;  // WindowKind::column
  MeterKind reduce = MeterKind::sum;  // sum, count, max, min or average
};

// value x from_size / to_size, rounded to whole units when `rounding` is
// set (seconds -> minutes rounded up: ceiling of seconds / 60).
struct UnitConversion {
  Decimal from_size;
  Decimal to_size;
  std::optional<RoundingMode> rounding;
};

// A percentage charge's per-transaction terms and its free allowance: the
// first `count` transactions in time order, or the first `value` of their
// values, whichever runs out first (billing-engines.md V25, V26).
struct FreeTransactions {
  Decimal rate;  // 0.0299 for 2.99%
  std::optional<Decimal> plus;
  std::optional<Decimal> min;
  std::optional<Decimal> max;
  std::optional<Decimal> count;
  std::optional<Decimal> value;
};

struct MeterInfo {
  std::string name;
  MeterKind kind = MeterKind::sum;
  std::vector<MeterWindow> windows;  // innermost first
  // windows.size() + 1 entries: [0] applies to each inner value, [i + 1]
  // to the result of window i. Empty means no conversion anywhere.
  std::vector<std::optional<UnitConversion>> conversions;
  std::optional<FreeTransactions> free;  // MeterKind::free_transactions only
};

// The billing period: calendar months in a fixed-offset zone, or none (a
// scheme without `period` rates whatever rows it is given).
// anniversary_month: each account's month runs from the day of its start
// (accounts file), a calendar month for accounts without one.
enum class PeriodKind : std::uint8_t { none, calendar_month, calendar_quarter, calendar_year, anniversary_month };

struct PeriodInfo {
  PeriodKind kind = PeriodKind::none;
  std::int32_t zone_offset = 0;  // seconds east of UTC
  // Monthly fees prorated as if every month had 30 days (Kill Bill's
  // fixed-days mode, billing-engines.md V36); otherwise over actual days.
  bool thirty_day_months = false;
};

// graduated: each part of the quantity at its row's price; volume: all of
// it at the price of the row it ends in; band: the fee of the row it ends
// in plus the row's price per started block above the row's lower bound.
enum class TierModel : std::uint8_t { graduated, volume, band };

// One row of a tier table. Bounds are cumulative totals: a row covers the
// quantity above the previous row's bound up to and including its own.
struct TierRow {
  std::optional<Decimal> upper;  // none: no upper bound (the last row)
  Decimal price;                 // per `per` units
  Decimal per = Decimal::from_int(1);
  Decimal fee;                   // flat fee of the row
};

struct TierTable {
  TierModel model = TierModel::graduated;
  std::vector<TierRow> rows;
  // Set: a row's units are counted in whole blocks of its `per`, rounded
  // this way (ceiling: a started block counts; floor: only whole ones).
  std::optional<RoundingMode> blocks;
  bool free_when_unused = false;  // `if used`: zero quantity costs nothing
};

// Named bands over a numeric column: the first band whose bound holds the
// value names its class; the last band takes everything above.
struct ClassTable {
  std::string name;
  std::uint32_t column = 0;
  std::vector<std::string> bands;
  std::vector<Decimal> bounds;  // bands.size() - 1 inclusive upper bounds
};

// An allowance draws its units from meters in order; one unit of a meter
// uses `ratio` allowance units.
struct AllowanceDraw {
  std::uint32_t meter = 0;
  Decimal ratio = Decimal::from_int(1);
};

// A package is an allowance accounts buy: each purchase (accounts file)
// holds `amount` units for `validity` days, months or years and bills its
// price in the period it is bought.
enum class ValidityUnit : std::uint8_t { day, month, year };

struct PackageTerms {
  Decimal price;
  std::uint32_t validity = 1;
  ValidityUnit unit = ValidityUnit::month;
  std::uint32_t charge = 0;  // the invoice line of its purchases
};

struct AllowanceInfo {
  std::string name;
  Decimal amount;  // a package's units per purchase
  std::vector<AllowanceDraw> draws;
  std::optional<PackageTerms> package;
};

// An edition or a module an account subscribes to (accounts file): its
// recurring prices, the allowances it includes and the lines it bills.
enum class PlanKind : std::uint8_t { edition, module };

struct PlanInfo {
  PlanKind kind = PlanKind::edition;
  std::string name;
  std::optional<Decimal> monthly_fee;
  std::optional<Decimal> annual_fee;  // given, or 12 monthly fees less the annual discount
  std::optional<Decimal> monthly_seat;
  std::optional<Decimal> annual_seat;
  Decimal minimum_seats;
  // Billed for the whole period as held on its last day, not by day.
  bool whole_months = false;
  std::vector<std::pair<std::uint32_t, Decimal>> includes;  // allowance, amount
  std::optional<std::uint32_t> fee_charge;   // its invoice lines
  std::optional<std::uint32_t> seat_charge;
};

// A charge priced by a plugin's tier kind: the kind's name (resolved when
// rating, against the loaded plugins), the meters whose values it prices,
// its table and its parameters.
struct PluginUse {
  std::string kind;
  std::vector<std::uint32_t> meters;
  std::vector<std::vector<Decimal>> rows;
  std::vector<std::pair<std::string, Decimal>> params;
};

// What bills a line: the period program (usage), or the account's
// subscription — a plan's fee or seats, a package's purchases.
enum class LineSource : std::uint8_t { usage, plan_fee, plan_seats, package };

struct ChargeInfo {
  std::string name;
  std::string formula;  // how the amount is computed, for explanations
  // The meter the charge prices, if it prices one (price curves vary it).
  std::optional<std::uint32_t> meter;
  LineSource source = LineSource::usage;
  // usage: billed only to accounts holding this plan; plan_fee and
  // plan_seats: the plan billed; package: the allowance bought.
  std::optional<std::uint32_t> owner;
  std::string description;  // the `##` doc comment; empty: none
};

// What an account's invoice does after its charge lines. Applied in stage
// order — minimums and caps, then discounts, then taxes, then prepaid
// wallets — and within a stage in the order the scheme declares them.
// The numbers are part of the .tfc format: append new kinds.
enum class AdjustmentKind : std::uint8_t { minimum, cap, discount, tax, prepaid };

struct AdjustmentInfo {
  AdjustmentKind kind = AdjustmentKind::minimum;
  std::string name;        // the invoice line's label; a wallet's name in the accounts file
  Decimal amount;          // money, or a fraction when `percent`; 0 for a prepaid wallet
  bool percent = false;    // discounts and taxes: a share of the base
  bool included = false;   // taxes: already inside the prices
  std::vector<std::uint32_t> charges;  // what it applies to; empty: all
  SourceLocation at;       // the declaration, for runtime errors
};

// A credit rule a plugin defines, called when an account is invoiced with
// the downtime of an intervals meter and the charges it applies to.
struct CreditUse {
  std::string name;  // the invoice line's label
  std::string rule;  // resolved when rating, against the loaded plugins
  std::uint32_t meter = 0;
  std::vector<std::uint32_t> charges;  // empty: all
  std::vector<std::vector<Decimal>> rows;
  std::vector<std::pair<std::string, Decimal>> params;
  SourceLocation at;
};

// One program of the two kinds: its code, the source location of each
// instruction, and how many registers it uses.
struct Chunk {
  std::vector<Instruction> code;
  std::vector<SourceLocation> locations;  // one per instruction
  std::uint16_t registers = 0;
};

struct Program {
  std::string source_name;  // the scheme file, for runtime error locations
  std::string scheme_name;
  std::string version;
  std::string currency;
  std::uint8_t minor_digits = 2;
  RoundingMode rounding = RoundingMode::half_up;
  RoundingStage rounding_stage = RoundingStage::line;
  PeriodInfo billing_period;

  UsageSchema usage;
  std::vector<Decimal> constants;
  std::vector<std::string> strings;
  std::vector<MeterInfo> meters;
  std::vector<ChargeInfo> charges;
  std::vector<TierTable> tier_tables;
  std::vector<ClassTable> classes;
  std::vector<AllowanceInfo> allowances;
  std::vector<PlanInfo> plans;
  std::vector<PluginUse> plugin_uses;
  std::vector<AdjustmentInfo> adjustments;
  std::vector<CreditUse> credits;

  Chunk record;  // run once per usage row
  Chunk period;  // run once per account at period end
};

// True when the program bills from accounts' subscriptions: editions,
// modules or packages.
bool has_subscriptions(const Program& program) noexcept;

std::string_view to_string(MeterKind kind) noexcept;
std::string_view to_string(RoundingStage stage) noexcept;
std::string_view to_string(TierModel model) noexcept;
std::string_view to_string(AdjustmentKind kind) noexcept;
std::string_view to_string(LineSource source) noexcept;
std::string_view to_string(PlanKind kind) noexcept;
std::string_view to_string(ValidityUnit unit) noexcept;

}  // namespace tariff
