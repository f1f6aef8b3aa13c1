// sla_tiers: the SLA credit rule `sla.tiered` — a percentage of the affected
// charges chosen from an availability table (Amazon Chime SDK, Microsoft
// Online Services, Alibaba DataHub; brief vendor-pricing.md §5).
//
//   availability = 1 - counted downtime / period length, exactly
//   counted downtime = outages of at least `min_outage_minutes` (default 0)
//   table rows: (below_availability_percent, credit_percent), any order
//   chosen row = the most severe row that applies: among the rows whose
//     threshold the availability is below, the one with the LOWEST
//     threshold, i.e. the band the availability falls in ("< 99.0 and
//     >= 95.0 -> 25 %"). Row order does not matter; thresholds are unique.
//   credit per charge = min(credit_percent, cap_percent) % of the charge
//   no credit when the total is below `minimum_credit` (a credit equal to
//     it is issued)
//
// Amounts are exact (a percentage of an exact amount); the host rounds them
// to the currency. Only tariff/plugin.h is included from Tariff.
#include "plugin_support.h"
#include "sla_availability.h"

#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace plugin_support;

// ---- the rule ------------------------------------------------------------
std::int32_t tiered_credit(const tariff_credit_input* input, const tariff_table* table,
                           const tariff_param* params, std::uint32_t param_count,
                           const tariff_credit_sink* credits, tariff_status* status) {
  return shim("sla_tiers", status, [&] {
    check_table(*table, "credit_percent");
    const tariff_decimal min_outage =
        nonnegative_param(params, param_count, "min_outage_minutes", integer(0));
    const tariff_decimal* cap = optional_nonnegative_param(params, param_count, "cap_percent");
    const tariff_decimal* minimum = find_param(params, param_count, "minimum_credit");

    const Availability availability = measure(*input, min_outage);
    const long row = most_severe_row(*table, availability);
    if (row < 0) return;  // the target was met
    const tariff_decimal threshold = table->cells[row * 2];
    tariff_decimal percent = table->cells[row * 2 + 1];
    std::string why = describe(availability, min_outage) + "; below " +
                      text(trimmed(threshold)) + "%: " + text(trimmed(percent)) + "% credit";
    if (cap != nullptr && cmp(*cap, percent) < 0) {
      why += ", capped at " + text(trimmed(*cap)) + "%";
      percent = *cap;
    }
    const std::int32_t fraction_scale = percent.scale + 2 > 18 ? 18 : percent.scale + 2;
    const tariff_decimal fraction =
        div(percent, integer(100), fraction_scale, TARIFF_ROUND_HALF_EVEN);

    std::vector<tariff_decimal> amounts;
    tariff_decimal total = integer(0);
    for (std::uint32_t i = 0; i < input->charge_count; ++i) {
      amounts.push_back(mul(input->charges[i].amount, fraction));
      total = add(total, amounts.back());
    }
    if (minimum != nullptr && cmp(total, *minimum) < 0) return;  // not issued
    for (std::uint32_t i = 0; i < input->charge_count; ++i) {
      if (cmp(amounts[i], integer(0)) <= 0) continue;
      const std::string line = why + " of " + text(input->charges[i].amount) + " = " +
                               text(trimmed(amounts[i]));
      credits->add_credit(credits->context, input->charges[i].name, trimmed(amounts[i]),
                          line.c_str());
    }
  });
}

const tariff_param_spec kParams[] = {
    {"min_outage_minutes", 0, "outages shorter than this are not downtime (default 0)"},
    {"cap_percent", 0, "the credit never exceeds this percentage of the affected charges"},
    {"minimum_credit", 0, "a total credit below this amount is not issued"},
};

const tariff_credit_rule kRules[] = {
    {"sla.tiered",
     "a percentage of the affected charges from a table of (below_availability_percent, "
     "credit_percent) rows; the lowest threshold the availability is below applies",
     kParams, TARIFF_COUNT(kParams), &tiered_credit},
};

const tariff_plugin_descriptor kDescriptor = TARIFF_PLUGIN_DESCRIPTOR_INIT(
    "sla_tiers", "1.0.0", nullptr, 0, kRules, TARIFF_COUNT(kRules));

}  // namespace

extern "C" TARIFF_PLUGIN_EXPORT const tariff_plugin_descriptor* tariff_plugin_entry(
    tariff_status* status) {
  (void)status;  // nothing can fail here
  return &kDescriptor;
}
