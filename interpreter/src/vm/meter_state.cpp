// Updating, merging and valuing meter state.
#include "vm/meter_state.h"

#include "vm/free_transactions.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iterator>

#include "usage/timestamp.h"

namespace tariff {

MeterExtra& MeterSlot::ensure_extra() {
  if (!extra) extra = std::make_unique<MeterExtra>();
  return *extra;
}

namespace {

void append_key_component(std::string& key, std::string_view component) {
  const auto length = static_cast<std::uint32_t>(component.size());
  char prefix[sizeof length];
  std::memcpy(prefix, &length, sizeof length);
  key.append(prefix, sizeof prefix);
  key.append(component);
}

// The record's day in the zone, as decimal digits of the day number.
void append_day_component(std::string& key, Decimal time, std::int32_t zone_offset) {
  char digits[24];
  const auto written = std::to_chars(std::begin(digits), std::end(digits), usage::local_day(time, zone_offset));
  append_key_component(key, std::string_view(digits, static_cast<std::size_t>(written.ptr - digits)));
}

// The components of a window key, outermost first.
std::vector<std::string> key_components(std::string_view key) {
  std::vector<std::string> components;
  while (!key.empty()) {
    std::uint32_t length = 0;
    std::memcpy(&length, key.data(), sizeof length);
    components.emplace_back(key.substr(sizeof length, length));
    key.remove_prefix(sizeof length + length);
  }
  return components;
}

}  // namespace

MeterSlot& slot_for_record(const Program& program, const MeterInfo& meter, MeterSlot& slot,
                           const usage::Row& row, std::string& key) {
  if (meter.windows.empty()) return slot;
  key.clear();
  for (auto w = meter.windows.rbegin(); w != meter.windows.rend(); ++w) {
    if (w->kind == WindowKind::day)
      append_day_component(key, row.fields[*program.usage.time_column].number,
                           program.billing_period.zone_offset);
    else
      append_key_component(key, row.fields[w->column].text);
  }
  auto& windows = slot.ensure_extra().windows;
  const auto found = windows.find(std::string_view(key));
  if (found != windows.end()) return found->second;
  return windows.emplace(key, MeterSlot{}).first->second;
}

Expected<std::monostate, DecimalError> add_to_sum(MeterSlot& slot, Decimal value) {
  auto sum = add(slot.value, value);
  if (!sum) return unexpected(sum.error());
  slot.value = *sum;
  slot.seen = true;
  return std::monostate{};
}

void keep_max(MeterSlot& slot, Decimal value) {
  if (!slot.seen || value > slot.value) slot.value = value;
  slot.seen = true;
}

void keep_min(MeterSlot& slot, Decimal value) {
  if (!slot.seen || value < slot.value) slot.value = value;
  slot.seen = true;
}

bool add_distinct(MeterSlot& slot, std::string_view value) {
  slot.seen = true;
  return slot.ensure_extra().distinct.insert(value).inserted;
}

void keep_latest(MeterSlot& slot, Decimal value, Decimal time) {
  if (!slot.seen || time > slot.time || (time == slot.time && value > slot.value)) {
    slot.value = value;
    slot.time = time;
  }
  slot.seen = true;
}

Expected<std::monostate, DecimalError> add_sample(MeterSlot& slot, Decimal value) {
  auto sum = add(slot.value, value);
  if (!sum) return unexpected(sum.error());
  auto count = add(slot.count, Decimal::from_int(1));
  if (!count) return unexpected(count.error());
  slot.value = *sum;
  slot.count = *count;
  slot.seen = true;
  return std::monostate{};
}

Expected<std::monostate, DecimalError> add_event(MeterSlot& slot, Decimal value, Decimal time) {
  auto sum = add(slot.value, value);
  if (!sum) return unexpected(sum.error());
  slot.value = *sum;
  slot.ensure_extra().points.emplace_back(time, value);
  slot.seen = true;
  return std::monostate{};
}

void add_increment(MeterSlot& slot, Decimal value, Decimal time) {
  slot.ensure_extra().points.emplace_back(time, value);
  slot.seen = true;
}

Expected<std::monostate, DecimalError> add_interval(MeterSlot& slot, Decimal start, Decimal seconds) {
  auto end = add(start, seconds);
  if (!end) return unexpected(end.error());
  slot.seen = true;
  if (*end > start) slot.ensure_extra().points.emplace_back(start, *end);
  return std::monostate{};
}

Expected<std::monostate, DecimalError> merge(MeterKind kind, MeterSlot& into, MeterSlot&& from) {
  if (!from.seen && !from.extra) return std::monostate{};
  if (!into.seen && !into.extra) {
    into = std::move(from);
    return std::monostate{};
  }
  if (from.seen) {
    switch (kind) {
      case MeterKind::sum:
      case MeterKind::count:
      case MeterKind::average:
      case MeterKind::events: {
        auto sum = add(into.value, from.value);
        auto count = add(into.count, from.count);
        if (!sum) return unexpected(sum.error());
        if (!count) return unexpected(count.error());
        into.value = *sum;
        into.count = *count;
        break;
      }
      case MeterKind::max: keep_max(into, from.value); break;
      case MeterKind::min: keep_min(into, from.value); break;
      case MeterKind::latest:
        if (into.seen)
          keep_latest(into, from.value, from.time);
        else
          into.value = from.value, into.time = from.time;
        break;
      case MeterKind::distinct:
      case MeterKind::weighted_sum:
      case MeterKind::intervals:
      case MeterKind::free_transactions: break;  // their state is in `extra`
    }
    into.seen = true;
  }
  if (from.extra) {
    MeterExtra& target = into.ensure_extra();
    from.extra->distinct.for_each(
        [&](std::size_t, std::string_view value) { target.distinct.insert(value); });
    if (kind == MeterKind::free_transactions)
      merge_transactions(target.points, from.extra->points);
    else
      target.points.insert(target.points.end(), from.extra->points.begin(), from.extra->points.end());
    for (auto& [key, inner] : from.extra->windows) {
      if (auto merged = merge(kind, target.windows[key], std::move(inner)); !merged) return merged;
    }
    if (kind == MeterKind::distinct) {
      // Values both sides saw count once: counted again from the sets.
      target.distinct_values = target.distinct.size();
      for (const auto& window : target.windows)
        if (window.second.extra) target.distinct_values += window.second.extra->distinct.size();
    }
  }
  return std::monostate{};
}

namespace {

using Value = Expected<Decimal, DecimalError>;

// Σ gauge × seconds held / seconds in the period (V30). The gauge starts at
// 0 at the period start and changes by each increment at its time.
Value weighted_sum(const MeterSlot& slot, const std::optional<PeriodBounds>& period, RoundingMode mode) {
  if (!slot.extra || !period) return Decimal();
  auto points = slot.extra->points;
  std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second < b.second;
  });
  Decimal gauge;
  Decimal area;
  Decimal at = period->start;
  for (const auto& [time, increment] : points) {
    const Decimal from = std::max(time, period->start);
    if (from > at) {
      auto held = subtract(from, at);
      if (!held) return unexpected(held.error());
      auto part = multiply(gauge, *held);
      if (!part) return unexpected(part.error());
      auto sum = add(area, *part);
      if (!sum) return unexpected(sum.error());
      area = *sum;
      at = from;
    }
    auto next = add(gauge, increment);
    if (!next) return unexpected(next.error());
    gauge = *next;
  }
  auto held = subtract(period->end, at);
  if (!held) return unexpected(held.error());
  auto part = multiply(gauge, *held);
  if (!part) return unexpected(part.error());
  auto total = add(area, *part);
  if (!total) return unexpected(total.error());
  auto length = subtract(period->end, period->start);
  if (!length) return unexpected(length.error());
  auto average = divide(*total, *length, Decimal::kMaxScale, mode);
  if (!average) return average;
  return average->normalized();
}

}  // namespace

std::vector<std::pair<Decimal, Decimal>> merged_intervals(const MeterSlot& slot,
                                                          const std::optional<PeriodBounds>& period) {
  std::vector<std::pair<Decimal, Decimal>> out;
  if (!slot.extra) return out;
  auto spans = slot.extra->points;
  std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second < b.second;
  });
  for (auto [start, end] : spans) {
    if (period) {
      start = std::max(start, period->start);
      end = std::min(end, period->end);
    }
    if (end <= start) continue;
    if (!out.empty() && start <= out.back().second)
      out.back().second = std::max(out.back().second, end);
    else
      out.emplace_back(start, end);
  }
  return out;
}

namespace {

// The seconds the intervals cover, overlaps counted once.
Value covered_seconds(const MeterSlot& slot, const std::optional<PeriodBounds>& period) {
  Decimal total;
  for (const auto& [start, end] : merged_intervals(slot, period)) {
    auto length = subtract(end, start);
    if (!length) return length;
    auto sum = add(total, *length);
    if (!sum) return sum;
    total = *sum;
  }
  return total;
}

Value base_value(MeterKind kind, const MeterSlot& slot, const std::optional<PeriodBounds>& period,
                 RoundingMode mode) {
  switch (kind) {
    case MeterKind::distinct:
      return Decimal::from_int(slot.extra ? static_cast<std::int64_t>(slot.extra->distinct.size()) : 0);
    case MeterKind::average: {
      if (slot.count.is_zero()) return Decimal();
      auto mean = divide(slot.value, slot.count, Decimal::kMaxScale, mode);
      if (!mean) return mean;
      return mean->normalized();
    }
    case MeterKind::weighted_sum: return weighted_sum(slot, period, mode);
    case MeterKind::intervals: return covered_seconds(slot, period);
    default: return slot.seen ? slot.value : Decimal();
  }
}

Value convert(Decimal value, const std::optional<UnitConversion>& conversion, RoundingMode mode) {
  if (!conversion) return value;
  auto scaled = multiply(value, conversion->from_size);
  if (!scaled) return scaled;
  if (conversion->rounding) return divide(*scaled, conversion->to_size, 0, *conversion->rounding);
  auto divided = divide(*scaled, conversion->to_size, Decimal::kMaxScale, mode);
  if (!divided) return divided;
  return divided->normalized();
}

const std::optional<UnitConversion>& conversion_at(const MeterInfo& meter, std::size_t level) {
  static const std::optional<UnitConversion> none;
  return level < meter.conversions.size() ? meter.conversions[level] : none;
}

Value reduce(MeterKind reduce_kind, const std::vector<Decimal>& values, RoundingMode mode) {
  if (values.empty()) return Decimal();
  Decimal result = reduce_kind == MeterKind::count
                       ? Decimal::from_int(static_cast<std::int64_t>(values.size()))
                       : values.front();
  if (reduce_kind == MeterKind::count) return result;
  for (std::size_t i = 1; i < values.size(); ++i) {
    switch (reduce_kind) {
      case MeterKind::max: result = std::max(result, values[i]); break;
      case MeterKind::min: result = std::min(result, values[i]); break;
      default: {
        auto sum = add(result, values[i]);
        if (!sum) return sum;
        result = *sum;
      }
    }
  }
  if (reduce_kind == MeterKind::average) {
    auto mean = divide(result, Decimal::from_int(static_cast<std::int64_t>(values.size())),
                       Decimal::kMaxScale, mode);
    if (!mean) return mean;
    return mean->normalized();
  }
  return result;
}

}  // namespace

namespace {

using Level = std::map<std::vector<std::string>, Decimal>;

// Values per window key after reducing the innermost `windows` windows
// (dropping the last key component each time).
Expected<Level, DecimalError> reduce_windows(const MeterInfo& meter, const MeterSlot& slot,
                                             const std::optional<PeriodBounds>& period, RoundingMode mode,
                                             std::size_t windows) {
  Level level;
  if (!slot.extra) return level;
  for (const auto& [key, inner] : slot.extra->windows) {
    auto value = base_value(meter.kind, inner, period, mode);
    if (!value) return unexpected(value.error());
    auto converted = convert(*value, conversion_at(meter, 0), mode);
    if (!converted) return unexpected(converted.error());
    level.emplace(key_components(key), *converted);
  }
  for (std::size_t w = 0; w < windows; ++w) {
    std::map<std::vector<std::string>, std::vector<Decimal>> groups;
    for (auto& [key, value] : level) {
      std::vector<std::string> outer(key.begin(), key.end() - 1);
      groups[std::move(outer)].push_back(value);
    }
    Level next;
    for (const auto& [key, values] : groups) {
      auto reduced = reduce(meter.windows[w].reduce, values, mode);
      if (!reduced) return unexpected(reduced.error());
      auto converted = convert(*reduced, conversion_at(meter, w + 1), mode);
      if (!converted) return unexpected(converted.error());
      next.emplace(key, *converted);
    }
    level = std::move(next);
  }
  return level;
}

}  // namespace

Expected<Decimal, DecimalError> meter_value(const MeterInfo& meter, const MeterSlot& slot,
                                            const std::optional<PeriodBounds>& period,
                                            RoundingMode mode) {
  if (meter.windows.empty()) {
    auto value = base_value(meter.kind, slot, period, mode);
    if (!value) return value;
    return convert(*value, conversion_at(meter, 0), mode);
  }
  auto level = reduce_windows(meter, slot, period, mode, meter.windows.size());
  if (!level) return unexpected(level.error());
  return level->empty() ? Decimal() : level->begin()->second;
}

Expected<std::vector<WindowValue>, DecimalError> window_values(const MeterInfo& meter, const MeterSlot& slot,
                                                               const std::optional<PeriodBounds>& period,
                                                               RoundingMode mode) {
  std::vector<WindowValue> out;
  if (meter.windows.empty()) return out;
  auto level = reduce_windows(meter, slot, period, mode, meter.windows.size() - 1);
  if (!level) return unexpected(level.error());
  const MeterWindow& outer = meter.windows.back();
  for (const auto& [key, value] : *level) {
    std::string label = key.front();
    if (outer.kind == WindowKind::day) {
      std::int64_t day = 0;
      std::from_chars(label.data(), label.data() + label.size(), day);
      label = usage::format_day(day);
    }
    out.push_back(WindowValue{std::move(label), value});
  }
  return out;
}

}  // namespace tariff
