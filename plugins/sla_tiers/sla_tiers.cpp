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
#include <tariff/plugin.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// ---- failures are exceptions inside the plugin; the shim ends them --------
struct Failure : std::runtime_error {
  Failure(std::int32_t status_code, const std::string& message)
      : std::runtime_error(message), code(status_code) {}
  std::int32_t code;
};

[[noreturn]] void fail(std::int32_t code, const std::string& message) {
  throw Failure(code, message);
}

// Every exported function body runs in here: no exception crosses the ABI.
template <class Body>
std::int32_t shim(tariff_status* status, Body&& body) noexcept {
  try {
    body();
    return TARIFF_STATUS_OK;
  } catch (const Failure& failure) {
    return tariff_status_set(status, failure.code, failure.what());
  } catch (const std::exception& e) {
    char message[sizeof status->message];
    std::snprintf(message, sizeof message, "internal error in sla_tiers: %s", e.what());
    return tariff_status_set(status, TARIFF_STATUS_INTERNAL, message);
  } catch (...) {
    return tariff_status_set(status, TARIFF_STATUS_INTERNAL, "internal error in sla_tiers");
  }
}

// ---- exact arithmetic on the header's helpers, failing by exception -------
void check(int error, const char* doing) {
  if (error == TARIFF_DECIMAL_OK) return;
  fail(error == TARIFF_DECIMAL_OVERFLOW ? TARIFF_STATUS_OVERFLOW : TARIFF_STATUS_INVALID_ARGUMENT,
       std::string(doing) + ": " + tariff_decimal_error_text(error));
}

tariff_decimal integer(std::int64_t value) { return tariff_decimal_make(value, 0); }

tariff_decimal add(tariff_decimal a, tariff_decimal b) {
  tariff_decimal out;
  check(tariff_decimal_add(a, b, &out), "adding");
  return out;
}

tariff_decimal mul(tariff_decimal a, tariff_decimal b) {  // exact up to 18 places
  const std::int32_t scale = a.scale + b.scale;
  tariff_decimal out;
  check(tariff_decimal_mul(a, b, scale > 18 ? 18 : scale, TARIFF_ROUND_HALF_EVEN, &out),
        "multiplying");
  return out;
}

tariff_decimal div(tariff_decimal a, tariff_decimal b, std::int32_t scale, std::int32_t mode) {
  tariff_decimal out;
  check(tariff_decimal_div(a, b, scale, mode, &out), "dividing");
  return out;
}

int cmp(tariff_decimal a, tariff_decimal b) { return tariff_decimal_cmp(a, b); }

std::string text(tariff_decimal d) {
  char buffer[TARIFF_DECIMAL_TEXT_SIZE];
  return tariff_decimal_format(d, buffer, sizeof buffer) > 0 ? buffer : "?";
}

// Without trailing fractional zeros: 25.00 -> 25, for explanations.
tariff_decimal trimmed(tariff_decimal d) {
  tariff_int128 mantissa = tariff_decimal_mantissa(d);
  std::int32_t scale = d.scale;
  while (scale > 0 && mantissa % 10 == 0) {
    mantissa /= 10;
    --scale;
  }
  tariff_decimal out;
  check(tariff_decimal_from_mantissa(mantissa, scale, &out), "trimming");
  return out;
}

const tariff_decimal* find_param(const tariff_param* params, std::uint32_t count,
                                 const char* name) {
  for (std::uint32_t i = 0; i < count; ++i) {
    if (std::strcmp(params[i].name, name) == 0) return &params[i].value;
  }
  return nullptr;
}

// ---- the rule ------------------------------------------------------------
struct Availability {
  std::int64_t period = 0;       // seconds
  std::int64_t downtime = 0;     // counted seconds
  std::uint32_t not_counted = 0; // outages shorter than the minimum
};

Availability measure(const tariff_credit_input& input, tariff_decimal min_outage_minutes) {
  Availability a;
  a.period = input.period_end - input.period_start;
  const tariff_decimal min_seconds = mul(min_outage_minutes, integer(60));
  for (std::uint32_t i = 0; i < input.downtime_count; ++i) {
    const std::int64_t length = input.downtime[i].end - input.downtime[i].start;
    if (cmp(integer(length), min_seconds) >= 0) {
      a.downtime += length;
    } else {
      ++a.not_counted;
    }
  }
  return a;
}

// "availability 99.8611% (3600 s of downtime in a 2592000 s period)". The
// percentage is cut (not rounded) to 4 places, so it never shows a
// threshold that the exact value is below.
std::string describe(const Availability& a, tariff_decimal min_outage_minutes) {
  const tariff_decimal percent =
      div(mul(integer(a.period - a.downtime), integer(100)), integer(a.period), 4,
          TARIFF_ROUND_DOWN);
  std::string out = "availability " + text(percent) + "% (" + std::to_string(a.downtime) +
                    " s of downtime in a " + std::to_string(a.period) + " s period";
  if (a.not_counted > 0) {
    out += "; " + std::to_string(a.not_counted) + " outage" + (a.not_counted > 1 ? "s" : "") +
           " shorter than " + text(trimmed(min_outage_minutes)) + " min not counted";
  }
  return out + ")";
}

// The row with the lowest threshold that the availability is below, or -1.
// availability% < T  <=>  (period - downtime) * 100 < T * period: exact.
long most_severe_row(const tariff_table& table, const Availability& a) {
  const tariff_decimal up_percent = mul(integer(a.period - a.downtime), integer(100));
  long chosen = -1;
  for (std::uint32_t r = 0; r < table.rows; ++r) {
    const tariff_decimal threshold = table.cells[r * 2];
    if (cmp(up_percent, mul(threshold, integer(a.period))) >= 0) continue;
    if (chosen < 0 || cmp(threshold, table.cells[static_cast<std::uint32_t>(chosen) * 2]) < 0) {
      chosen = static_cast<long>(r);
    }
  }
  return chosen;
}

void check_table(const tariff_table& table) {
  if (table.columns != 2 || table.rows == 0) {
    fail(TARIFF_STATUS_INVALID_ARGUMENT,
         "the table needs rows of (below_availability_percent, credit_percent)");
  }
  for (std::uint32_t r = 0; r < table.rows; ++r) {
    const tariff_decimal threshold = table.cells[r * 2];
    const tariff_decimal percent = table.cells[r * 2 + 1];
    const std::string row = "table row " + std::to_string(r + 1);
    if (cmp(threshold, integer(0)) <= 0 || cmp(threshold, integer(100)) > 0) {
      fail(TARIFF_STATUS_INVALID_ARGUMENT,
           row + ": the availability threshold " + text(threshold) + " is not in (0, 100]");
    }
    if (cmp(percent, integer(0)) < 0) {
      fail(TARIFF_STATUS_INVALID_ARGUMENT, row + ": the credit percentage is negative");
    }
    for (std::uint32_t earlier = 0; earlier < r; ++earlier) {
      if (cmp(table.cells[earlier * 2], threshold) == 0) {
        fail(TARIFF_STATUS_INVALID_ARGUMENT, row + " repeats the threshold " + text(threshold) +
                                                 " of row " + std::to_string(earlier + 1));
      }
    }
  }
}

tariff_decimal nonnegative_param(const tariff_param* params, std::uint32_t count,
                                 const char* name, tariff_decimal fallback) {
  const tariff_decimal* value = find_param(params, count, name);
  if (value == nullptr) return fallback;
  if (cmp(*value, integer(0)) < 0) {
    fail(TARIFF_STATUS_INVALID_ARGUMENT, std::string("parameter `") + name + "` is negative");
  }
  return *value;
}

std::int32_t tiered_credit(const tariff_credit_input* input, const tariff_table* table,
                           const tariff_param* params, std::uint32_t param_count,
                           const tariff_credit_sink* credits, tariff_status* status) {
  return shim(status, [&] {
    check_table(*table);
    const tariff_decimal min_outage =
        nonnegative_param(params, param_count, "min_outage_minutes", integer(0));
    const tariff_decimal* cap = find_param(params, param_count, "cap_percent");
    if (cap != nullptr && cmp(*cap, integer(0)) < 0) {
      fail(TARIFF_STATUS_INVALID_ARGUMENT, "parameter `cap_percent` is negative");
    }
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
