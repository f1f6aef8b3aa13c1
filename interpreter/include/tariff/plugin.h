/* The Tariff plugin ABI: the one header a plugin sees.
 *
 * A plugin is a shared library with one exported C function,
 * tariff_plugin_entry, that returns a static descriptor listing the tier
 * kinds and SLA credit rules it adds. Everything that crosses the boundary
 * is C: plain structs, function pointers, status structs. No exception, no
 * C++ library type, and no memory allocated on one side and freed on the
 * other crosses it; the host gives the plugin callbacks (sinks) and copies
 * what the plugin hands them. docs/plugins.md shows a complete plugin.
 *
 * Compiles as C11 and as C++17. Includes nothing of Tariff's. Needs GCC or
 * Clang (the money helpers at the end use __int128).
 */
#ifndef TARIFF_PLUGIN_H
#define TARIFF_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions ------------------------------------------------------------
 * The host refuses a plugin whose major version differs from its own, or
 * whose minor version is newer than its own (it may rely on behaviour the
 * host does not have). A minor version only adds meaning, never layout:
 * every struct size is checked separately (tariff_plugin_descriptor). */
#define TARIFF_PLUGIN_ABI_MAJOR 1
#define TARIFF_PLUGIN_ABI_MINOR 0

/* The name of the entry point, for hosts that look it up. */
#define TARIFF_PLUGIN_ENTRY_NAME "tariff_plugin_entry"

#define TARIFF_PLUGIN_EXPORT __attribute__((visibility("default")))

/* ---- Values --------------------------------------------------------------
 * An exact decimal: value = mantissa / 10^scale. The mantissa is a
 * two's-complement 128-bit integer split in halves (mantissa_high holds
 * bits 127..64, mantissa_low bits 63..0); |mantissa| < 10^38 and scale is
 * 0..18. Build one with tariff_decimal_make or tariff_decimal_from_mantissa
 * and read it with tariff_decimal_mantissa (helpers below). Never floating point. */
typedef struct tariff_decimal {
  int64_t mantissa_high;
  uint64_t mantissa_low;
  int32_t scale;
} tariff_decimal;

/* Status codes. Any non-zero code is a failure; the host shows `message`. */
#define TARIFF_STATUS_OK 0
#define TARIFF_STATUS_ERROR 1            /* the inputs cannot be priced (bad table, ...) */
#define TARIFF_STATUS_INVALID_ARGUMENT 2 /* a parameter or quantity out of range */
#define TARIFF_STATUS_OVERFLOW 3         /* a result beyond 38 digits */
#define TARIFF_STATUS_INTERNAL 4         /* a bug: e.g. an exception caught by the shim */

/* The host zero-fills the status before every call. A plugin that fails
 * sets code and a NUL-terminated message (tariff_status_set truncates) and
 * returns the same code. */
typedef struct tariff_status {
  int32_t code;
  char message[256];
} tariff_status;

/* A read-only table: rows x columns cells, row-major (cell (r, c) is
 * cells[r * columns + c]). cells may be NULL when rows is 0. */
typedef struct tariff_table {
  const tariff_decimal* cells;
  uint32_t rows;
  uint32_t columns;
} tariff_table;

/* A named parameter as written in the scheme. The host passes only the
 * parameters the scheme sets, each at most once, and only names the
 * descriptor declares; a required one is always present. */
typedef struct tariff_param {
  const char* name;
  tariff_decimal value;
} tariff_param;

/* A parameter a tier kind or credit rule accepts (for the host's checks
 * and its "known parameters" diagnostics). required: 1 or 0. */
typedef struct tariff_param_spec {
  const char* name;
  int32_t required;
  const char* description;
} tariff_param_spec;

/* ---- Host callbacks --------------------------------------------------------
 * The host copies every string before the call returns; pass stack buffers
 * freely. NULL text is ignored. Call them only during the call that
 * received them. */
typedef struct tariff_explain_sink {
  void* context;
  void (*add)(void* context, const char* text);
} tariff_explain_sink;

/* amount: positive = a credit to the customer. charge_name: one of the
 * charge names given in tariff_credit_input. */
typedef struct tariff_credit_sink {
  void* context;
  void (*add_credit)(void* context, const char* charge_name, tariff_decimal amount,
                     const char* explanation);
} tariff_credit_sink;

/* ---- Tier kinds --------------------------------------------------------------
 * Prices quantities (e.g. the period maxima of several meters) through a
 * table. Writes the amount (exact; the host rounds it to the currency where
 * the scheme says) and any number of explanation lines. Returns
 * TARIFF_STATUS_OK or the code it put in *status. */
typedef int32_t (*tariff_tier_price_fn)(const tariff_decimal* quantities,
                                        uint32_t quantity_count, const tariff_table* table,
                                        const tariff_param* params, uint32_t param_count,
                                        tariff_decimal* amount_out,
                                        const tariff_explain_sink* explain,
                                        tariff_status* status);

typedef struct tariff_tier_kind {
  const char* name;        /* as written in schemes: letters, digits, '_' and '.' */
  const char* description; /* one line; may be NULL */
  uint32_t quantity_count; /* quantities per call; 0 = any number, checked by price */
  uint32_t table_columns;  /* 0 = any number, checked by price */
  const tariff_param_spec* params;
  uint32_t param_count;
  tariff_tier_price_fn price;
} tariff_tier_kind;

/* ---- SLA credit rules ------------------------------------------------------ */
typedef struct tariff_interval {
  int64_t start; /* epoch seconds, [start, end) */
  int64_t end;
} tariff_interval;

typedef struct tariff_charge_line {
  const char* name;
  tariff_decimal amount; /* as billed for the period */
} tariff_charge_line;

/* What the host guarantees: period_start < period_end; downtime intervals
 * are clipped to the period, non-empty, sorted and non-overlapping (touching
 * or overlapping outages are merged into one); charge amounts are the
 * charges the credit applies to, as billed (possibly zero). */
typedef struct tariff_credit_input {
  int64_t period_start; /* epoch seconds, [start, end) */
  int64_t period_end;
  const tariff_interval* downtime;
  uint32_t downtime_count;
  const tariff_charge_line* charges;
  uint32_t charge_count;
} tariff_credit_input;

/* Reports zero or more credits through the sink (none: no credit is due).
 * Returns TARIFF_STATUS_OK or the code it put in *status; on failure the
 * host discards any credits already reported by this call. */
typedef int32_t (*tariff_credit_fn)(const tariff_credit_input* input, const tariff_table* table,
                                    const tariff_param* params, uint32_t param_count,
                                    const tariff_credit_sink* credits, tariff_status* status);

typedef struct tariff_credit_rule {
  const char* name;        /* e.g. "sla.tiered" */
  const char* description; /* may be NULL */
  const tariff_param_spec* params;
  uint32_t param_count;
  tariff_credit_fn compute;
} tariff_credit_rule;

/* ---- The descriptor --------------------------------------------------------
 * Static data in the plugin, alive while the library is loaded. Fill it
 * with TARIFF_PLUGIN_DESCRIPTOR_INIT so the versions and sizes are the ones
 * this header was compiled with; the host compares each with its own. */
typedef struct tariff_plugin_descriptor {
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t sizeof_decimal;
  uint32_t sizeof_status;
  uint32_t sizeof_table;
  uint32_t sizeof_param;
  uint32_t sizeof_credit_input;
  uint32_t sizeof_tier_kind;
  uint32_t sizeof_credit_rule;
  const char* name;    /* the plugin's name, for messages */
  const char* version; /* the plugin's own version, free text */
  const tariff_tier_kind* tier_kinds;
  uint32_t tier_kind_count;
  const tariff_credit_rule* credit_rules;
  uint32_t credit_rule_count;
} tariff_plugin_descriptor;

#define TARIFF_PLUGIN_DESCRIPTOR_INIT(name, version, tier_kinds, tier_kind_count, credit_rules, \
                                      credit_rule_count)                                          \
  {TARIFF_PLUGIN_ABI_MAJOR,                                                                       \
   TARIFF_PLUGIN_ABI_MINOR,                                                                       \
   (uint32_t)sizeof(tariff_decimal),                                                              \
   (uint32_t)sizeof(tariff_status),                                                               \
   (uint32_t)sizeof(tariff_table),                                                                \
   (uint32_t)sizeof(tariff_param),                                                                \
   (uint32_t)sizeof(tariff_credit_input),                                                         \
   (uint32_t)sizeof(tariff_tier_kind),                                                            \
   (uint32_t)sizeof(tariff_credit_rule),                                                          \
   (name),                                                                                        \
   (version),                                                                                     \
   (tier_kinds),                                                                                  \
   (tier_kind_count),                                                                             \
   (credit_rules),                                                                                \
   (credit_rule_count)}

/* The element count of a static array, as the uint32_t the descriptor wants. */
#define TARIFF_COUNT(array) ((uint32_t)(sizeof(array) / sizeof((array)[0])))

/* The entry point every plugin defines. Called once per load, before
 * anything else. Returns the descriptor, or NULL after filling *status to
 * refuse loading (e.g. a missing licence). Must not throw. */
TARIFF_PLUGIN_EXPORT const tariff_plugin_descriptor* tariff_plugin_entry(tariff_status* status);
typedef const tariff_plugin_descriptor* (*tariff_plugin_entry_fn)(tariff_status* status);

/* ---- Helpers for plugin authors --------------------------------------------
 * Sets the status (message truncated to fit, always NUL-terminated) and
 * returns code, so a function can end with `return tariff_status_set(...)`. */
static inline int32_t tariff_status_set(tariff_status* status, int32_t code, const char* message) {
  size_t i = 0;
  if (status == NULL) return code;
  status->code = code;
  if (message != NULL) {
    for (; i + 1 < sizeof status->message && message[i] != '\0'; ++i) status->message[i] = message[i];
  }
  status->message[i] = '\0';
  return code;
}

/* ---- Exact money without the C++ library ------------------------------------
 * Every operation is checked and returns TARIFF_DECIMAL_OK or an error code
 * instead of wrapping; results are written only on success. Rounding
 * happens only where a target scale and mode are given, once. */
__extension__ typedef __int128 tariff_int128;
__extension__ typedef unsigned __int128 tariff_uint128;

#define TARIFF_DECIMAL_OK 0
#define TARIFF_DECIMAL_OVERFLOW 1         /* more than 38 digits */
#define TARIFF_DECIMAL_DIVISION_BY_ZERO 2
#define TARIFF_DECIMAL_INVALID 3          /* scale outside 0..18, unknown mode, bad operand */

#define TARIFF_DECIMAL_MAX_SCALE 18
/* Enough for the longest text tariff_decimal_format writes, with the NUL. */
#define TARIFF_DECIMAL_TEXT_SIZE 48

/* The same modes, in the same order, as Tariff's schemes (half_up is half
 * away from zero). */
#define TARIFF_ROUND_HALF_UP 0
#define TARIFF_ROUND_HALF_EVEN 1
#define TARIFF_ROUND_HALF_DOWN 2
#define TARIFF_ROUND_UP 3      /* away from zero */
#define TARIFF_ROUND_DOWN 4    /* toward zero */
#define TARIFF_ROUND_CEILING 5 /* toward +infinity */
#define TARIFF_ROUND_FLOOR 6   /* toward -infinity */

static inline const char* tariff_decimal_error_text(int error) {
  switch (error) {
    case TARIFF_DECIMAL_OK: return "ok";
    case TARIFF_DECIMAL_OVERFLOW: return "result beyond 38 significant digits";
    case TARIFF_DECIMAL_DIVISION_BY_ZERO: return "division by zero";
    default: return "invalid decimal, scale or rounding mode";
  }
}

/* mantissa / 10^scale. Valid for scale 0..18 (any int64 mantissa fits). */
static inline tariff_decimal tariff_decimal_make(int64_t mantissa, int32_t scale) {
  tariff_decimal d;
  d.mantissa_high = mantissa < 0 ? -1 : 0;
  d.mantissa_low = (uint64_t)mantissa;
  d.scale = scale;
  return d;
}

/* The 128-bit mantissa. */
static inline tariff_int128 tariff_decimal_mantissa(tariff_decimal d) {
  tariff_uint128 bits = ((tariff_uint128)(uint64_t)d.mantissa_high << 64) | d.mantissa_low;
  return (tariff_int128)bits; /* two's complement, as GCC and Clang define it */
}

static inline tariff_uint128 tariff_detail_pow10(int32_t exponent) { /* exponent 0..38 */
  tariff_uint128 power = 1;
  for (int32_t i = 0; i < exponent; ++i) power *= 10;
  return power;
}

static inline tariff_uint128 tariff_detail_magnitude(tariff_int128 value) {
  return value < 0 ? (tariff_uint128)0 - (tariff_uint128)value : (tariff_uint128)value;
}

static inline int tariff_detail_mantissa_fits(tariff_int128 mantissa) {
  const tariff_uint128 limit = (tariff_uint128)10000000000000000000u * 10000000000000000000u;
  return tariff_detail_magnitude(mantissa) < limit; /* 10^38 */
}

/* 1 when scale is 0..18 and |mantissa| < 10^38. */
static inline int tariff_decimal_is_valid(tariff_decimal d) {
  return d.scale >= 0 && d.scale <= TARIFF_DECIMAL_MAX_SCALE &&
         tariff_detail_mantissa_fits(tariff_decimal_mantissa(d));
}

static inline tariff_decimal tariff_detail_store(tariff_int128 mantissa, int32_t scale) {
  const tariff_uint128 bits = (tariff_uint128)mantissa;
  tariff_decimal d;
  d.mantissa_high = (int64_t)(uint64_t)(bits >> 64);
  d.mantissa_low = (uint64_t)bits;
  d.scale = scale;
  return d;
}

/* mantissa / 10^scale, checked: |mantissa| < 10^38, scale 0..18. */
static inline int tariff_decimal_from_mantissa(tariff_int128 mantissa, int32_t scale,
                                               tariff_decimal* out) {
  if (scale < 0 || scale > TARIFF_DECIMAL_MAX_SCALE) return TARIFF_DECIMAL_INVALID;
  if (!tariff_detail_mantissa_fits(mantissa)) return TARIFF_DECIMAL_OVERFLOW;
  *out = tariff_detail_store(mantissa, scale);
  return TARIFF_DECIMAL_OK;
}

/* The signed result from a magnitude and a sign, checked. */
static inline int tariff_detail_finish(tariff_uint128 magnitude, int negative, int32_t scale,
                                       tariff_decimal* out) {
  if (magnitude >> 127 != 0) return TARIFF_DECIMAL_OVERFLOW; /* not even an int128 */
  tariff_int128 value = (tariff_int128)magnitude;
  return tariff_decimal_from_mantissa(negative ? -value : value, scale, out);
}

/* q = (n * 10^shift) / d rounded by mode, on magnitudes (d > 0,
 * d < 2^127), with the sign of the exact result in `negative`. Long
 * division a decimal digit at a time, so n * 10^shift never has to fit in
 * 128 bits; only the quotient does. */
static inline int tariff_detail_divide(tariff_uint128 n, tariff_uint128 d, int32_t shift,
                                       int negative, int32_t mode, tariff_uint128* q_out) {
  const tariff_uint128 max = ~(tariff_uint128)0;
  tariff_uint128 q = n / d, r = n % d;
  for (int32_t i = 0; i < shift; ++i) {
    /* digit = floor(10r / d), r = 10r mod d, without computing 10r:
     * acc < d and r < d, so acc + r < 2d never overflows. */
    tariff_uint128 acc = 0;
    uint32_t digit = 0;
    for (int k = 0; k < 10; ++k) {
      acc += r;
      if (acc >= d) {
        acc -= d;
        ++digit;
      }
    }
    if (q > (max - digit) / 10) return TARIFF_DECIMAL_OVERFLOW;
    q = q * 10 + digit;
    r = acc;
  }
  if (r != 0) {
    const tariff_uint128 rest = d - r; /* compare r with d/2 as r vs d - r */
    const int half = r < rest ? -1 : (r > rest ? 1 : 0);
    int increment = 0;
    switch (mode) {
      case TARIFF_ROUND_HALF_UP: increment = half >= 0; break;
      case TARIFF_ROUND_HALF_EVEN: increment = half > 0 || (half == 0 && (q & 1) != 0); break;
      case TARIFF_ROUND_HALF_DOWN: increment = half > 0; break;
      case TARIFF_ROUND_UP: increment = 1; break;
      case TARIFF_ROUND_DOWN: increment = 0; break;
      case TARIFF_ROUND_CEILING: increment = !negative; break;
      case TARIFF_ROUND_FLOOR: increment = negative; break;
      default: return TARIFF_DECIMAL_INVALID;
    }
    if (increment) {
      if (q == max) return TARIFF_DECIMAL_OVERFLOW;
      ++q;
    }
  } else if (mode < TARIFF_ROUND_HALF_UP || mode > TARIFF_ROUND_FLOOR) {
    return TARIFF_DECIMAL_INVALID;
  }
  *q_out = q;
  return TARIFF_DECIMAL_OK;
}

/* mantissa / 10^from_scale re-expressed at to_scale (from_scale may be up
 * to 36, as after a multiplication), rounded by mode if places are lost. */
static inline int tariff_detail_rescale(tariff_int128 mantissa, int32_t from_scale,
                                        int32_t to_scale, int32_t mode, tariff_decimal* out) {
  const int negative = mantissa < 0;
  tariff_uint128 magnitude = tariff_detail_magnitude(mantissa);
  if (to_scale < 0 || to_scale > TARIFF_DECIMAL_MAX_SCALE) return TARIFF_DECIMAL_INVALID;
  if (mode < TARIFF_ROUND_HALF_UP || mode > TARIFF_ROUND_FLOOR) return TARIFF_DECIMAL_INVALID;
  if (to_scale >= from_scale) {
    const tariff_uint128 factor = tariff_detail_pow10(to_scale - from_scale);
    if (magnitude != 0 && factor > (~(tariff_uint128)0) / magnitude) return TARIFF_DECIMAL_OVERFLOW;
    return tariff_detail_finish(magnitude * factor, negative, to_scale, out);
  }
  tariff_uint128 q;
  int error = tariff_detail_divide(magnitude, tariff_detail_pow10(from_scale - to_scale), 0,
                                   negative, mode, &q);
  if (error != TARIFF_DECIMAL_OK) return error;
  return tariff_detail_finish(q, negative, to_scale, out);
}

/* d at `scale` places: exact when scale >= d.scale, else rounded by mode. */
static inline int tariff_decimal_rescale(tariff_decimal d, int32_t scale, int32_t mode,
                                         tariff_decimal* out) {
  if (!tariff_decimal_is_valid(d)) return TARIFF_DECIMAL_INVALID;
  return tariff_detail_rescale(tariff_decimal_mantissa(d), d.scale, scale, mode, out);
}

/* Both mantissas at the larger scale; fails only if one does not fit. */
static inline int tariff_detail_align(tariff_decimal a, tariff_decimal b, tariff_int128* ma,
                                      tariff_int128* mb, int32_t* scale) {
  tariff_int128 fa = (tariff_int128)tariff_detail_pow10(a.scale < b.scale ? b.scale - a.scale : 0);
  tariff_int128 fb = (tariff_int128)tariff_detail_pow10(b.scale < a.scale ? a.scale - b.scale : 0);
  if (__builtin_mul_overflow(tariff_decimal_mantissa(a), fa, ma)) return TARIFF_DECIMAL_OVERFLOW;
  if (__builtin_mul_overflow(tariff_decimal_mantissa(b), fb, mb)) return TARIFF_DECIMAL_OVERFLOW;
  *scale = a.scale > b.scale ? a.scale : b.scale;
  return TARIFF_DECIMAL_OK;
}

/* a + b, exact, at the larger of the two scales. */
static inline int tariff_decimal_add(tariff_decimal a, tariff_decimal b, tariff_decimal* out) {
  tariff_int128 ma, mb, sum;
  int32_t scale;
  if (!tariff_decimal_is_valid(a) || !tariff_decimal_is_valid(b)) return TARIFF_DECIMAL_INVALID;
  if (tariff_detail_align(a, b, &ma, &mb, &scale) != TARIFF_DECIMAL_OK ||
      __builtin_add_overflow(ma, mb, &sum)) {
    return TARIFF_DECIMAL_OVERFLOW;
  }
  return tariff_decimal_from_mantissa(sum, scale, out);
}

/* a - b, exact, at the larger of the two scales. */
static inline int tariff_decimal_sub(tariff_decimal a, tariff_decimal b, tariff_decimal* out) {
  if (!tariff_decimal_is_valid(b)) return TARIFF_DECIMAL_INVALID;
  /* The range is symmetric: -b is always valid. */
  return tariff_decimal_add(a, tariff_detail_store(-tariff_decimal_mantissa(b), b.scale), out);
}

/* a * b rounded once to `scale` places (exact when scale >= a.scale +
 * b.scale). The exact product's mantissa must fit in 127 bits. */
static inline int tariff_decimal_mul(tariff_decimal a, tariff_decimal b, int32_t scale,
                                     int32_t mode, tariff_decimal* out) {
  tariff_int128 product;
  if (!tariff_decimal_is_valid(a) || !tariff_decimal_is_valid(b)) return TARIFF_DECIMAL_INVALID;
  if (__builtin_mul_overflow(tariff_decimal_mantissa(a), tariff_decimal_mantissa(b), &product)) {
    return TARIFF_DECIMAL_OVERFLOW;
  }
  return tariff_detail_rescale(product, a.scale + b.scale, scale, mode, out);
}

/* a / b rounded once to `scale` places. */
static inline int tariff_decimal_div(tariff_decimal a, tariff_decimal b, int32_t scale,
                                     int32_t mode, tariff_decimal* out) {
  if (!tariff_decimal_is_valid(a) || !tariff_decimal_is_valid(b)) return TARIFF_DECIMAL_INVALID;
  if (scale < 0 || scale > TARIFF_DECIMAL_MAX_SCALE) return TARIFF_DECIMAL_INVALID;
  const tariff_int128 ma = tariff_decimal_mantissa(a), mb = tariff_decimal_mantissa(b);
  if (mb == 0) return TARIFF_DECIMAL_DIVISION_BY_ZERO;
  const int negative = (ma < 0) != (mb < 0);
  /* a/b * 10^scale = ma * 10^(scale + b.scale - a.scale) / mb */
  const int32_t shift = scale + b.scale - a.scale;
  tariff_uint128 n = tariff_detail_magnitude(ma), d = tariff_detail_magnitude(mb), q;
  if (shift < 0) {
    const tariff_uint128 factor = tariff_detail_pow10(-shift);
    if (d > (~(tariff_uint128)0) / factor) {
      /* d * 10^-shift > 3.4e38 > 2n: the quotient is 0 and less than half. */
      int increment = n != 0 && (mode == TARIFF_ROUND_UP ||
                                 (mode == TARIFF_ROUND_CEILING && !negative) ||
                                 (mode == TARIFF_ROUND_FLOOR && negative));
      if (mode < TARIFF_ROUND_HALF_UP || mode > TARIFF_ROUND_FLOOR) return TARIFF_DECIMAL_INVALID;
      return tariff_detail_finish((tariff_uint128)increment, negative, scale, out);
    }
    d *= factor;
  }
  int error = tariff_detail_divide(n, d, shift > 0 ? shift : 0, negative, mode, &q);
  if (error != TARIFF_DECIMAL_OK) return error;
  return tariff_detail_finish(q, negative, scale, out);
}

/* -1, 0 or 1 as a is below, equal to or above b, whatever the scales
 * (1.50 == 1.5). Invalid operands compare by their mantissas alone. */
static inline int tariff_decimal_cmp(tariff_decimal a, tariff_decimal b) {
  const tariff_int128 ma = tariff_decimal_mantissa(a), mb = tariff_decimal_mantissa(b);
  tariff_int128 aligned_a = ma, aligned_b = mb;
  int32_t scale;
  if (tariff_decimal_is_valid(a) && tariff_decimal_is_valid(b) &&
      tariff_detail_align(a, b, &aligned_a, &aligned_b, &scale) != TARIFF_DECIMAL_OK) {
    /* The operand scaled up left the 128-bit range, so it is larger in
     * magnitude than any valid mantissa: its sign decides. */
    if (a.scale < b.scale) return ma < 0 ? -1 : 1;
    return mb < 0 ? 1 : -1;
  }
  return (aligned_a > aligned_b) - (aligned_a < aligned_b);
}

/* Writes d as plain text ("-12.50": sign, digits, '.', exactly d.scale
 * fraction digits; no exponent, no separators, no locale) with a NUL.
 * Returns the length, or 0 if d is invalid or size is too small
 * (TARIFF_DECIMAL_TEXT_SIZE always suffices). */
static inline size_t tariff_decimal_format(tariff_decimal d, char* buffer, size_t size) {
  char digits[TARIFF_DECIMAL_TEXT_SIZE];
  size_t count = 0, length = 0;
  if (!tariff_decimal_is_valid(d) || buffer == NULL) return 0;
  const tariff_int128 mantissa = tariff_decimal_mantissa(d);
  tariff_uint128 magnitude = tariff_detail_magnitude(mantissa);
  do { /* least significant first */
    digits[count++] = (char)('0' + (int)(magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0 || count <= (size_t)d.scale);
  const size_t needed = (mantissa < 0 ? 1u : 0u) + count + (d.scale > 0 ? 1u : 0u) + 1u;
  if (needed > size) return 0;
  if (mantissa < 0) buffer[length++] = '-';
  while (count > 0) {
    if (count == (size_t)d.scale) buffer[length++] = '.';
    buffer[length++] = digits[--count];
  }
  buffer[length] = '\0';
  return length;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TARIFF_PLUGIN_H */
