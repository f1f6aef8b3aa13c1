// A price curve as an SVG image. Values stay exact decimals up to the one
// step that turns them into whole pixels: (v - lo) x pixels / (hi - lo),
// divided and rounded once with Decimal (no floating point anywhere).
#include <fmt/format.h>

#include <algorithm>

#include "tariff/tariff.h"

namespace tariff {

namespace {

constexpr std::int64_t kWidth = 800;
constexpr std::int64_t kHeight = 480;
constexpr std::int64_t kLeft = 90;    // plot area
constexpr std::int64_t kRight = 700;
constexpr std::int64_t kTop = 72;
constexpr std::int64_t kBottom = 410;
constexpr int kTickTarget = 5;  // about this many intervals per axis

RunError pixel_error(DecimalError error) {
  return RunError{fmt::format("drawing the curve: {}", describe(error))};
}

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

int digit_count(int128 mantissa) {
  uint128 magnitude = mantissa < 0 ? static_cast<uint128>(-mantissa) : static_cast<uint128>(mantissa);
  int digits = 1;
  while (magnitude >= 10) {
    magnitude /= 10;
    ++digits;
  }
  return digits;
}

// 10^exponent for -18 <= exponent <= 37.
Expected<Decimal, DecimalError> power_of_ten(int exponent) {
  if (exponent < 0) return Decimal::from_parts(1, -exponent);
  int128 value = 1;
  for (int i = 0; i < exponent; ++i) value *= 10;
  return Decimal::from_parts(value, 0);
}

// One axis: the range drawn and the tick values in it.
struct Axis {
  Decimal lo;
  Decimal hi;
  std::vector<Decimal> ticks;
};

// The smallest 1, 2 or 5 x 10^k at least span / kTickTarget.
Expected<Decimal, DecimalError> nice_step(Decimal span) {
  auto raw = divide(span, Decimal::from_int(kTickTarget), Decimal::kMaxScale, RoundingMode::up);
  if (!raw) return raw;
  if (raw->is_zero()) return power_of_ten(-Decimal::kMaxScale);
  const int exponent = digit_count(raw->mantissa()) - 1 - raw->scale();
  auto unit = power_of_ten(exponent);
  if (!unit) return unit;
  for (int factor : {1, 2, 5, 10}) {
    auto step = multiply(*unit, Decimal::from_int(factor));
    if (!step) return step;
    if (*step >= *raw) return step;
  }
  return raw;  // not reached: 10 x 10^k > raw
}

// k x step for the integer k = value / step rounded in `mode`.
Expected<Decimal, DecimalError> snap(Decimal value, Decimal step, RoundingMode mode) {
  auto count = divide(value, step, 0, mode);
  if (!count) return count;
  return multiply(*count, step);
}

// Ticks at the multiples of the step inside [lo, hi]; with `widen` the
// range itself grows to whole steps (for the amounts, not the quantity).
Expected<Axis, DecimalError> make_axis(Decimal lo, Decimal hi, bool widen) {
  if (!(lo < hi)) {
    auto up = add(lo, Decimal::from_int(1));
    if (!up) return unexpected(up.error());
    hi = *up;
  }
  auto span = subtract(hi, lo);
  if (!span) return unexpected(span.error());
  auto step = nice_step(*span);
  if (!step) return unexpected(step.error());
  Axis axis{lo, hi, {}};
  if (widen) {
    auto low = snap(lo, *step, RoundingMode::floor);
    if (!low) return unexpected(low.error());
    auto high = snap(hi, *step, RoundingMode::ceiling);
    if (!high) return unexpected(high.error());
    // A step of headroom when the largest value is on a tick, so a curve
    // at its top stays off the frame.
    if (*high == hi && hi.sign() > 0) high = add(*high, *step);
    if (!high) return unexpected(high.error());
    axis.lo = *low;
    axis.hi = *high;
  }
  auto tick = snap(axis.lo, *step, RoundingMode::ceiling);
  if (!tick) return unexpected(tick.error());
  for (Decimal value = *tick; value <= axis.hi;) {
    axis.ticks.push_back(value.normalized());
    auto next = add(value, *step);
    if (!next) return unexpected(next.error());
    value = *next;
  }
  return axis;
}

// The pixel of `value` on an axis drawn from pixel p_lo (at lo) to p_hi.
Expected<std::int64_t, DecimalError> pixel(const Axis& axis, Decimal value, std::int64_t p_lo,
                                           std::int64_t p_hi) {
  auto offset = subtract(value, axis.lo);
  if (!offset) return unexpected(offset.error());
  auto scaled = multiply(*offset, Decimal::from_int(p_hi - p_lo));
  if (!scaled) return unexpected(scaled.error());
  auto span = subtract(axis.hi, axis.lo);
  if (!span) return unexpected(span.error());
  // Half up, so a boundary b and b + 10^-k land on the same pixel when b
  // falls exactly half way.
  auto pixels = divide(*scaled, *span, 0, RoundingMode::half_up);
  if (!pixels) return unexpected(pixels.error());
  const auto whole = pixels->to_int64(RoundingMode::half_up);
  if (!whole) return unexpected(DecimalError::overflow);
  return p_lo + *whole;
}

// SVG polyline points, skipping a point equal to the one before.
class Points {
 public:
  void add(std::int64_t x, std::int64_t y) {
    if (!text_.empty() && x == last_x_ && y == last_y_) return;
    text_ += fmt::format("{}{},{}", text_.empty() ? "" : " ", x, y);
    last_x_ = x;
    last_y_ = y;
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::int64_t last_x_ = 0;
  std::int64_t last_y_ = 0;
};

}  // namespace

Expected<std::string, RunError> format_price_curve_svg(const PriceCurve& curve) {
  if (curve.points.empty() || curve.marginal.empty())
    return unexpected(RunError{"drawing the curve: no points"});
  Decimal amount_lo, amount_hi, marginal_lo, marginal_hi;  // all start at 0
  for (const CurvePoint& point : curve.points) {
    amount_lo = std::min(amount_lo, point.amount);
    amount_hi = std::max(amount_hi, point.amount);
  }
  for (const MarginalStep& step : curve.marginal) {
    marginal_lo = std::min(marginal_lo, step.price);
    marginal_hi = std::max(marginal_hi, step.price);
  }
  auto x_axis = make_axis(curve.from, curve.to, false);
  if (!x_axis) return unexpected(pixel_error(x_axis.error()));
  auto amount_axis = make_axis(amount_lo, amount_hi, true);
  if (!amount_axis) return unexpected(pixel_error(amount_axis.error()));
  auto marginal_axis = make_axis(marginal_lo, marginal_hi, true);
  if (!marginal_axis) return unexpected(pixel_error(marginal_axis.error()));

  std::optional<DecimalError> failed;
  const auto x = [&](Decimal value) {
    auto p = pixel(*x_axis, value, kLeft, kRight);
    if (!p) failed = p.error();
    return p ? *p : 0;
  };
  const auto y = [&](const Axis& axis, Decimal value) {
    auto p = pixel(axis, value, kBottom, kTop);
    if (!p) failed = p.error();
    return p ? *p : 0;
  };

  const std::string title = fmt::format("Price curve of \"{}\": {} (version {})", curve.charge,
                                        curve.scheme, curve.version);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n",
      kWidth, kHeight);
  out += fmt::format("<title>{}</title>\n", escape(title));
  out += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"white\"/>\n", kWidth, kHeight);
  out += fmt::format("<text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{}</text>\n",
                     kWidth / 2, escape(title));
  // Legend.
  out += fmt::format(
      "<g class=\"legend\">\n"
      "<line x1=\"{0}\" y1=\"40\" x2=\"{1}\" y2=\"40\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n"
      "<text x=\"{2}\" y=\"44\">total price, as billed (left axis)</text>\n"
      "<line x1=\"{3}\" y1=\"40\" x2=\"{4}\" y2=\"40\" stroke=\"#d62728\" stroke-width=\"2\" "
      "stroke-dasharray=\"6 3\"/>\n"
      "<text x=\"{5}\" y=\"44\">marginal price per unit (right axis)</text>\n"
      "</g>\n",
      kLeft, kLeft + 24, kLeft + 30, kLeft + 280, kLeft + 304, kLeft + 310);

  // Grid and axes.
  out += "<g class=\"grid\" stroke=\"#e8e8e8\">\n";
  for (const Decimal& tick : amount_axis->ticks) {
    const auto py = y(*amount_axis, tick);
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", kLeft, py, kRight, py);
  }
  out += "</g>\n";
  out += fmt::format(
      "<g class=\"axes\" stroke=\"black\">\n"
      "<line x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\"/>\n"
      "<line x1=\"{0}\" y1=\"{3}\" x2=\"{0}\" y2=\"{2}\"/>\n"
      "<line x1=\"{1}\" y1=\"{3}\" x2=\"{1}\" y2=\"{2}\"/>\n",
      kLeft, kRight, kBottom, kTop);
  for (const Decimal& tick : x_axis->ticks) {
    const auto px = x(tick);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", px, kBottom, kBottom + 5);
  }
  for (const Decimal& tick : amount_axis->ticks) {
    const auto py = y(*amount_axis, tick);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>\n", kLeft - 5, py, kLeft);
  }
  for (const Decimal& tick : marginal_axis->ticks) {
    const auto py = y(*marginal_axis, tick);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>\n", kRight, py, kRight + 5);
  }
  out += "</g>\n<g class=\"tick-labels\">\n";
  for (const Decimal& tick : x_axis->ticks)
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x(tick), kBottom + 20,
                       tick.to_string());
  for (const Decimal& tick : amount_axis->ticks)
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", kLeft - 8,
                       y(*amount_axis, tick) + 4, tick.to_string());
  for (const Decimal& tick : marginal_axis->ticks)
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"start\">{}</text>\n", kRight + 8,
                       y(*marginal_axis, tick) + 4, tick.to_string());
  out += "</g>\n";
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">quantity ({})</text>\n",
                     (kLeft + kRight) / 2, kBottom + 45, escape(curve.meter));
  out += fmt::format(
      "<text transform=\"translate(22 {}) rotate(-90)\" text-anchor=\"middle\">total price ({})</text>\n",
      (kTop + kBottom) / 2, escape(curve.currency));
  out += fmt::format(
      "<text transform=\"translate({} {}) rotate(90)\" text-anchor=\"middle\">marginal price per unit "
      "({})</text>\n",
      kWidth - 22, (kTop + kBottom) / 2, escape(curve.currency));

  // Tier boundaries.
  out += "<g class=\"tier-boundaries\" stroke=\"#888\" stroke-dasharray=\"4 4\">\n";
  for (const Decimal& bound : curve.boundaries)
    out += fmt::format("<line class=\"tier-boundary\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n",
                       x(bound), kTop, kBottom);
  out += "</g>\n<g class=\"tier-boundary-labels\" fill=\"#666\">\n";
  for (const Decimal& bound : curve.boundaries)
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x(bound), kTop - 6,
                       bound.normalized().to_string());
  out += "</g>\n";

  // The curves.
  Points total;
  for (const CurvePoint& point : curve.points) total.add(x(point.quantity), y(*amount_axis, point.amount));
  out += fmt::format(
      "<polyline class=\"total-price\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" "
      "points=\"{}\"/>\n",
      total.text());
  Points marginal;
  for (const MarginalStep& step : curve.marginal) {
    const auto py = y(*marginal_axis, step.price);
    marginal.add(x(step.from), py);
    marginal.add(x(step.to), py);
  }
  out += fmt::format(
      "<polyline class=\"marginal-price\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" "
      "stroke-dasharray=\"6 3\" points=\"{}\"/>\n",
      marginal.text());
  out += "</svg>\n";
  if (failed) return unexpected(pixel_error(*failed));
  return out;
}

}  // namespace tariff
