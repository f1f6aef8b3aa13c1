// Prices a program's plugin uses with the loaded plugins' tier kinds: the
// one bridge between the VM's PluginPricer and the plugin registry, used
// by the Rater and by price_of_charge.
#pragma once

#include <string>
#include <string_view>

#include "bytecode/program.h"
#include "tariff/tariff.h"
#include "vm/vm.h"

namespace tariff {

class RegistryPricer final : public PluginPricer {
 public:
  // `plugins` may be null (none loaded); both must outlive the pricer.
  RegistryPricer(const Program& program, const Plugins* plugins)
      : program_(program), plugins_(plugins) {}

  Expected<std::pair<Decimal, std::vector<std::string>>, std::string> price(
      std::size_t use, const std::vector<Decimal>& quantities) const override;

 private:
  const Program& program_;
  const Plugins* plugins_;
};

// True when `plugins` define the tier kind.
bool defines_tier_kind(const Plugins* plugins, std::string_view kind);
// "tier kind `K` needs its plugin; load it with --plugin (loaded tier
// kinds: a, b)" — the kinds that are loaded, so a wrong plugin shows.
std::string missing_tier_kind(const Plugins* plugins, std::string_view kind);

}  // namespace tariff
