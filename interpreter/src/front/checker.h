// The checker: names resolve, types agree, the header says what a scheme
// must say. Fills the AST's `type` and `resolved` slots; errors and
// warnings go to the diagnostics, many per run.
#pragma once

#include "front/ast.h"
#include "tariff/diagnostic.h"

namespace tariff::front {

// True when the scheme has no errors (warnings allowed).
bool check(ast::Scheme& scheme, Diagnostics& diagnostics);

// The aggregations a meter may use.
enum class Aggregate : std::uint8_t { sum, count, max, min, distinct, latest, average, weighted_sum };
std::optional<Aggregate> parse_aggregate(std::string_view name) noexcept;

// "UTC" or a fixed offset "+08:00" in seconds east of UTC.
std::optional<std::int32_t> parse_zone_offset(std::string_view zone) noexcept;

}  // namespace tariff::front
