// What one row of a tier table added to an invoice line: the VM records it,
// invoices carry it, wallets say which tiers they paid.
#pragma once

#include <cstdint>

#include "tariff/decimal.h"

namespace tariff {

// A row's units' cost and its flat fee, exact.
struct TierShare {
  std::uint32_t tier = 0;  // 1 for the table's first row
  Decimal amount;
};

}  // namespace tariff
