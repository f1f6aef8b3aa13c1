// Equality of short texts (ids, event names) without a call to memcmp:
// per row the VM compares a few texts of a handful of bytes, where the
// library call's set-up costs more than the comparison.
#pragma once

#include <cstring>
#include <string_view>

namespace tariff {

inline bool text_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.size() > 16) return std::memcmp(a.data(), b.data(), a.size()) == 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

}  // namespace tariff
