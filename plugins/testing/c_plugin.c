/* A valid plugin written in C11, to keep tariff/plugin.h honest C: the tier
 * kind `test.c_rounded` prices quantity x `price` rounded half-even to 2
 * places (3.333 x 1.5 = 4.9995 -> 5.00; 0.125 x 1 -> 0.12). */
#include <stdio.h>

#include <tariff/plugin.h>

static int32_t rounded(const tariff_decimal* quantities, uint32_t quantity_count,
                       const tariff_table* table, const tariff_param* params,
                       uint32_t param_count, tariff_decimal* amount_out,
                       const tariff_explain_sink* explain, tariff_status* status) {
  char text[TARIFF_DECIMAL_TEXT_SIZE];
  char line[TARIFF_DECIMAL_TEXT_SIZE + 16];
  (void)quantity_count;
  (void)table;
  (void)param_count;
  int error = tariff_decimal_mul(quantities[0], params[0].value, 2, TARIFF_ROUND_HALF_EVEN,
                                 amount_out);
  if (error != TARIFF_DECIMAL_OK) {
    return tariff_status_set(status, TARIFF_STATUS_OVERFLOW, tariff_decimal_error_text(error));
  }
  tariff_decimal_format(*amount_out, text, sizeof text);
  snprintf(line, sizeof line, "rounded to %s", text);
  explain->add(explain->context, line);
  return TARIFF_STATUS_OK;
}

static const tariff_param_spec price_params[] = {{"price", 1, "per unit"}};
static const tariff_tier_kind kinds[] = {
    {"test.c_rounded", "quantity x price, half-even to cents", 1, 0, price_params, TARIFF_COUNT(price_params),
     &rounded},
};
static const tariff_plugin_descriptor descriptor =
    TARIFF_PLUGIN_DESCRIPTOR_INIT("c_plugin", "0", kinds, TARIFF_COUNT(kinds), NULL, 0);

TARIFF_PLUGIN_EXPORT const tariff_plugin_descriptor* tariff_plugin_entry(tariff_status* status) {
  (void)status;
  return &descriptor;
}
