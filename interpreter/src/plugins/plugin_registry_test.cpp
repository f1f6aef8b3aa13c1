// Plugins: the money helpers of tariff/plugin.h, every refusal of the
// loader, the calling wrappers, the lifetime of a loaded library, and the
// bundled plugins' numbers (brief: vendor-pricing.md §5 and §7,
// billing-engines.md V18), each worked out by hand in a comment.
#include "plugins/plugin_registry.h"

#include <dlfcn.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace tariff {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

Decimal dec(const char* text) { return *Decimal::parse(text); }

std::string plain(Decimal d) { return d.normalized().to_string(); }

PluginTable rows(std::initializer_list<std::initializer_list<const char*>> cells) {
  PluginTable table;
  for (const auto& row : cells) {
    table.emplace_back();
    for (const char* cell : row) table.back().push_back(dec(cell));
  }
  return table;
}

// Epoch seconds (UTC).
constexpr std::int64_t kJune2024 = 1717200000;       // 2024-06-01, 30 days
constexpr std::int64_t kJune2024End = kJune2024 + 30 * 86400;
constexpr std::int64_t kJanuary2021 = 1609459200;    // 2021-01-01, 31 days
constexpr std::int64_t kJanuary2021End = kJanuary2021 + 31 * 86400;
constexpr std::int64_t kQ1_2024 = 1704067200;        // 2024-01-01
constexpr std::int64_t kQ1_2024End = 1711929600;     // 2024-04-01: 91 days

CreditInput month(std::int64_t start, std::int64_t end, std::vector<Downtime> downtime,
                  std::vector<ChargeAmount> charges) {
  return CreditInput{start, end, std::move(downtime), std::move(charges)};
}

// One outage of `seconds`, starting a day into the period.
std::vector<Downtime> outage(std::int64_t period_start, std::int64_t seconds) {
  return {Downtime{period_start + 86400, period_start + 86400 + seconds}};
}

// ---- the money helpers of plugin.h ------------------------------------------

tariff_decimal abi(const char* text) { return to_abi(dec(text)); }

std::string text(tariff_decimal d) {
  char buffer[TARIFF_DECIMAL_TEXT_SIZE];
  return tariff_decimal_format(d, buffer, sizeof buffer) > 0 ? buffer : "invalid";
}

std::string rescaled(const char* value, std::int32_t scale, std::int32_t mode) {
  tariff_decimal out{};
  if (tariff_decimal_rescale(abi(value), scale, mode, &out) != TARIFF_DECIMAL_OK) return "error";
  return text(out);
}

TEST(PluginHeaderMoney, RoundingTableOfEngineeringNotes) {
  // engineering-notes.md §4.4, columns HALF_EVEN HALF_UP HALF_DOWN UP DOWN CEILING FLOOR.
  struct Row {
    const char* value;
    int scale;
    const char* expected[7];  // in the order of TARIFF_ROUND_*: half_up, half_even, ...
  };
  const Row table[] = {
      {"0.125", 2, {"0.13", "0.12", "0.12", "0.13", "0.12", "0.13", "0.12"}},
      {"0.135", 2, {"0.14", "0.14", "0.13", "0.14", "0.13", "0.14", "0.13"}},
      {"-0.125", 2, {"-0.13", "-0.12", "-0.12", "-0.13", "-0.12", "-0.12", "-0.13"}},
      {"0.1251", 2, {"0.13", "0.13", "0.13", "0.13", "0.12", "0.13", "0.12"}},
      {"2.5", 0, {"3", "2", "2", "3", "2", "3", "2"}},
      {"-2.5", 0, {"-3", "-2", "-2", "-3", "-2", "-2", "-3"}},
  };
  for (const Row& row : table) {
    for (std::int32_t mode = 0; mode < 7; ++mode) {
      EXPECT_EQ(rescaled(row.value, row.scale, mode), row.expected[mode])
          << row.value << " mode " << mode;
    }
  }
}

TEST(PluginHeaderMoney, CheckedNotWrapped) {
  tariff_decimal out{};
  const tariff_decimal largest = abi("99999999999999999999999999999999999999");  // 10^38 - 1
  EXPECT_EQ(tariff_decimal_add(largest, abi("1"), &out), TARIFF_DECIMAL_OVERFLOW);
  EXPECT_EQ(tariff_decimal_sub(abi("-1"), largest, &out), TARIFF_DECIMAL_OVERFLOW);
  EXPECT_EQ(tariff_decimal_rescale(largest, 1, TARIFF_ROUND_DOWN, &out), TARIFF_DECIMAL_OVERFLOW);
  EXPECT_EQ(tariff_decimal_mul(largest, largest, 0, TARIFF_ROUND_DOWN, &out),
            TARIFF_DECIMAL_OVERFLOW);
  EXPECT_EQ(tariff_decimal_div(abi("1"), abi("0.00"), 2, TARIFF_ROUND_DOWN, &out),
            TARIFF_DECIMAL_DIVISION_BY_ZERO);
  EXPECT_EQ(tariff_decimal_rescale(abi("1"), 19, TARIFF_ROUND_DOWN, &out), TARIFF_DECIMAL_INVALID);
  EXPECT_EQ(tariff_decimal_rescale(abi("1.5"), 0, 7, &out), TARIFF_DECIMAL_INVALID);
  EXPECT_EQ(tariff_decimal_add(tariff_decimal_make(1, 19), abi("1"), &out), TARIFF_DECIMAL_INVALID);
  tariff_int128 too_big = 1;
  for (int i = 0; i < 38; ++i) too_big *= 10;
  EXPECT_EQ(tariff_decimal_from_mantissa(too_big, 0, &out), TARIFF_DECIMAL_OVERFLOW);
  // Near the top of the range: still exact.
  EXPECT_EQ(tariff_decimal_add(largest, abi("-1"), &out), TARIFF_DECIMAL_OK);
  EXPECT_EQ(text(out), "99999999999999999999999999999999999998");
  EXPECT_EQ(tariff_decimal_div(largest, abi("-1"), 0, TARIFF_ROUND_DOWN, &out), TARIFF_DECIMAL_OK);
  EXPECT_EQ(text(out), "-99999999999999999999999999999999999999");
  EXPECT_EQ(tariff_decimal_mul(abi("9999999999999999999"), abi("9999999999999999999"), 0,
                               TARIFF_ROUND_DOWN, &out),
            TARIFF_DECIMAL_OK);
  EXPECT_EQ(text(out), "99999999999999999980000000000000000001");
  EXPECT_EQ(tariff_decimal_from_mantissa(-(too_big - 1), 18, &out), TARIFF_DECIMAL_OK);
  EXPECT_EQ(text(out), "-99999999999999999999.999999999999999999");
  // 1/3 at 18 places needs n x 10^18 > 2^127 for n = 10^37 ... the long
  // division does it a digit at a time: 10^19 / 3 = 3333333333333333333.33...
  EXPECT_EQ(tariff_decimal_div(abi("10000000000000000000"), abi("3"), 18, TARIFF_ROUND_HALF_UP,
                               &out),
            TARIFF_DECIMAL_OK);
  EXPECT_EQ(text(out), "3333333333333333333.333333333333333333");
}

TEST(PluginHeaderMoney, FormatAndConversions) {
  EXPECT_EQ(text(abi("-12.50")), "-12.50");
  EXPECT_EQ(text(abi("0.05")), "0.05");
  EXPECT_EQ(text(abi("0")), "0");
  EXPECT_EQ(text(tariff_decimal_make(-1, 18)), "-0.000000000000000001");
  char small[4];
  EXPECT_EQ(tariff_decimal_format(abi("12.50"), small, sizeof small), 0u);
  EXPECT_EQ(tariff_decimal_cmp(abi("1.50"), abi("1.5")), 0);
  EXPECT_EQ(tariff_decimal_cmp(abi("-2"), abi("1.999999999999999999")), -1);
  // Aligning 10^37 to 18 places leaves 128 bits; the sign still decides.
  EXPECT_EQ(tariff_decimal_cmp(abi("10000000000000000000000000000000000000"),
                               abi("0.000000000000000001")),
            1);
  auto back = from_abi(to_abi(dec("-123456789012345678901234.56789")));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->to_string(), "-123456789012345678901234.56789");
  EXPECT_THAT(from_abi(tariff_decimal_make(1, 19)).error(), HasSubstr("scale 19"));
}

// The helpers against the host's Decimal as an oracle, on values of 0 to
// 38 digits at every scale, every mode and target scale. The host computes
// products in 256 bits, the helpers in 128: a helper's multiplication may
// refuse a product the host can round, never give another answer.
TEST(PluginHeaderMoney, AgreesWithDecimal) {
  std::uint64_t state = 0x9e3779b97f4a7c15u;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  auto random_decimal = [&] {
    const int digits = static_cast<int>(next() % 39);
    uint128 limit = 1;
    for (int i = 0; i < digits; ++i) limit *= 10;
    const uint128 bits = (static_cast<uint128>(next()) << 64) | next();
    int128 mantissa = static_cast<int128>(bits % limit);
    if (next() % 2 == 0) mantissa = -mantissa;
    return *Decimal::from_parts(mantissa, static_cast<int>(next() % 19));
  };
  auto same = [](const Expected<Decimal, DecimalError>& host, int error, tariff_decimal out) {
    if (!host) return error != TARIFF_DECIMAL_OK;
    return error == TARIFF_DECIMAL_OK && same_representation(*host, *from_abi(out));
  };
  int products_refused = 0;
  for (int i = 0; i < 50000; ++i) {
    const Decimal a = random_decimal(), b = random_decimal();
    const int scale = static_cast<int>(next() % 19);
    const auto mode = static_cast<RoundingMode>(next() % 7);
    const std::int32_t abi_mode = static_cast<std::int32_t>(mode);
    const std::string operands = a.to_string() + ", " + b.to_string() + " at " +
                                 std::to_string(scale) + " " + std::string(to_string(mode));
    tariff_decimal out{};
    int error = tariff_decimal_add(to_abi(a), to_abi(b), &out);
    ASSERT_TRUE(same(add(a, b), error, out)) << "add " << operands;
    error = tariff_decimal_sub(to_abi(a), to_abi(b), &out);
    ASSERT_TRUE(same(subtract(a, b), error, out)) << "sub " << operands;
    error = tariff_decimal_mul(to_abi(a), to_abi(b), scale, abi_mode, &out);
    const auto product = multiply_rounded(a, b, scale, mode);
    if (error == TARIFF_DECIMAL_OVERFLOW && product) {
      ++products_refused;  // beyond 128 bits before rounding
    } else {
      ASSERT_TRUE(same(product, error, out)) << "mul " << operands;
    }
    error = tariff_decimal_div(to_abi(a), to_abi(b), scale, abi_mode, &out);
    ASSERT_TRUE(same(divide(a, b, scale, mode), error, out)) << "div " << operands;
    error = tariff_decimal_rescale(to_abi(a), scale, abi_mode, &out);
    ASSERT_TRUE(same(a.rescale(scale, mode), error, out)) << "rescale " << operands;
    ASSERT_EQ(tariff_decimal_cmp(to_abi(a), to_abi(b)), compare(a, b)) << "cmp " << operands;
    ASSERT_EQ(text(to_abi(a)), a.to_string());
  }
  EXPECT_LT(products_refused, 50000 / 4);
}

// ---- loading and refusing ----------------------------------------------------

bool is_mapped(const char* path) {
  void* handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (handle != nullptr) dlclose(handle);
  return handle != nullptr;
}

struct Refusal {
  const char* path;
  const char* reason;
};

class PluginRefusal : public ::testing::TestWithParam<Refusal> {};

TEST_P(PluginRefusal, NamesTheFileAndTheReason) {
  PluginRegistry registry;
  auto loaded = registry.load(GetParam().path);
  ASSERT_FALSE(loaded);
  EXPECT_THAT(loaded.error(), StartsWith(std::string(GetParam().path) + ": refused: "));
  EXPECT_THAT(loaded.error(), HasSubstr(GetParam().reason));
  EXPECT_THAT(loaded.error(), ::testing::Not(HasSubstr("Bad file descriptor")));
  EXPECT_TRUE(registry.plugins().empty());
  EXPECT_TRUE(registry.tier_kind_names().empty());
  EXPECT_TRUE(registry.credit_rule_names().empty());
}

INSTANTIATE_TEST_SUITE_P(
    AllReasons, PluginRefusal,
    ::testing::Values(
        Refusal{TARIFF_PLUGIN_NOT_A_LIBRARY, "cannot load: "},
        Refusal{TARIFF_PLUGIN_DIR "/no_such_plugin.so",
                "cannot load: cannot open shared object file: No such file or directory"},
        Refusal{TARIFF_PLUGIN_TEST_NO_ENTRY, "not a Tariff plugin: no tariff_plugin_entry"},
        Refusal{TARIFF_PLUGIN_TEST_UNDEFINED_SYMBOL,
                "undefined symbol: tariff_symbol_that_does_not_exist"},
        Refusal{TARIFF_PLUGIN_TEST_WRONG_ABI,
                "plugin ABI 2.0, host ABI 1.0: the major versions must be equal"},
        Refusal{TARIFF_PLUGIN_TEST_NEWER_MINOR,
                "plugin ABI 1.1 needs a host with ABI 1.1 or newer; this host has 1.0"},
        Refusal{TARIFF_PLUGIN_TEST_WRONG_SIZE,
                "sizeof(tariff_decimal) is 16 in the plugin but 24 in the host"},
        Refusal{TARIFF_PLUGIN_TEST_ENTRY_ERROR,
                "the plugin refused to load: licence file /etc/tariff/licence not found"},
        Refusal{TARIFF_PLUGIN_TEST_NULL_FUNCTION, "tier kind `test.second` has no price function"},
        Refusal{TARIFF_PLUGIN_TEST_BAD_NAME,
                "tier kind 2 of plugin `bad_descriptor` has no valid name"},
        Refusal{TARIFF_PLUGIN_TEST_DUPLICATE_INSIDE,
                "tier kind `test.first` is defined twice in the plugin"}));

TEST(PluginLoading, NotALibraryGivesTheLoadersReason) {
  PluginRegistry registry;
  auto loaded = registry.load(TARIFF_PLUGIN_NOT_A_LIBRARY);
  ASSERT_FALSE(loaded);
  // dlerror's own words, without Boost's misleading trailing error code.
  EXPECT_EQ(loaded.error(),
            TARIFF_PLUGIN_NOT_A_LIBRARY ": refused: cannot load: invalid ELF header");
}

TEST(PluginLoading, KindNamesAreUniqueAcrossPlugins) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.load(TARIFF_PLUGIN_CAPACITY_TIER));
  auto loaded = registry.load(TARIFF_PLUGIN_TEST_DUPLICATE_CAPACITY);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error(), std::string(TARIFF_PLUGIN_TEST_DUPLICATE_CAPACITY) +
                                ": refused: tier kind `capacity` is defined by both "
                                "capacity_tier (" TARIFF_PLUGIN_CAPACITY_TIER
                                ") and duplicate_capacity");
  // Nothing of the refused plugin is registered.
  ASSERT_EQ(registry.plugins().size(), 1u);
  EXPECT_EQ(registry.find_tier_kind("capacity")->plugin, "capacity_tier");
}

TEST(PluginLoading, AllBundledPluginsTogether) {
  PluginRegistry registry;
  for (const char* path : {TARIFF_PLUGIN_SLA_TIERS, TARIFF_PLUGIN_SLA_MULTIPLE,
                           TARIFF_PLUGIN_SLA_SERVICE_DAYS, TARIFF_PLUGIN_CAPACITY_TIER,
                           TARIFF_PLUGIN_EXAMPLE_PLUGIN}) {
    auto loaded = registry.load(path);
    ASSERT_TRUE(loaded) << loaded.error();
  }
  EXPECT_THAT(registry.tier_kind_names(), ElementsAre("capacity", "example.per_unit"));
  EXPECT_THAT(registry.credit_rule_names(),
              ElementsAre("sla.fee_multiple", "sla.minute_acceleration", "sla.service_days",
                          "sla.tiered"));
  const TierKindRef* capacity = registry.find_tier_kind("capacity");
  ASSERT_NE(capacity, nullptr);
  EXPECT_EQ(capacity->path, TARIFF_PLUGIN_CAPACITY_TIER);
  EXPECT_EQ(registry.find_tier_kind("sla.tiered"), nullptr);  // a credit rule, not a kind
  ASSERT_NE(registry.find_credit_rule("sla.tiered"), nullptr);
  EXPECT_EQ(registry.find_credit_rule("sla.tiered")->params.size(), 3u);
}

TEST(PluginLoading, SameFileTwiceIsOnePlugin) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.load(TARIFF_PLUGIN_SLA_TIERS));
  ASSERT_TRUE(registry.load(TARIFF_PLUGIN_SLA_TIERS));
  EXPECT_EQ(registry.plugins().size(), 1u);
}

TEST(PluginLoading, ByNameFromSearchDirectories) {
  PluginRegistry registry;
  auto loaded = registry.load_by_name("sla_service_days", {"/nonexistent", TARIFF_PLUGIN_DIR});
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(registry.plugins().at(0).path, TARIFF_PLUGIN_DIR "/libsla_service_days.so");

  auto missing = registry.load_by_name("nope", {TARIFF_PLUGIN_DIR});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "plugin `nope` not found; looked for " TARIFF_PLUGIN_DIR
                             "/libnope.so, " TARIFF_PLUGIN_DIR "/nope.so");
  EXPECT_FALSE(registry.load_by_name("../evil", {TARIFF_PLUGIN_DIR}));
}

// The library stays mapped while a kind reference lives, and only so long.
TEST(PluginLifetime, AKindReferenceOutlivesTheRegistry) {
  std::optional<TierKindRef> kept;
  std::optional<CreditRuleRef> kept_rule;
  {
    PluginRegistry registry;
    ASSERT_TRUE(registry.load(TARIFF_PLUGIN_CAPACITY_TIER));
    ASSERT_TRUE(registry.load(TARIFF_PLUGIN_SLA_TIERS));
    kept = *registry.find_tier_kind("capacity");
    kept_rule = *registry.find_credit_rule("sla.tiered");
  }
  ASSERT_TRUE(is_mapped(TARIFF_PLUGIN_CAPACITY_TIER));
  auto price = price_tier(*kept, {dec("1")}, rows({{"-1", "30"}}), {});
  ASSERT_TRUE(price) << price.error();
  EXPECT_EQ(plain(price->first), "30");
  auto credit = compute_credit(*kept_rule,
                               month(kJune2024, kJune2024End, outage(kJune2024, 3600),
                                     {{"fee", dec("100")}}),
                               rows({{"99.9", "10"}}), {});
  ASSERT_TRUE(credit) << credit.error();
  EXPECT_EQ(credit->size(), 1u);

  kept.reset();
  EXPECT_FALSE(is_mapped(TARIFF_PLUGIN_CAPACITY_TIER)) << "the last reference unloads it";
  EXPECT_TRUE(is_mapped(TARIFF_PLUGIN_SLA_TIERS));
  kept_rule.reset();
  EXPECT_FALSE(is_mapped(TARIFF_PLUGIN_SLA_TIERS));
}

// ---- calling: the host's checks and the plugin's failures ------------------

class PluginCalls : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* path : {TARIFF_PLUGIN_EXAMPLE_PLUGIN, TARIFF_PLUGIN_TEST_MISBEHAVING,
                             TARIFF_PLUGIN_TEST_C_PLUGIN}) {
      auto loaded = registry.load(path);
      ASSERT_TRUE(loaded) << loaded.error();
    }
  }
  const TierKindRef& kind(const char* name) { return *registry.find_tier_kind(name); }
  PluginRegistry registry;
};

TEST_F(PluginCalls, TheExamplePlugin) {
  // 3 units at 0.25 = 0.75, exactly.
  auto price = price_tier(kind("example.per_unit"), {dec("3")}, {}, {{"price", dec("0.25")}});
  ASSERT_TRUE(price) << price.error();
  EXPECT_EQ(price->first.to_string(), "0.75");
  EXPECT_THAT(price->second, ElementsAre("3 at 0.25 = 0.75"));
}

TEST_F(PluginCalls, APluginWrittenInC) {
  // 3.333 x 1.5 = 4.9995 -> 5.00 half-even at cents; 0.125 x 1 -> 0.12 (even).
  auto price = price_tier(kind("test.c_rounded"), {dec("3.333")}, {}, {{"price", dec("1.5")}});
  ASSERT_TRUE(price) << price.error();
  EXPECT_EQ(price->first.to_string(), "5.00");
  EXPECT_THAT(price->second, ElementsAre("rounded to 5.00"));
  price = price_tier(kind("test.c_rounded"), {dec("0.125")}, {}, {{"price", dec("1")}});
  ASSERT_TRUE(price);
  EXPECT_EQ(price->first.to_string(), "0.12");
}

TEST_F(PluginCalls, ParametersAndShapesAreCheckedByTheHost) {
  const TierKindRef& example = kind("example.per_unit");
  EXPECT_EQ(price_tier(example, {dec("3")}, {}, {{"prize", dec("1")}}).error(),
            "tier kind `example.per_unit` (example): unknown parameter `prize`; known: price");
  EXPECT_EQ(price_tier(example, {dec("3")}, {}, {}).error(),
            "tier kind `example.per_unit` (example): parameter `price` is required");
  EXPECT_EQ(price_tier(example, {dec("3")}, {}, {{"price", dec("1")}, {"price", dec("2")}}).error(),
            "tier kind `example.per_unit` (example): parameter `price` is given twice");
  EXPECT_EQ(price_tier(example, {dec("3"), dec("4")}, {}, {{"price", dec("1")}}).error(),
            "tier kind `example.per_unit` (example): takes 1 quantity, given 2");
  EXPECT_EQ(price_tier(example, {dec("3")}, rows({{"1", "2"}, {"3"}}), {{"price", dec("1")}})
                .error(),
            "tier kind `example.per_unit` (example): table row 2 has 1 cell, row 1 has 2 cells");
  EXPECT_THAT(price_tier(kind("test.throws"), {}, {}, {{"x", dec("1")}}).error(),
              HasSubstr("unknown parameter `x`; it takes no parameters"));
}

TEST_F(PluginCalls, AnErrorStatusInTheMiddleOfARun) {
  const TierKindRef& fails = kind("test.fails_on_negative");
  EXPECT_TRUE(price_tier(fails, {dec("5")}, {}, {}));
  EXPECT_TRUE(price_tier(fails, {dec("7")}, {}, {}));
  auto failed = price_tier(fails, {dec("-1")}, {}, {});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error(),
            "tier kind `test.fails_on_negative` (misbehaving): quantity must not be negative");
  auto again = price_tier(fails, {dec("3")}, {}, {});  // the plugin is still usable
  ASSERT_TRUE(again);
  EXPECT_EQ(plain(again->first), "3");
}

TEST_F(PluginCalls, AnExceptionIsCaughtByThePluginsShim) {
  EXPECT_EQ(price_tier(kind("test.throws"), {}, {}, {}).error(),
            "tier kind `test.throws` (misbehaving): internal error in misbehaving: boom from C++ "
            "code");
}

TEST_F(PluginCalls, InvalidResultsAreRefused) {
  EXPECT_EQ(price_tier(kind("test.bad_amount"), {}, {}, {}).error(),
            "tier kind `test.bad_amount` (misbehaving): returned an invalid decimal (scale 40, "
            "not 0..18)");
  EXPECT_EQ(price_tier(kind("test.silent_failure"), {}, {}, {}).error(),
            "tier kind `test.silent_failure` (misbehaving): failed with status code 3");
}

TEST_F(PluginCalls, CreditsThatBreakTheRules) {
  const CreditRuleRef& rule = *registry.find_credit_rule("test.credit_misbehaves");
  const CreditInput input = month(kJune2024, kJune2024End, {}, {{"fee", dec("10")}});
  auto run = [&](const char* which) {
    return compute_credit(rule, input, {}, {{"case", dec(which)}});
  };
  const std::string prefix = "credit rule `test.credit_misbehaves` (misbehaving): ";
  EXPECT_EQ(run("1").error(),
            prefix + "reported a negative credit (-5) for `fee`; credits are positive");
  EXPECT_EQ(run("2").error(),
            prefix + "reported a credit for `someone else`, which is not among its charges");
  EXPECT_EQ(run("3").error(), prefix + "gave up after one credit");  // the early credit is dropped
  EXPECT_EQ(run("4").error(), prefix + "internal error in misbehaving: credit rule bug");
  auto fine = run("5");
  ASSERT_TRUE(fine) << fine.error();
  ASSERT_EQ(fine->size(), 1u);
  EXPECT_EQ(fine->at(0).charge, "fee");
  EXPECT_EQ(fine->at(0).explanation, "one");
  EXPECT_EQ(compute_credit(rule, month(kJune2024End, kJune2024, {}, {}), {}, {{"case", dec("5")}})
                .error(),
            prefix + "the period is empty (ends 1717200000, starts 1719792000)");
}

// ---- capacity (billing-engines.md V18, Kill Bill CAPACITY) ------------------

class CapacityTier : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(registry.load(TARIFF_PLUGIN_CAPACITY_TIER)); }
  Expected<TierPrice, std::string> price(std::vector<Decimal> maxima, const PluginTable& table) {
    return price_tier(*registry.find_tier_kind("capacity"), maxima, table, {});
  }
  std::string amount(std::vector<Decimal> maxima, const PluginTable& table) {
    auto result = price(std::move(maxima), table);
    return result ? plain(result->first) : "error: " + result.error();
  }
  PluginRegistry registry;
  // V18: tier 1 at 10 if unit1 <= 100, unit2 <= 1000, unit3 <= 50; tier 2
  // at 20 if <= 200, <= 2000, <= 100; tier 3 at 30 unlimited.
  const PluginTable v18 = rows({{"100", "1000", "50", "10"},
                                {"200", "2000", "100", "20"},
                                {"-1", "-1", "-1", "30"}});
};

TEST_F(CapacityTier, V18KillBillVectors) {
  EXPECT_EQ(amount({dec("100"), dec("1000"), dec("50")}, v18), "10");  // all at tier 1's limits
  EXPECT_EQ(amount({dec("100"), dec("1001"), dec("50")}, v18), "20");  // unit2 over by 1
  EXPECT_EQ(amount({dec("101"), dec("1000"), dec("50")}, v18), "20");  // unit1 over by 1
  EXPECT_EQ(amount({dec("101"), dec("1001"), dec("50")}, v18), "20");
  EXPECT_EQ(amount({dec("10"), dec("2001"), dec("0")}, v18), "30");    // unit2 beyond tier 2
}

TEST_F(CapacityTier, ExplainsTheSkippedAndTheChosenTier) {
  auto result = price({dec("100"), dec("1001"), dec("50")}, v18);
  ASSERT_TRUE(result) << result.error();
  EXPECT_THAT(result->second,
              ElementsAre("tier 1 (limits 100, 1000, 50) skipped: quantity 2 is 1001, above 1000",
                          "tier 2 (limits 200, 2000, 100): quantities 100, 1001, 50 fit, flat 20"));
  result = price({dec("10"), dec("2001"), dec("0")}, v18);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->second.back(),
            "tier 3 (limits unlimited, unlimited, unlimited): quantities 10, 2001, 0 fit, flat 30");
}

TEST_F(CapacityTier, V18WaterPlanOneMeter) {
  // Kill Bill docs: <= 1000 -> $750, <= 10000 -> $500, plus a $30 recurring
  // fee charged elsewhere: 400 -> 750 (+30 = 780), 1200 -> 500 (+30 = 530).
  const PluginTable water = rows({{"1000", "750"}, {"10000", "500"}});
  EXPECT_EQ(amount({dec("400")}, water), "750");
  EXPECT_EQ(amount({dec("1200")}, water), "500");
  EXPECT_EQ(amount({dec("20000")}, water),
            "error: tier kind `capacity` (capacity_tier): quantities 20000 exceed every tier; "
            "end the table with a row of -1 (unlimited) limits");
}

TEST_F(CapacityTier, RefusesMalformedTables) {
  EXPECT_THAT(amount({dec("1"), dec("2")}, v18),
              HasSubstr("the table needs rows of 2 limits (one per quantity, -1 for unlimited) and "
                        "a price: 3 columns, not 4"));
  EXPECT_THAT(amount({dec("1")}, rows({{"-2", "5"}})),
              HasSubstr("table row 1: limit 1 is -2; a limit is at least 0, or -1 for unlimited"));
}

// ---- SLA credit rules (vendor-pricing.md §5) --------------------------------

class SlaCredits : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* path :
         {TARIFF_PLUGIN_SLA_TIERS, TARIFF_PLUGIN_SLA_MULTIPLE, TARIFF_PLUGIN_SLA_SERVICE_DAYS}) {
      auto loaded = registry.load(path);
      ASSERT_TRUE(loaded) << loaded.error();
    }
  }
  Expected<std::vector<CreditLine>, std::string> credit(const char* rule, const CreditInput& input,
                                                        const PluginTable& table,
                                                        const PluginParams& params) {
    return compute_credit(*registry.find_credit_rule(rule), input, table, params);
  }
  // The credited amounts, "name=amount" each, or "error: ...".
  std::vector<std::string> amounts(const char* rule, const CreditInput& input,
                                   const PluginTable& table, const PluginParams& params) {
    auto lines = credit(rule, input, table, params);
    if (!lines) return {"error: " + lines.error()};
    std::vector<std::string> out;
    for (const CreditLine& line : *lines) out.push_back(line.charge + "=" + plain(line.amount));
    return out;
  }
  PluginRegistry registry;
  // Amazon Chime SDK (2022-11-18), without the Well-Architected row:
  // < 99.9 -> 10 %, < 99.0 -> 25 %, < 95.0 -> 100 %; issued only if > $1.
  const PluginTable chime = rows({{"99.9", "10"}, {"99.0", "25"}, {"95.0", "100"}});
};

TEST_F(SlaCredits, TieredAmazonChimeSdk) {
  // June 2024: 30 days = 2,592,000 s. Charges 1234.56.
  const std::vector<ChargeAmount> fee = {{"chime_sdk", dec("1234.56")}};
  const PluginParams params = {{"minimum_credit", dec("1")}};
  // 1 h down: 1 - 3600/2592000 = 99.8611...% < 99.9 -> 10 % = 123.456.
  auto one_hour = credit("sla.tiered", month(kJune2024, kJune2024End, outage(kJune2024, 3600), fee),
                         chime, params);
  ASSERT_TRUE(one_hour) << one_hour.error();
  ASSERT_EQ(one_hour->size(), 1u);
  EXPECT_EQ(one_hour->at(0).charge, "chime_sdk");
  EXPECT_EQ(one_hour->at(0).amount.to_string(), "123.456");
  EXPECT_EQ(one_hour->at(0).explanation,
            "availability 99.8611% (3600 s of downtime in a 2592000 s period); below 99.9%: 10% "
            "credit of 1234.56 = 123.456");
  // 10 h: 1 - 36000/2592000 = 98.6111...% < 99.0 -> 25 % = 308.64.
  EXPECT_THAT(amounts("sla.tiered",
                      month(kJune2024, kJune2024End, outage(kJune2024, 36000), fee), chime, params),
              ElementsAre("chime_sdk=308.64"));
  // 40 h: 1 - 144000/2592000 = 94.4444...% < 95.0 -> 100 % = 1234.56.
  EXPECT_THAT(amounts("sla.tiered",
                      month(kJune2024, kJune2024End, outage(kJune2024, 144000), fee), chime, params),
              ElementsAre("chime_sdk=1234.56"));
  // 30 min: 99.9305...% meets 99.9: no credit.
  EXPECT_TRUE(amounts("sla.tiered", month(kJune2024, kJune2024End, outage(kJune2024, 1800), fee),
                      chime, params)
                  .empty());
}

TEST_F(SlaCredits, TieredRowOrderDoesNotMatter) {
  // The band the availability falls in is the lowest threshold it is below,
  // wherever that row is: 98.6111...% -> the 99.0 row, 25 % of 1000 = 250.
  const PluginTable reversed = rows({{"95.0", "100"}, {"99.0", "25"}, {"99.9", "10"}});
  EXPECT_THAT(amounts("sla.tiered",
                      month(kJune2024, kJune2024End, outage(kJune2024, 36000),
                            {{"fee", dec("1000")}}),
                      reversed, {}),
              ElementsAre("fee=250"));
}

TEST_F(SlaCredits, TieredMinimumCredit) {
  // 10 % of 5.00 = 0.50 is below a minimum of 1: not issued. 10 % of 10.00
  // = 1.00 equals it: issued (Amazon says "more than $1"; minimum_credit is
  // inclusive, so model that as 1.01 or 1.000001 in a scheme).
  const PluginParams params = {{"minimum_credit", dec("1")}};
  EXPECT_TRUE(amounts("sla.tiered",
                      month(kJune2024, kJune2024End, outage(kJune2024, 3600),
                            {{"fee", dec("5.00")}}),
                      chime, params)
                  .empty());
  EXPECT_THAT(amounts("sla.tiered",
                      month(kJune2024, kJune2024End, outage(kJune2024, 3600),
                            {{"fee", dec("10.00")}}),
                      chime, params),
              ElementsAre("fee=1"));
}

TEST_F(SlaCredits, TieredMicrosoftAndTheBlogArithmeticTrap) {
  // vendor-pricing.md §7.4: January has 31 x 1440 = 44,640 minutes (not
  // 44,639); a 4,656-minute outage is 10.43 % of it (not 1.04 %): uptime
  // 39984/44640 = 89.5698...% < 95 -> 100 % credit, not 50 %.
  // Microsoft: < 99.9 -> 25 %, < 99 -> 50 %, < 95 -> 100 %; never above the fee.
  const PluginTable microsoft = rows({{"99.9", "25"}, {"99", "50"}, {"95", "100"}});
  const PluginParams cap = {{"cap_percent", dec("100")}};
  const std::vector<ChargeAmount> fee = {{"teams", dec("250.00")}};
  auto lines = credit("sla.tiered",
                      month(kJanuary2021, kJanuary2021End, outage(kJanuary2021, 4656 * 60), fee),
                      microsoft, cap);
  ASSERT_TRUE(lines) << lines.error();
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ(plain(lines->at(0).amount), "250");
  EXPECT_THAT(lines->at(0).explanation, StartsWith("availability 89.5698% (279360 s of downtime in "
                                                   "a 2678400 s period); below 95%: 100% credit"));
  // 695 minutes is 1.5569 % (the blog says 1.4 %): 98.4431...% < 99 -> 50 % = 125.
  EXPECT_THAT(amounts("sla.tiered",
                      month(kJanuary2021, kJanuary2021End, outage(kJanuary2021, 695 * 60), fee),
                      microsoft, cap),
              ElementsAre("teams=125"));
}

TEST_F(SlaCredits, TieredAlibabaDataHubBoundaries) {
  // 99 % <= A < 99.9 % -> 20 %; 95 % <= A < 99 % -> 30 %; A < 95 % -> 50 %;
  // at most 50 %. 1 % of a 30-day month is 25,920 s: exactly 99.0 % is not
  // below 99.0, so 20 % of 1000 = 200; one second more is 30 % = 300.
  // Exactly 99.9 % (2,592 s down) is no credit.
  const PluginTable datahub = rows({{"99.9", "20"}, {"99.0", "30"}, {"95.0", "50"}});
  const PluginParams cap = {{"cap_percent", dec("50")}};
  const std::vector<ChargeAmount> fee = {{"datahub", dec("1000")}};
  auto run = [&](std::int64_t seconds) {
    return amounts("sla.tiered", month(kJune2024, kJune2024End, outage(kJune2024, seconds), fee),
                   datahub, cap);
  };
  EXPECT_THAT(run(25920), ElementsAre("datahub=200"));
  EXPECT_THAT(run(25921), ElementsAre("datahub=300"));
  EXPECT_TRUE(run(2592).empty());
  EXPECT_THAT(run(2593), ElementsAre("datahub=200"));
}

TEST_F(SlaCredits, TieredCapAndSeveralCharges) {
  // 40 h down -> the 100 % row, capped at 50 %: 50 % of each charge.
  auto lines = credit("sla.tiered",
                      month(kJune2024, kJune2024End, outage(kJune2024, 144000),
                            {{"minutes", dec("1234.56")}, {"seats", dec("100.00")}}),
                      chime, {{"cap_percent", dec("50")}});
  ASSERT_TRUE(lines) << lines.error();
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ(plain(lines->at(0).amount), "617.28");
  EXPECT_EQ(plain(lines->at(1).amount), "50");
  EXPECT_THAT(lines->at(0).explanation,
              HasSubstr("below 95%: 100% credit, capped at 50% of 1234.56 = 617.28"));
}

TEST_F(SlaCredits, TieredMinimumOutageLength) {
  // 天翼云 AOne / appetize.io: only outages of at least 5 consecutive
  // minutes count. 30 outages of 4 min (7,200 s) alone would be 99.7222 % ->
  // 10 %; with the minimum they are not downtime. Add one 60-min outage:
  // 3,600 s counted -> 99.8611 % -> 10 % of 1000 = 100.
  std::vector<Downtime> short_ones;
  for (std::int64_t i = 0; i < 30; ++i) {
    const std::int64_t start = kJune2024 + i * 3600;
    short_ones.push_back({start, start + 240});
  }
  const std::vector<ChargeAmount> fee = {{"fee", dec("1000")}};
  const PluginParams five = {{"min_outage_minutes", dec("5")}};
  EXPECT_THAT(amounts("sla.tiered", month(kJune2024, kJune2024End, short_ones, fee), chime, {}),
              ElementsAre("fee=100"));
  EXPECT_TRUE(
      amounts("sla.tiered", month(kJune2024, kJune2024End, short_ones, fee), chime, five).empty());
  auto with_long = short_ones;
  with_long.push_back({kJune2024 + 10 * 86400, kJune2024 + 10 * 86400 + 3600});
  auto lines = credit("sla.tiered", month(kJune2024, kJune2024End, with_long, fee), chime, five);
  ASSERT_TRUE(lines) << lines.error();
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ(plain(lines->at(0).amount), "100");
  EXPECT_THAT(lines->at(0).explanation,
              StartsWith("availability 99.8611% (3600 s of downtime in a 2592000 s period; 30 "
                         "outages shorter than 5 min not counted)"));
}

TEST_F(SlaCredits, DowntimeIsClippedAndMergedByTheHost) {
  // [day 1, +1 h) and [day 1 + 30 min, +1 h) overlap: one 90-min outage;
  // an outage before the period and one running past its end are clipped.
  // Counted: 5400 + 1800 = 7200 s -> 99.7222 % -> 10 % of 1000 = 100; with a
  // 60-min minimum only the merged 90-min outage counts (still 10 %).
  const std::int64_t day1 = kJune2024 + 86400;
  const CreditInput input = month(kJune2024, kJune2024End,
                                  {{day1 + 1800, day1 + 5400},
                                   {day1, day1 + 3600},
                                   {kJune2024 - 7200, kJune2024 - 3600},
                                   {kJune2024End - 1800, kJune2024End + 99999}},
                                  {{"fee", dec("1000")}});
  auto lines = credit("sla.tiered", input, chime, {});
  ASSERT_TRUE(lines) << lines.error();
  EXPECT_THAT(lines->at(0).explanation, StartsWith("availability 99.7222% (7200 s of downtime"));
  lines = credit("sla.tiered", input, chime, {{"min_outage_minutes", dec("60")}});
  ASSERT_TRUE(lines) << lines.error();
  EXPECT_THAT(lines->at(0).explanation, StartsWith("availability 99.7916% (5400 s of downtime"));
  EXPECT_THAT(amounts("sla.tiered",
                      month(kJune2024, kJune2024End, {{day1, day1 - 1}}, {{"fee", dec("1")}}),
                      chime, {}),
              ElementsAre(HasSubstr("downtime interval 1 ends")));
}

TEST_F(SlaCredits, TieredRefusesABadTable) {
  EXPECT_THAT(amounts("sla.tiered", month(kJune2024, kJune2024End, {}, {}), rows({{"99.9"}}), {}),
              ElementsAre(HasSubstr("the table needs rows of (below_availability_percent, "
                                    "credit_percent)")));
  EXPECT_THAT(amounts("sla.tiered", month(kJune2024, kJune2024End, {}, {}),
                      rows({{"99.9", "10"}, {"99.90", "25"}}), {}),
              ElementsAre(HasSubstr("table row 2 repeats the threshold 99.90 of row 1")));
}

TEST_F(SlaCredits, FeeMultipleSlack) {
  // Slack (archived 2024-06-14): 10 x the amount paid during the downtime,
  // over a calendar quarter. Q1 2024 = 91 days = 7,862,400 s; 2 h = 7,200 s
  // = 1/1092 of it. 10 x 1000.00 / 1092 = 9.157509157509157509|1575...,
  // half-even at 18 places.
  auto lines = credit("sla.fee_multiple",
                      month(kQ1_2024, kQ1_2024End, outage(kQ1_2024, 7200),
                            {{"slack_business", dec("1000.00")}}),
                      {}, {{"multiple", dec("10")}});
  ASSERT_TRUE(lines) << lines.error();
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ(lines->at(0).amount.to_string(), "9.157509157509157509");
  EXPECT_EQ(lines->at(0).explanation,
            "10 x the fee for 7200 s of downtime in a 7862400 s period: 1000.00 x 10 x 7200 s / "
            "7862400 s = 9.157509157509157509");
  // With a 50 % cap: 10 % of the quarter down would be 100 % -> 500.
  EXPECT_THAT(amounts("sla.fee_multiple",
                      month(kQ1_2024, kQ1_2024End, outage(kQ1_2024, 786240),
                            {{"fee", dec("1000.00")}}),
                      {}, {{"multiple", dec("10")}, {"cap_percent", dec("50")}}),
              ElementsAre("fee=500"));
  // No downtime, no credit; a table is refused.
  EXPECT_TRUE(amounts("sla.fee_multiple", month(kQ1_2024, kQ1_2024End, {}, {{"fee", dec("1")}}),
                      {}, {{"multiple", dec("10")}})
                  .empty());
  EXPECT_THAT(amounts("sla.fee_multiple", month(kQ1_2024, kQ1_2024End, {}, {}),
                      rows({{"1"}}), {{"multiple", dec("10")}}),
              ElementsAre(HasSubstr("this rule takes no table")));
}

TEST_F(SlaCredits, MinuteAccelerationStream) {
  // Stream (2022-11-08): Enterprise credits 100 x the downtime minutes ("7
  // minutes down -> 700 minutes credited"), capped at 30 % of the bill.
  // June 2024 = 43,200 minutes: 1000.00 x 700 / 43200 = 16.2037037...,
  // half-even at 18 places -> 16.203703703703703704.
  const std::vector<ChargeAmount> bill = {{"chat", dec("1000.00")}};
  const PluginParams enterprise = {{"factor", dec("100")}, {"cap_percent", dec("30")}};
  auto lines = credit("sla.minute_acceleration",
                      month(kJune2024, kJune2024End, outage(kJune2024, 7 * 60), bill), {},
                      enterprise);
  ASSERT_TRUE(lines) << lines.error();
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ(lines->at(0).amount.to_string(), "16.203703703703703704");
  EXPECT_EQ(lines->at(0).explanation,
            "7 downtime minutes x 100 = 700 minutes of the fee for a 43200-minute period: "
            "1000.00 x 700 x 60 s / 2592000 s = 16.203703703703703704");
  // 6 min 1 s is 7 started minutes: the same credit.
  EXPECT_THAT(amounts("sla.minute_acceleration",
                      month(kJune2024, kJune2024End, outage(kJune2024, 361), bill), {}, enterprise),
              ElementsAre("chat=16.203703703703703704"));
  // 200 minutes -> 20,000 credited = 46.3 % of the month, above the 30 % cap -> 300.
  EXPECT_THAT(amounts("sla.minute_acceleration",
                      month(kJune2024, kJune2024End, outage(kJune2024, 200 * 60), bill), {},
                      enterprise),
              ElementsAre("chat=300"));
  // Business: 25 x 7 = 175 minutes: 1000 x 175 / 43200 = 4.050925925925925925|9...
  EXPECT_THAT(amounts("sla.minute_acceleration",
                      month(kJune2024, kJune2024End, outage(kJune2024, 7 * 60), bill), {},
                      {{"factor", dec("25")}, {"cap_percent", dec("30")}}),
              ElementsAre("chat=4.050925925925925926"));
  EXPECT_THAT(amounts("sla.minute_acceleration",
                      month(kJune2024, kJune2024End, outage(kJune2024, 60), bill), {},
                      {{"factor", dec("0")}}),
              ElementsAre(HasSubstr("parameter `factor` must be given and positive")));
}

TEST_F(SlaCredits, ServiceDaysGoogleWorkspace) {
  // Google Workspace: < 99.9 -> 3 days, < 99.0 -> 7, < 95.0 -> 15, at most
  // 15 a month. June 2024 (30 days) at 600.00: a daily fee of 20.
  const PluginTable google = rows({{"99.9", "3"}, {"99.0", "7"}, {"95.0", "15"}});
  const PluginParams params = {{"max_days_per_month", dec("15")}};
  const std::vector<ChargeAmount> fee = {{"workspace", dec("600.00")}};
  auto run = [&](std::int64_t seconds, const PluginParams& p) {
    return amounts("sla.service_days",
                   month(kJune2024, kJune2024End, outage(kJune2024, seconds), fee), google, p);
  };
  EXPECT_THAT(run(3600, params), ElementsAre("workspace=60"));     // 99.8611 % -> 3 x 20
  EXPECT_THAT(run(36000, params), ElementsAre("workspace=140"));   // 98.6111 % -> 7 x 20
  EXPECT_THAT(run(144000, params), ElementsAre("workspace=300"));  // 94.4444 % -> 15 x 20
  EXPECT_THAT(run(144000, {{"max_days_per_month", dec("10")}}),
              ElementsAre("workspace=200"));  // capped at 10 days
  EXPECT_TRUE(run(1800, params).empty());     // 99.9305 % meets the target
  auto lines = credit("sla.service_days",
                      month(kJune2024, kJune2024End, outage(kJune2024, 3600), fee), google, params);
  ASSERT_TRUE(lines) << lines.error();
  EXPECT_EQ(lines->at(0).explanation,
            "availability 99.8611% (3600 s of downtime in a 2592000 s period); below 99.9%: 3 "
            "days of service at the daily fee 20 (600.00 / 30 days) = 60");
  // January 2021 (31 days) at 620.00: still 20 a day; 1 h is 99.8655 % -> 3 days = 60.
  EXPECT_THAT(amounts("sla.service_days",
                      month(kJanuary2021, kJanuary2021End, outage(kJanuary2021, 3600),
                            {{"workspace", dec("620.00")}}),
                      google, params),
              ElementsAre("workspace=60"));
}

}  // namespace
}  // namespace tariff
