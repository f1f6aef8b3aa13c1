// Subscription billing. Monthly cycles are prorated by day (or billed
// whole as held on the period's last day); annual cycles bill a term's
// price when it begins, co-term increases within it and leave decreases
// to its end. Amounts stay exact here; the invoice rounds them as the
// scheme says.
#include "rating/subscriptions.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "usage/timestamp.h"

namespace tariff {

using usage::format_day;

namespace {

std::string day_range(std::int64_t from, std::int64_t to) {
  return from == to ? format_day(from) : fmt::format("{} to {}", format_day(from), format_day(to));
}

// Days of a span held within [from, to], clipped to the next span's start.
struct Held {
  const SubscriptionSpan* span = nullptr;
  std::int64_t from = 0;
  std::int64_t to = 0;  // inclusive
};

// The last day row `i` holds, no later than `last`: its `end`, or the day
// before the next row starts.
std::int64_t last_day_held(const AccountSubscription& account, std::size_t i, std::int64_t last) {
  std::int64_t to = std::min(account.spans[i].end.value_or(last), last);
  if (i + 1 < account.spans.size() && account.spans[i + 1].start) to = std::min(to, *account.spans[i + 1].start - 1);
  return to;
}

// Every span's days within [first, last].
std::vector<Held> held_between(const AccountSubscription& account, std::int64_t first, std::int64_t last) {
  std::vector<Held> out;
  for (std::size_t i = 0; i < account.spans.size(); ++i) {
    const SubscriptionSpan& span = account.spans[i];
    const std::int64_t from = std::max(span.start.value_or(first), first);
    const std::int64_t to = last_day_held(account, i, last);
    if (from <= to) out.push_back(Held{&span, from, to});
  }
  return out;
}

bool holds(const SubscriptionSpan& span, const std::string& plan) {
  return span.edition == plan || std::binary_search(span.modules.begin(), span.modules.end(), plan);
}

// The lines being built, one per charge, and the first arithmetic error.
class Book {
 public:
  explicit Book(const Program& program) : program_(program) {}

  void add(std::uint32_t charge, const Decimal& quantity, const Expected<Decimal, DecimalError>& amount,
           std::string explain) {
    if (!amount) {
      fail(fmt::format("\"{}\": {}", program_.charges[charge].name, describe(amount.error())));
      return;
    }
    EmittedLine& line = lines_[charge];
    line.charge = static_cast<std::uint16_t>(charge);
    const auto q = tariff::add(line.quantity, quantity);
    const auto a = tariff::add(line.amount, *amount);
    if (!q || !a) {
      fail(fmt::format("\"{}\" overflows", program_.charges[charge].name));
      return;
    }
    line.quantity = q->normalized();
    line.amount = a->normalized();
    line.explain.push_back(std::move(explain));
  }

  void fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }
  const std::string& error() const noexcept { return error_; }

  std::vector<EmittedLine> take() {
    std::vector<EmittedLine> out;
    for (auto& [charge, line] : lines_) out.push_back(std::move(line));
    return out;
  }

 private:
  const Program& program_;
  std::map<std::uint32_t, EmittedLine> lines_;  // by charge: invoice order
  std::string error_;
};

// price x numerator / denominator, exact where it divides, else to 18 places.
Expected<Decimal, DecimalError> prorated(const Decimal& price, std::int64_t numerator, std::int64_t denominator,
                                         RoundingMode mode) {
  auto product = multiply(price, Decimal::from_int(numerator));
  if (!product) return product;
  auto share = divide(*product, Decimal::from_int(denominator), Decimal::kMaxScale, mode);
  if (!share) return share;
  return share->normalized();
}

Decimal billed_seats(const SubscriptionSpan& span, const PlanInfo& plan) {
  return std::max(span.seats, plan.minimum_seats);
}

// The days from..to (inclusive) as Kill Bill's fixed-days mode counts them
// (billing-engines.md V36): every month is 30 days long, so a run reaching
// a month's last day counts what that month lacks of 30, or has over it.
std::int64_t thirty_day_count(std::int64_t from, std::int64_t to) {
  std::int64_t days = 0;
  while (from <= to) {
    const usage::CivilDate date = usage::civil_from_days(from);
    const auto month_length = static_cast<std::int64_t>(usage::days_in_month(date.y, date.m));
    const std::int64_t month_end = from + month_length - static_cast<std::int64_t>(date.d);
    const std::int64_t last = std::min(to, month_end);
    days += last - from + 1;
    if (last == month_end) days += 30 - month_length;
    from = last + 1;
  }
  return days;
}

class SubscriptionBiller {
 public:
  SubscriptionBiller(const Program& program, const AccountSubscription& account, const PeriodDays& period)
      : program_(program), account_(account), period_(period), book_(program) {}

  Expected<SubscriptionBill, std::string> run() {
    SubscriptionBill bill;
    bill.holds_plan.assign(program_.plans.size(), false);
    declared_allowances(program_, bill.allowance_amounts);
    const std::vector<Held> held = held_between(account_, period_.first, period_.last);
    bill.active = !held.empty();
    for (const Held& h : held)
      for (std::size_t p = 0; p < program_.plans.size(); ++p)
        if (holds(*h.span, program_.plans[p].name)) bill.holds_plan[p] = true;
    monthly(held);
    annual();
    if (!held.empty()) {
      includes(*held.back().span, bill.allowance_amounts);
      bill.wallets = held.back().span->wallets;
    }
    if (auto lots = packages(bill.allowance_amounts); !lots)
      return unexpected(lots.error());
    else
      bill.lots = std::move(*lots);
    if (!book_.error().empty()) return unexpected(fmt::format("account {}: {}", account_.account, book_.error()));
    bill.lines = book_.take();
    return bill;
  }

 private:
  std::int64_t period_days() const { return period_.last - period_.first + 1; }

  // Monthly cycles: by day, or whole as held on the last day held.
  void monthly(const std::vector<Held>& held) {
    for (std::size_t p = 0; p < program_.plans.size(); ++p) {
      const PlanInfo& plan = program_.plans[p];
      if (plan.whole_months) {
        if (held.empty()) continue;
        const Held& last = held.back();
        if (last.span->annual || !holds(*last.span, plan.name)) continue;
        whole_period(plan, *last.span, last.to);
        continue;
      }
      by_day(plan, held);
    }
  }

  void whole_period(const PlanInfo& plan, const SubscriptionSpan& span, std::int64_t day) {
    const Decimal months = Decimal::from_int(period_.months);
    if (plan.monthly_fee && plan.fee_charge)
      book_.add(*plan.fee_charge, Decimal::from_int(period_days()), multiply(*plan.monthly_fee, months),
                fmt::format("{} held on {}: {} monthly x {} month{}, the whole period", plan.name, format_day(day),
                            *plan.monthly_fee, period_.months, period_.months == 1 ? "" : "s"));
    if (plan.monthly_seat && plan.seat_charge) {
      const Decimal seats = billed_seats(span, plan);
      const auto price = multiply(*plan.monthly_seat, months);
      book_.add(*plan.seat_charge, seats, price ? multiply(seats, *price) : price,
                fmt::format("{} seats held on {}: {} x {} monthly x {} month{}, the whole period", seats,
                            format_day(day), *plan.monthly_seat, period_.months, period_.months == 1 ? "" : "s"));
    }
  }

  // One division per line, over the days (and seat-days) of every row
  // holding the plan, so a change of seats does not split the fee.
  void by_day(const PlanInfo& plan, const std::vector<Held>& held) {
    std::int64_t days = 0;
    Decimal seat_days;
    std::vector<std::pair<std::int64_t, std::int64_t>> runs;  // contiguous days held
    std::string seat_ranges;
    const bool thirty = program_.billing_period.thirty_day_months;
    for (const Held& h : held) {
      if (h.span->annual || !holds(*h.span, plan.name)) continue;
      const std::int64_t n = thirty ? thirty_day_count(h.from, h.to) : h.to - h.from + 1;
      days += n;
      if (!runs.empty() && runs.back().second + 1 == h.from)
        runs.back().second = h.to;
      else
        runs.emplace_back(h.from, h.to);
      const Decimal seats = billed_seats(*h.span, plan);
      const auto these = multiply(seats, Decimal::from_int(n));
      const auto sum = these ? add(seat_days, *these) : these;
      if (!sum) {
        book_.fail(fmt::format("seats of {} overflow", plan.name));
        return;
      }
      seat_days = *sum;
      seat_ranges += fmt::format("{}{} x {}", seat_ranges.empty() ? "" : " + ", seats, n);
    }
    if (runs.empty()) return;
    std::string ranges;
    for (const auto& [from, to] : runs) ranges += fmt::format("{}{}", ranges.empty() ? "" : ", ", day_range(from, to));
    const std::int64_t n = thirty ? 30 * period_.months : period_days();
    const std::string of_days = thirty ? "days of 30-day months" : "days";
    const std::string months = fmt::format("{} month{}", period_.months, period_.months == 1 ? "" : "s");
    if (plan.monthly_fee && plan.fee_charge) {
      const auto per_period = multiply(*plan.monthly_fee, Decimal::from_int(period_.months));
      book_.add(*plan.fee_charge, Decimal::from_int(days),
                per_period ? prorated(*per_period, days, n, program_.rounding) : per_period,
                fmt::format("{} held {}: {} monthly x {} x {}/{} {}", plan.name, ranges, *plan.monthly_fee, months,
                            days, n, of_days));
    }
    if (plan.monthly_seat && plan.seat_charge && seat_days.sign() > 0) {
      auto per_period = multiply(*plan.monthly_seat, Decimal::from_int(period_.months));
      auto all = per_period ? multiply(*per_period, seat_days) : per_period;
      book_.add(*plan.seat_charge, seat_days.normalized(),
                all ? prorated(*all, 1, n, program_.rounding) : all,
                fmt::format("{} seat-days ({}) x {} monthly x {} / {} {}", seat_days.normalized(), seat_ranges,
                            *plan.monthly_seat, months, n, of_days));
    }
  }

  // What a term of the annual cycle has billed so far: the dearest
  // edition, the most seat money per plan, every module.
  struct Term {
    std::int64_t start = 0;
    std::int64_t next = 0;  // the next term's first day
    Decimal edition_fee;
    std::map<std::size_t, Decimal> seat_amounts;
    std::set<std::size_t> modules;
  };

  // Runs of consecutive annual rows; each run's terms start on its first
  // day and every year after.
  void annual() {
    const auto& spans = account_.spans;
    for (std::size_t i = 0; i < spans.size();) {
      if (!spans[i].annual || !spans[i].start) {
        ++i;
        continue;
      }
      std::size_t end = i + 1;
      while (end < spans.size() && spans[end].annual && contiguous(spans[end - 1], spans[end])) ++end;
      annual_run(i, end);
      i = end;
    }
  }

  static bool contiguous(const SubscriptionSpan& a, const SubscriptionSpan& b) {
    return b.start && (!a.end || *a.end >= *b.start - 1);
  }

  void annual_run(std::size_t begin, std::size_t end) {
    const auto& spans = account_.spans;
    const std::int64_t anchor = *spans[begin].start;
    std::int64_t year = 0;
    // Terms counted from the anchor, never chained (a Feb 29 anchor stays).
    const auto term_of = [&](std::int64_t y) {
      return Term{add_months(anchor, 12 * y), add_months(anchor, 12 * (y + 1)), {}, {}, {}};
    };
    Term term = term_of(year);
    for (std::size_t i = begin; i < end; ++i) {
      const SubscriptionSpan& span = spans[i];
      const std::int64_t to = last_day_held(account_, i, period_.last);
      const std::int64_t from = *span.start;
      if (from > to) continue;
      // Move to the term holding `from`.
      while (term.next <= from) term = term_of(++year);
      if (from == term.start)
        term_begins(term, span);
      else
        change_within(term, span, from);
      // Terms that begin while this row holds.
      while (term.next <= to) {
        term = term_of(++year);
        term_begins(term, span);
      }
    }
  }

  bool in_period(std::int64_t day) const { return day >= period_.first && day <= period_.last; }

  std::string term_text(const Term& term) const { return day_range(term.start, term.next - 1); }

  void term_begins(Term& term, const SubscriptionSpan& span) {
    for (std::size_t p = 0; p < program_.plans.size(); ++p) {
      const PlanInfo& plan = program_.plans[p];
      if (!holds(span, plan.name)) continue;
      if (plan.kind == PlanKind::edition && plan.annual_fee) term.edition_fee = *plan.annual_fee;
      if (plan.kind == PlanKind::module) term.modules.insert(p);
      const Decimal seat_amount = annual_seat_amount(span, plan);
      term.seat_amounts[p] = seat_amount;
      if (!in_period(term.start)) continue;
      if (plan.annual_fee && plan.fee_charge)
        book_.add(*plan.fee_charge, Decimal::from_int(1), *plan.annual_fee,
                  fmt::format("{} annual term {}: {}", plan.name, term_text(term), *plan.annual_fee));
      if (plan.annual_seat && plan.seat_charge && seat_amount.sign() > 0)
        book_.add(*plan.seat_charge, billed_seats(span, plan), seat_amount,
                  fmt::format("{} seats x {} annual, term {}", billed_seats(span, plan), *plan.annual_seat,
                              term_text(term)));
    }
  }

  Decimal annual_seat_amount(const SubscriptionSpan& span, const PlanInfo& plan) {
    if (!plan.annual_seat) return Decimal();
    auto amount = multiply(billed_seats(span, plan), *plan.annual_seat);
    if (!amount) book_.fail(fmt::format("seats of {} overflow", plan.name));
    return amount ? *amount : Decimal();
  }

  // A change within a term: increases are billed for the rest of the term
  // (co-terming); decreases wait for the term's end.
  void change_within(Term& term, const SubscriptionSpan& span, std::int64_t day) {
    const std::int64_t left = term.next - day;
    const std::int64_t length = term.next - term.start;
    const std::string when =
        fmt::format("from {} co-termed to {}: {}/{} days", format_day(day), format_day(term.next - 1), left, length);
    for (std::size_t p = 0; p < program_.plans.size(); ++p) {
      const PlanInfo& plan = program_.plans[p];
      if (!holds(span, plan.name)) continue;
      if (plan.kind == PlanKind::edition && plan.annual_fee && *plan.annual_fee > term.edition_fee) {
        const auto increase = subtract(*plan.annual_fee, term.edition_fee);
        if (in_period(day) && plan.fee_charge)
          book_.add(*plan.fee_charge, Decimal::from_int(left),
                    increase ? prorated(*increase, left, length, program_.rounding) : increase,
                    fmt::format("upgrade to {} ({} annual, {} billed this term) {}", plan.name, *plan.annual_fee,
                                term.edition_fee, when));
        term.edition_fee = *plan.annual_fee;
      }
      if (plan.kind == PlanKind::module && term.modules.insert(p).second && plan.annual_fee && in_period(day) &&
          plan.fee_charge)
        book_.add(*plan.fee_charge, Decimal::from_int(left),
                  prorated(*plan.annual_fee, left, length, program_.rounding),
                  fmt::format("{} added ({} annual) {}", plan.name, *plan.annual_fee, when));
      const Decimal seat_amount = annual_seat_amount(span, plan);
      Decimal& billed = term.seat_amounts[p];
      if (seat_amount > billed) {
        const auto increase = subtract(seat_amount, billed);
        if (in_period(day) && plan.seat_charge)
          book_.add(*plan.seat_charge, billed_seats(span, plan),
                    increase ? prorated(*increase, left, length, program_.rounding) : increase,
                    fmt::format("{} seats x {} annual ({} billed this term) {}", billed_seats(span, plan),
                                *plan.annual_seat, billed, when));
        billed = seat_amount;
      }
    }
  }

  // Allowances the plans held on the last day include replace the
  // declared amounts; two plans including one allowance add up.
  void includes(const SubscriptionSpan& span, std::vector<Decimal>& amounts) {
    std::vector<bool> replaced(amounts.size(), false);
    for (const PlanInfo& plan : program_.plans) {
      if (!holds(span, plan.name)) continue;
      for (const auto& [allowance, amount] : plan.includes) {
        if (!replaced[allowance]) amounts[allowance] = Decimal();
        replaced[allowance] = true;
        auto sum = add(amounts[allowance], amount);
        if (!sum) book_.fail(fmt::format("allowance `{}` overflows", program_.allowances[allowance].name));
        if (sum) amounts[allowance] = *sum;
      }
    }
  }

  std::int64_t expiry(const PackageTerms& terms, std::int64_t bought) const {
    const auto n = static_cast<std::int64_t>(terms.validity);
    switch (terms.unit) {
      case ValidityUnit::day: return bought + n - 1;
      case ValidityUnit::month: return add_months(bought, n) - 1;
      case ValidityUnit::year: return add_months(bought, 12 * n) - 1;
    }
    return bought;
  }

  // Purchases valid on some day of the period; those bought in it bill
  // their price.
  Expected<std::vector<PackageLot>, std::string> packages(std::vector<Decimal>& amounts) {
    std::vector<PackageLot> lots;
    for (const PackagePurchase& purchase : account_.purchases) {
      std::uint32_t a = 0;
      while (a < program_.allowances.size() && program_.allowances[a].name != purchase.package) ++a;
      if (a == program_.allowances.size() || !program_.allowances[a].package) continue;
      const AllowanceInfo& package = program_.allowances[a];
      const std::int64_t expires = expiry(*package.package, purchase.bought);
      if (purchase.bought > period_.last || expires < period_.first) continue;
      const bool bought_now = purchase.bought >= period_.first;
      if (!bought_now && !purchase.balance)
        return unexpected(fmt::format(
            "account {}: package `{}` bought {}, before the period, needs the units it has left at the period's "
            "start: `{}@{}=UNITS` (accounts file line {})",
            account_.account, purchase.package, format_day(purchase.bought), purchase.package,
            format_day(purchase.bought), purchase.line));
      const Decimal balance = purchase.balance.value_or(package.amount);
      lots.push_back(PackageLot{a, purchase.bought, expires, balance});
      auto sum = add(amounts[a], balance);
      if (!sum) return unexpected(fmt::format("account {}: package `{}` overflows", account_.account, package.name));
      amounts[a] = *sum;
      if (bought_now)
        book_.add(package.package->charge, Decimal::from_int(1), package.package->price,
                  fmt::format("{} bought {}: {} units for {}, valid to {}", package.name, format_day(purchase.bought),
                              package.amount, package.package->price, format_day(expires)));
    }
    std::stable_sort(lots.begin(), lots.end(), [](const PackageLot& x, const PackageLot& y) {
      return std::tie(x.expires, x.bought) < std::tie(y.expires, y.bought);
    });
    return lots;
  }

  const Program& program_;
  const AccountSubscription& account_;
  PeriodDays period_;
  Book book_;
};

}  // namespace

Expected<SubscriptionBill, std::string> bill_subscription(const Program& program, const AccountSubscription* account,
                                                         const PeriodDays& period) {
  if (account) return SubscriptionBiller(program, *account, period).run();
  SubscriptionBill bill;
  bill.holds_plan.assign(program.plans.size(), false);
  declared_allowances(program, bill.allowance_amounts);
  return bill;
}

std::optional<BillingPeriod> account_period(const PeriodInfo& info, const BillingPeriod& month,
                                            const Accounts* accounts, std::string_view account) {
  const AccountSubscription* subscription = accounts ? accounts->find(account) : nullptr;
  if (!subscription || subscription->spans.empty() || !subscription->spans.front().start) return month;
  return anniversary_period(*subscription->spans.front().start, month, info);
}

PeriodDays period_days(const BillingPeriod& period, const PeriodInfo& info) {
  const std::int64_t months = info.kind == PeriodKind::calendar_quarter ? 3
                              : info.kind == PeriodKind::calendar_year  ? 12
                                                                        : 1;
  return PeriodDays{usage::local_day(period.bounds.start, info.zone_offset),
                    usage::local_day(period.bounds.end, info.zone_offset) - 1, months};
}

// Usage lines of charges an edition or module enables, for accounts that
// hold it; then the subscription's own lines, all in charge order.
void combine_lines(const Program& program, const SubscriptionBill& bill, std::vector<EmittedLine>& lines) {
  lines.erase(std::remove_if(lines.begin(), lines.end(),
                             [&](const EmittedLine& line) {
                               const auto& owner = program.charges[line.charge].owner;
                               return owner && !bill.holds_plan[*owner];
                             }),
              lines.end());
  lines.insert(lines.end(), bill.lines.begin(), bill.lines.end());
  std::stable_sort(lines.begin(), lines.end(),
                   [](const EmittedLine& a, const EmittedLine& b) { return a.charge < b.charge; });
}

Expected<std::vector<PackageBalance>, std::string> settle_packages(const Program& program,
                                                                  const std::vector<PackageLot>& lots,
                                                                  const std::vector<Decimal>& left) {
  const auto overflow = [&](std::uint32_t a) {
    return unexpected(fmt::format("package `{}` overflows", program.allowances[a].name));
  };
  // Units used per package allowance, taken from its lots in order.
  std::vector<Decimal> to_take(program.allowances.size());
  for (const PackageLot& lot : lots) {
    auto sum = add(to_take[lot.allowance], lot.balance);
    if (!sum) return overflow(lot.allowance);
    to_take[lot.allowance] = *sum;
  }
  for (std::size_t a = 0; a < to_take.size(); ++a) {
    auto used = subtract(to_take[a], left[a]);
    if (!used) return overflow(static_cast<std::uint32_t>(a));
    to_take[a] = *used;
  }
  std::vector<PackageBalance> out;
  for (const PackageLot& lot : lots) {
    Decimal& remaining = to_take[lot.allowance];
    const Decimal used = std::min(remaining, lot.balance);
    auto rest = subtract(remaining, used);
    auto kept = subtract(lot.balance, used);
    if (!rest || !kept) return overflow(lot.allowance);
    remaining = *rest;
    out.push_back(PackageBalance{program.allowances[lot.allowance].name, format_day(lot.bought),
                                 format_day(lot.expires), lot.balance, used.normalized(), kept->normalized()});
  }
  return out;
}

}  // namespace tariff
