// Drives the generated ANTLR parser: UTF-8 check first (the 4.9 runtime
// throws on invalid UTF-8), then two-stage parsing (fast SLL with bail-out,
// full LL with recovery only when SLL fails), syntax errors collected as
// diagnostics phrased in words, nesting and recovery budgets, and every
// exception caught here.
#include "front/parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "TariffLexer.h"
#include "TariffParser.h"
#include "antlr4-runtime.h"
#include "front/ast_builder.h"
#include "front/checker.h"
#include "support/suggest.h"
#include "support/utf8.h"

namespace tariff::front {

namespace {

using grammar::TariffLexer;
using grammar::TariffParser;

// A token type as an analyst would say it.
std::string describe_token_type(std::size_t type, const antlr4::dfa::Vocabulary& vocabulary) {
  switch (type) {
    case antlr4::Token::EOF: return "end of file";
    case TariffLexer::IDENT: return "a name";
    case TariffLexer::NUMBER: return "a number";
    case TariffLexer::STRING: return "a quoted string";
    default: break;
  }
  std::string literal = vocabulary.getLiteralName(type);
  if (literal.size() >= 2 && literal.front() == '\'') literal = literal.substr(1, literal.size() - 2);
  return fmt::format("`{}`", literal);
}

bool starts_expression(std::size_t type) {
  switch (type) {
    case TariffLexer::NUMBER: case TariffLexer::STRING: case TariffLexer::IDENT:
    case TariffLexer::LPAREN: case TariffLexer::MINUS: case TariffLexer::NOT:
    case TariffLexer::IF: case TariffLexer::TRUE: case TariffLexer::FALSE:
      return true;
    default:
      return false;
  }
}

std::string describe_offending(antlr4::Token* token, const antlr4::dfa::Vocabulary& vocabulary) {
  const auto type = token->getType();
  if (type == antlr4::Token::EOF) return "end of file";
  const std::string text = token->getText();
  switch (type) {
    case TariffLexer::IDENT: return fmt::format("the name `{}`", text);
    case TariffLexer::NUMBER: return fmt::format("the number {}", text);
    case TariffLexer::STRING: return fmt::format("the string {}", text);
    default: break;
  }
  if (!vocabulary.getLiteralName(type).empty()) return fmt::format("`{}`", text);
  return fmt::format("`{}`", text);
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

struct Cancelled {
  enum Reason { none, too_deep, too_many_errors } reason = none;
};

class DiagnosticListener final : public antlr4::BaseErrorListener {
 public:
  DiagnosticListener(std::shared_ptr<const SourceFile> file, Diagnostics& diagnostics,
                     std::size_t max_errors, Cancelled& cancelled)
      : file_(std::move(file)), diagnostics_(diagnostics), max_errors_(max_errors),
        cancelled_(cancelled) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line,
                   size_t column, const std::string& /*antlr_message*/,
                   std::exception_ptr /*e*/) override {
    Diagnostic d;
    d.file = file_;
    d.range.begin = {static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(column + 1)};
    d.range.end = d.range.begin;
    if (offending) d.range = range_of(offending);
    // Once a line has had an error, a name later on it that the recovery
    // takes for the start of a declaration is debris of that error; so is
    // anything after such a name on the line.
    const std::uint32_t at_line = d.range.begin.line;
    if (at_line == quiet_line_) return;
    if (auto* word = unknown_declaration_word(recognizer, offending)) {
      const auto word_line = static_cast<std::uint32_t>(word->getLine());
      if (word_line == last_error_line_ || word_line == quiet_line_) {
        quiet_line_ = word_line;
        return;
      }
      quiet_line_ = static_cast<std::uint32_t>(word->getLine());
      describe_declaration_word(recognizer, word, d);
    } else {
      describe(recognizer, offending, d);
    }
    last_error_line_ = d.range.begin.line;
    ++errors_;
    diagnostics_.items.push_back(std::move(d));
    if (errors_ >= max_errors_) {
      cancelled_.reason = Cancelled::too_many_errors;
      throw antlr4::ParseCancellationException("too many errors");
    }
  }

 private:
  // A line that starts with a name parses as an adjustment (`tax "VAT"
  // 19%`); when that name is no adjustment word, the error is the name —
  // most often a misspelled keyword (`chrage "Voice" = ...`).
  static antlr4::Token* unknown_declaration_word(antlr4::Recognizer* recognizer, antlr4::Token* offending) {
    auto* parser = dynamic_cast<TariffParser*>(recognizer);
    if (!parser) return nullptr;
    for (antlr4::RuleContext* ctx = parser->getContext(); ctx; ctx = dynamic_cast<antlr4::RuleContext*>(ctx->parent)) {
      if (auto* adjustment = dynamic_cast<TariffParser::AdjustmentDeclContext*>(ctx)) return unknown_kind(adjustment);
    }
    // An adjustment may end without an amount, so `chrage "Voice"` is one
    // already and the error comes after it.
    const auto* file = parser->getContext();
    for (auto child = file->children.rbegin(); child != file->children.rend(); ++child) {
      auto* rule = dynamic_cast<antlr4::ParserRuleContext*>(*child);
      if (!rule) continue;
      auto* adjustment = dynamic_cast<TariffParser::AdjustmentDeclContext*>(rule);
      if (!adjustment || !offending || !adjustment->kind || adjustment->kind->getLine() != offending->getLine())
        return nullptr;
      return unknown_kind(adjustment);
    }
    return nullptr;
  }

  static antlr4::Token* unknown_kind(TariffParser::AdjustmentDeclContext* adjustment) {
    if (!adjustment->kind) return nullptr;
    const auto& words = adjustment_words();
    if (std::find(words.begin(), words.end(), adjustment->kind->getText()) != words.end()) return nullptr;
    return adjustment->kind;
  }

  static void describe_declaration_word(antlr4::Recognizer* recognizer, antlr4::Token* word, Diagnostic& d) {
    auto* parser = static_cast<TariffParser*>(recognizer);
    const auto& atn = parser->getATN();
    std::vector<std::string> starts = adjustment_words();
    for (auto type : atn.nextTokens(atn.ruleToStartState[TariffParser::RuleDeclaration]).toList()) {
      const std::string described = describe_token_type(static_cast<std::size_t>(type), parser->getVocabulary());
      if (described.front() == '`') starts.push_back(described.substr(1, described.size() - 2));
    }
    d.range = range_of(word);
    d.message = fmt::format("unexpected {} here", describe_offending(word, parser->getVocabulary()));
    if (auto keyword = closest_name(word->getText(), starts)) d.hint = fmt::format("did you mean `{}`?", *keyword);
  }

  void describe(antlr4::Recognizer* recognizer, antlr4::Token* offending, Diagnostic& d) {
    const auto& vocabulary = recognizer->getVocabulary();
    if (offending && offending->getType() == TariffLexer::ERROR_CHAR) {
      const std::string text = offending->getText();
      const auto c = text.empty() ? 0u : static_cast<unsigned char>(text[0]);
      if (c < 0x20 || c == 0x7F)
        d.message = fmt::format("unexpected control character U+{:04X}", c);
      else
        d.message = fmt::format("unexpected character `{}`", text);
      d.hint = "names are letters, digits and `_`; text goes in quotes: \"audio\"";
      return;
    }
    if (offending && offending->getType() == TariffLexer::UNTERMINATED_STRING) {
      d.message = "this string is not closed";
      d.hint = "add a closing `\"` before the end of the line";
      return;
    }
    std::vector<std::string> expected;
    std::vector<std::string> keywords;
    if (auto* parser = dynamic_cast<TariffParser*>(recognizer)) {
      const auto types = parser->getExpectedTokens();
      // Where any expression may start, say so once instead of listing
      // every token that can begin one.
      const bool value_expected = types.contains(static_cast<std::size_t>(TariffLexer::NUMBER)) &&
                                  types.contains(static_cast<std::size_t>(TariffLexer::LPAREN));
      std::set<std::string> seen;
      if (value_expected) {
        expected.push_back("a value (a number, a name or an expression)");
        seen.insert(expected.back());
      }
      for (auto type : types.toList()) {
        // ANTLR lists token types signed; EOF's -1 is its size_t EOF.
        const auto token_type = static_cast<std::size_t>(type);
        if (value_expected && starts_expression(token_type)) continue;
        auto word = describe_token_type(token_type, vocabulary);
        if (word.front() == '`') keywords.push_back(word.substr(1, word.size() - 2));
        if (seen.insert(word).second) expected.push_back(std::move(word));
      }
      if (offending && offending->getType() == antlr4::Token::EOF) {
        // Point just after the last real token rather than at an empty line.
        if (auto* previous = parser->getTokenStream()->LT(-1)) {
          d.range = range_of(previous);
          d.range.begin.column = d.range.end.column + 1;
          d.range.end = d.range.begin;
        }
      }
    }
    const std::string found = offending ? describe_offending(offending, vocabulary) : "this";
    if (expected.empty()) {
      d.message = fmt::format("unexpected {}", found);
    } else if (expected.size() <= 8) {
      d.message = fmt::format("expected {} but found {}", join_words(expected), found);
    } else {
      d.message = fmt::format("unexpected {} here", found);
    }
    if (offending && offending->getType() == TariffLexer::IDENT && !keywords.empty()) {
      if (auto keyword = closest_name(offending->getText(), keywords))
        d.hint = fmt::format("did you mean `{}`?", *keyword);
    }
  }

  std::shared_ptr<const SourceFile> file_;
  Diagnostics& diagnostics_;
  std::size_t max_errors_;
  Cancelled& cancelled_;
  std::size_t errors_ = 0;
  std::uint32_t last_error_line_ = 0;
  std::uint32_t quiet_line_ = 0;
};

// Stops the parse before the runtime's recursion can exhaust the stack.
class DepthGuard final : public antlr4::tree::ParseTreeListener {
 public:
  DepthGuard(std::size_t max_depth, Cancelled& cancelled)
      : max_depth_(max_depth), cancelled_(cancelled) {}
  void enterEveryRule(antlr4::ParserRuleContext* ctx) override {
    if (++depth_ > max_depth_) {
      deepest_ = ctx->getStart();
      cancelled_.reason = Cancelled::too_deep;
      throw antlr4::ParseCancellationException("too deep");
    }
  }
  void exitEveryRule(antlr4::ParserRuleContext*) override { --depth_; }
  void visitTerminal(antlr4::tree::TerminalNode*) override {}
  void visitErrorNode(antlr4::tree::ErrorNode*) override {}
  void reset() { depth_ = 0; }
  antlr4::Token* deepest() const { return deepest_; }

 private:
  std::size_t max_depth_;
  Cancelled& cancelled_;
  std::size_t depth_ = 0;
  antlr4::Token* deepest_ = nullptr;
};

// Ends the token stream once the budget is spent; the parser then sees end
// of file and the budget error is reported instead of its syntax errors.
class BudgetedLexer final : public TariffLexer {
 public:
  BudgetedLexer(antlr4::CharStream* input, std::size_t max_tokens)
      : TariffLexer(input), max_tokens_(max_tokens) {}
  std::unique_ptr<antlr4::Token> nextToken() override {
    if (exhausted_) return eof();
    auto next = TariffLexer::nextToken();
    if (next->getType() != antlr4::Token::EOF && ++count_ > max_tokens_) {
      exhausted_ = true;
      last_line_ = next->getLine();
      return eof();
    }
    return next;
  }
  bool exhausted() const { return exhausted_; }
  std::size_t last_line() const { return last_line_; }

 private:
  std::unique_ptr<antlr4::Token> eof() {
    return _factory->create({this, _input}, antlr4::Token::EOF, "<EOF>",
                            antlr4::Token::DEFAULT_CHANNEL, _input->index(), _input->index() - 1,
                            getLine(), getCharPositionInLine());
  }
  std::size_t max_tokens_;
  std::size_t count_ = 0;
  bool exhausted_ = false;
  std::size_t last_line_ = 0;
};

void add_error(Diagnostics& diagnostics, const std::shared_ptr<const SourceFile>& file,
               SourceRange range, std::string message, std::string hint) {
  diagnostics.items.push_back(
      Diagnostic{Severity::error, range, std::move(message), std::move(hint), file});
}

SourceLocation location_of_offset(const std::string& text, std::size_t offset) {
  SourceLocation loc{1, 1};
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++loc.line;
      line_start = i + 1;
    }
  }
  loc.column = static_cast<std::uint32_t>(
      code_point_count(std::string_view(text).substr(line_start, offset - line_start)) + 1);
  return loc;
}

}  // namespace

std::optional<ast::Scheme> parse_scheme(std::shared_ptr<const SourceFile> file,
                                        Diagnostics& diagnostics, const ParseLimits& limits) {
  const std::string& text = file->text();
  if (auto bad = first_invalid_utf8(text)) {
    const SourceLocation at = location_of_offset(text, *bad);
    add_error(diagnostics, file, {at, at},
              fmt::format("invalid UTF-8 byte 0x{:02X}", static_cast<unsigned char>(text[*bad])),
              "save the scheme as UTF-8");
    return std::nullopt;
  }
  const std::size_t errors_before = diagnostics.error_count();
  const std::size_t items_before = diagnostics.items.size();
  try {
    antlr4::ANTLRInputStream input(text);
    BudgetedLexer lexer(&input, limits.max_tokens);
    lexer.removeErrorListeners();  // ERROR_CHAR makes lexing total
    antlr4::CommonTokenStream tokens(&lexer);
    TariffParser parser(&tokens);
    parser.removeErrorListeners();
    Cancelled cancelled;
    DepthGuard guard(limits.max_depth, cancelled);
    parser.addParseListener(&guard);

    // Stage 1: SLL, bail at the first error; most valid schemes end here.
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::SLL);
    parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    TariffParser::SchemeFileContext* tree = nullptr;
    try {
      tree = parser.schemeFile();
    } catch (const antlr4::ParseCancellationException&) {
      tree = nullptr;
    }
    // Stage 2: full LL with recovery and collected errors.
    if (!tree && cancelled.reason == Cancelled::none) {
      tokens.seek(0);
      parser.reset();
      guard.reset();
      DiagnosticListener listener(file, diagnostics, limits.max_errors, cancelled);
      parser.addErrorListener(&listener);
      parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
      parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
          antlr4::atn::PredictionMode::LL);
      try {
        tree = parser.schemeFile();
      } catch (const antlr4::ParseCancellationException&) {
        tree = nullptr;
      }
      parser.removeErrorListeners();
    }
    if (lexer.exhausted()) {
      diagnostics.items.resize(items_before);  // errors caused by the cut are noise
      const auto line = static_cast<std::uint32_t>(lexer.last_line());
      add_error(diagnostics, file, {{line, 1}, {line, 1}},
                fmt::format("the scheme has more than {} tokens", limits.max_tokens),
                "split it into several schemes");
      return std::nullopt;
    }
    if (cancelled.reason == Cancelled::too_deep) {
      add_error(diagnostics, file, range_of(guard.deepest()),
                fmt::format("nesting is deeper than {} levels", limits.max_depth),
                "split the expression into named meters or simpler parts");
      return std::nullopt;
    }
    if (cancelled.reason == Cancelled::too_many_errors) {
      add_error(diagnostics, file, {}, "too many syntax errors; stopped reading this file",
                "fix the first errors and run again");
      return std::nullopt;
    }
    if (!tree || diagnostics.error_count() > errors_before) return std::nullopt;
    AstBuilder builder(file, diagnostics, limits.max_depth, &tokens);
    ast::Scheme scheme = builder.build(tree);
    if (diagnostics.error_count() > errors_before) return std::nullopt;
    return scheme;
  } catch (const std::exception& e) {
    add_error(diagnostics, file, {}, fmt::format("internal parser failure: {}", e.what()),
              "please report this scheme as a bug");
  } catch (...) {
    add_error(diagnostics, file, {}, "internal parser failure", "please report this scheme as a bug");
  }
  return std::nullopt;
}

}  // namespace tariff::front
