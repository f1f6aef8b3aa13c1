#include "rating/registry_pricer.h"

#include <fmt/format.h>

#include "plugins/plugin_registry.h"

namespace tariff {

bool defines_tier_kind(const Plugins* plugins, std::string_view kind) {
  return plugins && plugins->registry().find_tier_kind(kind);
}

std::string missing_tier_kind(const Plugins* plugins, std::string_view kind) {
  std::string known;
  if (plugins)
    for (const auto& name : plugins->tier_kind_names())
      known += fmt::format("{}{}", known.empty() ? "" : ", ", name);
  return fmt::format("tier kind `{}` needs its plugin; load it with --plugin (loaded tier kinds: {})", kind,
                     known.empty() ? "none" : known);
}

Expected<std::pair<Decimal, std::vector<std::string>>, std::string> RegistryPricer::price(
    std::size_t use, const std::vector<Decimal>& quantities) const {
  const PluginUse& u = program_.plugin_uses[use];
  const TierKindRef* kind = plugins_ ? plugins_->registry().find_tier_kind(u.kind) : nullptr;
  if (!kind) return unexpected(missing_tier_kind(plugins_, u.kind));
  return price_tier(*kind, quantities, u.rows, u.params);
}

}  // namespace tariff
