// What an account's invoice does after its charge lines: minimum
// commitments and caps, then discounts, then taxes, then prepaid wallets
// (docs/pricing-semantics.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bytecode/program.h"
#include "tariff/expected.h"
#include "tariff/tariff.h"
#include "vm/meter_state.h"

namespace tariff {

struct AdjustmentError {
  SourceLocation at;  // the adjustment's declaration
  std::string message;
};

// What the scheme's credits need of the run: the plugins defining the
// credit rules, the billing period, and the account's meter state (for the
// downtime intervals). A program without credits needs none of it.
struct CreditFacts {
  const Plugins* plugins = nullptr;
  std::optional<PeriodBounds> period;
  const std::vector<MeterSlot>* meters = nullptr;
};

// The adjustments that change something, in the order they were applied —
// minimums and caps, credits, discounts, taxes, wallets — and the balance
// of each wallet the account has one in.
struct Adjusted {
  std::vector<Adjustment> adjustments;
  std::vector<WalletBalance> wallets;
};

// `lines[i]` is the invoice line of charge `charges[i]`, its amount as the
// rounding stage leaves it; `wallets` the account's wallet balances for
// the period.
Expected<Adjusted, AdjustmentError> apply_adjustments(const Program& program,
                                                      const std::vector<std::uint32_t>& charges,
                                                      const std::vector<InvoiceLine>& lines,
                                                      const CreditFacts& facts = {},
                                                      const std::vector<WalletEntry>& wallets = {});

}  // namespace tariff
