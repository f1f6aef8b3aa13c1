// A set of byte strings with dense ids (0, 1, ... in insertion order): an
// open-addressing table of 8-byte entries over one arena of the strings'
// bytes. Made for the record path, where a node-based set of std::string
// costs an allocation per new value and two cache misses per lookup; here
// a lookup hashes once, a hit touches one entry and the arena, and only
// growth allocates.
#pragma once

#include <cstdint>
#include <optional>
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
  std::optional<std::size_t> find(std::string_view text) const noexcept;

  std::size_t size() const noexcept { return ends_.size(); }
  bool empty() const noexcept { return ends_.empty(); }
  // The string with id `id` (< size()); valid until the next insert.
  std::string_view at(std::size_t id) const noexcept {
    const std::size_t begin = id == 0 ? 0 : ends_[id - 1];
    return {bytes_.data() + begin, ends_[id] - begin};
  }

 private:
  static std::uint64_t hash(std::string_view text) noexcept;
  // The slot holding `text`, or the empty slot where it would go.
  std::size_t probe(std::string_view text, std::uint64_t hash) const noexcept;
  void grow();

  // Per slot: the top 24 bits of the hash, then id + 1 in the low 40 bits
  // (a trillion strings); 0 is empty. Power-of-two size.
  std::vector<std::uint64_t> slots_;
  std::vector<std::size_t> ends_;  // end offset of each string in bytes_
  std::string bytes_;
};

}  // namespace tariff
