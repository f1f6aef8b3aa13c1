// Loading plugins (shared libraries with the C ABI of tariff/plugin.h) and
// calling the tier kinds and SLA credit rules they add.
//
// Every check happens at load, before the plugin's code is trusted with
// anything: the entry point exists, it accepts, the ABI version and every
// struct size match, names and functions are present, and no tier kind or
// credit rule name is taken by another plugin. A refusal is a value,
// "FILE: refused: REASON"; nothing here throws.
//
// Lifetime: a TierKindRef or CreditRuleRef is a self-contained copy that
// shares ownership of its library, so the code it points at stays mapped as
// long as any copy lives, even after the registry is gone.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "tariff/decimal.h"
#include "tariff/expected.h"
#include "tariff/plugin.h"

namespace boost::dll {
class shared_library;
}

namespace tariff {

struct PluginParamSpec {
  std::string name;
  bool required = false;
  std::string description;
};

struct TierKindRef {
  std::string name;
  std::string description;
  std::string plugin;                 // the plugin's own name
  std::string path;                   // the file it was loaded from
  std::uint32_t quantity_count = 0;   // 0: any number
  std::uint32_t table_columns = 0;    // 0: any number
  std::vector<PluginParamSpec> params;
  tariff_tier_price_fn price = nullptr;
  std::shared_ptr<boost::dll::shared_library> library;  // keeps `price` mapped
};

struct CreditRuleRef {
  std::string name;
  std::string description;
  std::string plugin;
  std::string path;
  std::vector<PluginParamSpec> params;
  tariff_credit_fn compute = nullptr;
  std::shared_ptr<boost::dll::shared_library> library;  // keeps `compute` mapped
};

struct LoadedPlugin {
  std::string name;
  std::string version;
  std::string path;
  std::shared_ptr<boost::dll::shared_library> library;
};

using PluginParams = std::vector<std::pair<std::string, Decimal>>;
using PluginTable = std::vector<std::vector<Decimal>>;  // rows of cells

// A tier kind's result: the exact amount and its explanation lines.
using TierPrice = std::pair<Decimal, std::vector<std::string>>;

struct ChargeAmount {
  std::string name;
  Decimal amount;  // as billed for the period
};

struct Downtime {
  std::int64_t start = 0;  // epoch seconds, [start, end)
  std::int64_t end = 0;
};

struct CreditInput {
  std::int64_t period_start = 0;  // epoch seconds, [start, end)
  std::int64_t period_end = 0;
  std::vector<Downtime> downtime;      // any order; clipped and merged before the call
  std::vector<ChargeAmount> charges;   // the charges the credit applies to
};

struct CreditLine {
  std::string charge;
  Decimal amount;  // positive: a credit to the customer
  std::string explanation;
};

class PluginRegistry {
 public:
  PluginRegistry();
  ~PluginRegistry();
  PluginRegistry(PluginRegistry&&) noexcept;
  PluginRegistry& operator=(PluginRegistry&&) noexcept;

  // Loads one plugin file. Loading the same file again is a no-op. On
  // refusal nothing of the plugin is registered.
  Expected<std::monostate, std::string> load(const std::string& path);
  // The first of DIR/lib<name>.so, DIR/<name>.so that exists, over the
  // directories in order; an error lists every place looked at.
  Expected<std::monostate, std::string> load_by_name(const std::string& name,
                                                     const std::vector<std::string>& search_dirs);

  // nullptr when unknown. The pointer is valid while the registry lives;
  // copy the ref to keep the kind beyond that.
  const TierKindRef* find_tier_kind(std::string_view name) const noexcept;
  const CreditRuleRef* find_credit_rule(std::string_view name) const noexcept;
  // Sorted, for "unknown kind `x`; known: ..." diagnostics.
  std::vector<std::string> tier_kind_names() const;
  std::vector<std::string> credit_rule_names() const;
  const std::vector<LoadedPlugin>& plugins() const noexcept { return plugins_; }

 private:
  std::vector<LoadedPlugin> plugins_;
  std::vector<TierKindRef> tier_kinds_;
  std::vector<CreditRuleRef> credit_rules_;
};

// Calls a tier kind: checks the shapes and parameters against its
// declaration, converts to the C ABI and back, and turns a failure status
// into "tier kind `NAME` (PLUGIN): MESSAGE".
Expected<TierPrice, std::string> price_tier(const TierKindRef& kind,
                                            const std::vector<Decimal>& quantities,
                                            const PluginTable& table, const PluginParams& params);

// Calls a credit rule the same way. The downtime is clipped to the period,
// sorted and merged first (what tariff_credit_input promises plugins).
Expected<std::vector<CreditLine>, std::string> compute_credit(const CreditRuleRef& rule,
                                                              const CreditInput& input,
                                                              const PluginTable& table,
                                                              const PluginParams& params);

// Between Decimal and the ABI's tariff_decimal; from_abi refuses a value
// that is no valid Decimal (scale outside 0..18, 39 or more digits).
tariff_decimal to_abi(Decimal value) noexcept;
Expected<Decimal, std::string> from_abi(const tariff_decimal& value);

}  // namespace tariff
