// The canonical layout of a scheme, printed from its tokens (comments
// included) rather than from the AST, so nothing the author wrote is lost
// and numbers and strings keep their spelling.
//
// Layout is decided by token kinds, brace depth and the shape of the parse
// tree, never by grammar rule names: a line begins at each child of the
// file's root rule (the declarations) and at each rule between a `{` and
// its `}` (block entries); a unit's direct children are its alignment
// cells. A new declaration or block construct in the grammar is laid out
// without formatter changes.
#include "front/formatter.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string_view>
#include <typeindex>
#include <vector>

#include "TariffLexer.h"
#include "TariffParser.h"
#include "antlr4-runtime.h"
#include "front/parser.h"
#include "support/utf8.h"

namespace tariff::front {

namespace {

using grammar::TariffLexer;
using grammar::TariffParser;

constexpr std::size_t kIndent = 2;        // per brace level
constexpr std::size_t kContinuation = 4;  // a unit's line after a comment broke it

// A token of the default channel or a comment, with what the layout needs
// from the lexer and the parse tree.
struct Piece {
  std::size_t type = 0;
  std::string text;
  bool comment = false;
  std::size_t breaks_before = 0;  // line breaks in the whitespace before it
  bool unit_start = false;        // begins a declaration or a block entry
  std::optional<std::type_index> unit_kind;  // its labelled alternative, for alignment
  bool cell_start = false;        // begins a direct child of its unit
  bool sign = false;              // a prefix `-` or `+`: no space after it
  bool callee = false;            // a name followed by the `(` of its call or the `[`
                                  // of its index (`ceil(x)`, `m[hd]`, `sla.tiered(m)`):
                                  // no space after it
};

// What the tree says about each token, by token index.
struct TreeMarks {
  std::vector<bool> unit_start, cell_start, sign, callee;
  std::vector<std::optional<std::type_index>> unit_kind;
  explicit TreeMarks(std::size_t n)
      : unit_start(n), cell_start(n), sign(n), callee(n), unit_kind(n) {}
};

// The index of a subtree's first token; nullopt when it matched nothing.
std::optional<std::size_t> first_token(antlr4::tree::ParseTree* node) {
  if (auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(node))
    return terminal->getSymbol()->getTokenIndex();
  auto* rule = dynamic_cast<antlr4::ParserRuleContext*>(node);
  if (!rule || !rule->getStart() || !rule->getStop()) return std::nullopt;
  const std::size_t start = rule->getStart()->getTokenIndex();
  if (rule->getStop()->getTokenIndex() < start) return std::nullopt;
  return start;
}

// The last token of a subtree; null when it matched nothing.
antlr4::Token* last_token(antlr4::tree::ParseTree* node) {
  if (auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(node)) return terminal->getSymbol();
  auto* rule = dynamic_cast<antlr4::ParserRuleContext*>(node);
  return rule && first_token(rule) ? rule->getStop() : nullptr;
}

bool is_token(antlr4::tree::ParseTree* node, std::size_t type) {
  auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(node);
  return terminal && terminal->getSymbol()->getType() == type;
}

void mark_unit(antlr4::ParserRuleContext* unit, TreeMarks& marks) {
  const auto start = first_token(unit);
  if (!start) return;
  marks.unit_start[*start] = true;
  marks.unit_kind[*start] = std::type_index(typeid(*unit));
  for (std::size_t i = 1; i < unit->children.size(); ++i)
    if (const auto cell = first_token(unit->children[i])) marks.cell_start[*cell] = true;
}

// One walk over the tree, with an explicit stack: the depth is bounded by
// the parser's budget, but a stack of pointers costs nothing.
TreeMarks mark_tree(antlr4::ParserRuleContext* root, std::size_t token_count) {
  TreeMarks marks(token_count);
  std::vector<antlr4::ParserRuleContext*> stack{root};
  while (!stack.empty()) {
    auto* ctx = stack.back();
    stack.pop_back();
    bool in_braces = false;
    for (std::size_t i = 0; i < ctx->children.size(); ++i) {
      auto* child = ctx->children[i];
      if (is_token(child, TariffLexer::LBRACE)) in_braces = true;
      if (is_token(child, TariffLexer::RBRACE)) in_braces = false;
      // A name, or a rule ending in one, directly before a `(` or `[`.
      if (i + 1 < ctx->children.size() &&
          (is_token(ctx->children[i + 1], TariffLexer::LPAREN) ||
           is_token(ctx->children[i + 1], TariffLexer::LBRACK))) {
        auto* last = last_token(child);
        if (last && last->getType() == TariffLexer::IDENT) marks.callee[last->getTokenIndex()] = true;
      }
      if (auto* rule = dynamic_cast<antlr4::ParserRuleContext*>(child)) {
        if (ctx == root || in_braces) mark_unit(rule, marks);
        stack.push_back(rule);
        continue;
      }
      auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child);
      if (!terminal) continue;
      const std::size_t type = terminal->getSymbol()->getType();
      if (i == 0 && ctx->children.size() > 1 &&
          (type == TariffLexer::MINUS || type == TariffLexer::PLUS))
        marks.sign[terminal->getSymbol()->getTokenIndex()] = true;
    }
  }
  return marks;
}

// "\r\n", "\n" and a lone "\r" each end a line.
std::size_t count_breaks(const std::string& space) {
  std::size_t breaks = 0;
  for (std::size_t i = 0; i < space.size(); ++i) {
    if (space[i] == '\n') ++breaks;
    if (space[i] == '\r' && (i + 1 == space.size() || space[i + 1] != '\n')) ++breaks;
  }
  return breaks;
}

std::vector<Piece> pieces_of(const std::vector<antlr4::Token*>& tokens, const TreeMarks& marks) {
  std::vector<Piece> pieces;
  std::size_t breaks = 0;
  for (auto* token : tokens) {
    const std::size_t type = token->getType();
    if (type == antlr4::Token::EOF) break;
    if (type == TariffLexer::WS) {
      breaks += count_breaks(token->getText());
      continue;
    }
    Piece piece;
    piece.type = type;
    piece.text = token->getText();
    piece.breaks_before = breaks;
    breaks = 0;
    if (type == TariffLexer::COMMENT) {
      piece.comment = true;
      piece.text.erase(piece.text.find_last_not_of(" \t") + 1);  // never empty: it starts with #
    } else {
      const std::size_t index = token->getTokenIndex();
      piece.unit_start = marks.unit_start[index];
      piece.unit_kind = marks.unit_kind[index];
      piece.cell_start = marks.cell_start[index];
      piece.sign = marks.sign[index];
      piece.callee = marks.callee[index];
    }
    pieces.push_back(std::move(piece));
  }
  return pieces;
}

// The space between two tokens on one line. A `.` joins the names around
// it (`sla.tiered`).
std::string_view separator(const Piece& before, const Piece& after) {
  switch (after.type) {
    case TariffLexer::RPAREN: case TariffLexer::RBRACK: case TariffLexer::COMMA:
    case TariffLexer::PERCENT:
      return "";
    default: break;
  }
  if (before.text == "." || after.text == ".") return "";
  if (before.type == TariffLexer::LPAREN || before.type == TariffLexer::LBRACK) return "";
  if (before.sign || before.callee) return "";
  return " ";
}

struct Line {
  std::size_t indent = 0;
  std::vector<std::string> cells;  // the code, one cell per direct child of the unit
  std::string comment;             // the line's trailing comment, or the whole line
  bool blank_before = false;
  bool opens_block = false;        // ends with `{`: no blank line may follow
  bool continues_unit = false;     // a unit's line after a comment broke it
  std::optional<std::type_index> kind;  // set when the line begins a unit
};

// Breaks the pieces into lines: one unit per line, blocks indented by
// depth, comments where the author put them, blank lines collapsed.
std::vector<Line> lay_out(const std::vector<Piece>& pieces) {
  // A piece begins a line by structure (rather than because a comment
  // ended the previous one): a unit, a `}`, or anything after a `{`.
  std::vector<bool> structural(pieces.size());
  const Piece* previous = nullptr;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (pieces[i].comment) continue;
    structural[i] = pieces[i].unit_start || pieces[i].type == TariffLexer::RBRACE ||
                    (previous && previous->type == TariffLexer::LBRACE);
    previous = &pieces[i];
  }
  // A full-line comment sits between units when the next token begins a line.
  std::vector<bool> comment_between_units(pieces.size());
  bool next_structural = true;  // end of file
  for (std::size_t i = pieces.size(); i-- > 0;) {
    if (pieces[i].comment)
      comment_between_units[i] = next_structural;
    else
      next_structural = structural[i];
  }

  std::vector<Line> lines;
  std::size_t depth = 0;
  bool line_open = false;  // the last line can take more tokens
  previous = nullptr;
  const auto blank_allowed = [&lines] { return !lines.empty() && !lines.back().opens_block; };
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const Piece& piece = pieces[i];
    if (piece.comment) {
      if (line_open && piece.breaks_before == 0) {
        lines.back().comment = piece.text;
      } else {
        Line line;
        const bool between = comment_between_units[i];
        line.indent = depth * kIndent + (between ? 0 : kContinuation);
        line.comment = piece.text;
        line.continues_unit = !between;
        line.blank_before = between && piece.breaks_before >= 2 && blank_allowed();
        lines.push_back(std::move(line));
      }
      line_open = false;
      continue;
    }
    if (piece.type == TariffLexer::RBRACE && depth > 0) --depth;
    if (structural[i] || !line_open) {
      Line line;
      line.indent = depth * kIndent + (structural[i] ? 0 : kContinuation);
      line.continues_unit = !structural[i];
      line.blank_before = piece.unit_start && piece.breaks_before >= 2 && blank_allowed();
      if (piece.unit_start) line.kind = piece.unit_kind;
      line.cells.push_back(piece.text);
      lines.push_back(std::move(line));
      line_open = true;
    } else {
      const std::string_view space = separator(*previous, piece);
      auto& cells = lines.back().cells;
      if (piece.cell_start && !space.empty())
        cells.push_back(piece.text);
      else
        cells.back().append(space).append(piece.text);
    }
    if (piece.type == TariffLexer::LBRACE) {
      ++depth;
      lines.back().opens_block = true;
    }
    previous = &piece;
  }
  return lines;
}

// Pads cells so that consecutive units of the same kind line up in
// columns. A run is broken by a blank line or by any other line except a
// comment; a unit that a comment broke over several lines stays out. The
// last cell of a line is never padded (no trailing spaces), and a column
// is as wide as its widest cell that has another cell after it.
void align(std::vector<Line>& lines) {
  const auto alignable = [&lines](std::size_t i) {
    return lines[i].kind && (i + 1 == lines.size() || !lines[i + 1].continues_unit);
  };
  std::size_t i = 0;
  while (i < lines.size()) {
    if (!alignable(i)) {
      ++i;
      continue;
    }
    std::vector<std::size_t> run{i};
    std::size_t j = i + 1;
    for (; j < lines.size(); ++j) {
      const Line& line = lines[j];
      if (line.blank_before) break;
      if (line.cells.empty() && !line.continues_unit) continue;
      if (!alignable(j) || line.kind != lines[i].kind || line.indent != lines[i].indent) break;
      run.push_back(j);
    }
    std::vector<std::size_t> widths;
    for (const std::size_t k : run) {
      const auto& cells = lines[k].cells;
      if (widths.size() + 1 < cells.size()) widths.resize(cells.size() - 1);
      for (std::size_t c = 0; c + 1 < cells.size(); ++c)
        widths[c] = std::max(widths[c], code_point_count(cells[c]));
    }
    for (const std::size_t k : run) {
      auto& cells = lines[k].cells;
      for (std::size_t c = 0; c + 1 < cells.size(); ++c)
        cells[c].append(widths[c] - code_point_count(cells[c]), ' ');
    }
    i = j;
  }
}

std::string render(const std::vector<Line>& lines) {
  std::string out;
  for (const Line& line : lines) {
    if (line.blank_before) out += '\n';
    out.append(line.indent, ' ');
    for (std::size_t c = 0; c < line.cells.size(); ++c) {
      if (c > 0) out += ' ';
      out += line.cells[c];
    }
    if (!line.comment.empty()) {
      if (!line.cells.empty()) out += "  ";
      out += line.comment;
    }
    out += '\n';
  }
  return out;
}

Diagnostics internal_failure(const std::shared_ptr<const SourceFile>& file, std::string message) {
  Diagnostics diagnostics;
  diagnostics.items.push_back(Diagnostic{Severity::error, {}, std::move(message),
                                         "please report this scheme as a bug", file});
  return diagnostics;
}

}  // namespace

Expected<std::string, Diagnostics> format_scheme(std::shared_ptr<const SourceFile> file) {
  Diagnostics diagnostics;
  // Also proves the text is valid UTF-8 and within the parser's budgets
  // before the tokens are read again below.
  if (!parse_scheme(file, diagnostics)) return unexpected(std::move(diagnostics));
  try {
    antlr4::ANTLRInputStream input(file->text());
    TariffLexer lexer(&input);
    lexer.removeErrorListeners();
    antlr4::CommonTokenStream tokens(&lexer);
    tokens.fill();
    // The text parsed cleanly above, so this parse cannot fail; bail if it
    // somehow does rather than lay out a repaired tree.
    TariffParser parser(&tokens);
    parser.removeErrorListeners();
    parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    auto* tree = parser.schemeFile();
    const auto all = tokens.getTokens();
    std::vector<Line> lines = lay_out(pieces_of(all, mark_tree(tree, all.size())));
    align(lines);
    return render(lines);
  } catch (const std::exception& e) {
    return unexpected(internal_failure(file, fmt::format("internal formatter failure: {}", e.what())));
  } catch (...) {
    return unexpected(internal_failure(file, "internal formatter failure"));
  }
}

}  // namespace tariff::front
