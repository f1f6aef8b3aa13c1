// The accounts file, read through the usage readers (so CSV quoting, BOMs,
// CRLF and NDJSON mean the same as for usage) and checked against the
// scheme's editions, modules, packages and prepaid wallets.
#include <fmt/format.h>

#include <algorithm>
#include <istream>
#include <map>

#include "bytecode/program.h"
#include "support/suggest.h"
#include "tariff/accounts.h"
#include "usage/timestamp.h"
#include "usage/usage_reader.h"

namespace tariff {

const AccountSubscription* Accounts::find(std::string_view account) const noexcept {
  const auto at = std::lower_bound(accounts_.begin(), accounts_.end(), account,
                                   [](const AccountSubscription& a, std::string_view id) { return a.account < id; });
  return at != accounts_.end() && at->account == account ? &*at : nullptr;
}

namespace {

enum Col : std::uint32_t { kAccount, kStart, kEnd, kEdition, kCycle, kSeats, kModules, kPackages, kWallets };

UsageSchema accounts_schema() {
  UsageSchema schema;
  const auto optional = [](std::string name, ColumnType type, std::optional<std::string> fallback = {}) {
    return Column{std::move(name), type, true, std::move(fallback), {}};
  };
  schema.columns = {Column{"account", ColumnType::id, false, std::nullopt, {}},
                    optional("start", ColumnType::text),
                    optional("end", ColumnType::text),
                    optional("edition", ColumnType::text),
                    optional("cycle", ColumnType::text, "monthly"),
                    optional("seats", ColumnType::integer, "0"),
                    optional("modules", ColumnType::text),
                    optional("packages", ColumnType::text),
                    optional("wallets", ColumnType::text)};
  schema.account_column = kAccount;
  return schema;
}

// Every problem of the file, each `file:line: reason`.
class Problems : public RejectSink {
 public:
  void reject(Reject r) override { add(r.file, r.line, r.reason); }
  void add(std::string_view file, std::uint64_t line, std::string_view reason) {
    text_ += fmt::format("{}:{}: {}\n", file, line, reason);
  }
  bool empty() const noexcept { return text_.empty(); }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

// `2026-03-15` -> days since 1970-01-01.
Expected<std::int64_t, std::string> parse_day(std::string_view text) {
  if (text.size() != 10) return unexpected(fmt::format("`{}` is not a date YYYY-MM-DD", text));
  auto time = usage::parse_timestamp(text);
  if (!time) return unexpected(fmt::format("`{}` is not a date YYYY-MM-DD: {}", text, time.error()));
  return usage::local_day(*time, 0);
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// The non-empty items between any of `separators`, spaces around them
// trimmed.
std::vector<std::string_view> split_list(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> items;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find_first_of(separators, begin);
    if (end == std::string_view::npos) end = text.size();
    if (const auto item = trimmed(text.substr(begin, end - begin)); !item.empty()) items.push_back(item);
    begin = end + 1;
  }
  return items;
}

class AccountsReader {
 public:
  AccountsReader(const Program& program, std::string name) : program_(program), name_(std::move(name)) {
    for (std::size_t i = 0; i < program.plans.size(); ++i)
      (program.plans[i].kind == PlanKind::edition ? editions_ : modules_).push_back(program.plans[i].name);
    for (const auto& allowance : program.allowances)
      if (allowance.package) packages_.push_back(allowance.name);
    for (const auto& adjustment : program.adjustments)
      if (adjustment.kind == AdjustmentKind::prepaid) wallets_.push_back(adjustment.name);
  }

  void row(const usage::Row& row) {
    line_ = row.line;
    AccountSubscription& account = accounts_[std::string(row.fields[kAccount].text)];
    account.account = row.fields[kAccount].text;
    SubscriptionSpan span;
    span.line = row.line;
    if (const auto text = row.fields[kStart].text; !text.empty()) span.start = day(text, "start");
    if (const auto text = row.fields[kEnd].text; !text.empty()) span.end = day(text, "end");
    if (span.start && span.end && *span.end < *span.start) problem("`end` is before `start`");
    span.edition = row.fields[kEdition].text;
    if (!span.edition.empty()) known(span.edition, editions_, "edition", "editions");
    const std::string_view cycle = row.fields[kCycle].text;
    if (cycle == "annual")
      span.annual = true;
    else if (cycle != "monthly")
      problem(fmt::format("`cycle` is `monthly` or `annual`, not `{}`", cycle));
    span.seats = row.fields[kSeats].number;
    if (span.seats.sign() < 0) problem("`seats` cannot be negative");
    for (const auto module : split_list(row.fields[kModules].text, "; ")) {
      span.modules.emplace_back(module);
      known(span.modules.back(), modules_, "module", "modules");
    }
    std::sort(span.modules.begin(), span.modules.end());
    for (const auto entry : split_list(row.fields[kPackages].text, "; ")) purchase(entry, account);
    // Wallet names may hold spaces (`Promo credits=10.00`): only `;` separates them.
    for (const auto entry : split_list(row.fields[kWallets].text, ";")) wallet(entry, span);
    if (span.annual) annual_prices(span);
    account.spans.push_back(std::move(span));
  }

  // The accounts by id, or every problem of the file.
  Expected<std::vector<AccountSubscription>, std::string> finish() {
    std::vector<AccountSubscription> accounts;
    for (auto& [id, account] : accounts_) {
      order_spans(account);
      accounts.push_back(std::move(account));
    }
    if (!problems_.empty()) return unexpected(problems_.take());
    return accounts;
  }

  Problems& problems() noexcept { return problems_; }

 private:
  void problem(std::string_view reason) { problems_.add(name_, line_, reason); }

  std::optional<std::int64_t> day(std::string_view text, std::string_view column) {
    auto parsed = parse_day(text);
    if (parsed) return *parsed;
    problem(fmt::format("`{}`: {}", column, parsed.error()));
    return std::nullopt;
  }

  void known(const std::string& name, const std::vector<std::string>& names, std::string_view what,
             std::string_view plural) {
    if (std::find(names.begin(), names.end(), name) != names.end()) return;
    if (names.empty()) {
      problem(fmt::format("unknown {} `{}`: the scheme declares no {}", what, name, plural));
      return;
    }
    problem(fmt::format("unknown {} `{}`; {}", what, name, suggestion_hint(name, names, std::string(plural))));
  }

  // `minutes@2026-03-04` or `minutes@2026-02-15=120000`
  void purchase(std::string_view entry, AccountSubscription& account) {
    const auto at = entry.find('@');
    if (at == std::string_view::npos) {
      problem(fmt::format("package purchase `{}` is not `NAME@YYYY-MM-DD` or `NAME@YYYY-MM-DD=UNITS`", entry));
      return;
    }
    PackagePurchase p;
    p.package = entry.substr(0, at);
    p.line = line_;
    known(p.package, packages_, "package", "packages");
    std::string_view rest = entry.substr(at + 1);
    const auto equals = rest.find('=');
    if (equals != std::string_view::npos) {
      auto balance = Decimal::parse(rest.substr(equals + 1));
      if (!balance || balance->sign() < 0)
        problem(fmt::format("package purchase `{}`: the units left must be a number of at least 0", entry));
      else
        p.balance = *balance;
      rest = rest.substr(0, equals);
    }
    if (auto bought = day(rest, "packages")) p.bought = *bought;
    account.purchases.push_back(std::move(p));
  }

  // `Promo credits=10.00`: a balance in the scheme's currency.
  void wallet(std::string_view entry, SubscriptionSpan& span) {
    const auto equals = entry.find('=');
    if (equals == std::string_view::npos) {
      problem(fmt::format("wallet balance `{}` is not `NAME=AMOUNT`", entry));
      return;
    }
    WalletEntry w{std::string(trimmed(entry.substr(0, equals))), Decimal()};
    known(w.wallet, wallets_, "wallet", "prepaid wallets");
    for (const WalletEntry& earlier : span.wallets)
      if (earlier.wallet == w.wallet) problem(fmt::format("wallet `{}` is given twice in this row", w.wallet));
    const std::string_view amount = trimmed(entry.substr(equals + 1));
    const auto balance = Decimal::parse(amount);
    const bool money = balance && balance->sign() >= 0 && balance->scale() <= program_.minor_digits;
    // To the minor digits (exact: it has no more), as invoices show money.
    const auto rescaled = money ? balance->rescale(program_.minor_digits, RoundingMode::down) : balance;
    if (!money || !rescaled) {
      problem(fmt::format("wallet balance `{}`: the amount must be money in {}, at least 0, with at most {} "
                          "decimal places",
                          entry, program_.currency, program_.minor_digits));
      return;
    }
    w.balance = *rescaled;
    span.wallets.push_back(std::move(w));
  }

  // An annual cycle bills annual prices: each plan held must have them.
  void annual_prices(const SubscriptionSpan& span) {
    std::vector<std::string> held = span.modules;
    if (!span.edition.empty()) held.push_back(span.edition);
    for (const auto& name : held)
      for (const PlanInfo& plan : program_.plans) {
        if (plan.name != name) continue;
        if (plan.monthly_fee && !plan.annual_fee)
          problem(fmt::format("`{}` has no annual fee; bill it `monthly` or give `fee ... annual` in the scheme",
                              name));
        if (plan.monthly_seat && !plan.annual_seat && span.seats.sign() > 0)
          problem(fmt::format("`{}` has no annual seat price; bill it `monthly` or give `seat ... annual`", name));
      }
  }

  // Rows by start; an open start only on the first; an annual term needs
  // the day it runs from.
  void order_spans(AccountSubscription& account) {
    std::stable_sort(account.spans.begin(), account.spans.end(), [](const SubscriptionSpan& a, const SubscriptionSpan& b) {
      return a.start.value_or(INT64_MIN) < b.start.value_or(INT64_MIN);
    });
    for (std::size_t i = 0; i < account.spans.size(); ++i) {
      const SubscriptionSpan& span = account.spans[i];
      line_ = span.line;
      if (i > 0 && span.start.value_or(INT64_MIN) == account.spans[i - 1].start.value_or(INT64_MIN))
        problem(fmt::format("account {} has two rows starting {}; give each change its own `start`",
                            account.account, span.start ? "on the same day" : "before any period"));
      const bool term_begins = span.annual && (i == 0 || !account.spans[i - 1].annual);
      if (term_begins && !span.start)
        problem(fmt::format("account {}: an annual cycle needs a `start`: its yearly terms run from it",
                            account.account));
    }
    std::stable_sort(account.purchases.begin(), account.purchases.end(),
                     [](const PackagePurchase& a, const PackagePurchase& b) { return a.bought < b.bought; });
  }

  const Program& program_;
  std::string name_;
  std::uint64_t line_ = 0;
  std::vector<std::string> editions_, modules_, packages_, wallets_;
  std::map<std::string, AccountSubscription> accounts_;  // by id: the file's order never matters
  Problems problems_;
};

}  // namespace

Expected<Accounts, std::string> read_accounts(const Program& program, std::istream& in, const std::string& name,
                                              UsageFormat format) {
  const UsageSchema schema = accounts_schema();
  const auto reader = usage::make_usage_reader(format, schema, in, name);
  if (auto opened = reader->open(); !opened) return unexpected(opened.error());
  AccountsReader accounts(program, name);
  usage::Row row;
  while (reader->next(row, accounts.problems())) accounts.row(row);
  if (auto failed = reader->input_error()) return unexpected(*failed);
  auto read = accounts.finish();
  if (!read) return unexpected(read.error());
  Accounts out;
  out.accounts_ = std::move(*read);
  out.name_ = name;
  return out;
}

}  // namespace tariff
