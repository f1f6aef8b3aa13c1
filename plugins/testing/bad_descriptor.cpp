// Descriptors the loader must refuse, one per target (TEST_<CASE> from
// testing/CMakeLists.txt). Everything else about them is valid.
#include <tariff/plugin.h>

#include <cstdint>

namespace {

std::int32_t price(const tariff_decimal*, std::uint32_t, const tariff_table*, const tariff_param*,
                   std::uint32_t, tariff_decimal* amount_out, const tariff_explain_sink*,
                   tariff_status*) {
  *amount_out = tariff_decimal_make(1, 0);
  return TARIFF_STATUS_OK;
}

#if defined(TEST_NULL_FUNCTION)
const tariff_tier_price_fn kPrice = nullptr;
#else
const tariff_tier_price_fn kPrice = &price;
#endif

#if defined(TEST_BAD_NAME)
const char* const kSecondName = "two words";
#elif defined(TEST_DUPLICATE_INSIDE)
const char* const kSecondName = "test.first";
#else
const char* const kSecondName = "test.second";
#endif

const tariff_tier_kind kKinds[] = {
    {"test.first", nullptr, 1, 0, nullptr, 0, &price},
    {kSecondName, nullptr, 1, 0, nullptr, 0, kPrice},
};

tariff_plugin_descriptor make_descriptor() {
  tariff_plugin_descriptor d =
      TARIFF_PLUGIN_DESCRIPTOR_INIT("bad_descriptor", "0", kKinds, TARIFF_COUNT(kKinds), nullptr, 0);
#if defined(TEST_WRONG_ABI)
  d.abi_major = TARIFF_PLUGIN_ABI_MAJOR + 1;
#elif defined(TEST_NEWER_MINOR)
  d.abi_minor = TARIFF_PLUGIN_ABI_MINOR + 1;
#elif defined(TEST_WRONG_SIZE)
  d.sizeof_decimal = 16;  // as if built against a tariff_decimal without a scale
#endif
  return d;
}

const tariff_plugin_descriptor kDescriptor = make_descriptor();

}  // namespace

extern "C" TARIFF_PLUGIN_EXPORT const tariff_plugin_descriptor* tariff_plugin_entry(
    tariff_status* status) {
#if defined(TEST_ENTRY_ERROR)
  tariff_status_set(status, TARIFF_STATUS_ERROR, "licence file /etc/tariff/licence not found");
  return nullptr;
#else
  (void)status;
  return &kDescriptor;
#endif
}
