// capacity_tier: the tier kind `capacity` — Kill Bill's CAPACITY usage
// (brief billing-engines.md V18): the quantities are the period maxima of
// several meters; each table row has one limit per quantity and a price
// (the last column); the FIRST row whose limits all fit is billed as a
// flat amount. A limit of -1 means unlimited; a quantity equal to its
// limit fits.
//
//   rows (100, 1000, 50 -> 10), (200, 2000, 100 -> 20), (-1, -1, -1 -> 30):
//   (100, 1000, 50) -> 10; (100, 1001, 50) -> 20; (10, 2001, 0) -> 30
//
// No row fitting is an error (end the table with an unlimited row).
#include "plugin_support.h"

#include <cstdint>
#include <string>

namespace {

using namespace plugin_support;

std::string list(const tariff_decimal* values, std::uint32_t count) {
  std::string out;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (i > 0) out += ", ";
    out += cmp(values[i], integer(-1)) == 0 ? std::string("unlimited") : text(values[i]);
  }
  return out;
}

std::int32_t capacity_price(const tariff_decimal* quantities, std::uint32_t quantity_count,
                            const tariff_table* table, const tariff_param* params,
                            std::uint32_t param_count, tariff_decimal* amount_out,
                            const tariff_explain_sink* explain, tariff_status* status) {
  (void)params;  // declares none; the host refuses any
  (void)param_count;
  return shim("capacity_tier", status, [&] {
    if (quantity_count == 0) fail(TARIFF_STATUS_INVALID_ARGUMENT, "needs at least one quantity");
    if (table->rows == 0 || table->columns != quantity_count + 1) {
      fail(TARIFF_STATUS_INVALID_ARGUMENT,
           "the table needs rows of " + std::to_string(quantity_count) +
               " limits (one per quantity, -1 for unlimited) and a price: " +
               std::to_string(quantity_count + 1) + " columns, not " +
               std::to_string(table->columns));
    }
    for (std::uint32_t r = 0; r < table->rows; ++r) {
      for (std::uint32_t c = 0; c < quantity_count; ++c) {
        const tariff_decimal limit = table->cells[r * table->columns + c];
        if (cmp(limit, integer(0)) < 0 && cmp(limit, integer(-1)) != 0) {
          fail(TARIFF_STATUS_INVALID_ARGUMENT,
               "table row " + std::to_string(r + 1) + ": limit " + std::to_string(c + 1) + " is " +
                   text(limit) + "; a limit is at least 0, or -1 for unlimited");
        }
      }
    }
    for (std::uint32_t r = 0; r < table->rows; ++r) {
      const tariff_decimal* row = table->cells + r * table->columns;
      const std::string tier = "tier " + std::to_string(r + 1) + " (limits " +
                               list(row, quantity_count) + ")";
      std::uint32_t over = quantity_count;  // the first quantity above its limit
      for (std::uint32_t c = 0; c < quantity_count && over == quantity_count; ++c) {
        if (cmp(row[c], integer(-1)) != 0 && cmp(quantities[c], row[c]) > 0) over = c;
      }
      if (over < quantity_count) {
        const std::string line = tier + " skipped: quantity " + std::to_string(over + 1) +
                                 " is " + text(quantities[over]) + ", above " + text(row[over]);
        explain->add(explain->context, line.c_str());
        continue;
      }
      const tariff_decimal price = row[quantity_count];
      const std::string line = tier + ": quantities " + list(quantities, quantity_count) +
                               " fit, flat " + text(price);
      explain->add(explain->context, line.c_str());
      *amount_out = price;
      return;
    }
    fail(TARIFF_STATUS_ERROR, "quantities " + list(quantities, quantity_count) +
                                  " exceed every tier; end the table with a row of -1 "
                                  "(unlimited) limits");
  });
}

const tariff_tier_kind kKinds[] = {
    {"capacity",
     "the first row whose limits (one per quantity, -1 unlimited) all fit the period maxima, "
     "billed flat at the row's last column",
     0, 0, nullptr, 0, &capacity_price},
};

const tariff_plugin_descriptor kDescriptor = TARIFF_PLUGIN_DESCRIPTOR_INIT(
    "capacity_tier", "1.0.0", kKinds, TARIFF_COUNT(kKinds), nullptr, 0);

}  // namespace

extern "C" TARIFF_PLUGIN_EXPORT const tariff_plugin_descriptor* tariff_plugin_entry(
    tariff_status* status) {
  (void)status;  // nothing can fail here
  return &kDescriptor;
}
