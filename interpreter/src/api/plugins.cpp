// The public Plugins handle over the registry.
#include "plugins/plugin_registry.h"
#include "tariff/tariff.h"

namespace tariff {

Plugins::Plugins() : registry_(std::make_unique<PluginRegistry>()) {}
Plugins::~Plugins() = default;
Plugins::Plugins(Plugins&&) noexcept = default;
Plugins& Plugins::operator=(Plugins&&) noexcept = default;

Expected<std::monostate, std::string> Plugins::load(const std::string& path) {
  return registry_->load(path);
}

Expected<std::monostate, std::string> Plugins::load_by_name(const std::string& name,
                                                            const std::vector<std::string>& search_dirs) {
  return registry_->load_by_name(name, search_dirs);
}

std::vector<std::string> Plugins::tier_kind_names() const { return registry_->tier_kind_names(); }

}  // namespace tariff
