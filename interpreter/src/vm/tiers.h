// Pricing a quantity through a tier table, graduated or volume, with a
// line of explanation per tier that contributes.
#pragma once

#include <string>
#include <vector>

#include "bytecode/program.h"
#include "tariff/expected.h"
#include "tariff/tier_share.h"

namespace tariff {

// Graduated: each part of the quantity at its own row's price; a row's fee
// is added once the quantity enters the row (the first row's fee also at
// zero usage). Volume: the whole quantity at the price of the row it ends
// in, plus that row's fee. Band: the fee of the row the quantity ends in
// plus its price for what lies above the row's lower bound. With the
// table's `blocks` set, units are counted in whole blocks of each row's
// `per`; with `free_when_unused`, zero costs nothing. Bounds are inclusive: a quantity equal to a
// bound stays in the lower row; any quantity above it, even by 0.001, is
// in the next. `mode` rounds only a price per block that does not divide
// exactly (at 18 places).
// The row a quantity ends in (volume and band price by it): the first
// whose bound holds it, or the last.
std::size_t row_of(const TierTable& table, Decimal quantity);

// `shares`, when given, gets what each row reached added.
Expected<Decimal, DecimalError> price_through_tiers(const TierTable& table, Decimal quantity,
                                                    RoundingMode mode,
                                                    std::vector<std::string>& explain,
                                                    std::vector<TierShare>* shares = nullptr);

}  // namespace tariff
