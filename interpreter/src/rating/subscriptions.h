// What an account's subscription bills in one period: edition and module
// fees and seats (by day, whole months, or annual terms with co-terming),
// package purchases, the allowances its plans include, the package units
// it holds and its prepaid wallets' balances (docs/accounts.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bytecode/program.h"
#include "rating/billing_period.h"
#include "tariff/accounts.h"
#include "tariff/expected.h"
#include "tariff/tariff.h"
#include "vm/vm.h"

namespace tariff {

// The period's days in the scheme's zone, both inclusive, and how many
// months it spans (1, 3 or 12): a monthly price is per month.
struct PeriodDays {
  std::int64_t first = 0;
  std::int64_t last = 0;
  std::int64_t months = 1;
};

// An account's own month under `period anniversary month`: from the day
// it started (its first row's `start` in the accounts file), the one
// beginning in `month`; `month` itself for an account with no start. None
// when the account starts after `month`.
std::optional<BillingPeriod> account_period(const PeriodInfo& info, const BillingPeriod& month,
                                            const Accounts* accounts, std::string_view account);

// The period's days in the scheme's zone.
PeriodDays period_days(const BillingPeriod& period, const PeriodInfo& info);

// Units of one package purchase that count in the period, drawn in the
// order the lots are listed: earliest expiry first.
struct PackageLot {
  std::uint32_t allowance = 0;
  std::int64_t bought = 0;
  std::int64_t expires = 0;  // the last day it is valid
  Decimal balance;           // units at the period's start
};

struct SubscriptionBill {
  bool active = false;  // subscribed on some day of the period
  std::vector<EmittedLine> lines;  // in charge order
  std::vector<Decimal> allowance_amounts;  // per allowance, for this account
  std::vector<bool> holds_plan;            // per plan, on some day of the period
  std::vector<PackageLot> lots;
  // Prepaid wallet balances, from the last row held in the period (as the
  // allowances its plans include).
  std::vector<WalletEntry> wallets;
};

// `account` may be null: no subscription (allowances as declared, no plan).
Expected<SubscriptionBill, std::string> bill_subscription(const Program& program,
                                                         const AccountSubscription* account,
                                                         const PeriodDays& period);

// Drops the usage lines of charges a plan enables that the account does
// not hold, and adds the subscription's lines, all in charge order.
void combine_lines(const Program& program, const SubscriptionBill& bill, std::vector<EmittedLine>& lines);

// Splits what each package allowance had left after the period program
// over its lots, earliest expiry first.
Expected<std::vector<PackageBalance>, std::string> settle_packages(const Program& program,
                                                                  const std::vector<PackageLot>& lots,
                                                                  const std::vector<Decimal>& left);

}  // namespace tariff
