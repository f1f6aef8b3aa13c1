// Diagnostics: errors and warnings as values with a location, rendered as
//   file:line:col: error: message
//     <the source line>
//     <caret under the column>
//   hint: ...
// Columns count code points, not bytes, so the caret lands under the right
// character in any UTF-8 text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tariff {

struct SourceLocation {
  std::uint32_t line = 0;    // 1-based; 0 when unknown
  std::uint32_t column = 0;  // 1-based, in code points; 0 when unknown
};

struct SourceRange {
  SourceLocation begin;
  SourceLocation end;  // inclusive last character; may equal begin
};

enum class Severity : std::uint8_t { error, warning };

// The text of one scheme file, with its line starts indexed.
class SourceFile {
 public:
  SourceFile(std::string name, std::string text);
  const std::string& name() const noexcept { return name_; }
  const std::string& text() const noexcept { return text_; }
  // Line `line` (1-based) without its line ending; empty when out of range.
  std::string_view line_text(std::uint32_t line) const noexcept;

 private:
  std::string name_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

struct Diagnostic {
  Severity severity = Severity::error;
  SourceRange range;
  std::string message;
  std::string hint;  // empty when none helps
  // The file the range refers to; null for diagnostics about no file.
  std::shared_ptr<const SourceFile> file;
};

// `file:line:col: error: message`, the line, a caret, and the hint.
std::string render(const Diagnostic& diagnostic);

struct Diagnostics {
  std::vector<Diagnostic> items;
  bool has_errors() const noexcept;
  std::size_t error_count() const noexcept;
  // All diagnostics rendered in order, then nothing else.
  std::string render_all() const;
};

}  // namespace tariff
