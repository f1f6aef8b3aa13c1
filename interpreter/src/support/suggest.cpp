// Edit distance with adjacent transpositions (optimal string alignment), so
// `UDS` is one step from `USD`; over bytes, as names are ASCII identifiers.
#include "support/suggest.h"

#include <fmt/format.h>

#include <algorithm>

namespace tariff {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t columns = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * columns);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * columns + j]; };
  for (std::size_t i = 0; i <= a.size(); ++i) at(i, 0) = i;
  for (std::size_t j = 0; j <= b.size(); ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
    }
  }
  return at(a.size(), b.size());
}

}  // namespace

std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates) {
  const std::size_t allowed = std::max<std::size_t>(1, name.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = allowed + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string suggestion_hint(std::string_view name, const std::vector<std::string>& candidates,
                            std::string_view what) {
  if (auto best = closest_name(name, candidates)) return fmt::format("did you mean `{}`?", *best);
  if (candidates.empty()) return fmt::format("no {} are declared", what);
  std::vector<std::string> shown(candidates.begin(),
                                 candidates.begin() + static_cast<std::ptrdiff_t>(
                                                          std::min<std::size_t>(candidates.size(), 12)));
  return fmt::format("known {}: {}{}", what, fmt::join(shown, ", "),
                     candidates.size() > shown.size() ? ", ..." : "");
}

}  // namespace tariff
