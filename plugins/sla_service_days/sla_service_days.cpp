// sla_service_days: the SLA credit rule `sla.service_days` — days of
// service added, valued at the daily fee (Google Workspace: < 99.9 % ->
// 3 days, < 99.0 % -> 7, < 95.0 % -> 15, at most 15 days a month; brief
// vendor-pricing.md §5).
//
//   availability = 1 - counted downtime / period length, exactly
//   counted downtime = outages of at least `min_outage_minutes` (default 0)
//   table rows: (below_availability_percent, days), any order; the row that
//     applies is the one with the LOWEST threshold the availability is
//     below (the band it falls in), as in sla.tiered
//   days = min(the row's days, `max_days_per_month`)
//   credit per charge = days x the daily fee = charge x days x 86400 s /
//     period length (a 30-day month of 600.00 has a daily fee of 20)
//
// Prorated amounts are rounded half-even at 18 places; the host rounds them
// to the currency.
#include "plugin_support.h"
#include "sla_availability.h"

#include <cstdint>
#include <string>

namespace {

using namespace plugin_support;

// ---- the rule ------------------------------------------------------------
std::int32_t service_days(const tariff_credit_input* input, const tariff_table* table,
                          const tariff_param* params, std::uint32_t param_count,
                          const tariff_credit_sink* credits, tariff_status* status) {
  return shim("sla_service_days", status, [&] {
    check_table(*table, "days");
    const tariff_decimal min_outage =
        nonnegative_param(params, param_count, "min_outage_minutes", integer(0));
    const tariff_decimal* max_days =
        optional_nonnegative_param(params, param_count, "max_days_per_month");

    const Availability availability = measure(*input, min_outage);
    const long row = most_severe_row(*table, availability);
    if (row < 0) return;  // the target was met
    const tariff_decimal threshold = table->cells[row * 2];
    tariff_decimal days = table->cells[row * 2 + 1];
    std::string why = describe(availability, min_outage) + "; below " +
                      text(trimmed(threshold)) + "%: " + text(trimmed(days)) + " days of service";
    if (max_days != nullptr && cmp(*max_days, days) < 0) {
      why += ", at most " + text(trimmed(*max_days));
      days = *max_days;
    }
    if (cmp(days, integer(0)) == 0) return;
    const tariff_decimal period = integer(availability.period);
    const tariff_decimal period_days = trimmed(div(period, integer(86400), 6, TARIFF_ROUND_HALF_EVEN));
    for (std::uint32_t i = 0; i < input->charge_count; ++i) {
      const tariff_decimal charge = input->charges[i].amount;
      const tariff_decimal daily = trimmed(div(mul(charge, integer(86400)), period, 18,
                                               TARIFF_ROUND_HALF_EVEN));
      const tariff_decimal amount = trimmed(
          div(mul(mul(charge, days), integer(86400)), period, 18, TARIFF_ROUND_HALF_EVEN));
      if (cmp(amount, integer(0)) <= 0) continue;
      const std::string line = why + " at the daily fee " + text(daily) + " (" + text(charge) +
                               " / " + text(period_days) + " days) = " + text(amount);
      credits->add_credit(credits->context, input->charges[i].name, amount, line.c_str());
    }
  });
}

const tariff_param_spec kParams[] = {
    {"max_days_per_month", 0, "the most days credited in one period (Google: 15)"},
    {"min_outage_minutes", 0, "outages shorter than this are not downtime (default 0)"},
};

const tariff_credit_rule kRules[] = {
    {"sla.service_days",
     "days of service valued at the daily fee, from a table of (below_availability_percent, "
     "days) rows; the lowest threshold the availability is below applies",
     kParams, TARIFF_COUNT(kParams), &service_days},
};

const tariff_plugin_descriptor kDescriptor = TARIFF_PLUGIN_DESCRIPTOR_INIT(
    "sla_service_days", "1.0.0", nullptr, 0, kRules, TARIFF_COUNT(kRules));

}  // namespace

extern "C" TARIFF_PLUGIN_EXPORT const tariff_plugin_descriptor* tariff_plugin_entry(
    tariff_status* status) {
  (void)status;  // nothing can fail here
  return &kDescriptor;
}
