// ISO 4217 lookup over the table generated from stdlib/iso4217.csv, which
// the generator has already checked to be sorted by code without duplicates.
#include "tariff/currency.h"

#include <algorithm>
#include <iterator>

namespace tariff {
namespace {

constexpr Currency kCurrencies[] = {
#include "iso4217_table.inc"
};

}  // namespace

std::optional<Currency> find_currency(std::string_view code) noexcept {
  const auto* found =
      std::lower_bound(std::begin(kCurrencies), std::end(kCurrencies), code,
                       [](const Currency& entry, std::string_view wanted) { return entry.code < wanted; });
  if (found == std::end(kCurrencies) || found->code != code) return std::nullopt;
  return *found;
}

std::size_t currency_count() noexcept { return std::size(kCurrencies); }

// Precondition: index < currency_count().
const Currency& currency_at(std::size_t index) noexcept { return kCurrencies[index]; }

}  // namespace tariff
