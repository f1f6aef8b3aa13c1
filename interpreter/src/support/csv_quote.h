// Quoting one CSV field per RFC 4180: only when it holds a comma, a quote
// or a line break, with quotes doubled.
#pragma once

#include <string>
#include <string_view>

namespace tariff {

inline std::string csv_quote(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace tariff
