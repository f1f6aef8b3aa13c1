// A plugin that needs a symbol nobody defines. With the loader's default
// lazy binding it would load and die at the first call ("symbol lookup
// error", exit 127); with rtld_now the load itself is refused.
#include <tariff/plugin.h>

#include <cstdint>

extern "C" std::int32_t tariff_symbol_that_does_not_exist(std::int32_t);

namespace {

std::int32_t price(const tariff_decimal*, std::uint32_t, const tariff_table*, const tariff_param*,
                   std::uint32_t, tariff_decimal* amount_out, const tariff_explain_sink*,
                   tariff_status*) {
  *amount_out = tariff_decimal_make(tariff_symbol_that_does_not_exist(1), 0);
  return TARIFF_STATUS_OK;
}

const tariff_tier_kind kKinds[] = {{"test.undefined", nullptr, 1, 0, nullptr, 0, &price}};
const tariff_plugin_descriptor kDescriptor = TARIFF_PLUGIN_DESCRIPTOR_INIT(
    "undefined_symbol", "0", kKinds, TARIFF_COUNT(kKinds), nullptr, 0);

}  // namespace

extern "C" TARIFF_PLUGIN_EXPORT const tariff_plugin_descriptor* tariff_plugin_entry(
    tariff_status*) {
  return &kDescriptor;
}
