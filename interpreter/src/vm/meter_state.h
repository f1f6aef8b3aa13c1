// The state of one meter for one account over the period. Mergeable and
// order-independent: shards of the usage can be rated apart and merged.
#pragma once

#include "bytecode/program.h"
#include "tariff/decimal.h"
#include "tariff/expected.h"

namespace tariff {

struct MeterSlot {
  Decimal value;       // sum, count, max or min so far
  bool seen = false;   // a record reached this meter (max/min start here)
};

// into := into ⊕ from, the aggregation's own combination (sum+sum,
// max of maxes, ...).
Expected<std::monostate, DecimalError> merge(MeterKind kind, MeterSlot& into, const MeterSlot& from);

}  // namespace tariff
