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
#include <tariff/plugin.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

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
    std::snprintf(message, sizeof message, "internal error in sla_service_days: %s", e.what());
    return tariff_status_set(status, TARIFF_STATUS_INTERNAL, message);
  } catch (...) {
    return tariff_status_set(status, TARIFF_STATUS_INTERNAL, "internal error in sla_service_days");
  }
}

// ---- exact arithmetic on the header's helpers, failing by exception -------
void check(int error, const char* doing) {
  if (error == TARIFF_DECIMAL_OK) return;
  fail(error == TARIFF_DECIMAL_OVERFLOW ? TARIFF_STATUS_OVERFLOW : TARIFF_STATUS_INVALID_ARGUMENT,
       std::string(doing) + ": " + tariff_decimal_error_text(error));
}

tariff_decimal integer(std::int64_t value) { return tariff_decimal_make(value, 0); }

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
         "the table needs rows of (below_availability_percent, days)");
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

std::int32_t service_days(const tariff_credit_input* input, const tariff_table* table,
                          const tariff_param* params, std::uint32_t param_count,
                          const tariff_credit_sink* credits, tariff_status* status) {
  return shim(status, [&] {
    check_table(*table);
    const tariff_decimal* min_outage_param = find_param(params, param_count, "min_outage_minutes");
    const tariff_decimal min_outage = min_outage_param != nullptr ? *min_outage_param : integer(0);
    if (cmp(min_outage, integer(0)) < 0) {
      fail(TARIFF_STATUS_INVALID_ARGUMENT, "parameter `min_outage_minutes` is negative");
    }
    const tariff_decimal* max_days = find_param(params, param_count, "max_days_per_month");
    if (max_days != nullptr && cmp(*max_days, integer(0)) < 0) {
      fail(TARIFF_STATUS_INVALID_ARGUMENT, "parameter `max_days_per_month` is negative");
    }

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
