// ISO 4217 currencies and their minor units. The table itself is data
// (stdlib/iso4217.csv), turned into a compiled-in table at build time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tariff {

struct Currency {
  std::string_view code;         // "USD"
  std::uint16_t numeric;         // 840
  std::uint8_t minor_digits;     // 2
  std::string_view name;         // "US Dollar"
};

std::optional<Currency> find_currency(std::string_view code) noexcept;
// Number of entries in the table, for tests and `did you mean` hints.
std::size_t currency_count() noexcept;
const Currency& currency_at(std::size_t index) noexcept;

}  // namespace tariff
