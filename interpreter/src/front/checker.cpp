// Name resolution and type checking of a parsed scheme.
#include "front/checker.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "front/units.h"
#include "support/suggest.h"
#include "tariff/currency.h"
#include "tariff/usage_schema.h"

namespace tariff::front {

std::optional<Aggregate> parse_aggregate(std::string_view name) noexcept {
  if (name == "sum") return Aggregate::sum;
  if (name == "count") return Aggregate::count;
  if (name == "max") return Aggregate::max;
  if (name == "min") return Aggregate::min;
  if (name == "distinct") return Aggregate::distinct;
  if (name == "latest") return Aggregate::latest;
  if (name == "average") return Aggregate::average;
  if (name == "weighted_sum") return Aggregate::weighted_sum;
  if (name == "intervals") return Aggregate::intervals;
  return std::nullopt;
}

namespace {

const std::vector<std::string> kAggregates = {"sum",    "count",  "max",     "min",         "distinct",
                                              "latest", "average", "weighted_sum", "intervals"};
const std::vector<std::string> kDirections = {"up", "down", "nearest"};
const std::vector<std::string> kStages = {"day", "period"};
const std::vector<std::string> kColumnTypes = {"id", "text", "decimal", "integer", "timestamp"};
const std::vector<std::string> kRoundingModes = {"half_up", "half_even", "half_down", "up",
                                                 "down",    "ceiling",   "floor"};
const std::vector<std::string> kRoundingStages = {"line", "invoice"};
const std::vector<std::string> kFunctions = {"ceil", "floor", "round", "min", "max"};
}  // namespace

const std::vector<std::string>& account_fact_columns() {
  static const std::vector<std::string> columns = {"start", "end",     "edition",  "cycle",
                                                   "seats", "modules", "packages", "wallets"};
  return columns;
}

const std::vector<std::string>& adjustment_words() {
  static const std::vector<std::string> words = {"minimum", "cap", "discount", "tax", "prepaid"};
  return words;
}

namespace {

std::optional<ast::AdjustmentKind> parse_adjustment(std::string_view name) {
  if (name == "minimum") return ast::AdjustmentKind::minimum;
  if (name == "cap") return ast::AdjustmentKind::cap;
  if (name == "discount") return ast::AdjustmentKind::discount;
  if (name == "tax") return ast::AdjustmentKind::tax;
  if (name == "prepaid") return ast::AdjustmentKind::prepaid;
  return std::nullopt;
}

std::optional<ColumnType> parse_column_type(std::string_view name) {
  if (name == "id") return ColumnType::id;
  if (name == "text") return ColumnType::text;
  if (name == "decimal") return ColumnType::decimal;
  if (name == "integer") return ColumnType::integer;
  if (name == "timestamp") return ColumnType::timestamp;
  return std::nullopt;
}

std::string_view type_name(ast::Type type) {
  switch (type) {
    case ast::Type::number: return "a number";
    case ast::Type::boolean: return "a condition";
    case ast::Type::text: return "text";
    case ast::Type::unknown: break;
  }
  return "unknown";
}

class Checker {
 public:
  Checker(ast::Scheme& scheme, Diagnostics& diagnostics,
          const std::vector<PluginKindSignature>& kinds)
      : scheme_(scheme), diagnostics_(diagnostics), kinds_(kinds) {}

  bool run() {
    const std::size_t errors_before = diagnostics_.error_count();
    header();
    columns();
    period();
    classes();
    meters();
    allowances();
    plans();
    charges();
    adjustments();
    credits();
    tests();
    unused_meters();
    return diagnostics_.error_count() == errors_before;
  }

 private:
  void error(SourceRange range, std::string message, std::string hint = {}) {
    diagnostics_.items.push_back(
        Diagnostic{Severity::error, range, std::move(message), std::move(hint), scheme_.file});
  }
  void warning(SourceRange range, std::string message, std::string hint = {}) {
    diagnostics_.items.push_back(
        Diagnostic{Severity::warning, range, std::move(message), std::move(hint), scheme_.file});
  }
  static SourceRange start_of_file() { return {{1, 1}, {1, 1}}; }

  void header() {
    if (!scheme_.name)
      error(start_of_file(), "the scheme has no name",
            "start the file with `scheme \"Name\" version \"2026-03\"`");
    if (!scheme_.currency) {
      error(start_of_file(), "the scheme does not say its currency",
            "add a line such as `currency USD`");
    } else if (!find_currency(scheme_.currency->text)) {
      std::vector<std::string> codes;
      for (std::size_t i = 0; i < currency_count(); ++i)
        codes.emplace_back(currency_at(i).code);
      error(scheme_.currency->range,
            fmt::format("`{}` is not an ISO 4217 currency code", scheme_.currency->text),
            suggestion_hint(scheme_.currency->text, codes, "currencies"));
    }
    if (!scheme_.rounding_mode) {
      error(start_of_file(), "the scheme does not say how amounts are rounded",
            "add a line such as `rounding half_up per line`");
    } else {
      if (!parse_rounding_mode(scheme_.rounding_mode->text))
        error(scheme_.rounding_mode->range,
              fmt::format("unknown rounding mode `{}`", scheme_.rounding_mode->text),
              suggestion_hint(scheme_.rounding_mode->text, kRoundingModes, "modes"));
      if (!scheme_.rounding_stage)
        error(scheme_.rounding_mode->range, "the rounding stage is missing",
              fmt::format("say `rounding {} per line` (each line rounded) or `per invoice`",
                          scheme_.rounding_mode->text));
      else if (scheme_.rounding_stage->text != "line" && scheme_.rounding_stage->text != "invoice")
        error(scheme_.rounding_stage->range,
              fmt::format("unknown rounding stage `{}`", scheme_.rounding_stage->text),
              suggestion_hint(scheme_.rounding_stage->text, kRoundingStages, "stages"));
    }
    if (!scheme_.has_usage)
      error(start_of_file(), "the scheme has no usage block",
            "declare the columns of a usage record: `usage { account id  quantity decimal }`");
  }

  // `one of "audio", "video"`: a text or id column's known values; the
  // default must be one of them.
  void one_of(const ast::Column& column, ColumnType type) {
    if (!column.one_word) return;
    if (column.one_word->text != "one")
      error(column.one_word->range, fmt::format("expected `one of` and the column's values, not `{} of`",
                                                column.one_word->text),
            "write `event text one of \"audio\", \"video\"`");
    if (type != ColumnType::text && type != ColumnType::id)
      error(column.one_word->range, "only a text or id column lists its values");
    std::set<std::string> seen;
    for (const auto& value : column.one_of)
      if (!seen.insert(value.text).second) error(value.range, fmt::format("\"{}\" is listed twice", value.text));
    if (column.default_value && column.default_value->kind == ast::ExprKind::string &&
        !seen.count(column.default_value->text))
      error(column.default_value->range, fmt::format("the default \"{}\" is not one of the column's values",
                                                     column.default_value->text));
  }

  void columns() {
    std::map<std::string, std::size_t> seen;
    bool has_account = false;
    for (std::size_t i = 0; i < scheme_.columns.size(); ++i) {
      auto& column = scheme_.columns[i];
      if (!seen.emplace(column.name, i).second)
        error(column.range, fmt::format("column `{}` is declared twice", column.name));
      const auto type = parse_column_type(column.type_name);
      column_index_.emplace(column.name, static_cast<std::uint32_t>(i));
      column_names_.push_back(column.name);
      if (!type) {
        error(column.type_range, fmt::format("unknown column type `{}`", column.type_name),
              suggestion_hint(column.type_name, kColumnTypes, "types"));
        continue;  // uses of the column are then not checked further
      }
      if (column.name == "account") {
        has_account = true;
        if (*type != ColumnType::id)
          error(column.type_range, "the `account` column must have type `id`");
        if (column.optional || column.default_value)
          error(column.range, "the `account` column cannot be optional",
                "every usage record belongs to an account");
      }
      if (column.default_value) {
        const bool numeric = is_numeric(*type);
        const auto kind = column.default_value->kind;
        if ((numeric && kind != ast::ExprKind::number) ||
            (!numeric && kind != ast::ExprKind::string))
          error(column.default_value->range,
                fmt::format("the default of `{}` must be {}", column.name,
                            numeric ? "a number" : "a quoted string"));
        else if (*type == ColumnType::timestamp)
          error(column.default_value->range, "a timestamp column cannot have a default");
      }
      one_of(column, *type);
      column_types_.emplace(column.name, *type);
      if (column.name == "time" && *type == ColumnType::timestamp) has_time_ = true;
    }
    if (scheme_.has_usage && !has_account)
      error(scheme_.usage_range, "the usage block has no `account` column",
            "add `account id`: every record is rated for one account");
  }

  void meters() {
    for (auto& meter : scheme_.meters) {
      if (meter_index_.count(meter.name)) {
        error(meter.range, fmt::format("meter `{}` is declared twice", meter.name));
        continue;
      }
      // A meter grouped by a class is one meter per band: `video_min[hd]`.
      const ast::Named* group = meter.body.group_class ? &*meter.body.group_class : nullptr;
      auto cls = group ? class_bands_.find(group->text) : class_bands_.end();
      if (group && cls == class_bands_.end()) {
        error(group->range, fmt::format("unknown class `{}`", group->text),
              suggestion_hint(group->text, class_names_, "classes"));
      }
      // One entry per meter the program will have, by its index there.
      const auto add_meter = [&](const std::string& name) {
        const auto index = static_cast<std::uint32_t>(meter_names_.size());
        if (meter.body.window) windowed_meters_.insert(index);
        whole_meters_.push_back(whole_valued(meter.body));
        sum_meters_.push_back(plain_sum(meter.body));
        meter_index_.emplace(name, index);
        meter_names_.push_back(name);
        meter_ranges_.push_back(meter.range);
      };
      if (cls != class_bands_.end()) {
        grouped_meters_.emplace(meter.name, group->text);
        for (const auto& band : cls->second) add_meter(fmt::format("{}[{}]", meter.name, band));
      } else {
        add_meter(meter.name);
      }
      meter_body(meter.body, true);
    }
  }

  void classes() {
    for (auto& cls : scheme_.classes) {
      if (class_bands_.count(cls.name.text)) {
        error(cls.name.range, fmt::format("class `{}` is declared twice", cls.name.text));
        continue;
      }
      auto input = column_types_.find(cls.input.text);
      if (input == column_types_.end())
        error(cls.input.range, fmt::format("unknown column `{}`", cls.input.text),
              suggestion_hint(cls.input.text, column_names_, "columns"));
      else if (!is_numeric(input->second))
        error(cls.input.range, fmt::format("a class divides a number; `{}` is not numeric", cls.input.text));
      std::vector<std::string> bands;
      std::optional<Decimal> previous;
      for (std::size_t i = 0; i < cls.bands.size(); ++i) {
        const ast::Band& band = cls.bands[i];
        if (std::find(bands.begin(), bands.end(), band.name.text) != bands.end())
          error(band.name.range, fmt::format("band `{}` is declared twice", band.name.text));
        bands.push_back(band.name.text);
        if (!band.bound) {
          if (i + 1 != cls.bands.size())
            error(band.range, "`otherwise` must be the last band: the bands after it are never reached");
          continue;
        }
        if (previous && *band.bound <= *previous)
          error(band.range, fmt::format("band bounds must increase: {} is not above {}", *band.bound,
                                        *previous));
        previous = band.bound;
      }
      if (cls.bands.empty())
        error(cls.range, fmt::format("class `{}` has no bands", cls.name.text),
              "write bands such as `hd <= 921_600` and a last `uhd otherwise`");
      else if (cls.bands.back().bound)
        error(cls.bands.back().range,
              fmt::format("values above {} have no band", *cls.bands.back().bound),
              fmt::format("add a last band such as `{} otherwise` for them", cls.bands.back().name.text));
      class_names_.push_back(cls.name.text);
      class_bands_.emplace(cls.name.text, std::move(bands));
    }
  }

  // A meter name as a charge or an allowance writes it, checked.
  std::optional<std::uint32_t> resolve_meter(const ast::Named& ref) {
    auto it = meter_index_.find(ref.text);
    if (it != meter_index_.end()) return it->second;
    auto grouped = grouped_meters_.find(ref.text);
    if (grouped != grouped_meters_.end()) {
      error(ref.range, fmt::format("meter `{}` is grouped by class `{}`; name one band", ref.text,
                                   grouped->second),
            fmt::format("for example `{}[{}]`", ref.text, class_bands_.at(grouped->second).front()));
      return std::nullopt;
    }
    error(ref.range, fmt::format("unknown meter `{}`", ref.text),
          suggestion_hint(ref.text, meter_names_, "meters"));
    return std::nullopt;
  }

  void allowances() {
    std::set<std::string> names;
    for (auto& allowance : scheme_.allowances) {
      if (!names.insert(allowance.name.text).second)
        error(allowance.name.range, fmt::format("allowance `{}` is declared twice", allowance.name.text));
      if (allowance.amount.sign() < 0)
        error(allowance.range, "an allowance cannot be negative");
      if (allowance.package)
        package_terms(allowance);
      else if (allowance.period.text != "period")
        error(allowance.period.range,
              fmt::format("allowances renew `per period`, not per {}", allowance.period.text),
              "write `= 10_000 per period`");
      std::set<std::uint32_t> drawn;
      for (const auto& draw : allowance.draws) {
        const auto meter = resolve_meter(draw.meter);
        if (draw.ratio.sign() <= 0)
          error(draw.range, "a draw ratio must be greater than zero");
        if (!meter) continue;
        if (!drawn.insert(*meter).second)
          error(draw.range, fmt::format("`{}` is drawn twice by this allowance", draw.meter.text));
        drawn_by_[*meter].insert(allowance.name.text);
      }
      allowance_names_.push_back(allowance.name.text);
    }
  }

  // Needs the `time` column for day windows, `latest`, `weighted_sum` and `intervals`.
  void require_time(SourceRange range, std::string_view what) {
    if (has_time_) return;
    error(range, fmt::format("{} needs the time of each record", what),
          "add `time timestamp` to the usage block");
  }

  void meter_body(ast::MeterBody& body, bool outermost) {
    const auto aggregate = parse_aggregate(body.aggregate);
    if (!aggregate) {
      error(body.aggregate_range, fmt::format("unknown aggregation `{}`", body.aggregate),
            suggestion_hint(body.aggregate, kAggregates, "aggregations"));
    }
    if (body.window) {
      if (aggregate && (*aggregate == Aggregate::distinct || *aggregate == Aggregate::latest ||
                        *aggregate == Aggregate::weighted_sum || *aggregate == Aggregate::intervals))
        error(body.aggregate_range,
              fmt::format("`{}` cannot combine windows", body.aggregate),
              "over a window use sum, max, min, average or count");
      if (body.window->text == "days") {
        require_time(body.window->range, "a window over days");
      } else {
        auto it = column_types_.find(body.window->text);
        if (it == column_types_.end()) {
          error(body.window->range, fmt::format("unknown window `{}`", body.window->text),
                fmt::format("a window is `days` or a column; {}",
                            suggestion_hint(body.window->text, column_names_, "columns")));
        } else if (is_numeric(it->second)) {
          error(body.window->range,
                fmt::format("the window column `{}` must be an id or text column", body.window->text));
        }
      }
      meter_body(*body.inner, false);
    } else if (aggregate) {
      switch (*aggregate) {
        case Aggregate::count:
          if (body.argument)
            error(body.argument->range, "`count` counts records and takes no value",
                  "write `count where <condition>`");
          break;
        case Aggregate::distinct:
          if (!body.argument) {
            error(body.aggregate_range, "`distinct` needs the column whose values it counts",
                  "write `distinct user`");
          } else if (body.argument->kind != ast::ExprKind::name) {
            error(body.argument->range, "`distinct` counts the values of one column",
                  "write `distinct user`");
          } else {
            type_of(*body.argument);
          }
          break;
        default:
          if (!body.argument) {
            error(body.aggregate_range, fmt::format("`{}` needs a value to aggregate", body.aggregate),
                  fmt::format("write `{} quantity`", body.aggregate));
          } else {
            expect(*body.argument, ast::Type::number, "the aggregated value");
          }
          if (*aggregate == Aggregate::latest || *aggregate == Aggregate::weighted_sum ||
              *aggregate == Aggregate::intervals)
            require_time(body.aggregate_range, fmt::format("`{}`", body.aggregate));
          break;
      }
      if (body.filter) expect(*body.filter, ast::Type::boolean, "a `where` filter");
    }
    if (body.conversion) conversion(*body.conversion, outermost && !body.window);
    if (body.group_class && !outermost)
      error(body.group_class->range, "`by` groups a whole meter, not a window's inner part",
            "put `by CLASS` on a meter without windows");
  }

  void conversion(const ast::Conversion& c, bool may_be_daily) {
    const auto from = find_unit(c.from.text);
    const auto to = find_unit(c.to.text);
    if (!from)
      error(c.from.range, fmt::format("unknown unit `{}`", c.from.text),
            suggestion_hint(c.from.text, unit_names(), "units"));
    if (!to)
      error(c.to.range, fmt::format("unknown unit `{}`", c.to.text),
            suggestion_hint(c.to.text, unit_names(), "units"));
    if (from && to && from->dimension != to->dimension)
      error(c.range, fmt::format("cannot convert {} to {}", c.from.text, c.to.text),
            "time converts to time and data sizes to data sizes");
    if (c.direction && c.direction->text != "up" && c.direction->text != "down" &&
        c.direction->text != "nearest")
      error(c.direction->range, fmt::format("unknown rounding direction `{}`", c.direction->text),
            suggestion_hint(c.direction->text, kDirections, "directions"));
    if (c.stage) {
      if (c.stage->text != "day" && c.stage->text != "period") {
        error(c.stage->range, fmt::format("unknown conversion stage `{}`", c.stage->text),
              suggestion_hint(c.stage->text, kStages, "stages"));
      } else if (c.stage->text == "day") {
        if (!may_be_daily)
          error(c.stage->range, "`per day` applies to a meter without windows",
                "write the window instead: `sum over days of (...)`");
        else
          require_time(c.stage->range, "rounding per day");
      }
      if (!c.direction)
        error(c.stage->range, "a stage is given but no rounding",
              "write `rounded up per day` (or down, nearest)");
    }
  }

  void period() {
    if (!scheme_.period_calendar) return;
    if (scheme_.settle_word && scheme_.settle_word->text != "settle")
      error(scheme_.settle_word->range, fmt::format("expected `settle daily` or `settle monthly`, not `{}`",
                                                    scheme_.settle_word->text));
    else if (scheme_.settlement && scheme_.settlement->text != "daily" && scheme_.settlement->text != "monthly")
      error(scheme_.settlement->range, fmt::format("usage settles `daily` or `monthly`, not `{}`",
                                                   scheme_.settlement->text),
            suggestion_hint(scheme_.settlement->text, {"daily", "monthly"}, "settlements"));
    if (const auto& month = scheme_.month_days) {
      if (month->word.text != "months" || month->unit.text != "days")
        error(month->range, "expected `months of 30 days`", "write `period calendar month UTC, months of 30 days`");
      else if (month->days != Decimal::from_int(30))
        error(month->range, fmt::format("months of {} days: only 30-day months are offered", month->days),
              "write `months of 30 days`, or leave it out to prorate over the actual days");
    }
    const std::string& unit = scheme_.period_unit->text;
    if (scheme_.period_calendar->text == "anniversary") {
      if (unit != "month")
        error(scheme_.period_unit->range, fmt::format("anniversary periods are months, not `{}`", unit),
              "write `period anniversary month UTC`");
    } else if (scheme_.period_calendar->text != "calendar") {
      error(scheme_.period_calendar->range,
            fmt::format("unknown period `{}`", scheme_.period_calendar->text),
            "periods are written `period calendar month UTC` or `period anniversary month UTC`");
    }
    if (unit != "month" && unit != "quarter" && unit != "year")
      error(scheme_.period_unit->range, fmt::format("`calendar {}` periods are not supported", unit),
            suggestion_hint(unit, {"month", "quarter", "year"}, "calendar periods"));
    if (scheme_.period_zone && !parse_zone_offset(scheme_.period_zone->text))
      error(scheme_.period_zone->range, fmt::format("unknown time zone `{}`", scheme_.period_zone->text),
            "write UTC or a fixed offset in quotes, such as \"+08:00\"");
    require_time(scheme_.period_calendar->range, "a billing period");
  }

  void charges() {
    std::map<std::string, std::size_t> seen;
    for (auto& charge : scheme_.charges) {
      if (!seen.emplace(charge.name, 0).second)
        error(charge.range, fmt::format("charge \"{}\" is declared twice", charge.name),
              "invoice lines are named by their charge; give each a distinct name");
      if (charge.kind == ast::ChargeKind::subscription) continue;
      if (charge.kind == ast::ChargeKind::flat) {
        constant(*charge.amount, "a flat fee");
        continue;
      }
      if (charge.kind == ast::ChargeKind::graduated || charge.kind == ast::ChargeKind::volume ||
          charge.kind == ast::ChargeKind::band || charge.kind == ast::ChargeKind::blocks) {
        tiers(charge);
        block_rule(charge);
      }
      if (charge.kind == ast::ChargeKind::plugin) {
        plugin_charge(charge);
        continue;
      }
      if (charge.kind == ast::ChargeKind::percentage) {
        percentage_charge(charge);
        continue;
      }
      if (const auto meter = resolve_meter(ast::Named{charge.meter, charge.meter_range})) {
        charge.meter_index = *meter;
        used_meters_.insert(meter_names_[*meter]);
        after(charge, *meter);
        per_window(charge, *meter);
        prorated(charge, *meter);
        unreachable_tiers(charge, *meter);
      }
      if (!charge.price) continue;
      constant(*charge.price, "a price");
      if (charge.unit && constant(*charge.unit, "a unit") && charge.unit->kind == ast::ExprKind::number &&
          charge.unit->number.sign() <= 0)
        error(charge.unit->range, "the unit after `per` must be greater than zero",
              "prices per 1,000 units read `at 0.99 per 1_000`");
    }
  }

  // A tier table reads top to bottom: bounds increase, every row has a
  // price, and the last row says what happens above the last bound.
  void tiers(ast::Charge& charge) {
    if (charge.tiers.empty()) {
      error(charge.tiers_range, "the tier table is empty",
            "write its rows, e.g. `first 200 free`, `next 4_800 at 0.05`, `above at 0.045`");
      return;
    }
    Decimal previous;
    for (std::size_t i = 0; i < charge.tiers.size(); ++i) {
      ast::Tier& tier = charge.tiers[i];
      const bool last = i + 1 == charge.tiers.size();
      switch (tier.bound) {
        case ast::TierBound::first:
        case ast::TierBound::next: {
          const bool is_first = tier.bound == ast::TierBound::first;
          if (is_first && i != 0)
            error(tier.range, "`first` starts a tier table", "use `next N` or `up to N` here");
          if (!is_first && i == 0)
            error(tier.range, "the first tier has no previous tier to follow",
                  "start with `first N` or `up to N`");
          if (tier.limit.sign() <= 0) {
            error(tier.range, "a tier's width must be greater than zero");
            break;
          }
          auto upper = add(previous, tier.limit);
          if (!upper) {
            error(tier.range, "this tier's bound overflows");
            break;
          }
          tier.upper = *upper;
          previous = *upper;
          break;
        }
        case ast::TierBound::up_to:
          if (tier.limit <= previous) {
            error(tier.range,
                  fmt::format("tier bounds must increase: {} is not above {}", tier.limit, previous),
                  "each `up to` bound is a total quantity, larger than the one before");
            break;
          }
          tier.upper = tier.limit;
          previous = tier.limit;
          break;
        case ast::TierBound::above:
          if (!last)
            error(tier.range, "`above` must be the last tier: the tiers after it are never reached");
          break;
      }
      if (!tier.free && !tier.price && !tier.fee)
        error(tier.price_range, "this tier has no price",
              "write `free`, `at 0.05`, `at 0.99 per 1_000`, `flat 10.00`, or a price and a fee");
      if (tier.unit && tier.unit->sign() <= 0)
        error(tier.price_range, "the unit after `per` must be greater than zero");
      if (last && tier.bound != ast::TierBound::above)
        error(tier.range, fmt::format("the table ends at {}: say what is charged above it", previous),
              "add a last row such as `above at 0.045` or `above free`");
    }
  }

  void percentage_charge(ast::Charge& charge) {
    expect(*charge.value, ast::Type::number, "the value a percentage is taken of");
    if (charge.filter) expect(*charge.filter, ast::Type::boolean, "a `where` filter");
    std::map<std::string, Decimal> given;
    for (const auto& [word, amount] : charge.percent_options) {
      if (word.text != "plus" && word.text != "min" && word.text != "max") {
        error(word.range, fmt::format("a percentage charge takes `plus`, `min` and `max`, not `{}`", word.text),
              suggestion_hint(word.text, {"plus", "min", "max"}, "terms"));
        continue;
      }
      if (!given.emplace(word.text, amount).second)
        error(word.range, fmt::format("`{}` is given twice", word.text));
    }
    if (given.count("min") && given.count("max") && given.at("max") < given.at("min"))
      error(charge.range, fmt::format("the maximum fee {} is below the minimum {}", given.at("max"), given.at("min")));
    free_terms(charge);
  }

  // `free 3 transactions` and `free 250.00 of value`, at most one of each.
  void free_terms(ast::Charge& charge) {
    std::set<std::string> given;
    for (auto& [word, amount] : charge.free_terms) {
      if (word.text == "transaction") word.text = "transactions";
      if (word.text != "transactions" && word.text != "value") {
        error(word.range, fmt::format("a free allowance is counted in `transactions` or `of value`, not `{}`", word.text),
              "write `free 3 transactions` or `free 250.00 of value`");
        continue;
      }
      if (!given.insert(word.text).second) error(word.range, fmt::format("`free … {}` is given twice", word.text));
      if (amount.sign() <= 0)
        error(word.range, fmt::format("a free allowance of {} {} frees nothing", amount, word.text),
              "give an amount above zero, or leave the term out");
      else if (word.text == "transactions" && !amount.is_integer())
        error(word.range, fmt::format("{} transactions: transactions are counted whole", amount));
    }
    if (!charge.free_terms.empty())
      require_time(charge.free_terms.front().first.range, "a free allowance (the first transactions in time order)");
  }

  void block_rule(const ast::Charge& charge) {
    if (charge.block_which && charge.block_which->text != "started" && charge.block_which->text != "whole")
      error(charge.block_which->range,
            fmt::format("blocks are counted `by started block` or `by whole block`, not by {}",
                        charge.block_which->text),
            suggestion_hint(charge.block_which->text, {"started", "whole"}, "ways"));
    if (charge.block_unit && charge.block_unit->text != "block")
      error(charge.block_unit->range, fmt::format("expected `block`, not `{}`", charge.block_unit->text),
            "`by started block` or `by whole block`");
    if (charge.if_used && charge.if_used->text != "used")
      error(charge.if_used->range, fmt::format("expected `if used`, not `if {}`", charge.if_used->text),
            "`if used` charges nothing at zero quantity, not even a flat fee");
    if (charge.block_which && charge.kind != ast::ChargeKind::blocks) {
      const bool any_per = std::any_of(charge.tiers.begin(), charge.tiers.end(),
                                       [](const ast::Tier& t) { return t.unit.has_value(); });
      if (!any_per)
        error(charge.block_which->range, "no row of this table prices a block",
              "a block is the N of `at 1.00 per N`");
    }
  }

  // `= 250_000 for 227.00, valid 1 month`
  void package_terms(const ast::Allowance& package) {
    const ast::PackageTerms& terms = *package.package;
    const std::string example = "write `package minutes = 250_000 for 227.00, valid 1 month draws audio_min`";
    if (terms.for_word.text != "for")
      error(terms.for_word.range, fmt::format("expected `for` and the package's price, not `{}`",
                                              terms.for_word.text), example);
    if (terms.valid_word.text != "valid")
      error(terms.valid_word.range, fmt::format("expected `valid` and how long the package lasts, not `{}`",
                                                terms.valid_word.text), example);
    static const std::vector<std::string> units = {"day", "days", "month", "months", "year", "years"};
    if (std::find(units.begin(), units.end(), terms.validity_unit.text) == units.end())
      error(terms.validity_unit.range,
            fmt::format("a package is valid for days, months or years, not `{}`", terms.validity_unit.text),
            suggestion_hint(terms.validity_unit.text, units, "units"));
    if (package.amount.sign() <= 0) error(package.range, "a package must hold more than zero units");
    if (terms.validity.sign() <= 0 || !terms.validity.is_integer())
      error(terms.validity_range, "a package is valid for a whole number of days, months or years");
    if (!scheme_.period_calendar)
      error(package.name.range, "a package needs the billing period its purchases are dated in",
            "add a line such as `period calendar month UTC`");
  }

  // Editions and modules: prices, included allowances and switches whose
  // words the grammar leaves to the checker.
  void plans() {
    std::set<std::string> names;
    for (auto& plan : scheme_.plans) {
      const char* kind = plan.kind == ast::PlanKind::edition ? "edition" : "module";
      if (!names.insert(plan.name.text).second)
        error(plan.name.range, fmt::format("`{}` is declared twice as an edition or module", plan.name.text),
              "editions and modules share one name space: the accounts file names them");
      if (!scheme_.period_calendar)
        error(plan.name.range, fmt::format("an {} needs the billing period its fees are prorated over",
                                           kind), "add a line such as `period calendar month UTC`");
      std::set<std::string> priced;
      bool fee_monthly = false, fee_annual = false, seat_price = false;
      for (const auto& price : plan.prices) {
        if (price.word.text != "fee" && price.word.text != "seat") {
          error(price.word.range, fmt::format("unknown {} item `{}`", kind, price.word.text),
                "write `fee 699.00 monthly` or `seat 8.00 monthly`");
          continue;
        }
        if (price.cycle.text != "monthly" && price.cycle.text != "annual") {
          error(price.cycle.range, fmt::format("a {} is paid `monthly` or `annual`, not `{}`", price.word.text,
                                               price.cycle.text));
          continue;
        }
        if (!priced.insert(price.word.text + " " + price.cycle.text).second)
          error(price.range, fmt::format("the {} {} price is given twice", price.cycle.text, price.word.text));
        if (price.amount.sign() < 0) error(price.range, "a price cannot be negative");
        fee_monthly = fee_monthly || (price.word.text == "fee" && price.cycle.text == "monthly");
        fee_annual = fee_annual || (price.word.text == "fee" && price.cycle.text == "annual");
        seat_price = seat_price || price.word.text == "seat";
      }
      for (const auto& amount : plan.amounts) plan_amount(plan, amount, fee_monthly, fee_annual, seat_price);
      for (const auto& word : plan.switches)
        if (word.text != "whole months")
          error(word.range, fmt::format("unknown {} item `{}`", kind, word.text),
                "`whole months` bills the plan held on the period's last day for the whole period");
    }
  }

  void plan_amount(ast::Plan& plan, const ast::PlanAmount& amount, bool fee_monthly, bool fee_annual,
                   bool seat_price) {
    const std::string item = amount.word.text + " " + amount.target.text;
    if (item == "annual discount") {
      if (amount.amount.sign() < 0 || amount.amount > Decimal::from_int(1))
        error(amount.amount_range, "an annual discount is between 0% and 100%");
      if (!fee_monthly)
        error(amount.range, "an annual discount needs the monthly fee it discounts",
              "write `fee 699.00 monthly` in the same block");
      if (fee_annual)
        error(amount.range, "the annual fee is given, so an annual discount has nothing to set",
              "keep one of `fee ... annual` and `annual discount`");
    } else if (amount.word.text == "includes") {
      const auto found = std::find(allowance_names_.begin(), allowance_names_.end(), amount.target.text);
      if (found == allowance_names_.end()) {
        error(amount.target.range, fmt::format("unknown allowance `{}`", amount.target.text),
              suggestion_hint(amount.target.text, allowance_names_, "allowances"));
        return;
      }
      const auto index = static_cast<std::uint32_t>(found - allowance_names_.begin());
      if (scheme_.allowances[index].package)
        error(amount.target.range, fmt::format("`{}` is a package: accounts buy it", amount.target.text),
              "an edition includes allowances declared with `allowance`");
      if (amount.amount.sign() < 0) error(amount.amount_range, "an included amount cannot be negative");
      plan.includes.emplace_back(index, amount.amount);
    } else if (item == "minimum seats") {
      if (!seat_price)
        error(amount.range, "a seat minimum needs a seat price", "write `seat 8.00 monthly` in the same block");
      if (amount.amount.sign() < 0 || !amount.amount.is_integer())
        error(amount.amount_range, "a seat minimum is a whole number of seats");
    } else {
      error(amount.word.range, fmt::format("unknown item `{}`", item),
            "write `annual discount 15%`, `includes ALLOWANCE 10_000` or `minimum seats 10`");
    }
  }

  static bool plain_sum(const ast::MeterBody& body) {
    return body.aggregate == "sum" && !body.window && !body.conversion;
  }

  // True when the meter only takes whole values: counts, distinct counts,
  // conversions rounded to whole units, and sums, maxima, minima and
  // latest values of whole values (integer columns, windows of them).
  bool whole_valued(const ast::MeterBody& body) const {
    if (body.conversion) return body.conversion->direction.has_value();
    const std::string& aggregate = body.aggregate;
    if (aggregate == "count" || aggregate == "distinct") return true;
    const bool keeps_wholeness = aggregate == "sum" || aggregate == "max" || aggregate == "min" || aggregate == "latest";
    if (body.inner) return keeps_wholeness && whole_valued(*body.inner);
    if (!keeps_wholeness || !body.argument || body.argument->kind != ast::ExprKind::name) return false;
    const auto type = column_types_.find(body.argument->text);
    return type != column_types_.end() && type->second == ColumnType::integer;
  }

  // A tier no whole quantity falls in is never reached by a meter of
  // whole values (`up to 10.5` then `up to 10.9`).
  void unreachable_tiers(const ast::Charge& charge, std::uint32_t meter) {
    if (meter >= whole_meters_.size() || !whole_meters_[meter] || charge.tiers.size() < 2) return;
    Decimal lower;
    for (std::size_t i = 0; i < charge.tiers.size(); ++i) {
      const ast::Tier& tier = charge.tiers[i];
      if (!tier.upper) break;
      const auto top = tier.upper->rescale(0, RoundingMode::floor);
      const auto bottom = lower.rescale(0, RoundingMode::floor);
      // The first row holds 0; any other holds the whole numbers in (lower, upper].
      if (i > 0 && top && bottom && *top <= *bottom)
        warning(tier.range,
                fmt::format("no whole quantity falls in this tier (above {}, up to {}): `{}` counts whole units, "
                            "so it is never reached",
                            lower, *tier.upper, charge.meter),
                "give it a whole bound, or remove it");
      lower = *tier.upper;
    }
  }

  // `per window` prices each group of a windowed meter; allowances draw
  // whole meters, so they cannot be drawn per window.
  void per_window(const ast::Charge& charge, std::uint32_t meter) {
    if (!charge.per_window) return;
    if (charge.per_window->text != "window") {
      error(charge.per_window->range, fmt::format("expected `per window`, not `per {}`", charge.per_window->text),
            "`per window` prices each day (or value) of a meter written `max over days of (...)` on its own");
      return;
    }
    if (!windowed_meters_.count(meter))
      error(charge.meter_range, fmt::format("`{}` has no windows to price one by one", charge.meter),
            "declare it over a window, e.g. `meter peak = max over days of (max quantity)`");
    if (drawn_by_.count(meter))
      error(charge.per_window->range, "a meter an allowance draws cannot be priced per window",
            "allowances draw the meter's whole value");
  }

  // `prorated` weighs each record by the days left in the period, so it
  // needs the records' times, a billing period, and a plain sum: a total
  // converted or reduced over windows has no records to weigh.
  void prorated(const ast::Charge& charge, std::uint32_t meter) {
    if (!charge.prorated) return;
    const ast::Named& word = *charge.prorated;
    if (word.text != "prorated") {
      error(word.range, fmt::format("expected `prorated` or the table, not `{}`", word.text),
            "write `graduated seats prorated { … }`");
      return;
    }
    if (charge.kind == ast::ChargeKind::band)
      error(word.range, "a band cannot be prorated", "prorate a `graduated` or `volume` table");
    if (charge.per_window || charge.block_which || !charge.after.empty())
      error(word.range, "a prorated charge takes no `per window`, `by … block` or `after`",
            "prorate the meter's records through a plain table");
    if (meter < sum_meters_.size() && !sum_meters_[meter])
      error(charge.meter_range, fmt::format("`{}` is not a plain sum: only summed records can be prorated", charge.meter),
            "declare it `meter NAME = sum COLUMN`, with no window or unit conversion");
    if (!scheme_.period_calendar)
      error(word.range, "a prorated charge needs a billing period", "add `period calendar month UTC`");
    require_time(word.range, "a prorated charge");
  }

  // `after` names exactly the allowances that draw on the charge's meter,
  // so what a line bills is visible in the charge itself.
  void after(const ast::Charge& charge, std::uint32_t meter) {
    const std::set<std::string> expected =
        drawn_by_.count(meter) ? drawn_by_.at(meter) : std::set<std::string>();
    std::set<std::string> written;
    for (const auto& name : charge.after) {
      if (std::find(allowance_names_.begin(), allowance_names_.end(), name.text) ==
          allowance_names_.end()) {
        error(name.range, fmt::format("unknown allowance `{}`", name.text),
              suggestion_hint(name.text, allowance_names_, "allowances"));
        return;
      }
      written.insert(name.text);
    }
    for (const auto& name : expected)
      if (!written.count(name))
        error(charge.meter_range, fmt::format("`{}` is drawn by allowance `{}`", charge.meter, name),
              fmt::format("write `{} after {}` so the line says what it bills", charge.meter,
                          fmt::join(expected, ", ")));
    for (const auto& name : charge.after)
      if (!expected.count(name.text))
        error(name.range, fmt::format("allowance `{}` does not draw on `{}`", name.text, charge.meter));
  }

  // A tier kind from a plugin: known at link time, with its shapes.
  void plugin_charge(ast::Charge& charge) {
    for (const auto& ref : charge.plugin_meters) {
      if (const auto meter = resolve_meter(ref)) {
        charge.plugin_meter_indexes.push_back(*meter);
        used_meters_.insert(meter_names_[*meter]);
        if (drawn_by_.count(*meter))
          error(ref.range, fmt::format("`{}` is drawn by an allowance; plugin tier kinds price whole meters",
                                       ref.text));
      }
    }
    if (!charge.plugin_meter_indexes.empty()) charge.meter_index = charge.plugin_meter_indexes.front();
    const PluginKindSignature* kind = nullptr;
    for (const auto& known : kinds_)
      if (known.name == charge.plugin_kind.text && !known.credit_rule) kind = &known;
    if (!kind) {
      std::vector<std::string> names;
      for (const auto& known : kinds_)
        if (!known.credit_rule) names.push_back(known.name);
      error(charge.plugin_kind.range, fmt::format("unknown tier kind `{}`", charge.plugin_kind.text),
            names.empty() ? std::string("no loaded plugin defines a tier kind; load the one defining it with --plugin PATH")
                          : suggestion_hint(charge.plugin_kind.text, names, "tier kinds"));
      return;
    }
    if (kind->quantity_count != 0 && charge.plugin_meters.size() != kind->quantity_count)
      error(charge.plugin_kind.range,
            fmt::format("tier kind `{}` prices {} meter{}, not {}", kind->name, kind->quantity_count,
                        kind->quantity_count == 1 ? "" : "s", charge.plugin_meters.size()));
    for (std::size_t r = 0; r < charge.plugin_rows.size(); ++r) {
      if (charge.plugin_rows[r].size() != charge.plugin_rows.front().size()) {
        error(charge.plugin_kind.range,
              fmt::format("row {} of the `{}` table has {} values, row 1 has {}", r + 1, kind->name,
                          charge.plugin_rows[r].size(), charge.plugin_rows.front().size()),
              "every row of a table has the same number of values");
        break;
      }
      if (kind->table_columns != 0 && charge.plugin_rows[r].size() != kind->table_columns) {
        error(charge.plugin_kind.range,
              fmt::format("row {} of the `{}` table has {} values, the kind takes {}", r + 1, kind->name,
                          charge.plugin_rows[r].size(), kind->table_columns));
        break;
      }
    }
    plugin_params(*kind, "tier kind", charge.plugin_params, charge.plugin_kind.range);
  }

  // The parameters given after `with` against what the kind or rule takes.
  void plugin_params(const PluginKindSignature& kind, std::string_view what,
                     const std::vector<std::pair<ast::Named, Decimal>>& params, SourceRange at) {
    std::set<std::string> given;
    for (const auto& param : params) {
      const ast::Named& name = param.first;
      const std::string& wanted = name.text;
      const bool known = std::any_of(kind.params.begin(), kind.params.end(),
                                     [&](const auto& p) { return p.first == wanted; });
      if (!known) {
        std::vector<std::string> names;
        for (const auto& p : kind.params) names.push_back(p.first);
        error(name.range, fmt::format("{} `{}` has no parameter `{}`", what, kind.name, name.text),
              suggestion_hint(name.text, names, "parameters"));
      }
      if (!given.insert(name.text).second)
        error(name.range, fmt::format("parameter `{}` is given twice", name.text));
    }
    for (const auto& [name, required] : kind.params)
      if (required && !given.count(name))
        error(at, fmt::format("{} `{}` needs the parameter `{}`", what, kind.name, name),
              fmt::format("add `with {} = ...`", name));
  }

  // Named credit tables: one name each; a credit naming one takes its rows.
  void schedules() {
    std::set<std::string> names;
    std::vector<std::string> known;
    for (const auto& schedule : scheme_.schedules) {
      if (!names.insert(schedule.name.text).second)
        error(schedule.name.range, fmt::format("schedule `{}` is declared twice", schedule.name.text),
              "an imported module may declare it already");
      known.push_back(schedule.name.text);
    }
    for (auto& credit : scheme_.credits) {
      if (!credit.schedule) continue;
      const auto found = std::find_if(scheme_.schedules.begin(), scheme_.schedules.end(),
                                      [&](const ast::Schedule& s) { return s.name.text == credit.schedule->text; });
      if (found == scheme_.schedules.end()) {
        error(credit.schedule->range, fmt::format("unknown schedule `{}`", credit.schedule->text),
              known.empty() ? std::string("declare it, or import the module that does: `import \"sla/twilio\"`")
                            : suggestion_hint(credit.schedule->text, known, "schedules"));
        continue;
      }
      credit.rows = found->rows;
    }
  }

  void credits() {
    schedules();
    std::set<std::string> names;
    for (auto& credit : scheme_.credits) {
      if (!names.insert(credit.name.text).second)
        error(credit.name.range, fmt::format("credit \"{}\" is declared twice", credit.name.text));
      if (!scheme_.period_calendar)
        error(credit.name.range, "a credit needs the billing period its downtime is measured over",
              "add `period calendar month UTC`");
      if (const auto meter = resolve_meter(credit.meter)) {
        credit.meter_index = *meter;
        used_meters_.insert(meter_names_[*meter]);
        const std::string base = credit.meter.text.substr(0, credit.meter.text.find('['));
        for (const auto& declared : scheme_.meters)
          if (declared.name == base && declared.body.aggregate != "intervals")
            error(credit.meter.range, fmt::format("meter `{}` is not an intervals meter", credit.meter.text),
                  "a credit rule reads downtime: `meter outages = intervals seconds where event == \"outage\"`");
      }
      credit.charge_indexes = resolve_charges(credit.charges);
      const PluginKindSignature* rule = nullptr;
      for (const auto& known : kinds_)
        if (known.name == credit.rule.text && known.credit_rule) rule = &known;
      if (!rule) {
        std::vector<std::string> rules;
        for (const auto& known : kinds_)
          if (known.credit_rule) rules.push_back(known.name);
        error(credit.rule.range, fmt::format("unknown credit rule `{}`", credit.rule.text),
              rules.empty() ? std::string("no loaded plugin defines a credit rule; load the one defining it with --plugin")
                            : suggestion_hint(credit.rule.text, rules, "credit rules"));
        continue;
      }
      for (std::size_t r = 1; r < credit.rows.size(); ++r)
        if (credit.rows[r].size() != credit.rows.front().size()) {
          error(credit.rule.range, fmt::format("row {} of the `{}` table has {} values, row 1 has {}", r + 1,
                                               rule->name, credit.rows[r].size(), credit.rows.front().size()),
                "every row of a table has the same number of values");
          break;
        }
      plugin_params(*rule, "credit rule", credit.params, credit.rule.range);
    }
  }

  // Charge names to indexes, each known (with "did you mean") and named once.
  std::vector<std::uint32_t> resolve_charges(const std::vector<ast::Named>& names) {
    std::vector<std::string> charge_names;
    for (const auto& charge : scheme_.charges) charge_names.push_back(charge.name);
    std::vector<std::uint32_t> indexes;
    std::set<std::uint32_t> seen;
    for (const auto& target : names) {
      const auto found = std::find(charge_names.begin(), charge_names.end(), target.text);
      if (found == charge_names.end()) {
        error(target.range, fmt::format("no charge is named \"{}\"", target.text),
              suggestion_hint(target.text, charge_names, "charges"));
        continue;
      }
      const auto index = static_cast<std::uint32_t>(found - charge_names.begin());
      if (!seen.insert(index).second) error(target.range, fmt::format("charge \"{}\" is named twice", target.text));
      indexes.push_back(index);
    }
    return indexes;
  }

  void adjustments() {
    const ast::Adjustment* overall_minimum = nullptr;
    const ast::Adjustment* overall_cap = nullptr;
    std::set<std::string> wallets;
    for (auto& adjustment : scheme_.adjustments) {
      const auto kind = parse_adjustment(adjustment.kind_name.text);
      if (!kind) {
        error(adjustment.kind_name.range,
              fmt::format("`{}` does not start a declaration", adjustment.kind_name.text),
              suggestion_hint(adjustment.kind_name.text, adjustment_words(), "adjustments"));
        continue;
      }
      adjustment.kind = *kind;
      const bool money = *kind == ast::AdjustmentKind::minimum || *kind == ast::AdjustmentKind::cap;
      if (*kind == ast::AdjustmentKind::prepaid)
        wallet(adjustment, wallets);
      else
        priced(adjustment, *kind);
      if (adjustment.included && *kind != ast::AdjustmentKind::tax)
        error(adjustment.range, "only a tax can be `included` in the prices",
              "`included` marks a tax the prices already contain: `tax \"VAT\" 19% included`");
      adjustment.charge_indexes = resolve_charges(adjustment.charges);
      // Minimums and caps may go unnamed; their invoice lines still need one.
      if (money && !adjustment.label)
        adjustment.label = ast::Named{*kind == ast::AdjustmentKind::minimum ? "Minimum commitment" : "Spend cap",
                                      adjustment.kind_name.range};
      if (adjustment.charges.empty() && *kind == ast::AdjustmentKind::minimum) overall_minimum = &adjustment;
      if (adjustment.charges.empty() && *kind == ast::AdjustmentKind::cap) overall_cap = &adjustment;
    }
    if (overall_minimum && overall_cap && overall_minimum->amount && overall_cap->amount &&
        !overall_minimum->percent && !overall_cap->percent && *overall_cap->amount < *overall_minimum->amount)
      error(overall_cap->amount_range,
            fmt::format("the cap {} is below the minimum commitment {}", *overall_cap->amount,
                        *overall_minimum->amount),
            "an invoice cannot be both at least the minimum and at most the cap");
  }

  static std::string amount_example(ast::AdjustmentKind kind, const std::string& word) {
    if (kind == ast::AdjustmentKind::tax) return "for example `tax \"VAT\" 19%`";
    if (kind == ast::AdjustmentKind::discount)
      return "a share or money: `discount \"Launch\" 10%`, `discount \"Coupon\" 50.00`";
    return fmt::format("for example `{} 1_000.00`", word);
  }

  // What every kind but a prepaid wallet is written with: an amount, and a
  // name unless it is a minimum or a cap.
  void priced(const ast::Adjustment& adjustment, ast::AdjustmentKind kind) {
    const std::string& word = adjustment.kind_name.text;
    const bool money = kind == ast::AdjustmentKind::minimum || kind == ast::AdjustmentKind::cap;
    if (!money && !adjustment.label)
      error(adjustment.kind_name.range, fmt::format("a {} needs a name for its invoice line", word),
            fmt::format("for example `{} \"{}\" {}`", word, word == "tax" ? "VAT" : "Launch offer",
                        word == "tax" ? "19%" : "10%"));
    if (!adjustment.amount) {
      error(adjustment.range, fmt::format("a {} needs an amount", word), amount_example(kind, word));
      return;
    }
    if (money && adjustment.percent)
      error(adjustment.amount_range, fmt::format("a {} is an amount of money, not a percentage", word),
            amount_example(kind, word));
    if (kind == ast::AdjustmentKind::tax && !adjustment.percent)
      error(adjustment.amount_range, "a tax is a percentage of what it applies to", amount_example(kind, word));
    if (adjustment.amount->sign() <= 0)
      error(adjustment.amount_range, fmt::format("the amount of a {} must be greater than zero", word));
    else if (kind == ast::AdjustmentKind::discount && adjustment.percent && *adjustment.amount > Decimal::from_int(1))
      error(adjustment.amount_range, "a discount cannot take more than 100%");
  }

  // A prepaid wallet: a name, unique, since the accounts file gives its
  // balance by it; no amount, since the balance is the account's.
  void wallet(const ast::Adjustment& adjustment, std::set<std::string>& names) {
    if (adjustment.amount)
      error(adjustment.amount_range, "a prepaid wallet's balance comes from the accounts file",
            "write `prepaid \"Promo credits\"` and give each account's balance in the accounts file's "
            "`wallets` column: `Promo credits=10.00`");
    if (!adjustment.label)
      error(adjustment.kind_name.range,
            "a prepaid wallet needs a name in quotes: the accounts file gives its balance by it",
            "for example `prepaid \"Promo credits\" on \"Messages\"`");
    else if (!names.insert(adjustment.label->text).second)
      error(adjustment.label->range, fmt::format("prepaid wallet \"{}\" is declared twice", adjustment.label->text),
            "the accounts file gives balances by name; give each wallet its own");
  }

  void tests() {
    std::vector<std::string> line_names;
    for (const auto& charge : scheme_.charges) line_names.push_back(charge.name);
    for (const auto& adjustment : scheme_.adjustments)
      if (adjustment.label) line_names.push_back(adjustment.label->text);
    for (const auto& credit : scheme_.credits) line_names.push_back(credit.name.text);
    std::set<std::string> names;
    for (auto& test : scheme_.tests) {
      if (!names.insert(test.name.text).second)
        error(test.name.range, fmt::format("test \"{}\" is declared twice", test.name.text),
              "`tariff test` reports tests by name; give each a distinct one");
      if (!test.records.empty() && !test.meters.empty())
        error(test.meters.front().first.range, "a test gives either records or meter values, not both",
              "records are rated by the usage block and meters; meter values skip them");
      for (auto& record : test.records) test_record(record);
      for (const auto& [word, row] : test.accounts) test_account(word, row);
      if (!test.accounts.empty() && test.records.empty() && !test.period)
        error(test.accounts.front().first.range, "a test with account facts and no records needs its period",
              "add `period \"2026-03\"` to the test");
      std::set<std::string> meters;
      for (const auto& [meter, value] : test.meters) {
        if (!meters.insert(meter.text).second)
          error(meter.range, fmt::format("meter `{}` is given twice", meter.text));
        else
          resolve_meter(meter);
      }
      if (test.expectations.empty())
        error(test.name.range, "this test expects nothing",
              "add `expect \"Charge\" = 12.34` or `expect total = 12.34`");
      for (const auto& expectation : test.expectations) {
        if (!expectation.line) {
          if (expectation.total_word.text != "total")
            error(expectation.total_word.range,
                  fmt::format("expected a line name in quotes or `total`, not `{}`", expectation.total_word.text),
                  suggestion_hint(expectation.total_word.text, {"total"}, "words"));
          continue;
        }
        if (std::find(line_names.begin(), line_names.end(), expectation.line->text) == line_names.end())
          error(expectation.line->range, fmt::format("no charge or adjustment is named \"{}\"", expectation.line->text),
                suggestion_hint(expectation.line->text, line_names, "lines"));
      }
    }
  }

  // `account edition = "pro", seats = 12`: the accounts file's columns
  // but the account's id, which is the test's.
  void test_account(const ast::Named& word, const ast::TestRecord& row) {
    if (word.text != "account") {
      error(word.range, fmt::format("unknown test item `{}`", word.text),
            "a test has `record ...`, `meter m = 1`, `account edition = \"pro\"`, `period \"2026-03\"` and "
            "`expect ...` items");
      return;
    }
    const std::vector<std::string>& columns = account_fact_columns();
    std::set<std::string> seen;
    for (const auto& field : row.fields) {
      if (std::find(columns.begin(), columns.end(), field.column.text) == columns.end())
        error(field.column.range, fmt::format("`{}` is no column of the accounts file", field.column.text),
              suggestion_hint(field.column.text, columns, "columns"));
      else if (!seen.insert(field.column.text).second)
        error(field.column.range, fmt::format("`{}` is given twice in this row", field.column.text));
    }
  }

  void test_record(const ast::TestRecord& record) {
    std::set<std::string> seen;
    for (const auto& field : record.fields) {
      auto type = column_types_.find(field.column.text);
      if (type == column_types_.end()) {
        error(field.column.range, fmt::format("unknown column `{}`", field.column.text),
              suggestion_hint(field.column.text, column_names_, "columns"));
        continue;
      }
      if (!seen.insert(field.column.text).second)
        error(field.column.range, fmt::format("column `{}` is given twice in this record", field.column.text));
      const bool numeric = type->second == ColumnType::decimal || type->second == ColumnType::integer;
      if (numeric && !field.number)
        error(field.value_range, fmt::format("column `{}` holds numbers; write the value without quotes",
                                             field.column.text));
      if (type->second == ColumnType::timestamp && field.number)
        error(field.value_range, fmt::format("column `{}` holds timestamps; write one in quotes",
                                             field.column.text),
              "for example \"2026-03-01T09:00:00Z\"");
    }
  }

  void unused_meters() {
    for (std::size_t m = 0; m < meter_names_.size(); ++m) {
      if (used_meters_.count(meter_names_[m])) continue;
      warning(meter_ranges_[m], fmt::format("meter `{}` is not used by any charge", meter_names_[m]));
    }
  }

  // A number written out: prices and fees do not depend on usage columns.
  bool constant(ast::Expr& expr, std::string_view what) {
    if (expr.kind != ast::ExprKind::number) {
      error(expr.range, fmt::format("{} must be a number written out", what),
            "for example `49.00` or `0.99`");
      return false;
    }
    expr.type = ast::Type::number;
    return true;
  }

  void expect(ast::Expr& expr, ast::Type wanted, std::string_view what) {
    const ast::Type got = type_of(expr);
    if (got != ast::Type::unknown && got != wanted)
      error(expr.range, fmt::format("{} must be {}, not {}", what, type_name(wanted), type_name(got)));
  }

  ast::Type type_of(ast::Expr& expr) {
    expr.type = infer(expr);
    return expr.type;
  }

  ast::Type infer(ast::Expr& expr) {
    switch (expr.kind) {
      case ast::ExprKind::number: return ast::Type::number;
      case ast::ExprKind::string: return ast::Type::text;
      case ast::ExprKind::boolean: return ast::Type::boolean;
      case ast::ExprKind::name: {
        if (column_index_.count(expr.text) && !column_types_.count(expr.text))
          return ast::Type::unknown;  // its type was already reported
        auto it = column_types_.find(expr.text);
        if (it == column_types_.end()) {
          error(expr.range, fmt::format("unknown column `{}`", expr.text),
                suggestion_hint(expr.text, column_names_, "columns"));
          return ast::Type::unknown;
        }
        expr.resolved = column_index_.at(expr.text);
        return is_numeric(it->second) ? ast::Type::number : ast::Type::text;
      }
      case ast::ExprKind::negate:
        expect(*expr.operands[0], ast::Type::number, "the operand of `-`");
        return ast::Type::number;
      case ast::ExprKind::logical_not:
        expect(*expr.operands[0], ast::Type::boolean, "the operand of `not`");
        return ast::Type::boolean;
      case ast::ExprKind::conditional: {
        expect(*expr.operands[0], ast::Type::boolean, "the condition after `if`");
        const ast::Type a = type_of(*expr.operands[1]);
        const ast::Type b = type_of(*expr.operands[2]);
        if (a != ast::Type::unknown && b != ast::Type::unknown && a != b) {
          error(expr.range, fmt::format("the branches of `if` differ: {} and {}", type_name(a), type_name(b)));
          return ast::Type::unknown;
        }
        if (a == ast::Type::text) {
          error(expr.range, "`if` cannot choose between texts here");
          return ast::Type::unknown;
        }
        return a;
      }
      case ast::ExprKind::call: return call(expr);
      case ast::ExprKind::binary: return binary(expr);
    }
    return ast::Type::unknown;
  }

  ast::Type call(ast::Expr& expr) {
    const auto& name = expr.text;
    std::size_t wanted = 0;
    if (name == "ceil" || name == "floor") wanted = 1;
    else if (name == "round" || name == "min" || name == "max") wanted = 2;
    else {
      error(expr.range, fmt::format("unknown function `{}`", name),
            suggestion_hint(name, kFunctions, "functions"));
      return ast::Type::unknown;
    }
    if (expr.operands.size() != wanted) {
      error(expr.range, fmt::format("`{}` takes {} argument{}, not {}", name, wanted,
                                    wanted == 1 ? "" : "s", expr.operands.size()));
      return ast::Type::unknown;
    }
    for (auto& operand : expr.operands) expect(*operand, ast::Type::number, fmt::format("an argument of `{}`", name));
    if (name == "round") {
      const auto& digits = *expr.operands[1];
      if (digits.kind != ast::ExprKind::number || !digits.number.is_integer() ||
          digits.number.sign() < 0 || digits.number > Decimal::from_int(Decimal::kMaxScale))
        error(digits.range, "the digits of `round` must be a whole number from 0 to 18",
              "round(x, 2) rounds to cents with the scheme's rounding mode");
    }
    return ast::Type::number;
  }

  ast::Type binary(ast::Expr& expr) {
    auto& lhs = *expr.operands[0];
    auto& rhs = *expr.operands[1];
    switch (expr.op) {
      case ast::BinaryOp::add:
      case ast::BinaryOp::subtract:
      case ast::BinaryOp::multiply:
      case ast::BinaryOp::divide:
        expect(lhs, ast::Type::number, "an operand of arithmetic");
        expect(rhs, ast::Type::number, "an operand of arithmetic");
        if (expr.op == ast::BinaryOp::divide && rhs.kind == ast::ExprKind::number && rhs.number.is_zero())
          error(rhs.range, "division by zero");
        return ast::Type::number;
      case ast::BinaryOp::logical_and:
      case ast::BinaryOp::logical_or:
        expect(lhs, ast::Type::boolean, "an operand of `and`/`or`");
        expect(rhs, ast::Type::boolean, "an operand of `and`/`or`");
        return ast::Type::boolean;
      case ast::BinaryOp::eq:
      case ast::BinaryOp::ne: {
        const ast::Type a = type_of(lhs);
        const ast::Type b = type_of(rhs);
        if (a == ast::Type::unknown || b == ast::Type::unknown) return ast::Type::boolean;
        if (a != b) {
          error(expr.range, fmt::format("cannot compare {} with {}", type_name(a), type_name(b)),
                a == ast::Type::text || b == ast::Type::text ? "text is compared with a quoted string: event == \"audio\"" : "");
        } else if (a == ast::Type::boolean) {
          error(expr.range, "conditions are combined with `and`/`or`, not compared");
        } else if (a == ast::Type::text && lhs.kind == ast::ExprKind::string && rhs.kind == ast::ExprKind::string) {
          error(expr.range, "this compares two quoted strings; one side should be a column");
        }
        return ast::Type::boolean;
      }
      case ast::BinaryOp::lt:
      case ast::BinaryOp::le:
      case ast::BinaryOp::gt:
      case ast::BinaryOp::ge:
        expect(lhs, ast::Type::number, "an operand of an ordering comparison");
        expect(rhs, ast::Type::number, "an operand of an ordering comparison");
        return ast::Type::boolean;
    }
    return ast::Type::unknown;
  }

  ast::Scheme& scheme_;
  Diagnostics& diagnostics_;
  const std::vector<PluginKindSignature>& kinds_;
  std::map<std::string, ColumnType> column_types_;
  std::map<std::string, std::uint32_t> column_index_;
  std::vector<std::string> column_names_;
  std::map<std::string, std::uint32_t> meter_index_;
  std::vector<std::string> meter_names_;
  std::set<std::uint32_t> windowed_meters_;  // meters with an `over` window
  std::vector<bool> whole_meters_;           // by meter index: takes whole values only
  std::vector<bool> sum_meters_;             // by meter index: a sum with no window or conversion
  std::set<std::string> used_meters_;
  std::vector<SourceRange> meter_ranges_;
  std::map<std::string, std::vector<std::string>> class_bands_;
  std::vector<std::string> class_names_;
  std::map<std::string, std::string> grouped_meters_;  // meter -> class
  std::map<std::uint32_t, std::set<std::string>> drawn_by_;
  std::vector<std::string> allowance_names_;
  bool has_time_ = false;
};

}  // namespace

std::optional<std::int32_t> parse_zone_offset(std::string_view zone) noexcept {
  if (zone == "UTC") return 0;
  // "+HH:MM" or "-HH:MM"
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return std::nullopt;
  auto digit = [&](std::size_t i) { return zone[i] >= '0' && zone[i] <= '9'; };
  if (!digit(1) || !digit(2) || !digit(4) || !digit(5)) return std::nullopt;
  const int hours = (zone[1] - '0') * 10 + (zone[2] - '0');
  const int minutes = (zone[4] - '0') * 10 + (zone[5] - '0');
  if (hours > 14 || minutes > 59) return std::nullopt;
  const std::int32_t seconds = hours * 3600 + minutes * 60;
  return zone[0] == '-' ? -seconds : seconds;
}

bool check(ast::Scheme& scheme, Diagnostics& diagnostics,
           const std::vector<PluginKindSignature>& kinds) {
  return Checker(scheme, diagnostics, kinds).run();
}

}  // namespace tariff::front
