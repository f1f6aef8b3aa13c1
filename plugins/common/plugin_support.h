// plugin_support: what the bundled plugins share on top of tariff/plugin.h —
// the exception shim that keeps exceptions from crossing the C ABI, exact
// decimal arithmetic that fails by exception, and parameter lookup.
// Header-only and inline, so each plugin compiles in its own copy and stays
// a self-contained library that links against nothing of Tariff.
#ifndef TARIFF_PLUGINS_COMMON_PLUGIN_SUPPORT_H
#define TARIFF_PLUGINS_COMMON_PLUGIN_SUPPORT_H

#include <tariff/plugin.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

namespace plugin_support {

// ---- failures are exceptions inside the plugin; the shim ends them --------
struct Failure : std::runtime_error {
  Failure(std::int32_t status_code, const std::string& message)
      : std::runtime_error(message), code(status_code) {}
  std::int32_t code;
};

[[noreturn]] inline void fail(std::int32_t code, const std::string& message) {
  throw Failure(code, message);
}

// Every exported function body runs in here: no exception crosses the ABI.
// `plugin` names the plugin in internal errors.
template <class Body>
std::int32_t shim(const char* plugin, tariff_status* status, Body&& body) noexcept {
  try {
    body();
    return TARIFF_STATUS_OK;
  } catch (const Failure& failure) {
    return tariff_status_set(status, failure.code, failure.what());
  } catch (const std::exception& e) {
    char message[sizeof status->message];
    std::snprintf(message, sizeof message, "internal error in %s: %s", plugin, e.what());
    return tariff_status_set(status, TARIFF_STATUS_INTERNAL, message);
  } catch (...) {
    char message[sizeof status->message];
    std::snprintf(message, sizeof message, "internal error in %s", plugin);
    return tariff_status_set(status, TARIFF_STATUS_INTERNAL, message);
  }
}

// ---- exact arithmetic on the header's helpers, failing by exception -------
inline void check(int error, const char* doing) {
  if (error == TARIFF_DECIMAL_OK) return;
  fail(error == TARIFF_DECIMAL_OVERFLOW ? TARIFF_STATUS_OVERFLOW : TARIFF_STATUS_INVALID_ARGUMENT,
       std::string(doing) + ": " + tariff_decimal_error_text(error));
}

inline tariff_decimal integer(std::int64_t value) { return tariff_decimal_make(value, 0); }

inline tariff_decimal add(tariff_decimal a, tariff_decimal b) {
  tariff_decimal out;
  check(tariff_decimal_add(a, b, &out), "adding");
  return out;
}

inline tariff_decimal mul(tariff_decimal a, tariff_decimal b) {  // exact up to 18 places
  const std::int32_t scale = a.scale + b.scale;
  tariff_decimal out;
  check(tariff_decimal_mul(a, b, scale > 18 ? 18 : scale, TARIFF_ROUND_HALF_EVEN, &out),
        "multiplying");
  return out;
}

inline tariff_decimal div(tariff_decimal a, tariff_decimal b, std::int32_t scale,
                          std::int32_t mode) {
  tariff_decimal out;
  check(tariff_decimal_div(a, b, scale, mode, &out), "dividing");
  return out;
}

inline int cmp(tariff_decimal a, tariff_decimal b) { return tariff_decimal_cmp(a, b); }

inline std::string text(tariff_decimal d) {
  char buffer[TARIFF_DECIMAL_TEXT_SIZE];
  return tariff_decimal_format(d, buffer, sizeof buffer) > 0 ? buffer : "?";
}

// Without trailing fractional zeros: 25.00 -> 25, for explanations.
inline tariff_decimal trimmed(tariff_decimal d) {
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

// ---- parameters -----------------------------------------------------------
inline const tariff_decimal* find_param(const tariff_param* params, std::uint32_t count,
                                        const char* name) {
  for (std::uint32_t i = 0; i < count; ++i) {
    if (std::strcmp(params[i].name, name) == 0) return &params[i].value;
  }
  return nullptr;
}

// The parameter `name`, or nullptr when it is not given; a negative value fails.
inline const tariff_decimal* optional_nonnegative_param(const tariff_param* params,
                                                        std::uint32_t count, const char* name) {
  const tariff_decimal* value = find_param(params, count, name);
  if (value != nullptr && cmp(*value, integer(0)) < 0) {
    fail(TARIFF_STATUS_INVALID_ARGUMENT, std::string("parameter `") + name + "` is negative");
  }
  return value;
}

// The parameter `name`, or `fallback` when it is not given; a negative value fails.
inline tariff_decimal nonnegative_param(const tariff_param* params, std::uint32_t count,
                                        const char* name, tariff_decimal fallback) {
  const tariff_decimal* value = optional_nonnegative_param(params, count, name);
  return value != nullptr ? *value : fallback;
}

}  // namespace plugin_support

#endif  // TARIFF_PLUGINS_COMMON_PLUGIN_SUPPORT_H
