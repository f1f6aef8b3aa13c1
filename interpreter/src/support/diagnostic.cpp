// Rendering diagnostics with the source line and a caret.
#include "tariff/diagnostic.h"

#include <fmt/format.h>

#include <algorithm>

#include "support/utf8.h"

namespace tariff {

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

std::string_view SourceFile::line_text(std::uint32_t line) const noexcept {
  if (line == 0 || line > line_starts_.size()) return {};
  const std::size_t begin = line_starts_[line - 1];
  std::size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

namespace {

constexpr std::size_t kMaxShownColumns = 100;

// The source line as shown under a diagnostic: tabs become one space so the
// caret (counted in code points) stays aligned; control characters, and
// every byte from the first invalid one on, are shown as '?'.
std::string printable_line(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  const auto bad = first_invalid_utf8(line);
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (bad && i >= *bad) {
      out += '?';
    } else if (c == '\t') {
      out += ' ';
    } else if (c < 0x20 || c == 0x7F) {
      out += '?';
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string render(const Diagnostic& d) {
  std::string out;
  const char* severity = d.severity == Severity::error ? "error" : "warning";
  const std::string file = d.file ? d.file->name() : std::string("tariff");
  if (d.range.begin.line != 0) {
    out = fmt::format("{}:{}:{}: {}: {}\n", file, d.range.begin.line, d.range.begin.column,
                      severity, d.message);
  } else {
    out = fmt::format("{}: {}: {}\n", file, severity, d.message);
  }
  if (d.file && d.range.begin.line != 0) {
    const std::string line = printable_line(d.file->line_text(d.range.begin.line));
    std::size_t width = 1;
    if (d.range.end.line == d.range.begin.line && d.range.end.column > d.range.begin.column)
      width = d.range.end.column - d.range.begin.column + 1;
    std::size_t indent = d.range.begin.column > 0 ? d.range.begin.column - 1 : 0;
    // Long lines (a generated scheme, a hostile file) are shown as a window
    // around the column so the caret stays on screen.
    std::vector<std::size_t> starts;  // byte offset of each code point
    for (std::size_t i = 0; i < line.size(); ++i)
      if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) starts.push_back(i);
    std::size_t first = 0;
    std::size_t last = starts.size();
    if (starts.size() > kMaxShownColumns) {
      first = indent > kMaxShownColumns / 2 ? indent - kMaxShownColumns / 2 : 0;
      last = std::min(starts.size(), first + kMaxShownColumns);
    }
    const std::size_t begin_byte = first < starts.size() ? starts[first] : line.size();
    const std::size_t end_byte = last < starts.size() ? starts[last] : line.size();
    std::string shown = line.substr(begin_byte, end_byte - begin_byte);
    std::size_t shown_indent = indent - std::min(indent, first);
    if (first > 0) {
      shown = "..." + shown;
      shown_indent += 3;
    }
    if (last < starts.size()) shown += "...";
    const std::size_t shown_width = code_point_count(shown);
    if (shown_indent + width > shown_width + 1)
      width = shown_indent < shown_width ? shown_width - shown_indent : 1;
    out += fmt::format("  {}\n  {}^{}\n", shown, std::string(shown_indent, ' '),
                       std::string(width > 1 ? width - 1 : 0, '~'));
  }
  if (!d.hint.empty()) out += fmt::format("hint: {}\n", d.hint);
  return out;
}

bool Diagnostics::has_errors() const noexcept { return error_count() > 0; }

std::size_t Diagnostics::error_count() const noexcept {
  std::size_t n = 0;
  for (const auto& d : items)
    if (d.severity == Severity::error) ++n;
  return n;
}

std::string Diagnostics::render_all() const {
  std::string out;
  for (const auto& d : items) out += render(d);
  return out;
}

}  // namespace tariff
