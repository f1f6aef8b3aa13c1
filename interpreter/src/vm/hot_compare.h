// Comparisons for the record path, without the library calls the general
// ones make: per row the rater and the VM compare a few texts of a handful
// of bytes (where memcmp's set-up costs more than the comparison) and
// decimals that mostly share their scale.
#pragma once

#include <cstring>
#include <string_view>

#include "tariff/decimal.h"

namespace tariff {

inline bool text_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.size() > 16) return std::memcmp(a.data(), b.data(), a.size()) == 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// compare(a, b), inline when the scales agree.
inline int compare_fast(Decimal a, Decimal b) noexcept {
  if (a.scale() == b.scale()) return (a.mantissa() > b.mantissa()) - (a.mantissa() < b.mantissa());
  return compare(a, b);
}

}  // namespace tariff
