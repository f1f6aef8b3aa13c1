// Exact decimal arithmetic on a checked 128-bit mantissa (see decimal.h).
//
// Results are computed exactly and rounded at most once. Intermediate
// products and scaled numerators can need more than 128 bits even when the
// final result fits in 38 digits (a 20-digit quantity times a 20-digit
// price, rounded to cents), so rounding divisions run on 256-bit unsigned
// magnitudes with the sign kept apart.
#include "tariff/decimal.h"

#include <array>
#include <cstddef>
#include <limits>

namespace tariff {
namespace {

constexpr std::array<int128, Decimal::kMaxDigits + 1> make_powers_of_ten() {
  std::array<int128, Decimal::kMaxDigits + 1> powers{};
  powers[0] = 1;
  for (std::size_t exponent = 1; exponent < powers.size(); ++exponent) {
    powers[exponent] = powers[exponent - 1] * 10;
  }
  return powers;
}

// kPowersOfTen[n] == 10^n for n in 0..38.
constexpr auto kPowersOfTen = make_powers_of_ten();
constexpr int128 kMaxMantissa = kPowersOfTen[Decimal::kMaxDigits] - 1;

constexpr uint128 power_of_ten(int exponent) {
  return static_cast<uint128>(kPowersOfTen[static_cast<std::size_t>(exponent)]);
}

constexpr bool mantissa_fits(int128 mantissa) {
  return mantissa >= -kMaxMantissa && mantissa <= kMaxMantissa;
}

constexpr bool scale_in_range(int scale) { return scale >= 0 && scale <= Decimal::kMaxScale; }

constexpr uint128 magnitude(int128 value) {
  // Safe: every mantissa is within +-(10^38 - 1).
  return static_cast<uint128>(value < 0 ? -value : value);
}

// An unsigned 256-bit integer, just wide enough for a product of two 128-bit
// magnitudes and for the long division that rounds it.
struct U256 {
  uint128 high = 0;
  uint128 low = 0;
};

constexpr bool operator<(const U256& a, const U256& b) {
  return a.high != b.high ? a.high < b.high : a.low < b.low;
}

constexpr bool is_zero(const U256& value) { return value.high == 0 && value.low == 0; }

// a - b for a >= b.
constexpr U256 minus(const U256& a, const U256& b) {
  const uint128 borrow = a.low < b.low ? 1 : 0;
  return U256{a.high - b.high - borrow, a.low - b.low};
}

constexpr U256 full_product(uint128 a, uint128 b) {
  constexpr uint128 kLow64 = std::numeric_limits<std::uint64_t>::max();
  const uint128 a_low = a & kLow64, a_high = a >> 64;
  const uint128 b_low = b & kLow64, b_high = b >> 64;
  const uint128 low_low = a_low * b_low;
  const uint128 low_high = a_low * b_high;
  const uint128 high_low = a_high * b_low;
  const uint128 high_high = a_high * b_high;
  // At most 3 * (2^64 - 1): no carry is lost.
  const uint128 middle = (low_low >> 64) + (low_high & kLow64) + (high_low & kLow64);
  return U256{high_high + (low_high >> 64) + (high_low >> 64) + (middle >> 64),
              (middle << 64) | (low_low & kLow64)};
}

constexpr int bit_length(const U256& value) {
  int length = 0;
  for (U256 rest = value; !is_zero(rest); ++length) {
    rest.low = (rest.low >> 1) | (rest.high << 127);
    rest.high >>= 1;
  }
  return length;
}

struct QuotientAndRemainder {
  U256 quotient;
  U256 remainder;
};

// Long division for divisor != 0; native division when both fit in 128 bits.
constexpr QuotientAndRemainder divide_with_remainder(const U256& numerator, const U256& divisor) {
  if (numerator.high == 0 && divisor.high == 0) {
    const uint128 quotient = numerator.low / divisor.low;
    return {U256{0, quotient}, U256{0, numerator.low - quotient * divisor.low}};
  }
  QuotientAndRemainder result;
  for (int bit = bit_length(numerator) - 1; bit >= 0; --bit) {
    const bool carried_out = (result.remainder.high >> 127) != 0;
    const uint128 next_bit =
        bit >= 128 ? (numerator.high >> (bit - 128)) & 1 : (numerator.low >> bit) & 1;
    result.remainder.high = (result.remainder.high << 1) | (result.remainder.low >> 127);
    result.remainder.low = (result.remainder.low << 1) | next_bit;
    if (carried_out || !(result.remainder < divisor)) {
      result.remainder = minus(result.remainder, divisor);
      if (bit >= 128) {
        result.quotient.high |= uint128{1} << (bit - 128);
      } else {
        result.quotient.low |= uint128{1} << bit;
      }
    }
  }
  return result;
}

// Whether rounding a quotient with a non-zero remainder moves it away from
// zero. `remainder_vs_half` is <0, 0 or >0 as the remainder is below, at or
// above half the divisor.
constexpr bool rounds_away_from_zero(RoundingMode mode, bool negative, int remainder_vs_half,
                                     bool quotient_is_odd) {
  switch (mode) {
    case RoundingMode::up: return true;
    case RoundingMode::down: return false;
    case RoundingMode::ceiling: return !negative;
    case RoundingMode::floor: return negative;
    case RoundingMode::half_up: return remainder_vs_half >= 0;
    case RoundingMode::half_down: return remainder_vs_half > 0;
    case RoundingMode::half_even:
      return remainder_vs_half > 0 || (remainder_vs_half == 0 && quotient_is_odd);
  }
  return false;
}

}  // namespace

// The one place that builds Decimals from raw parts without re-checking.
class DecimalArithmetic {
 public:
  static constexpr Decimal make(int128 mantissa, int scale) { return Decimal(mantissa, scale); }

  static Expected<Decimal, DecimalError> signed_result(bool negative, uint128 magnitude_value,
                                                       int scale) {
    if (magnitude_value > static_cast<uint128>(kMaxMantissa)) {
      return unexpected(DecimalError::overflow);
    }
    const auto mantissa = static_cast<int128>(magnitude_value);
    return make(negative ? -mantissa : mantissa, scale);
  }

  // (numerator / divisor) rounded once to an integer mantissa at `scale`;
  // `negative` is the sign of the true quotient. divisor != 0.
  static Expected<Decimal, DecimalError> rounded_quotient(bool negative, const U256& numerator,
                                                          const U256& divisor, int scale,
                                                          RoundingMode mode) {
    const auto [quotient, remainder] = divide_with_remainder(numerator, divisor);
    if (quotient.high != 0 || quotient.low > static_cast<uint128>(kMaxMantissa)) {
      return unexpected(DecimalError::overflow);
    }
    uint128 result = quotient.low;
    if (!is_zero(remainder)) {
      // Compare the remainder with divisor - remainder rather than doubling
      // it, which could overflow.
      const U256 rest_of_divisor = minus(divisor, remainder);
      const int remainder_vs_half =
          remainder < rest_of_divisor ? -1 : (rest_of_divisor < remainder ? 1 : 0);
      if (rounds_away_from_zero(mode, negative, remainder_vs_half, (result & 1) != 0)) {
        ++result;
      }
    }
    return signed_result(negative, result, scale);
  }

  // value * 10^exponent exactly.
  static Expected<Decimal, DecimalError> scaled_up(bool negative, const U256& value, int exponent,
                                                   int scale) {
    uint128 scaled = 0;
    if (value.high != 0 || __builtin_mul_overflow(value.low, power_of_ten(exponent), &scaled)) {
      return unexpected(DecimalError::overflow);
    }
    return signed_result(negative, scaled, scale);
  }

  // An exact magnitude at `from_scale`, brought to `to_scale` (rounding once
  // when that drops digits).
  static Expected<Decimal, DecimalError> rescaled(bool negative, const U256& value, int from_scale,
                                                  int to_scale, RoundingMode mode) {
    if (to_scale >= from_scale) {
      return scaled_up(negative, value, to_scale - from_scale, to_scale);
    }
    return rounded_quotient(negative, value, U256{0, power_of_ten(from_scale - to_scale)},
                            to_scale, mode);
  }

  static Expected<Decimal, DecimalError> add(Decimal a, Decimal b) {
    const int scale = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
    // Only the operand with the smaller scale is scaled up. If that no
    // longer fits in 128 unsigned bits (>= 3.4e38) while the other is below
    // 1e38, the sum cannot fit in 38 digits either.
    uint128 a_magnitude = 0;
    uint128 b_magnitude = 0;
    if (__builtin_mul_overflow(magnitude(a.mantissa_), power_of_ten(scale - a.scale_),
                               &a_magnitude) ||
        __builtin_mul_overflow(magnitude(b.mantissa_), power_of_ten(scale - b.scale_),
                               &b_magnitude)) {
      return unexpected(DecimalError::overflow);
    }
    if (a.is_negative() == b.is_negative()) {
      uint128 sum = 0;
      if (__builtin_add_overflow(a_magnitude, b_magnitude, &sum)) {
        return unexpected(DecimalError::overflow);
      }
      return signed_result(a.is_negative(), sum, scale);
    }
    if (a_magnitude >= b_magnitude) {
      return signed_result(a.is_negative(), a_magnitude - b_magnitude, scale);
    }
    return signed_result(b.is_negative(), b_magnitude - a_magnitude, scale);
  }

  static Expected<Decimal, DecimalError> multiply(Decimal a, Decimal b) {
    const bool negative = a.is_negative() != b.is_negative();
    const U256 product = full_product(magnitude(a.mantissa_), magnitude(b.mantissa_));
    const int product_scale = a.scale_ + b.scale_;
    if (product_scale <= Decimal::kMaxScale) {
      return scaled_up(negative, product, 0, product_scale);
    }
    const auto [reduced, dropped] =
        divide_with_remainder(product, U256{0, power_of_ten(product_scale - Decimal::kMaxScale)});
    if (!is_zero(dropped)) {
      return unexpected(DecimalError::scale_out_of_range);
    }
    return scaled_up(negative, reduced, 0, Decimal::kMaxScale);
  }

  static Expected<Decimal, DecimalError> multiply_rounded(Decimal a, Decimal b, int scale,
                                                          RoundingMode mode) {
    if (!scale_in_range(scale)) return unexpected(DecimalError::scale_out_of_range);
    return rescaled(a.is_negative() != b.is_negative(),
                    full_product(magnitude(a.mantissa_), magnitude(b.mantissa_)),
                    a.scale_ + b.scale_, scale, mode);
  }

  static Expected<Decimal, DecimalError> divide(Decimal a, Decimal b, int scale,
                                                RoundingMode mode) {
    if (!scale_in_range(scale)) return unexpected(DecimalError::scale_out_of_range);
    if (b.is_zero()) return unexpected(DecimalError::division_by_zero);
    // a/b at `scale` is (ma * 10^exponent) / mb with exponent = scale +
    // sb - sa; a negative exponent moves the power of ten to the divisor.
    // Both stay below 10^38 * 10^36, well inside 256 bits.
    const int exponent = scale + b.scale_ - a.scale_;
    const U256 numerator =
        full_product(magnitude(a.mantissa_), power_of_ten(exponent > 0 ? exponent : 0));
    const U256 divisor =
        full_product(magnitude(b.mantissa_), power_of_ten(exponent < 0 ? -exponent : 0));
    return rounded_quotient(a.is_negative() != b.is_negative(), numerator, divisor, scale, mode);
  }

  static int compare(Decimal a, Decimal b) {
    if (a.sign() != b.sign()) return a.sign() < b.sign() ? -1 : 1;
    if (a.scale_ == b.scale_) return a.mantissa_ < b.mantissa_ ? -1 : (a.mantissa_ > b.mantissa_);
    // Aligning whole mantissas could overflow, so compare the integer parts
    // first and then the fractions, which fit once aligned (< 10^18).
    const int128 a_unit = kPowersOfTen[static_cast<std::size_t>(a.scale_)];
    const int128 b_unit = kPowersOfTen[static_cast<std::size_t>(b.scale_)];
    const int128 a_integer = a.mantissa_ / a_unit;
    const int128 b_integer = b.mantissa_ / b_unit;
    if (a_integer != b_integer) return a_integer < b_integer ? -1 : 1;
    const int scale = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
    const int128 a_fraction =
        (a.mantissa_ % a_unit) * kPowersOfTen[static_cast<std::size_t>(scale - a.scale_)];
    const int128 b_fraction =
        (b.mantissa_ % b_unit) * kPowersOfTen[static_cast<std::size_t>(scale - b.scale_)];
    return a_fraction < b_fraction ? -1 : (a_fraction > b_fraction);
  }
};

std::string_view to_string(RoundingMode mode) noexcept {
  switch (mode) {
    case RoundingMode::half_up: return "half_up";
    case RoundingMode::half_even: return "half_even";
    case RoundingMode::half_down: return "half_down";
    case RoundingMode::up: return "up";
    case RoundingMode::down: return "down";
    case RoundingMode::ceiling: return "ceiling";
    case RoundingMode::floor: return "floor";
  }
  return "unknown rounding mode";
}

std::optional<RoundingMode> parse_rounding_mode(std::string_view name) noexcept {
  for (int index = 0; index < kRoundingModeCount; ++index) {
    const auto mode = static_cast<RoundingMode>(index);
    if (to_string(mode) == name) return mode;
  }
  return std::nullopt;
}

std::string_view describe(DecimalError error) noexcept {
  switch (error) {
    case DecimalError::overflow: return "the result needs more than 38 significant digits";
    case DecimalError::division_by_zero: return "division by zero";
    case DecimalError::scale_out_of_range:
      return "more than 18 decimal places are needed or requested";
    case DecimalError::empty: return "a number needs at least one digit";
    case DecimalError::bad_character:
      return "a number may only have a leading sign, digits and one '.'";
    case DecimalError::exponent:
      return "exponents such as 1e5 are not accepted; write the digits out";
    case DecimalError::thousands_separator:
      return "thousands separators are not accepted, and '.' is the only decimal point";
    case DecimalError::too_many_digits: return "more than 38 significant digits";
    case DecimalError::too_many_decimals: return "more than 18 decimal places";
  }
  return "not a valid decimal number";
}

Expected<Decimal, DecimalError> Decimal::from_parts(int128 mantissa, int scale) noexcept {
  if (!scale_in_range(scale)) return unexpected(DecimalError::scale_out_of_range);
  if (!mantissa_fits(mantissa)) return unexpected(DecimalError::overflow);
  return Decimal(mantissa, scale);
}

namespace {

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Why `text[at]`, which is not a digit or the first '.', makes the text
// invalid; the message names the mistake the writer most likely made.
constexpr DecimalError classify_stray_character(std::string_view text, std::size_t at) {
  const char c = text[at];
  const bool after_digit = at > 0 && is_digit(text[at - 1]);
  const bool before_digit = at + 1 < text.size() && is_digit(text[at + 1]);
  if ((c == ',' || c == '\'' || c == ' ') && after_digit && before_digit) {
    return DecimalError::thousands_separator;
  }
  if ((c == 'e' || c == 'E') && at > 0 && (after_digit || text[at - 1] == '.')) {
    std::size_t exponent_start = at + 1;
    if (exponent_start < text.size() && (text[exponent_start] == '+' || text[exponent_start] == '-')) {
      ++exponent_start;
    }
    if (exponent_start < text.size() && is_digit(text[exponent_start])) {
      return DecimalError::exponent;
    }
  }
  return DecimalError::bad_character;
}

}  // namespace

Expected<Decimal, DecimalError> Decimal::parse(std::string_view text) noexcept {
  if (text.empty()) return unexpected(DecimalError::empty);
  const bool negative = text.front() == '-';
  const std::size_t digits_start = (text.front() == '-' || text.front() == '+') ? 1 : 0;

  // One pass to validate and find where the integer and fraction digits lie.
  std::size_t point = std::string_view::npos;
  for (std::size_t at = digits_start; at < text.size(); ++at) {
    if (is_digit(text[at])) continue;
    if (text[at] == '.' && point == std::string_view::npos) {
      point = at;
      continue;
    }
    return unexpected(classify_stray_character(text, at));
  }
  const std::string_view integer_digits =
      text.substr(digits_start, point == std::string_view::npos ? text.npos : point - digits_start);
  const std::string_view fraction_digits =
      point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  if (integer_digits.empty() && fraction_digits.empty()) return unexpected(DecimalError::empty);

  const std::size_t last_nonzero = fraction_digits.find_last_not_of('0');
  const std::size_t significant_decimals =
      last_nonzero == std::string_view::npos ? 0 : last_nonzero + 1;
  if (significant_decimals > static_cast<std::size_t>(kMaxScale)) {
    return unexpected(DecimalError::too_many_decimals);
  }
  std::size_t scale = fraction_digits.size() < static_cast<std::size_t>(kMaxScale)
                          ? fraction_digits.size()
                          : static_cast<std::size_t>(kMaxScale);

  // Significant digits run from the first non-zero digit to the last kept
  // one. Trailing fractional zeros give way (exactly) before that is an error.
  const std::size_t first_integer_nonzero = integer_digits.find_first_not_of('0');
  std::size_t digit_count = 0;
  if (first_integer_nonzero != std::string_view::npos) {
    digit_count = integer_digits.size() - first_integer_nonzero + scale;
  } else if (significant_decimals > 0) {
    digit_count = scale - fraction_digits.find_first_not_of('0');
  }
  const auto max_digits = static_cast<std::size_t>(kMaxDigits);
  if (digit_count > max_digits) {
    const std::size_t excess = digit_count - max_digits;
    if (scale - significant_decimals < excess) return unexpected(DecimalError::too_many_digits);
    scale -= excess;
  }

  // At most 38 significant digits: the accumulation cannot overflow.
  int128 mantissa = 0;
  for (const char c : integer_digits) mantissa = mantissa * 10 + (c - '0');
  for (const char c : fraction_digits.substr(0, scale)) mantissa = mantissa * 10 + (c - '0');
  return Decimal(negative ? -mantissa : mantissa, static_cast<int>(scale));
}

bool Decimal::is_integer() const noexcept {
  return mantissa_ % kPowersOfTen[static_cast<std::size_t>(scale_)] == 0;
}

Decimal Decimal::normalized() const noexcept {
  int128 mantissa = mantissa_;
  int scale = scale_;
  while (scale > 0 && mantissa % 10 == 0) {
    mantissa /= 10;
    --scale;
  }
  return Decimal(mantissa, scale);
}

Expected<Decimal, DecimalError> Decimal::rescale(int scale, RoundingMode mode) const noexcept {
  if (!scale_in_range(scale)) return unexpected(DecimalError::scale_out_of_range);
  return DecimalArithmetic::rescaled(is_negative(), U256{0, magnitude(mantissa_)}, scale_, scale,
                                     mode);
}

std::optional<std::int64_t> Decimal::to_int64(RoundingMode mode) const noexcept {
  const auto whole = rescale(0, mode);
  if (!whole) return std::nullopt;
  const int128 value = whole->mantissa();
  if (value < std::numeric_limits<std::int64_t>::min() ||
      value > std::numeric_limits<std::int64_t>::max()) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(value);
}

std::string Decimal::to_string() const {
  // Digits of the magnitude, least significant first, padded with zeros so
  // there is at least one integer digit ("0.05").
  std::string reversed;
  uint128 rest = magnitude(mantissa_);
  do {
    reversed.push_back(static_cast<char>('0' + static_cast<int>(rest % 10)));
    rest /= 10;
  } while (rest != 0);
  const auto fraction_length = static_cast<std::size_t>(scale_);
  while (reversed.size() <= fraction_length) reversed.push_back('0');

  std::string text;
  text.reserve(reversed.size() + 2);
  if (mantissa_ < 0) text.push_back('-');
  for (std::size_t index = reversed.size(); index-- > fraction_length;) {
    text.push_back(reversed[index]);
  }
  if (fraction_length > 0) {
    text.push_back('.');
    for (std::size_t index = fraction_length; index-- > 0;) text.push_back(reversed[index]);
  }
  return text;
}

Expected<Decimal, DecimalError> add(Decimal a, Decimal b) noexcept {
  return DecimalArithmetic::add(a, b);
}

Expected<Decimal, DecimalError> subtract(Decimal a, Decimal b) noexcept {
  return DecimalArithmetic::add(a, b.negated());
}

Expected<Decimal, DecimalError> multiply(Decimal a, Decimal b) noexcept {
  return DecimalArithmetic::multiply(a, b);
}

Expected<Decimal, DecimalError> multiply_rounded(Decimal a, Decimal b, int scale,
                                                 RoundingMode mode) noexcept {
  return DecimalArithmetic::multiply_rounded(a, b, scale, mode);
}

Expected<Decimal, DecimalError> divide(Decimal a, Decimal b, int scale,
                                       RoundingMode mode) noexcept {
  return DecimalArithmetic::divide(a, b, scale, mode);
}

int compare(Decimal a, Decimal b) noexcept { return DecimalArithmetic::compare(a, b); }

}  // namespace tariff
