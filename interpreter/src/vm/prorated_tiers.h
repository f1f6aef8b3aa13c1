// Tier tables over a meter whose records each count for the part of the
// period left from their day — seat-like quantities added or removed
// within a month (Lago's prorated charges, billing-engines.md V32, V33).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bytecode/program.h"
#include "tariff/decimal.h"
#include "tariff/expected.h"
#include "vm/meter_state.h"

namespace tariff {

struct ProratedRecord {
  Decimal full;      // the record's value
  Decimal prorated;  // its value weighed by the period left, times the divisor
};

struct ProratedRecords {
  std::vector<ProratedRecord> records;  // in time order; ties: the smaller value first
  Decimal divisor;                      // what `prorated` is to be divided by
};

// An events meter's records, each weighed by the days from its day to the
// period's last day, both counted, in the scheme's zone: `prorated` is
// value x days left and `divisor` the period's days, so the one division
// comes last.
Expected<ProratedRecords, DecimalError> prorated_records(const MeterSlot& slot, const PeriodBounds& period,
                                                         std::int32_t zone_offset);

// Graduated: the running total of full values places each record's units
// in the rows, and each row's price applies to their prorated share (a
// record across a bound is split in proportion); the fee of every row the
// highest running total entered is added, unprorated. Volume: the row the
// final total ends in prices the prorated total, plus its fee. A final
// total below zero, or a negative amount, bills nothing.
Expected<Decimal, DecimalError> price_prorated(const TierTable& table, const ProratedRecords& records,
                                               RoundingMode mode, std::vector<std::string>& explain);

}  // namespace tariff
