// UTF-8 checks done before any text reaches ANTLR (whose 4.9 runtime
// throws on invalid UTF-8) and code-point column counting for carets.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace tariff {

// Offset of the first byte that does not start or continue a valid UTF-8
// sequence (overlongs, surrogates and values above U+10FFFF are invalid).
std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept;

// Number of code points in a valid UTF-8 text.
std::size_t code_point_count(std::string_view text) noexcept;

}  // namespace tariff
