// A percentage charge's free allowance: its first transactions in time
// order, or the first part of their values, whichever runs out first
// (billing-engines.md V25, V26). The record program sums every
// transaction's full fee into the charge's fee meter; a free-transactions
// meter keeps the earliest transactions, those the allowance may still
// reach, and at period end the charge takes back what the allowance covers
// of their fees. The state stays small: at most `count` transactions, or
// those before the values add up to `value`.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "bytecode/program.h"
#include "tariff/decimal.h"
#include "tariff/expected.h"
#include "vm/meter_state.h"

namespace tariff {

// Record update: keeps (time, value) in time order (ties: the smaller value
// first, so any order of rows gives the same list), then drops those no
// allowance can reach any more — from the (count + 1)-th on, and from the
// first one whose predecessors' values already use up `value`. A dropped
// transaction stays billed in full: a transaction arriving later with an
// earlier time only pushes others further out, so dropping is final.
Expected<std::monostate, DecimalError> add_transaction(MeterSlot& slot, Decimal value, Decimal time,
                                                       const FreeTransactions& terms);

// The kept transactions of two shards, in order; the next record drops what
// the allowance no longer reaches.
void merge_transactions(std::vector<std::pair<Decimal, Decimal>>& into,
                        const std::vector<std::pair<Decimal, Decimal>>& from);

// The fee of one transaction of `value`: value x rate, plus the fixed fee,
// held between the minimum and the maximum, as the record program computes
// it (a product beyond 18 places rounded in `mode`).
Expected<Decimal, DecimalError> transaction_fee(const FreeTransactions& terms, Decimal value, RoundingMode mode);

// What the allowance takes off the full fees (zero or negative). Walking
// the kept transactions in order while both allowances last, the part of
// each value they cover is free: a transaction covered wholly pays nothing
// (no fixed fee, no minimum), one the value allowance runs out inside pays
// the fee of the rest. Explains what was covered.
Expected<Decimal, DecimalError> free_allowance_change(const FreeTransactions& terms, const MeterSlot& slot,
                                                      RoundingMode mode, std::vector<std::string>& explain);

}  // namespace tariff
