// The state of one meter for one account over the period. Mergeable and
// order-independent: shards of the usage can be rated apart and merged,
// and no state depends on the order rows arrive in (`latest` is decided by
// time, then by the larger value).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bytecode/program.h"
#include "tariff/decimal.h"
#include "tariff/expected.h"
#include "usage/usage_row.h"
#include "vm/string_set.h"

namespace tariff {

struct MeterExtra;

struct MeterSlot {
  Decimal value;  // sum, count, max, min, latest value; average: sum of samples
  Decimal count;  // average: number of samples
  Decimal time;   // latest: the time of `value`
  bool seen = false;
  std::unique_ptr<MeterExtra> extra;  // distinct values, gauge points, windows

  MeterExtra& ensure_extra();
};

struct MeterExtra {
  StringSet distinct;
  // On a meter's own slot: the values in `distinct` here and in every
  // window's slot, which the distinct-values budget limits.
  std::uint64_t distinct_values = 0;
  std::vector<std::pair<Decimal, Decimal>> points;  // (time, increment); intervals: (start, end)
  // Window key -> the inner aggregation's state. A key is its components,
  // outermost window first, each as a 4-byte length and its bytes: one
  // string, so a row's key is built in a reused buffer and looked up
  // without allocating.
  std::map<std::string, MeterSlot, std::less<>> windows;
};

// The slot a record updates: the meter's own, or the inner state of the
// record's window (its day in the period's zone, its column value).
// `key` is scratch space for the window key, reused across rows.
MeterSlot& slot_for_record(const Program& program, const MeterInfo& meter, MeterSlot& slot,
                           const usage::Row& row, std::string& key);

// Record updates, one per aggregation.
Expected<std::monostate, DecimalError> add_to_sum(MeterSlot& slot, Decimal value);
void keep_max(MeterSlot& slot, Decimal value);
void keep_min(MeterSlot& slot, Decimal value);
bool add_distinct(MeterSlot& slot, std::string_view value);  // true when the value is new
void keep_latest(MeterSlot& slot, Decimal value, Decimal time);
Expected<std::monostate, DecimalError> add_sample(MeterSlot& slot, Decimal value);
void add_increment(MeterSlot& slot, Decimal value, Decimal time);
// A sum that keeps each record's (time, value) too.
Expected<std::monostate, DecimalError> add_event(MeterSlot& slot, Decimal value, Decimal time);
// [start, start + seconds); a negative length is an empty interval.
Expected<std::monostate, DecimalError> add_interval(MeterSlot& slot, Decimal start, Decimal seconds);

// into := into ⊕ from, the aggregation's own combination.
Expected<std::monostate, DecimalError> merge(MeterKind kind, MeterSlot& into, MeterSlot&& from);

// The billing period in epoch seconds, end exclusive.
struct PeriodBounds {
  Decimal start;
  Decimal end;
};

// An intervals meter's intervals: clipped to the period, sorted, with
// touching or overlapping ones merged.
std::vector<std::pair<Decimal, Decimal>> merged_intervals(const MeterSlot& slot,
                                                          const std::optional<PeriodBounds>& period);

// The meter's value at period end: the aggregation, its windows reduced
// innermost first, and its unit conversions. 0 when no record reached it.
Expected<Decimal, DecimalError> meter_value(const MeterInfo& meter, const MeterSlot& slot,
                                            const std::optional<PeriodBounds>& period,
                                            RoundingMode mode);

// The value of each group of the meter's outermost window (each day of
// `max over days of ...`), before that window reduces them: a charge
// priced `per window` prices each. In key order (days in date order).
struct WindowValue {
  std::string label;  // the day (YYYY-MM-DD) or the column's value
  Decimal value;
};
Expected<std::vector<WindowValue>, DecimalError> window_values(const MeterInfo& meter, const MeterSlot& slot,
                                                               const std::optional<PeriodBounds>& period,
                                                               RoundingMode mode);

}  // namespace tariff
