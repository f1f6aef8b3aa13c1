// The smallest complete Tariff plugin (docs/plugins.md walks through it):
// the tier kind `example.per_unit` prices one quantity at the parameter
// `price`, exactly: 3 at 0.25 -> 0.75.
#include <tariff/plugin.h>

#include <cstdint>
#include <cstdio>
#include <exception>

namespace {

std::int32_t per_unit(const tariff_decimal* quantities, std::uint32_t quantity_count,
                      const tariff_table* table, const tariff_param* params,
                      std::uint32_t param_count, tariff_decimal* amount_out,
                      const tariff_explain_sink* explain, tariff_status* status) {
  (void)quantity_count, (void)table, (void)param_count;  // the host checked the shapes
  // The shim: nothing thrown in here may leave the function.
  try {
    const tariff_decimal price = params[0].value;  // the only parameter, required
    const tariff_decimal quantity = quantities[0];
    const std::int32_t scale = quantity.scale + price.scale;
    if (tariff_decimal_mul(quantity, price, scale > 18 ? 18 : scale, TARIFF_ROUND_HALF_EVEN,
                           amount_out) != TARIFF_DECIMAL_OK) {
      return tariff_status_set(status, TARIFF_STATUS_OVERFLOW, "quantity x price overflows");
    }
    char q[TARIFF_DECIMAL_TEXT_SIZE], p[TARIFF_DECIMAL_TEXT_SIZE], a[TARIFF_DECIMAL_TEXT_SIZE];
    tariff_decimal_format(quantity, q, sizeof q);
    tariff_decimal_format(price, p, sizeof p);
    tariff_decimal_format(*amount_out, a, sizeof a);
    char line[3 * TARIFF_DECIMAL_TEXT_SIZE + 16];
    std::snprintf(line, sizeof line, "%s at %s = %s", q, p, a);
    explain->add(explain->context, line);  // the host copies the text
    return TARIFF_STATUS_OK;
  } catch (const std::exception& e) {
    return tariff_status_set(status, TARIFF_STATUS_INTERNAL, e.what());
  } catch (...) {
    return tariff_status_set(status, TARIFF_STATUS_INTERNAL, "unknown exception");
  }
}

const tariff_param_spec kParams[] = {{"price", 1, "the price of one unit"}};

const tariff_tier_kind kKinds[] = {
    {"example.per_unit", "one quantity at `price` per unit", 1, 0, kParams, TARIFF_COUNT(kParams),
     &per_unit},
};

const tariff_plugin_descriptor kDescriptor =
    TARIFF_PLUGIN_DESCRIPTOR_INIT("example", "1.0.0", kKinds, TARIFF_COUNT(kKinds), nullptr, 0);

}  // namespace

extern "C" TARIFF_PLUGIN_EXPORT const tariff_plugin_descriptor* tariff_plugin_entry(
    tariff_status* status) {
  (void)status;
  return &kDescriptor;
}
