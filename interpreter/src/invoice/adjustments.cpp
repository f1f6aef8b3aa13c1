// The ledger behind the adjustments: every charge line, and every true-up a
// minimum adds, is an item with a net amount. A cap or a discount lowers
// the nets of the items it applies to in proportion to them (shares in the
// currency's minor unit, the last item taking the remainder), so a tax
// after a discount is computed on what is left of each item (vector V46).
#include "invoice/adjustments.h"

#include <fmt/format.h>

#include <algorithm>

namespace tariff {

namespace {

struct Item {
  std::vector<std::uint32_t> charges;  // empty: an overall true-up
  Decimal net;
};

// Arithmetic that remembers its first failure, so each adjustment is
// written as plain formulas and checked once at its end.
class Checked {
 public:
  explicit Checked(const Program& program) : program_(program) {}

  Decimal add(Decimal a, Decimal b) { return take(tariff::add(a, b)); }
  Decimal subtract(Decimal a, Decimal b) { return take(tariff::subtract(a, b)); }
  // Exact, or rounded at 18 places when the exact product has more.
  Decimal multiply(Decimal a, Decimal b) {
    auto exact = tariff::multiply(a, b);
    if (exact || exact.error() != DecimalError::scale_out_of_range) return take(exact);
    return take(multiply_rounded(a, b, Decimal::kMaxScale, program_.rounding));
  }
  // To the currency's minor unit in the scheme's rounding mode.
  Decimal money(Decimal a) { return take(a.rescale(program_.minor_digits, program_.rounding)); }
  Decimal money_quotient(Decimal a, Decimal b) {
    return take(divide(a, b, program_.minor_digits, program_.rounding));
  }
  // Rounded where the scheme rounds lines; exact when it rounds the invoice.
  Decimal staged(Decimal a) { return program_.rounding_stage == RoundingStage::line ? money(a) : a; }

  const std::optional<DecimalError>& error() const { return error_; }

 private:
  Decimal take(const Expected<Decimal, DecimalError>& result) {
    if (result) return *result;
    if (!error_) error_ = result.error();
    return Decimal();
  }

  const Program& program_;
  std::optional<DecimalError> error_;
};

bool applies_to(const AdjustmentInfo& adjustment, const Item& item) {
  if (adjustment.charges.empty()) return true;
  return std::any_of(item.charges.begin(), item.charges.end(), [&](std::uint32_t c) {
    return std::find(adjustment.charges.begin(), adjustment.charges.end(), c) != adjustment.charges.end();
  });
}

std::string percent_text(Decimal fraction) {
  auto percent = multiply(fraction, Decimal::from_int(100));
  return fmt::format("{}%", percent ? percent->normalized() : fraction);
}

class Ledger {
 public:
  Ledger(const Program& program, const std::vector<std::uint32_t>& charges,
         const std::vector<InvoiceLine>& lines)
      : program_(program), checked_(program) {
    for (std::size_t i = 0; i < lines.size(); ++i) items_.push_back(Item{{charges[i]}, lines[i].amount});
  }

  Expected<std::vector<Adjustment>, AdjustmentError> run() {
    std::vector<Adjustment> out;
    for (const AdjustmentKind stage :
         {AdjustmentKind::minimum, AdjustmentKind::discount, AdjustmentKind::tax}) {
      for (const AdjustmentInfo& info : program_.adjustments) {
        const AdjustmentKind kind = info.kind == AdjustmentKind::cap ? AdjustmentKind::minimum : info.kind;
        if (kind != stage) continue;
        Adjustment adjustment = apply(info);
        if (const auto& error = checked_.error())
          return unexpected(AdjustmentError{
              info.at, fmt::format("{} \"{}\": {}", to_string(info.kind), info.name, describe(*error))});
        if (!adjustment.amount.is_zero()) out.push_back(std::move(adjustment));
      }
    }
    return out;
  }

 private:
  Adjustment apply(const AdjustmentInfo& info) {
    Adjustment a;
    a.kind = std::string(to_string(info.kind));
    a.name = info.name;
    a.included = info.included;
    a.base = base_of(info);
    const std::string scope = scope_text(info);
    switch (info.kind) {
      case AdjustmentKind::minimum:
        if (a.base < info.amount) {
          a.amount = checked_.subtract(info.amount, a.base);
          items_.push_back(Item{info.charges, a.amount});
          a.explain.push_back(fmt::format("minimum {} on {}: charges {}, true-up {}", info.amount, scope,
                                          a.base, a.amount));
        }
        break;
      case AdjustmentKind::cap:
        if (a.base > info.amount) {
          const Decimal excess = checked_.subtract(a.base, info.amount);
          lower(info, excess);
          a.amount = excess.negated();
          a.explain.push_back(fmt::format("cap {} on {}: charges {}, reduced by {}", info.amount, scope,
                                          a.base, excess));
        }
        break;
      case AdjustmentKind::discount: {
        if (a.base.sign() <= 0) break;
        Decimal off;
        if (info.percent) {
          off = checked_.staged(checked_.multiply(a.base, info.amount));
          a.explain.push_back(fmt::format("discount {} of {} on {} = {}", percent_text(info.amount), a.base,
                                          scope, off));
        } else {
          off = std::min(info.amount, a.base);
          a.explain.push_back(off == info.amount
                                  ? fmt::format("discount {} on {} (charges {})", off, scope, a.base)
                                  : fmt::format("discount {} on {}, limited to the charges {}",
                                                info.amount, scope, a.base));
        }
        lower(info, off);
        a.amount = off.negated();
        break;
      }
      case AdjustmentKind::tax:
        a.amount = tax(info, a);
        break;
    }
    return a;
  }

  // A tax on each item's net; an included tax is the part of the net that
  // is tax: net x rate / (1 + rate), always to the minor unit.
  Decimal tax(const AdjustmentInfo& info, Adjustment& a) {
    const bool per_line = program_.rounding_stage == RoundingStage::line;
    const std::string rate = percent_text(info.amount);
    Decimal total;
    if (info.included) {
      const Decimal divisor = checked_.add(Decimal::from_int(1), info.amount);
      for (const Item& item : items_)
        if (applies_to(info, item))
          total = checked_.add(total, checked_.money_quotient(checked_.multiply(item.net, info.amount), divisor));
      a.explain.push_back(fmt::format("{} included in the prices of {}: {} of {}", rate, scope_text(info),
                                      total, a.base));
      return total;
    }
    if (per_line) {
      std::string parts;
      for (const Item& item : items_) {
        if (!applies_to(info, item) || item.net.is_zero()) continue;
        const Decimal part = checked_.money(checked_.multiply(item.net, info.amount));
        total = checked_.add(total, part);
        parts += fmt::format("{}{} -> {}", parts.empty() ? "" : ", ", item.net, part);
      }
      a.explain.push_back(fmt::format("{} of each line of {}, rounded: {}", rate, scope_text(info), parts));
    } else {
      total = checked_.multiply(a.base, info.amount);
      a.explain.push_back(fmt::format("{} of {} on {} = {}", rate, a.base, scope_text(info), total));
    }
    return total;
  }

  Decimal base_of(const AdjustmentInfo& info) {
    Decimal base;
    for (const Item& item : items_)
      if (applies_to(info, item)) base = checked_.add(base, item.net);
    return base;
  }

  // Takes `amount` off the items `info` applies to, in proportion to their
  // positive nets.
  void lower(const AdjustmentInfo& info, Decimal amount) {
    std::vector<Item*> shared;
    Decimal weight;
    for (Item& item : items_)
      if (applies_to(info, item) && item.net.sign() > 0) {
        shared.push_back(&item);
        weight = checked_.add(weight, item.net);
      }
    Decimal left = amount;
    for (std::size_t i = 0; i < shared.size(); ++i) {
      const Decimal share = i + 1 == shared.size()
                                ? left
                                : checked_.money_quotient(checked_.multiply(amount, shared[i]->net), weight);
      shared[i]->net = checked_.subtract(shared[i]->net, share);
      left = checked_.subtract(left, share);
    }
  }

  std::string scope_text(const AdjustmentInfo& info) const {
    if (info.charges.empty()) return "all charges";
    std::string text;
    for (auto c : info.charges) text += fmt::format("{}\"{}\"", text.empty() ? "" : ", ", program_.charges[c].name);
    return text;
  }

  const Program& program_;
  Checked checked_;
  std::vector<Item> items_;
};

}  // namespace

Expected<std::vector<Adjustment>, AdjustmentError> apply_adjustments(
    const Program& program, const std::vector<std::uint32_t>& charges,
    const std::vector<InvoiceLine>& lines) {
  return Ledger(program, charges, lines).run();
}

}  // namespace tariff
