// Levenshtein distance over bytes: names in schemes are ASCII identifiers.
#include "support/suggest.h"

#include <fmt/format.h>

#include <algorithm>

namespace tariff {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diagonal = above;
    }
  }
  return row[b.size()];
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
  if (candidates.empty()) return fmt::format("no {} is declared", what);
  std::vector<std::string> shown(candidates.begin(),
                                 candidates.begin() + static_cast<std::ptrdiff_t>(
                                                          std::min<std::size_t>(candidates.size(), 12)));
  return fmt::format("known {}: {}{}", what, fmt::join(shown, ", "),
                     candidates.size() > shown.size() ? ", ..." : "");
}

}  // namespace tariff
