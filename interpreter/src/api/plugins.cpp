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

std::vector<std::string> Plugins::tier_kind_names() const { return registry_->tier_kind_names(); }

}  // namespace tariff
