// Exact decimal numbers for amounts and quantities.
//
// A Decimal is a signed 128-bit mantissa with a per-value scale
// (value = mantissa / 10^scale). Every operation is checked: a result with
// more than 38 significant digits, a division by zero or a scale beyond 18
// is an error value, never a wrap, a floating-point value or an abort. Addition,
// subtraction and multiplication are exact; division and rescaling happen
// only with an explicit target scale and rounding mode.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "tariff/expected.h"

namespace tariff {

__extension__ using int128 = __int128;
__extension__ using uint128 = unsigned __int128;

// The seven rounding modes, with the names Java's RoundingMode and Python's
// decimal use: half_up is half away from zero.
enum class RoundingMode : std::uint8_t {
  half_up,
  half_even,
  half_down,
  up,       // away from zero
  down,     // toward zero
  ceiling,  // toward +infinity
  floor,    // toward -infinity
};
inline constexpr int kRoundingModeCount = 7;

std::string_view to_string(RoundingMode mode) noexcept;
std::optional<RoundingMode> parse_rounding_mode(std::string_view name) noexcept;

enum class DecimalError : std::uint8_t {
  overflow,            // the result needs more than 38 significant digits
  division_by_zero,
  scale_out_of_range,  // more than 18 decimal places needed or requested
  // Text that is not a decimal number:
  empty,
  bad_character,
  exponent,             // 1e5, 2.5E-3: exponents are not accepted
  thousands_separator,  // 1,000 or 1'000 or 1 000
  too_many_digits,      // more than 38 significant digits
  too_many_decimals,    // more than 18 significant decimal places
};

// A sentence a user can act on, e.g. "more than 38 significant digits".
std::string_view describe(DecimalError error) noexcept;

class Decimal {
 public:
  static constexpr int kMaxScale = 18;
  static constexpr int kMaxDigits = 38;

  constexpr Decimal() noexcept = default;
  static constexpr Decimal from_int(std::int64_t value) noexcept { return Decimal(value, 0); }
  // Fails when |mantissa| >= 10^38 or scale is outside 0..18.
  static Expected<Decimal, DecimalError> from_parts(int128 mantissa, int scale) noexcept;
  // Digit by digit, never through floating point. Accepts an optional sign,
  // digits, and an optional '.' followed by digits ("-12.50", "007", ".5",
  // "-0" which is zero). Leading zeros are fine; trailing fractional zeros
  // beyond 18 places are dropped exactly. Refuses exponents, thousands
  // separators, spaces and anything else with the reason.
  static Expected<Decimal, DecimalError> parse(std::string_view text) noexcept;

  constexpr int128 mantissa() const noexcept { return mantissa_; }
  constexpr int scale() const noexcept { return scale_; }
  constexpr bool is_zero() const noexcept { return mantissa_ == 0; }
  constexpr bool is_negative() const noexcept { return mantissa_ < 0; }
  constexpr int sign() const noexcept { return (mantissa_ > 0) - (mantissa_ < 0); }
  // Always representable: the range is symmetric.
  constexpr Decimal negated() const noexcept { return Decimal(-mantissa_, scale_); }
  constexpr Decimal abs() const noexcept { return mantissa_ < 0 ? negated() : *this; }
  // True when the value has no fractional part.
  bool is_integer() const noexcept;
  // The same value with trailing fractional zeros removed (1.500 -> 1.5).
  Decimal normalized() const noexcept;

  // The value rounded (or exactly extended) to `scale` decimal places.
  Expected<Decimal, DecimalError> rescale(int scale, RoundingMode mode) const noexcept;
  // Integer part after rounding to scale 0 in the given mode, if it fits.
  std::optional<std::int64_t> to_int64(RoundingMode mode) const noexcept;

  // Plain text: sign, integer digits, '.', exactly scale() fraction digits.
  // No exponent, no separators, no locale. -0 never appears.
  std::string to_string() const;

  friend constexpr bool same_representation(Decimal a, Decimal b) noexcept {
    return a.mantissa_ == b.mantissa_ && a.scale_ == b.scale_;
  }

 private:
  constexpr Decimal(int128 mantissa, int scale) noexcept
      : mantissa_(mantissa), scale_(static_cast<std::int8_t>(scale)) {}
  friend class DecimalArithmetic;

  int128 mantissa_ = 0;
  std::int8_t scale_ = 0;
};

// Exact: the result's scale is the larger operand scale.
Expected<Decimal, DecimalError> add(Decimal a, Decimal b) noexcept;
Expected<Decimal, DecimalError> subtract(Decimal a, Decimal b) noexcept;
// Exact: the scales add; if that exceeds 18, trailing zeros are dropped when
// that is exact, otherwise scale_out_of_range (use multiply_rounded).
Expected<Decimal, DecimalError> multiply(Decimal a, Decimal b) noexcept;
// The exact product rounded once to `scale` places.
Expected<Decimal, DecimalError> multiply_rounded(Decimal a, Decimal b, int scale,
                                                 RoundingMode mode) noexcept;
// a / b rounded once to `scale` places.
Expected<Decimal, DecimalError> divide(Decimal a, Decimal b, int scale,
                                       RoundingMode mode) noexcept;

// Numeric comparison regardless of scale (1.50 == 1.5); never fails.
int compare(Decimal a, Decimal b) noexcept;
inline bool operator==(Decimal a, Decimal b) noexcept { return compare(a, b) == 0; }
inline bool operator!=(Decimal a, Decimal b) noexcept { return compare(a, b) != 0; }
inline bool operator<(Decimal a, Decimal b) noexcept { return compare(a, b) < 0; }
inline bool operator<=(Decimal a, Decimal b) noexcept { return compare(a, b) <= 0; }
inline bool operator>(Decimal a, Decimal b) noexcept { return compare(a, b) > 0; }
inline bool operator>=(Decimal a, Decimal b) noexcept { return compare(a, b) >= 0; }

}  // namespace tariff

template <>
struct fmt::formatter<tariff::Decimal> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const tariff::Decimal& d, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(d.to_string(), ctx);
  }
};
