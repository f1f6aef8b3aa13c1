// A plugin whose functions fail in the ways the host must survive: an
// error status in the middle of a run, C++ code that throws (its shim turns
// that into a status), an invalid decimal, a failure without a message,
// and credits that break the rules.
#include <tariff/plugin.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <stdexcept>

namespace {

// The same shim as the real plugins (docs/plugins.md).
template <class Body>
std::int32_t shim(tariff_status* status, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    char message[sizeof status->message];
    std::snprintf(message, sizeof message, "internal error in misbehaving: %s", e.what());
    return tariff_status_set(status, TARIFF_STATUS_INTERNAL, message);
  } catch (...) {
    return tariff_status_set(status, TARIFF_STATUS_INTERNAL, "internal error in misbehaving");
  }
}

// Prices a quantity as itself, and fails when it is negative: a run can
// succeed several times, then fail.
std::int32_t fails_on_negative(const tariff_decimal* quantities, std::uint32_t, const tariff_table*,
                               const tariff_param*, std::uint32_t, tariff_decimal* amount_out,
                               const tariff_explain_sink* explain, tariff_status* status) {
  return shim(status, [&]() -> std::int32_t {
    if (tariff_decimal_cmp(quantities[0], tariff_decimal_make(0, 0)) < 0) {
      return tariff_status_set(status, TARIFF_STATUS_INVALID_ARGUMENT,
                               "quantity must not be negative");
    }
    explain->add(explain->context, "priced as itself");
    *amount_out = quantities[0];
    return TARIFF_STATUS_OK;
  });
}

int helper_that_throws(int x) {
  if (x > 0) throw std::runtime_error("boom from C++ code");
  return x;
}

std::int32_t throws(const tariff_decimal*, std::uint32_t, const tariff_table*, const tariff_param*,
                    std::uint32_t, tariff_decimal* amount_out, const tariff_explain_sink*,
                    tariff_status* status) {
  return shim(status, [&]() -> std::int32_t {
    *amount_out = tariff_decimal_make(helper_that_throws(1), 0);
    return TARIFF_STATUS_OK;
  });
}

std::int32_t bad_amount(const tariff_decimal*, std::uint32_t, const tariff_table*,
                        const tariff_param*, std::uint32_t, tariff_decimal* amount_out,
                        const tariff_explain_sink*, tariff_status*) {
  *amount_out = tariff_decimal_make(1, 40);  // scale beyond 18
  return TARIFF_STATUS_OK;
}

std::int32_t silent_failure(const tariff_decimal*, std::uint32_t, const tariff_table*,
                            const tariff_param*, std::uint32_t, tariff_decimal*,
                            const tariff_explain_sink*, tariff_status*) {
  return TARIFF_STATUS_OVERFLOW;  // and no message
}

// `case`: 1 a negative credit, 2 a credit for a charge it was not given,
// 3 a credit and then a failure, 4 an exception, else one credit of 1 per
// charge.
std::int32_t credit_misbehaves(const tariff_credit_input* input, const tariff_table*,
                               const tariff_param* params, std::uint32_t,
                               const tariff_credit_sink* credits, tariff_status* status) {
  return shim(status, [&]() -> std::int32_t {
    const tariff_int128 which = tariff_decimal_mantissa(params[0].value);
    const char* first = input->charge_count > 0 ? input->charges[0].name : "none";
    switch (static_cast<int>(which)) {
      case 1:
        credits->add_credit(credits->context, first, tariff_decimal_make(-5, 0), "negative");
        return TARIFF_STATUS_OK;
      case 2:
        credits->add_credit(credits->context, "someone else", tariff_decimal_make(5, 0), "");
        return TARIFF_STATUS_OK;
      case 3:
        credits->add_credit(credits->context, first, tariff_decimal_make(5, 0), "early");
        return tariff_status_set(status, TARIFF_STATUS_ERROR, "gave up after one credit");
      case 4:
        throw std::logic_error("credit rule bug");
      default:
        for (std::uint32_t i = 0; i < input->charge_count; ++i) {
          credits->add_credit(credits->context, input->charges[i].name, tariff_decimal_make(1, 0),
                              "one");
        }
        return TARIFF_STATUS_OK;
    }
  });
}

const tariff_tier_kind kKinds[] = {
    {"test.fails_on_negative", nullptr, 1, 0, nullptr, 0, &fails_on_negative},
    {"test.throws", nullptr, 0, 0, nullptr, 0, &throws},
    {"test.bad_amount", nullptr, 0, 0, nullptr, 0, &bad_amount},
    {"test.silent_failure", nullptr, 0, 0, nullptr, 0, &silent_failure},
};

const tariff_param_spec kCreditParams[] = {{"case", 1, "which misbehaviour"}};
const tariff_credit_rule kRules[] = {
    {"test.credit_misbehaves", nullptr, kCreditParams, TARIFF_COUNT(kCreditParams),
     &credit_misbehaves},
};

const tariff_plugin_descriptor kDescriptor = TARIFF_PLUGIN_DESCRIPTOR_INIT(
    "misbehaving", "0", kKinds, TARIFF_COUNT(kKinds), kRules, TARIFF_COUNT(kRules));

}  // namespace

extern "C" TARIFF_PLUGIN_EXPORT const tariff_plugin_descriptor* tariff_plugin_entry(
    tariff_status*) {
  return &kDescriptor;
}
