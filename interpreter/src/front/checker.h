// The checker: names resolve, types agree, the header says what a scheme
// must say. Fills the AST's `type` and `resolved` slots; errors and
// warnings go to the diagnostics, many per run.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "front/ast.h"
#include "tariff/diagnostic.h"

namespace tariff::front {

// What the checker needs to know of a tier kind a loaded plugin defines.
struct PluginKindSignature {
  std::string name;
  std::string plugin;
  std::uint32_t quantity_count = 0;  // 0: any
  std::uint32_t table_columns = 0;   // 0: any
  std::vector<std::pair<std::string, bool>> params;  // name, required
  bool credit_rule = false;  // a credit rule rather than a tier kind
};

// True when the scheme has no errors (warnings allowed). `kinds` are the
// tier kinds of the loaded plugins.
bool check(ast::Scheme& scheme, Diagnostics& diagnostics,
           const std::vector<PluginKindSignature>& kinds = {});

// The aggregations a meter may use.
enum class Aggregate : std::uint8_t { sum, count, max, min, distinct, latest, average, weighted_sum, intervals };
std::optional<Aggregate> parse_aggregate(std::string_view name) noexcept;

// The words that start an adjustment: `minimum`, `cap`, `discount`, `tax`,
// `prepaid`.
const std::vector<std::string>& adjustment_words();

// The accounts file's columns a test's `account` facts may give: all but
// the account id, which is the test's.
const std::vector<std::string>& account_fact_columns();

// "UTC" or a fixed offset "+08:00" in seconds east of UTC.
std::optional<std::int32_t> parse_zone_offset(std::string_view zone) noexcept;

}  // namespace tariff::front
