// The accounts file: what each account subscribes to over time — its
// edition and billing cycle, modules, seats, the packages it bought and
// the balances of its prepaid wallets (docs/accounts.md). Read once per run and shared read-only by raters.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tariff/decimal.h"
#include "tariff/expected.h"
#include "tariff/records.h"

namespace tariff {

struct Program;

// One purchase of a package: `minutes@2026-03-04`, or with the units left
// at the period's start when it was bought before: `minutes@2026-02-15=120000`.
struct PackagePurchase {
  std::string package;
  std::int64_t bought = 0;         // days since 1970-01-01, in the scheme's zone
  std::optional<Decimal> balance;  // none: all of its units
  std::uint64_t line = 0;          // where the accounts file lists it
};

// A prepaid wallet's balance available to the period: `Promo credits=10.00`.
struct WalletEntry {
  std::string wallet;  // a `prepaid` the scheme declares
  Decimal balance;     // in the scheme's currency, at most its minor digits, not negative
};

// One row of the accounts file: the account's subscription from `start`
// until the day before its next row's start, or until `end` (inclusive).
struct SubscriptionSpan {
  std::optional<std::int64_t> start;  // days since 1970-01-01; none: since before any period
  std::optional<std::int64_t> end;    // the last day held; none: open
  std::string edition;                // may be empty: no edition
  bool annual = false;                // billing cycle; monthly otherwise
  Decimal seats;
  std::vector<std::string> modules;
  std::vector<WalletEntry> wallets;  // the balances when this row is the last held in the period
  std::uint64_t line = 0;
};

struct AccountSubscription {
  std::string account;
  std::vector<SubscriptionSpan> spans;  // by start, not overlapping
  std::vector<PackagePurchase> purchases;
};

// What happens to usage of an account the accounts file does not list.
enum class UnknownAccounts : std::uint8_t {
  reject,  // each such row is rejected (with that reason) and counted
  rate,    // rated like any other, with no subscription
};

class Accounts {
 public:
  const std::vector<AccountSubscription>& all() const noexcept { return accounts_; }  // by account id
  const AccountSubscription* find(std::string_view account) const noexcept;
  const std::string& name() const noexcept { return name_; }  // the file, for messages

 private:
  friend Expected<Accounts, std::string> read_accounts(const Program&, std::istream&, const std::string&,
                                                       UsageFormat);
  std::vector<AccountSubscription> accounts_;
  std::string name_;
};

// Reads an accounts file (CSV with a header, or NDJSON) against the
// scheme's editions, modules and packages. Unlike usage, a bad row fails
// the whole file: a skipped account would be silently misbilled. The
// error lists every bad row as `file:line: reason`.
Expected<Accounts, std::string> read_accounts(const Program& program, std::istream& in,
                                              const std::string& name, UsageFormat format);

}  // namespace tariff
