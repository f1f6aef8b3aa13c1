// Linear probing at a load of at most 3/4. The hash tag kept in each slot
// makes almost every mismatch cost no access to the arena.
#include "vm/string_set.h"

#include <cstring>

#include "vm/hot_compare.h"

namespace tariff {

namespace {

constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15u;
constexpr int kOffsetBits = 40;
constexpr std::uint64_t kOffsetMask = (std::uint64_t{1} << kOffsetBits) - 1;

constexpr std::uint64_t mix(std::uint64_t x) noexcept {
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93u;
  x ^= x >> 32;
  return x;
}

constexpr std::uint64_t tag_of(std::uint64_t hash) noexcept {
  return hash >> kOffsetBits << kOffsetBits;
}
constexpr std::size_t offset_of(std::uint64_t slot) noexcept { return (slot & kOffsetMask) - 1; }

void append_varint(std::string& out, std::size_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

std::size_t read_varint(const char*& p) noexcept {
  std::size_t value = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(*p++);
    value |= static_cast<std::size_t>(byte & 0x7F) << shift;
    if (byte < 0x80) return value;
  }
}

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
    // Byte by byte: a memcpy of a variable length would be a call.
    std::uint64_t word = 0;
    for (std::size_t i = 0; i < left; ++i)
      word |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
    h = mix(h ^ word) * kMultiplier;
  }
  return mix(h);
}

StringSet::Entry StringSet::entry_at(std::size_t offset) const noexcept {
  const char* p = arena_.data() + offset;
  const std::size_t length = read_varint(p);
  const std::size_t id = read_varint(p);
  const std::string_view text(p, length);
  return Entry{id, text, static_cast<std::size_t>(p + length - arena_.data())};
}

std::size_t StringSet::probe(std::string_view text, std::uint64_t h) const noexcept {
  const std::size_t mask = slots_.size() - 1;
  const std::uint64_t tag = tag_of(h);
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const std::uint64_t slot = slots_[i];
    if (slot == 0) return i;
    if (tag_of(slot) == tag && text_equal(entry_at(offset_of(slot)).text, text)) return i;
  }
}

StringSet::Insertion StringSet::insert(std::string_view text) {
  if (4 * (size_ + 1) > 3 * slots_.size()) grow();
  const std::uint64_t h = hash(text);
  const std::size_t at_slot = probe(text, h);
  if (slots_[at_slot] != 0) return Insertion{entry_at(offset_of(slots_[at_slot])).id, false};
  const std::size_t id = size_++;
  const std::size_t offset = arena_.size();
  append_varint(arena_, text.size());
  append_varint(arena_, id);
  arena_.append(text);
  slots_[at_slot] = tag_of(h) | (offset + 1);
  return Insertion{id, true};
}

// Slots keep only part of the hash, so growth rehashes the strings.
void StringSet::grow() {
  slots_.assign(slots_.empty() ? 8 : 2 * slots_.size(), 0);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = 0; at < arena_.size();) {
    const Entry entry = entry_at(at);
    const std::uint64_t h = hash(entry.text);
    std::size_t i = h & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = tag_of(h) | (at + 1);
    at = entry.next;
  }
}

}  // namespace tariff
