// A set of byte strings with dense ids (0, 1, ... in insertion order): an
// open-addressing table of 8-byte slots over one arena holding each
// string's length, id and bytes together. Made for the record path, where
// a node-based set of std::string costs an allocation per new value and
// several cache misses per lookup; here a lookup hashes once and a hit
// touches one slot and one arena entry, and only growth allocates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tariff {

class StringSet {
 public:
  struct Insertion {
    std::size_t id = 0;
    bool inserted = false;  // false: the string was already there
  };

  // The id of `text`, added when absent.
  Insertion insert(std::string_view text);
  std::size_t size() const noexcept { return size_; }

  // Calls f(id, text) for every string in insertion order.
  template <class F>
  void for_each(F&& f) const {
    for (std::size_t at = 0; at < arena_.size();) {
      const Entry entry = entry_at(at);
      f(entry.id, entry.text);
      at = entry.next;
    }
  }

 private:
  struct Entry {
    std::size_t id;
    std::string_view text;
    std::size_t next;  // arena offset of the following entry
  };
  static std::uint64_t hash(std::string_view text) noexcept;
  Entry entry_at(std::size_t offset) const noexcept;
  // The slot holding `text`, or the empty slot where it would go.
  std::size_t probe(std::string_view text, std::uint64_t hash) const noexcept;
  void grow();

  // Per slot: the top 24 bits of the hash, then the arena offset + 1 of
  // the entry in the low 40 bits (a terabyte of strings); 0 is empty.
  // Power-of-two size.
  std::vector<std::uint64_t> slots_;
  // Entries: length and id as base-128 varints, then the bytes.
  std::string arena_;
  std::size_t size_ = 0;
};

}  // namespace tariff
