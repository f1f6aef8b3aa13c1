// "Did you mean" suggestions: the closest known name by edit distance.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tariff {

// The candidate closest to `name`, if it is close enough to be a likely
// typo (at most a third of the name's letters differ, and at least one).
std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates);

// "did you mean `x`?" or, with no close candidate, "known: a, b, c".
std::string suggestion_hint(std::string_view name, const std::vector<std::string>& candidates,
                            std::string_view what);

}  // namespace tariff
