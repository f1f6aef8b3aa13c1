// Combining meter states.
#include "vm/meter_state.h"

namespace tariff {

Expected<std::monostate, DecimalError> merge(MeterKind kind, MeterSlot& into, const MeterSlot& from) {
  if (!from.seen) return std::monostate{};
  if (!into.seen) {
    into = from;
    return std::monostate{};
  }
  switch (kind) {
    case MeterKind::sum:
    case MeterKind::count: {
      auto sum = add(into.value, from.value);
      if (!sum) return unexpected(sum.error());
      into.value = *sum;
      break;
    }
    case MeterKind::max:
      if (from.value > into.value) into.value = from.value;
      break;
    case MeterKind::min:
      if (from.value < into.value) into.value = from.value;
      break;
  }
  return std::monostate{};
}

}  // namespace tariff
