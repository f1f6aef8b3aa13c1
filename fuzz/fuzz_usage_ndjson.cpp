// libFuzzer target: bytes as an NDJSON usage file for a fixed scheme ->
// Rater::add_usage -> finish -> the invoice; read = accepted + rejected
// must hold (fuzz/targets.h). Seeds: *.ndjson under tests/ and examples/.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tariff::fuzz::run_usage(data, size, tariff::UsageFormat::ndjson);
  return 0;
}
