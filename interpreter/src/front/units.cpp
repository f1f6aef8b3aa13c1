// The unit table.
#include "front/units.h"

#include <utility>

namespace tariff::front {

namespace {

struct Entry {
  const char* name;
  Dimension dimension;
  std::int64_t size;
};

constexpr Entry kUnits[] = {
    {"seconds", Dimension::time, 1},        {"minutes", Dimension::time, 60},
    {"hours", Dimension::time, 3'600},      {"days", Dimension::time, 86'400},
    {"bytes", Dimension::data, 1},          {"KB", Dimension::data, 1'000},
    {"MB", Dimension::data, 1'000'000},     {"GB", Dimension::data, 1'000'000'000},
    {"TB", Dimension::data, 1'000'000'000'000}, {"KiB", Dimension::data, 1'024},
    {"MiB", Dimension::data, 1'048'576},    {"GiB", Dimension::data, 1'073'741'824},
    {"TiB", Dimension::data, 1'099'511'627'776},
};

}  // namespace

std::optional<Unit> find_unit(std::string_view name) {
  for (const Entry& e : kUnits)
    if (name == e.name) return Unit{e.dimension, Decimal::from_int(e.size)};
  return std::nullopt;
}

const std::vector<std::string>& unit_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Entry& e : kUnits) out.emplace_back(e.name);
    return out;
  }();
  return names;
}

}  // namespace tariff::front
