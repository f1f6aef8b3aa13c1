// The ledger behind the adjustments: every charge line, and every true-up a
// minimum adds, is an item with a net amount. A cap or a discount lowers
// the nets of the items it applies to in proportion to them (shares in the
// currency's minor unit, the last item taking the remainder), so a tax
// after a discount is computed on what is left of each item (vector V46).
// Taxes become items only once every tax is computed (a tax is never on
// another tax); then the prepaid wallets pay the items, in invoice order.
#include "invoice/adjustments.h"

#include <fmt/format.h>

#include <algorithm>

#include "plugins/plugin_registry.h"

namespace tariff {

namespace {

struct Item {
  std::vector<std::uint32_t> charges;  // empty: an overall true-up, or a tax
  Decimal net;
  std::string line;  // the invoice line it stands for, for wallets' explanations
  std::vector<TierShare> tiers;  // a tier-table charge's rows, which wallets pay in order
  Decimal paid;                  // by wallets so far, from the first tier up
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
         const std::vector<InvoiceLine>& lines, const CreditFacts& facts, const std::vector<WalletEntry>& wallets)
      : program_(program), checked_(program), facts_(facts), wallets_(wallets) {
    for (std::size_t i = 0; i < lines.size(); ++i)
      items_.push_back(Item{{charges[i]}, lines[i].amount, lines[i].charge, lines[i].tiers, Decimal()});
  }

  Expected<Adjusted, AdjustmentError> run() {
    Adjusted out;
    for (const AdjustmentKind stage :
         {AdjustmentKind::minimum, AdjustmentKind::discount, AdjustmentKind::tax, AdjustmentKind::prepaid}) {
      if (stage == AdjustmentKind::prepaid) open_payments();
      for (const AdjustmentInfo& info : program_.adjustments) {
        const AdjustmentKind kind = info.kind == AdjustmentKind::cap ? AdjustmentKind::minimum : info.kind;
        if (kind != stage) continue;
        Adjustment adjustment = apply(info);
        if (const auto& error = checked_.error())
          return unexpected(AdjustmentError{
              info.at, fmt::format("{} \"{}\": {}", to_string(info.kind), info.name, describe(*error))});
        if (!adjustment.amount.is_zero()) out.adjustments.push_back(std::move(adjustment));
      }
      if (stage != AdjustmentKind::minimum) continue;
      for (const CreditUse& credit : program_.credits) {
        auto adjustment = apply(credit);
        if (!adjustment) return unexpected(AdjustmentError{credit.at, adjustment.error()});
        if (const auto& error = checked_.error())
          return unexpected(AdjustmentError{credit.at, fmt::format("credit \"{}\": {}", credit.name, describe(*error))});
        if (!adjustment->amount.is_zero()) out.adjustments.push_back(std::move(*adjustment));
      }
    }
    out.wallets = std::move(balances_);
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
          items_.push_back(Item{info.charges, a.amount, info.name, {}, Decimal()});
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
        if (!info.included && !a.amount.is_zero()) taxes_.push_back(Item{{}, a.amount, info.name, {}, Decimal()});
        break;
      case AdjustmentKind::prepaid:
        a.amount = pay(info, a).negated();
        break;
    }
    return a;
  }

  // Once the taxes are known: they join the lines wallets may pay, and the
  // amount due is what the rounding stage makes of the whole invoice.
  void open_payments() {
    items_.insert(items_.end(), taxes_.begin(), taxes_.end());
    Decimal due;
    for (const Item& item : items_) due = checked_.add(due, item.net);
    due_ = std::max(checked_.money(due), Decimal());
  }

  // What wallet `info` pays: the lines it may pay for, in invoice order,
  // each up to what earlier wallets left of it, until its balance runs
  // out. Drawn exactly (with `per invoice` the lines are exact), then to
  // the minor unit in the scheme's mode — a balance has at most the minor
  // digits, so rounding never takes more than it — and never more than
  // what is left of the amount due.
  Decimal pay(const AdjustmentInfo& info, Adjustment& a) {
    const auto entry = std::find_if(wallets_.begin(), wallets_.end(),
                                    [&](const WalletEntry& w) { return w.wallet == info.name; });
    if (entry == wallets_.end()) return Decimal();
    Decimal left = entry->balance;
    Decimal drawn;
    a.explain.push_back(fmt::format("balance {}, for {}", entry->balance,
                                    info.charges.empty() ? "the whole amount due" : scope_text(info)));
    for (Item& item : items_) {
      if (left.sign() <= 0) break;
      if (!applies_to(info, item) || item.net.sign() <= 0) continue;
      const Decimal part = std::min(item.net, left);
      a.explain.push_back(fmt::format("\"{}\": {} of {}{}", item.line, part, item.net, tiers_paid(item, part)));
      item.paid = checked_.add(item.paid, part);
      item.net = checked_.subtract(item.net, part);
      left = checked_.subtract(left, part);
      drawn = checked_.add(drawn, part);
    }
    const Decimal rounded = checked_.money(drawn);
    const Decimal paid = std::min(rounded, due_);
    due_ = checked_.subtract(due_, paid);
    const Decimal kept = checked_.subtract(entry->balance, paid);
    balances_.push_back(WalletBalance{info.name, entry->balance, paid, kept});
    std::string used = fmt::format("used {}", drawn);
    if (rounded != drawn)
      used += fmt::format(", rounded {} to {} decimal places: {}", to_string(program_.rounding),
                          program_.minor_digits, rounded);
    if (paid != rounded) used += fmt::format(", limited to the amount due {}", paid);
    a.explain.push_back(fmt::format("{}; {} left", used, kept));
    return paid;
  }

  // Which tiers `part` pays of a line with several, lowest first, after
  // what earlier wallets paid (billing-engines.md V44: a credit of 150 on
  // tiers of flat 100 and flat 50 pays both): " (tier 1 100, tier 2 50)".
  std::string tiers_paid(const Item& item, Decimal part) {
    if (item.tiers.size() < 2) return "";
    Decimal skip = item.paid;
    std::string text;
    for (std::size_t t = 0; t < item.tiers.size() && part.sign() > 0; ++t) {
      Decimal room = item.tiers[t].amount;
      const Decimal skipped = std::min(skip, room);
      skip = checked_.subtract(skip, skipped);
      room = checked_.subtract(room, skipped);
      // The last tier takes what rounding left beyond the tiers' sum.
      const Decimal here = t + 1 == item.tiers.size() ? part : std::min(part, room);
      if (here.sign() <= 0) continue;
      text += fmt::format("{}tier {} {}", text.empty() ? "" : ", ", item.tiers[t].tier, here.normalized());
      part = checked_.subtract(part, here);
    }
    return text.empty() ? "" : " (" + text + ")";
  }

  // A credit rule's credits, per charge, taken off that charge's lines.
  Expected<Adjustment, std::string> apply(const CreditUse& credit) {
    Adjustment a;
    a.kind = "credit";
    a.name = credit.name;
    const CreditRuleRef* rule =
        facts_.plugins ? facts_.plugins->registry().find_credit_rule(credit.rule) : nullptr;
    if (!rule)
      return unexpected(fmt::format("credit \"{}\": credit rule `{}` needs its plugin; load it with --plugin",
                                    credit.name, credit.rule));
    if (!facts_.period || !facts_.meters)
      return unexpected(fmt::format("credit \"{}\": the billing period is not known", credit.name));
    CreditInput input;
    auto seconds = [](Decimal t) { return t.to_int64(RoundingMode::floor).value_or(0); };
    input.period_start = seconds(facts_.period->start);
    input.period_end = seconds(facts_.period->end);
    for (const auto& [start, end] : merged_intervals((*facts_.meters)[credit.meter], facts_.period))
      input.downtime.push_back(Downtime{seconds(start), seconds(end)});
    std::vector<std::uint32_t> targets = credit.charges;
    if (targets.empty())
      for (std::uint32_t c = 0; c < program_.charges.size(); ++c) targets.push_back(c);
    for (auto c : targets) {
      Decimal net;
      for (const Item& item : items_)
        if (item.charges.size() == 1 && item.charges.front() == c) net = checked_.add(net, item.net);
      input.charges.push_back(ChargeAmount{program_.charges[c].name, net});
      a.base = checked_.add(a.base, net);
    }
    PluginParams params(credit.params.begin(), credit.params.end());
    auto lines = compute_credit(*rule, input, credit.rows, params);
    if (!lines) return unexpected(fmt::format("credit \"{}\": {}", credit.name, lines.error()));
    Decimal total;
    for (const CreditLine& line : *lines) {
      const Decimal amount = checked_.staged(line.amount);
      total = checked_.add(total, amount);
      a.explain.push_back(fmt::format("{}: {}", line.charge, line.explanation));
      for (Item& item : items_)
        if (item.charges.size() == 1 && program_.charges[item.charges.front()].name == line.charge) {
          item.net = checked_.subtract(item.net, amount);
          break;
        }
    }
    a.amount = total.negated();
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
  const CreditFacts& facts_;
  const std::vector<WalletEntry>& wallets_;
  std::vector<Item> items_;
  std::vector<Item> taxes_;  // added, to be paid by wallets
  Decimal due_;              // what is left to pay once wallets start
  std::vector<WalletBalance> balances_;
};

}  // namespace

Expected<Adjusted, AdjustmentError> apply_adjustments(const Program& program,
                                                      const std::vector<std::uint32_t>& charges,
                                                      const std::vector<InvoiceLine>& lines, const CreditFacts& facts,
                                                      const std::vector<WalletEntry>& wallets) {
  return Ledger(program, charges, lines, facts, wallets).run();
}

}  // namespace tariff
