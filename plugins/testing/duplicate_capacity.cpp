// A valid plugin that defines the tier kind `capacity` again: loading it
// after capacity_tier must be refused, naming both plugins.
#include <tariff/plugin.h>

#include <cstdint>

namespace {

std::int32_t price(const tariff_decimal*, std::uint32_t, const tariff_table*, const tariff_param*,
                   std::uint32_t, tariff_decimal* amount_out, const tariff_explain_sink*,
                   tariff_status*) {
  *amount_out = tariff_decimal_make(0, 0);
  return TARIFF_STATUS_OK;
}

const tariff_tier_kind kKinds[] = {{"capacity", "another capacity", 0, 0, nullptr, 0, &price}};
const tariff_plugin_descriptor kDescriptor = TARIFF_PLUGIN_DESCRIPTOR_INIT(
    "duplicate_capacity", "0", kKinds, TARIFF_COUNT(kKinds), nullptr, 0);

}  // namespace

extern "C" TARIFF_PLUGIN_EXPORT const tariff_plugin_descriptor* tariff_plugin_entry(
    tariff_status*) {
  return &kDescriptor;
}
