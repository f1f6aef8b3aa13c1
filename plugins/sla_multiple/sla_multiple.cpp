// sla_multiple: SLA credits as a multiple of the fee for the downtime
// (brief vendor-pricing.md §5).
//
// `sla.fee_multiple` (Slack, archived 2024-06-14: "10 x the amount paid
// during the downtime"): per affected charge,
//   credit = charge x downtime / period length x `multiple`
// the charge prorated over the period by time, exactly.
//
// `sla.minute_acceleration` (Stream, 2022-11-08: 100 x Enterprise, 25 x
// Business; "7 minutes down -> 700 minutes credited"; capped at 30 % of
// the monthly bill): every downtime minute credits `factor` minutes of the
// fee. An outage counts in whole minutes, a started minute as a full one
// (6 min 1 s is 7 minutes):
//   credit = charge x (factor x downtime minutes x 60 s) / period length
//
// Both take `cap_percent` (the credit never exceeds that percentage of each
// affected charge, hence of their sum) and `min_outage_minutes` (shorter
// outages are not downtime; default 0), and no table. Prorated amounts are
// rounded half-even at 18 places; the host rounds them to the currency.
#include "plugin_support.h"

#include <cstdint>
#include <string>

namespace {

using namespace plugin_support;

// ---- the rules -------------------------------------------------------------
struct Params {
  tariff_decimal multiple;             // `multiple` or `factor`
  const tariff_decimal* cap = nullptr; // cap_percent
  tariff_decimal min_outage_seconds;
};

Params read_params(const tariff_table& table, const tariff_param* params, std::uint32_t count,
                   const char* multiple_name) {
  if (table.rows != 0) fail(TARIFF_STATUS_INVALID_ARGUMENT, "this rule takes no table");
  Params p;
  const tariff_decimal* multiple = find_param(params, count, multiple_name);
  if (multiple == nullptr || cmp(*multiple, integer(0)) <= 0) {
    fail(TARIFF_STATUS_INVALID_ARGUMENT,
         std::string("parameter `") + multiple_name + "` must be given and positive");
  }
  p.multiple = *multiple;
  p.cap = optional_nonnegative_param(params, count, "cap_percent");
  p.min_outage_seconds =
      mul(nonnegative_param(params, count, "min_outage_minutes", integer(0)), integer(60));
  return p;
}

bool counted(const tariff_interval& outage, const Params& p) {
  return cmp(integer(outage.end - outage.start), p.min_outage_seconds) >= 0;
}

// Credits `credited_seconds` of service out of the period on every charge,
// or cap_percent of it when that is less. `why` starts each explanation;
// `credited` shows how the seconds came about ("10 x 7200 s").
void credit_time(const tariff_credit_input& input, const Params& p,
                 tariff_decimal credited_seconds, const std::string& credited,
                 const std::string& why, const tariff_credit_sink& credits) {
  const tariff_decimal period = integer(input.period_end - input.period_start);
  // credited / period > cap / 100  <=>  credited x 100 > cap x period: exact.
  const bool capped = p.cap != nullptr &&
                      cmp(mul(credited_seconds, integer(100)), mul(*p.cap, period)) > 0;
  for (std::uint32_t i = 0; i < input.charge_count; ++i) {
    const tariff_decimal charge = input.charges[i].amount;
    tariff_decimal amount;
    std::string line = why;
    if (capped) {
      const std::int32_t scale = p.cap->scale + 2 > 18 ? 18 : p.cap->scale + 2;
      amount = trimmed(mul(charge, div(*p.cap, integer(100), scale, TARIFF_ROUND_HALF_EVEN)));
      line += ": above the cap, " + text(trimmed(*p.cap)) + "% of " + text(charge) + " = " +
              text(amount);
    } else {
      amount = trimmed(
          div(mul(charge, credited_seconds), period, 18, TARIFF_ROUND_HALF_EVEN));
      line += ": " + text(charge) + " x " + credited + " / " + text(period) + " s = " + text(amount);
    }
    if (cmp(amount, integer(0)) <= 0) continue;
    credits.add_credit(credits.context, input.charges[i].name, amount, line.c_str());
  }
}

std::int32_t fee_multiple(const tariff_credit_input* input, const tariff_table* table,
                          const tariff_param* params, std::uint32_t param_count,
                          const tariff_credit_sink* credits, tariff_status* status) {
  return shim("sla_multiple", status, [&] {
    const Params p = read_params(*table, params, param_count, "multiple");
    std::int64_t downtime = 0;
    for (std::uint32_t i = 0; i < input->downtime_count; ++i) {
      if (counted(input->downtime[i], p)) downtime += input->downtime[i].end - input->downtime[i].start;
    }
    if (downtime == 0) return;
    const tariff_decimal credited = mul(p.multiple, integer(downtime));
    const std::string why = text(trimmed(p.multiple)) + " x the fee for " +
                            std::to_string(downtime) + " s of downtime in a " +
                            std::to_string(input->period_end - input->period_start) +
                            " s period";
    credit_time(*input, p, credited,
                text(trimmed(p.multiple)) + " x " + std::to_string(downtime) + " s", why,
                *credits);
  });
}

std::int32_t minute_acceleration(const tariff_credit_input* input, const tariff_table* table,
                                 const tariff_param* params, std::uint32_t param_count,
                                 const tariff_credit_sink* credits, tariff_status* status) {
  return shim("sla_multiple", status, [&] {
    const Params p = read_params(*table, params, param_count, "factor");
    std::int64_t minutes = 0;
    for (std::uint32_t i = 0; i < input->downtime_count; ++i) {
      if (!counted(input->downtime[i], p)) continue;
      const std::int64_t seconds = input->downtime[i].end - input->downtime[i].start;
      minutes += (seconds + 59) / 60;  // a started minute is a downtime minute
    }
    if (minutes == 0) return;
    const tariff_decimal credited_minutes = mul(p.multiple, integer(minutes));
    const tariff_decimal period_minutes =
        trimmed(div(integer(input->period_end - input->period_start), integer(60), 4,
                    TARIFF_ROUND_HALF_EVEN));
    const std::string why = std::to_string(minutes) + " downtime minutes x " +
                            text(trimmed(p.multiple)) + " = " + text(trimmed(credited_minutes)) +
                            " minutes of the fee for a " + text(period_minutes) +
                            "-minute period";
    credit_time(*input, p, mul(credited_minutes, integer(60)),
                text(trimmed(credited_minutes)) + " x 60 s", why, *credits);
  });
}

const tariff_param_spec kFeeMultipleParams[] = {
    {"multiple", 1, "the credit is this many times the fee for the downtime (Slack: 10)"},
    {"cap_percent", 0, "the credit never exceeds this percentage of the affected charges"},
    {"min_outage_minutes", 0, "outages shorter than this are not downtime (default 0)"},
};

const tariff_param_spec kAccelerationParams[] = {
    {"factor", 1, "minutes of fee credited per downtime minute (Stream: 100 or 25)"},
    {"cap_percent", 0, "the credit never exceeds this percentage of the affected charges"},
    {"min_outage_minutes", 0, "outages shorter than this are not downtime (default 0)"},
};

const tariff_credit_rule kRules[] = {
    {"sla.fee_multiple", "a multiple of the affected charges prorated over the downtime",
     kFeeMultipleParams, TARIFF_COUNT(kFeeMultipleParams), &fee_multiple},
    {"sla.minute_acceleration",
     "each downtime minute (started minutes count) credits `factor` minutes of the fee",
     kAccelerationParams, TARIFF_COUNT(kAccelerationParams), &minute_acceleration},
};

const tariff_plugin_descriptor kDescriptor = TARIFF_PLUGIN_DESCRIPTOR_INIT(
    "sla_multiple", "1.0.0", nullptr, 0, kRules, TARIFF_COUNT(kRules));

}  // namespace

extern "C" TARIFF_PLUGIN_EXPORT const tariff_plugin_descriptor* tariff_plugin_entry(
    tariff_status* status) {
  (void)status;  // nothing can fail here
  return &kDescriptor;
}
