// Parse tree -> AST. Private to the front end: it includes the generated
// parser.
#pragma once

#include <memory>

#include "TariffParser.h"
#include "front/ast.h"
#include "tariff/diagnostic.h"

namespace tariff::front {

class AstBuilder {
 public:
  // `tokens`, when given, is where doc comments (`## ...`) are read from.
  AstBuilder(std::shared_ptr<const SourceFile> file, Diagnostics& diagnostics, std::size_t max_depth,
             antlr4::BufferedTokenStream* tokens = nullptr)
      : file_(std::move(file)), diagnostics_(diagnostics), max_depth_(max_depth), tokens_(tokens) {}

  ast::Scheme build(grammar::TariffParser::SchemeFileContext* tree);

 private:
  void declaration(grammar::TariffParser::DeclarationContext* ctx, ast::Scheme& scheme);
  // `with name = value, ...` and `{ (v, v) ... }` of a plugin's kind or rule.
  std::vector<std::pair<ast::Named, Decimal>> plugin_params(grammar::TariffParser::PluginParamsContext* ctx);
  std::vector<std::vector<Decimal>> plugin_rows(const std::vector<grammar::TariffParser::PluginRowContext*>& rows);
  void block_rule(grammar::TariffParser::BlockRuleContext* ctx, ast::Charge& charge);
  ast::TestCase test_case(grammar::TariffParser::TestDeclContext* ctx);
  ast::Column column(grammar::TariffParser::ColumnContext* ctx);
  ast::Meter meter(grammar::TariffParser::MeterDeclContext* ctx);
  ast::MeterBody meter_body(grammar::TariffParser::MeterBodyContext* ctx);
  ast::Conversion conversion(grammar::TariffParser::ConversionContext* ctx);
  ast::Charge charge(antlr4::Token* name, grammar::TariffParser::ChargeBodyContext* body);
  void plan(grammar::TariffParser::PlanDeclContext* ctx, ast::Scheme& scheme);
  void package(grammar::TariffParser::PackageDeclContext* ctx, ast::Scheme& scheme);
  ast::Draw draw(grammar::TariffParser::DrawContext* ctx);
  ast::TestRecord test_record(antlr4::ParserRuleContext* ctx,
                              const std::vector<grammar::TariffParser::TestFieldContext*>& fields);
  ast::Named meter_ref(grammar::TariffParser::MeterRefContext* ctx);
  std::vector<ast::Named> allowances(grammar::TariffParser::AllowancesContext* ctx);
  std::optional<Decimal> signed_number(grammar::TariffParser::SignedNumberContext* ctx);
  ast::Tier tier(grammar::TariffParser::TierContext* ctx);
  std::optional<Decimal> number(antlr4::Token* token);
  ast::ExprPtr expr(grammar::TariffParser::ExprContext* ctx);
  ast::ExprPtr literal(grammar::TariffParser::LiteralContext* ctx);
  ast::Named named(antlr4::Token* token, std::string text);
  void error(SourceRange range, std::string message, std::string hint = {});
  std::string doc_comment(antlr4::Token* start);

  std::shared_ptr<const SourceFile> file_;
  Diagnostics& diagnostics_;
  // ANTLR parses a chain of one operator (1+1+1...) in a loop, so its
  // depth guard never sees it, yet the tree is as deep as the chain: the
  // builder bounds the depth itself, which also bounds every later
  // recursive pass (checker, compiler, destructors).
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
  antlr4::BufferedTokenStream* tokens_;
};

// Where a token or a rule sits in the source, columns in code points.
SourceRange range_of(antlr4::Token* token);
SourceRange range_of(antlr4::ParserRuleContext* ctx);

}  // namespace tariff::front
