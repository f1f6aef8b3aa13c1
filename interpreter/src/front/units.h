// Units a meter converts between: time and data sizes. Data sizes come in
// decimal (KB = 1,000 bytes, as vendors bill traffic and storage) and
// binary (KiB = 1,024 bytes, as message sizes are often counted) forms, so
// a scheme says exactly which it means.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tariff/decimal.h"

namespace tariff::front {

enum class Dimension { time, data };

struct Unit {
  Dimension dimension;
  Decimal size;  // in seconds or bytes
};

std::optional<Unit> find_unit(std::string_view name);
const std::vector<std::string>& unit_names();

}  // namespace tariff::front
