// Linear probing at a load of at most 3/4. The hash tag kept in each slot
// makes almost every mismatch cost no access to the arena.
#include "vm/string_set.h"

#include <cstring>

namespace tariff {

namespace {

constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15u;
constexpr int kIdBits = 40;
constexpr std::uint64_t kIdMask = (std::uint64_t{1} << kIdBits) - 1;

constexpr std::uint64_t mix(std::uint64_t x) noexcept {
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93u;
  x ^= x >> 32;
  return x;
}

constexpr std::uint64_t tag_of(std::uint64_t hash) noexcept { return hash >> kIdBits << kIdBits; }
constexpr std::size_t id_of(std::uint64_t slot) noexcept { return (slot & kIdMask) - 1; }

}  // namespace

// Eight bytes at a time; ids and short texts are one or two words.
std::uint64_t StringSet::hash(std::string_view text) noexcept {
  std::uint64_t h = text.size() * kMultiplier;
  const char* p = text.data();
  std::size_t left = text.size();
  while (left >= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);
    h = mix(h ^ word) * kMultiplier;
    p += 8;
    left -= 8;
  }
  if (left > 0) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, left);
    h = mix(h ^ word) * kMultiplier;
  }
  return mix(h);
}

std::size_t StringSet::probe(std::string_view text, std::uint64_t h) const noexcept {
  const std::size_t mask = slots_.size() - 1;
  const std::uint64_t tag = tag_of(h);
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const std::uint64_t slot = slots_[i];
    if (slot == 0) return i;
    if (tag_of(slot) == tag && at(id_of(slot)) == text) return i;
  }
}

std::optional<std::size_t> StringSet::find(std::string_view text) const noexcept {
  if (slots_.empty()) return std::nullopt;
  const std::uint64_t slot = slots_[probe(text, hash(text))];
  if (slot == 0) return std::nullopt;
  return id_of(slot);
}

StringSet::Insertion StringSet::insert(std::string_view text) {
  if (4 * (size() + 1) > 3 * slots_.size()) grow();
  const std::uint64_t h = hash(text);
  const std::size_t at_slot = probe(text, h);
  if (slots_[at_slot] != 0) return Insertion{id_of(slots_[at_slot]), false};
  const std::size_t id = size();
  bytes_.append(text);
  ends_.push_back(bytes_.size());
  slots_[at_slot] = tag_of(h) | (id + 1);
  return Insertion{id, true};
}

// Slots keep only part of the hash, so growth rehashes the strings.
void StringSet::grow() {
  slots_.assign(slots_.empty() ? 8 : 2 * slots_.size(), 0);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t id = 0; id < size(); ++id) {
    const std::uint64_t h = hash(at(id));
    std::size_t i = h & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = tag_of(h) | (id + 1);
  }
}

}  // namespace tariff
