// A shared library that exports something, but not tariff_plugin_entry.
#include <tariff/plugin.h>

#include <cstdint>

extern "C" TARIFF_PLUGIN_EXPORT int tariff_something_else(int x) { return x + 1; }
