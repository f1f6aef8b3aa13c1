// Parse tree -> AST: one function per grammar rule, switching on the
// labelled alternative's context type. Literals become exact decimals here.
#include "front/ast_builder.h"

#include <fmt/format.h>

#include "TariffLexer.h"
#include "support/utf8.h"

namespace tariff::front {

using P = grammar::TariffParser;

SourceRange range_of(antlr4::Token* token) {
  SourceRange r;
  if (!token) return r;
  r.begin.line = static_cast<std::uint32_t>(token->getLine());
  r.begin.column = static_cast<std::uint32_t>(token->getCharPositionInLine() + 1);
  const std::size_t width = token->getType() == antlr4::Token::EOF
                                ? 1
                                : std::max<std::size_t>(code_point_count(token->getText()), 1);
  r.end.line = r.begin.line;
  r.end.column = r.begin.column + static_cast<std::uint32_t>(width - 1);
  return r;
}

SourceRange range_of(antlr4::ParserRuleContext* ctx) {
  SourceRange r = range_of(ctx->getStart());
  const SourceRange stop = range_of(ctx->getStop());
  if (stop.begin.line != 0 && (stop.end.line > r.begin.line ||
                               (stop.end.line == r.begin.line && stop.end.column >= r.begin.column)))
    r.end = stop.end;
  return r;
}

namespace {

std::string unquote(const std::string& token) {
  std::string out;
  for (std::size_t i = 1; i + 1 < token.size(); ++i) {
    char c = token[i];
    if (c == '\\' && i + 2 < token.size()) {
      const char next = token[++i];
      c = next == 'n' ? '\n' : next == 't' ? '\t' : next;
    }
    out += c;
  }
  return out;
}

}  // namespace

void AstBuilder::error(SourceRange range, std::string message, std::string hint) {
  diagnostics_.items.push_back(
      Diagnostic{Severity::error, range, std::move(message), std::move(hint), file_});
}

ast::Named AstBuilder::named(antlr4::Token* token, std::string text) {
  return ast::Named{std::move(text), range_of(token)};
}

ast::Scheme AstBuilder::build(P::SchemeFileContext* tree) {
  ast::Scheme scheme;
  scheme.file = file_;
  if (auto* header = tree->schemeHeader()) {
    scheme.name = named(header->name, unquote(header->name->getText()));
    scheme.version = named(header->version, unquote(header->version->getText()));
  }
  for (auto* decl : tree->declaration()) declaration(decl, scheme);
  return scheme;
}

void AstBuilder::declaration(P::DeclarationContext* ctx, ast::Scheme& scheme) {
  if (auto* import = dynamic_cast<P::ImportDeclContext*>(ctx)) {
    scheme.imports.push_back(named(import->module, unquote(import->module->getText())));
  } else if (auto* c = dynamic_cast<P::CurrencyDeclContext*>(ctx)) {
    if (scheme.currency)
      error(range_of(c), "the currency is declared twice",
            "a scheme bills in one currency; keep one `currency` line");
    scheme.currency = named(c->code, c->code->getText());
  } else if (auto* r = dynamic_cast<P::RoundingDeclContext*>(ctx)) {
    if (scheme.rounding_mode)
      error(range_of(r), "rounding is declared twice", "keep one `rounding` line");
    scheme.rounding_mode = named(r->roundingMode, r->roundingMode->getText());
    if (r->stage) scheme.rounding_stage = named(r->stage, r->stage->getText());
  } else if (auto* period = dynamic_cast<P::PeriodDeclContext*>(ctx)) {
    if (scheme.period_calendar)
      error(range_of(period), "the period is declared twice", "keep one `period` line");
    scheme.period_calendar = named(period->calendar, period->calendar->getText());
    scheme.period_unit = named(period->unit, period->unit->getText());
    if (period->zone) scheme.period_zone = named(period->zone, period->zone->getText());
    if (period->zoneText)
      scheme.period_zone = named(period->zoneText, unquote(period->zoneText->getText()));
    for (auto* option : period->periodOption()) {
      if (auto* settle = dynamic_cast<P::PeriodSettleContext*>(option)) {
        if (scheme.settle_word) error(range_of(option), "the settlement is given twice", "keep one `settle …`");
        scheme.settle_word = named(settle->word, settle->word->getText());
        scheme.settlement = named(settle->value, settle->value->getText());
      } else if (auto* month = dynamic_cast<P::PeriodMonthDaysContext*>(option)) {
        if (scheme.month_days) error(range_of(option), "the length of a month is given twice");
        scheme.month_days = ast::Scheme::MonthDays{named(month->word, month->word->getText()),
                                                   number(month->days).value_or(Decimal()),
                                                   named(month->unit, month->unit->getText()), range_of(option)};
      }
    }
  } else if (auto* u = dynamic_cast<P::UsageDeclContext*>(ctx)) {
    if (scheme.has_usage)
      error(range_of(u->USAGE()->getSymbol()), "the usage block is declared twice",
            "declare every column in one `usage { ... }` block");
    scheme.has_usage = true;
    scheme.usage_range = range_of(u->USAGE()->getSymbol());
    for (auto* col : u->column()) scheme.columns.push_back(column(col));
  } else if (auto* m = dynamic_cast<P::MeterDeclContext*>(ctx)) {
    scheme.meters.push_back(meter(m));
  } else if (auto* cls = dynamic_cast<P::ClassDeclContext*>(ctx)) {
    ast::ClassDecl decl;
    decl.name = named(cls->name, cls->name->getText());
    decl.input = named(cls->input, cls->input->getText());
    decl.range = range_of(cls);
    for (auto* band : cls->band()) {
      ast::Band b;
      b.name = named(band->name, band->name->getText());
      b.range = range_of(band);
      if (band->bound) b.bound = number(band->bound);
      if (band->bound && !b.bound) continue;  // reported by number()
      decl.bands.push_back(std::move(b));
    }
    scheme.classes.push_back(std::move(decl));
  } else if (auto* allowance = dynamic_cast<P::AllowanceDeclContext*>(ctx)) {
    ast::Allowance a;
    a.name = named(allowance->name, allowance->name->getText());
    a.amount = number(allowance->amount).value_or(Decimal());
    a.period = named(allowance->renewal, allowance->renewal->getText());
    a.range = range_of(allowance);
    for (auto* d : allowance->draw()) a.draws.push_back(draw(d));
    scheme.allowances.push_back(std::move(a));
  } else if (auto* ch = dynamic_cast<P::ChargeDeclContext*>(ctx)) {
    scheme.charges.push_back(charge(ch->name, ch->chargeBody()));
    scheme.charges.back().doc = doc_comment(ch->getStart());
  } else if (auto* plan_decl = dynamic_cast<P::PlanDeclContext*>(ctx)) {
    plan(plan_decl, scheme);
  } else if (auto* package_decl = dynamic_cast<P::PackageDeclContext*>(ctx)) {
    package(package_decl, scheme);
  } else if (auto* adj = dynamic_cast<P::AdjustmentDeclContext*>(ctx)) {
    ast::Adjustment a;
    a.kind_name = named(adj->kind, adj->kind->getText());
    if (adj->label) a.label = named(adj->label, unquote(adj->label->getText()));
    if (adj->amount) {
      a.amount = signed_number(adj->amount).value_or(Decimal());
      a.percent = adj->amount->PERCENT() != nullptr;
      a.amount_range = range_of(adj->amount);
    }
    for (auto* charge_name : adj->charges) a.charges.push_back(named(charge_name, unquote(charge_name->getText())));
    a.included = adj->INCLUDED() != nullptr;
    a.range = range_of(adj);
    scheme.adjustments.push_back(std::move(a));
  } else if (auto* credit = dynamic_cast<P::CreditDeclContext*>(ctx)) {
    ast::Credit out;
    out.name = named(credit->name, unquote(credit->name->getText()));
    out.rule = ast::Named{credit->creditRule->getText(), range_of(credit->creditRule)};
    out.meter = meter_ref(credit->meterRef());
    for (auto* charge_name : credit->charges) out.charges.push_back(named(charge_name, unquote(charge_name->getText())));
    out.params = plugin_params(credit->pluginParams());
    out.rows = plugin_rows(credit->pluginRow());
    if (credit->schedule) out.schedule = named(credit->schedule, credit->schedule->getText());
    out.range = range_of(credit);
    scheme.credits.push_back(std::move(out));
  } else if (auto* schedule = dynamic_cast<P::ScheduleDeclContext*>(ctx)) {
    scheme.schedules.push_back(ast::Schedule{named(schedule->name, schedule->name->getText()),
                                             plugin_rows(schedule->pluginRow()), range_of(schedule)});
  } else if (auto* test = dynamic_cast<P::TestDeclContext*>(ctx)) {
    scheme.tests.push_back(test_case(test));
  }
}

std::vector<std::pair<ast::Named, Decimal>> AstBuilder::plugin_params(P::PluginParamsContext* ctx) {
  std::vector<std::pair<ast::Named, Decimal>> out;
  if (!ctx) return out;
  for (auto* param : ctx->pluginParam())
    out.emplace_back(named(param->name, param->name->getText()),
                     signed_number(param->signedNumber()).value_or(Decimal()));
  return out;
}

std::vector<std::vector<Decimal>> AstBuilder::plugin_rows(const std::vector<P::PluginRowContext*>& rows) {
  std::vector<std::vector<Decimal>> out;
  for (auto* row : rows) {
    std::vector<Decimal> cells;
    for (auto* cell : row->signedNumber()) cells.push_back(signed_number(cell).value_or(Decimal()));
    out.push_back(std::move(cells));
  }
  return out;
}

void AstBuilder::block_rule(P::BlockRuleContext* ctx, ast::Charge& charge) {
  if (!ctx) return;
  charge.block_which = named(ctx->which, ctx->which->getText());
  charge.block_unit = named(ctx->unit, ctx->unit->getText());
}

ast::TestRecord AstBuilder::test_record(antlr4::ParserRuleContext* ctx, const std::vector<P::TestFieldContext*>& fields) {
  ast::TestRecord r;
  r.range = range_of(ctx);
  for (auto* field : fields) {
    ast::TestField f;
    f.column = named(field->name, field->name->getText());
    if (field->text) {
      f.text = unquote(field->text->getText());
      f.value_range = range_of(field->text);
    } else {
      f.number = signed_number(field->number);
      f.text = f.number ? f.number->to_string() : field->number->getText();
      f.value_range = range_of(field->number);
    }
    r.fields.push_back(std::move(f));
  }
  return r;
}

ast::TestCase AstBuilder::test_case(P::TestDeclContext* ctx) {
  ast::TestCase t;
  t.name = named(ctx->name, unquote(ctx->name->getText()));
  t.range = range_of(ctx);
  for (auto* item : ctx->testItem()) {
    if (auto* record = dynamic_cast<P::TestRecordContext*>(item)) {
      t.records.push_back(test_record(record, record->testField()));
    } else if (auto* account = dynamic_cast<P::TestAccountContext*>(item)) {
      t.accounts.emplace_back(named(account->word, account->word->getText()),
                              test_record(account, account->testField()));
    } else if (auto* period = dynamic_cast<P::TestPeriodContext*>(item)) {
      t.period = named(period->label, unquote(period->label->getText()));
    } else if (auto* meter = dynamic_cast<P::TestMeterContext*>(item)) {
      t.meters.emplace_back(meter_ref(meter->meterRef()), signed_number(meter->value).value_or(Decimal()));
    } else if (auto* expect = dynamic_cast<P::TestExpectContext*>(item)) {
      ast::TestExpectation e;
      if (expect->line) e.line = named(expect->line, unquote(expect->line->getText()));
      if (expect->total) e.total_word = named(expect->total, expect->total->getText());
      e.amount = signed_number(expect->value).value_or(Decimal());
      e.range = range_of(expect);
      t.expectations.push_back(std::move(e));
    }
  }
  return t;
}

ast::Column AstBuilder::column(P::ColumnContext* ctx) {
  ast::Column c;
  c.name = ctx->name->getText();
  c.range = range_of(ctx->name);
  c.type_name = ctx->type->getText();
  c.type_range = range_of(ctx->type);
  c.optional = ctx->OPTIONAL() != nullptr;
  if (auto* lit = ctx->literal()) c.default_value = literal(lit);
  if (ctx->oneWord) c.one_word = named(ctx->oneWord, ctx->oneWord->getText());
  for (auto* value : ctx->values) c.one_of.push_back(named(value, unquote(value->getText())));
  return c;
}

ast::Meter AstBuilder::meter(P::MeterDeclContext* ctx) {
  ast::Meter m;
  m.name = ctx->name->getText();
  m.range = range_of(ctx->name);
  m.body = meter_body(ctx->meterBody());
  return m;
}

ast::MeterBody AstBuilder::meter_body(P::MeterBodyContext* ctx) {
  ast::MeterBody body;
  if (auto* windowed = dynamic_cast<P::WindowedMeterContext*>(ctx)) {
    body.aggregate = windowed->aggregate->getText();
    body.aggregate_range = range_of(windowed->aggregate);
    body.window = named(windowed->window, windowed->window->getText());
    body.inner = std::make_unique<ast::MeterBody>(meter_body(windowed->inner));
    if (windowed->conversion()) body.conversion = conversion(windowed->conversion());
  } else if (auto* simple = dynamic_cast<P::SimpleMeterContext*>(ctx)) {
    if (simple->groupClass) body.group_class = named(simple->groupClass, simple->groupClass->getText());
    body.aggregate = simple->aggregate->getText();
    body.aggregate_range = range_of(simple->aggregate);
    for (auto* e : simple->expr()) {
      if (e == simple->filter)
        body.filter = expr(e);
      else
        body.argument = expr(e);
    }
    if (simple->conversion()) body.conversion = conversion(simple->conversion());
  }
  return body;
}

ast::Conversion AstBuilder::conversion(P::ConversionContext* ctx) {
  ast::Conversion c;
  c.range = range_of(ctx);
  c.from = named(ctx->from, ctx->from->getText());
  c.to = named(ctx->to, ctx->to->getText());
  if (ctx->direction) c.direction = named(ctx->direction, ctx->direction->getText());
  if (ctx->stage) c.stage = named(ctx->stage, ctx->stage->getText());
  return c;
}

namespace {

// The invoice line a plan's fee or seats, or a package's purchases, bill.
ast::Charge subscription_line(const ast::Named& owner, std::string name, ast::SubscriptionPart part) {
  ast::Charge c;
  c.name = std::move(name);
  c.range = owner.range;
  c.kind = ast::ChargeKind::subscription;
  c.plan = owner;
  c.part = part;
  return c;
}

}  // namespace

void AstBuilder::plan(P::PlanDeclContext* ctx, ast::Scheme& scheme) {
  ast::Plan p;
  p.kind = ctx->plan->getType() == P::EDITION ? ast::PlanKind::edition : ast::PlanKind::module;
  p.name = named(ctx->name, ctx->name->getText());
  p.range = range_of(ctx);
  const char* kind_word = p.kind == ast::PlanKind::edition ? "edition" : "module";
  bool fee = false;
  bool seats = false;
  std::vector<ast::Charge> charges;
  for (auto* item : ctx->planItem()) {
    if (auto* c = dynamic_cast<P::PlanChargeContext*>(item)) {
      ast::Charge gated = charge(c->name, c->chargeBody());
      gated.plan = p.name;
      gated.doc = doc_comment(c->getStart());
      charges.push_back(std::move(gated));
    } else if (auto* price = dynamic_cast<P::PlanFeeContext*>(item)) {
      ast::PlanPrice pp{named(price->word, price->word->getText()),
                        number(price->price).value_or(Decimal()),
                        named(price->cycle, price->cycle->getText()), range_of(price)};
      fee = fee || pp.word.text == "fee";
      seats = seats || pp.word.text == "seat";
      p.prices.push_back(std::move(pp));
    } else if (auto* amount = dynamic_cast<P::PlanAmountContext*>(item)) {
      p.amounts.push_back(ast::PlanAmount{named(amount->word, amount->word->getText()),
                                          named(amount->target, amount->target->getText()),
                                          signed_number(amount->amount).value_or(Decimal()),
                                          range_of(amount->amount), range_of(amount)});
    } else if (auto* word = dynamic_cast<P::PlanSwitchContext*>(item)) {
      p.switches.push_back(ast::Named{word->word->getText() + " " + word->unit->getText(), range_of(word)});
    }
  }
  // The plan's own lines come first, then the charges it enables; the
  // plan's doc comment describes its fee and seat lines.
  const std::string doc = doc_comment(ctx->getStart());
  if (fee) {
    scheme.charges.push_back(subscription_line(p.name, fmt::format("{} {}", p.name.text, kind_word),
                                               ast::SubscriptionPart::fee));
    scheme.charges.back().doc = doc;
  }
  if (seats) {
    scheme.charges.push_back(
        subscription_line(p.name, fmt::format("{} seats", p.name.text), ast::SubscriptionPart::seats));
    scheme.charges.back().doc = doc;
  }
  for (auto& c : charges) scheme.charges.push_back(std::move(c));
  scheme.plans.push_back(std::move(p));
}

void AstBuilder::package(P::PackageDeclContext* ctx, ast::Scheme& scheme) {
  ast::Allowance a;
  a.name = named(ctx->name, ctx->name->getText());
  a.amount = number(ctx->amount).value_or(Decimal());
  a.range = range_of(ctx);
  ast::PackageTerms terms;
  terms.for_word = named(ctx->forWord, ctx->forWord->getText());
  terms.price = number(ctx->price).value_or(Decimal());
  terms.price_range = range_of(ctx->price);
  terms.valid_word = named(ctx->validWord, ctx->validWord->getText());
  terms.validity = number(ctx->validity).value_or(Decimal());
  terms.validity_range = range_of(ctx->validity);
  terms.validity_unit = named(ctx->validUnit, ctx->validUnit->getText());
  a.package = std::move(terms);
  for (auto* draw : ctx->draw()) a.draws.push_back(this->draw(draw));
  scheme.charges.push_back(
      subscription_line(a.name, fmt::format("{} package", a.name.text), ast::SubscriptionPart::package));
  scheme.charges.back().doc = doc_comment(ctx->getStart());
  scheme.allowances.push_back(std::move(a));
}

ast::Charge AstBuilder::charge(antlr4::Token* name, P::ChargeBodyContext* body) {
  ast::Charge c;
  c.name = unquote(name->getText());
  c.range = range_of(name);
  if (auto* flat = dynamic_cast<P::FlatChargeContext*>(body)) {
    c.kind = ast::ChargeKind::flat;
    c.amount = expr(flat->amount);
  } else if (auto* unit = dynamic_cast<P::PerUnitChargeContext*>(body)) {
    c.kind = ast::ChargeKind::per_unit;
    const ast::Named ref = meter_ref(unit->meterRef());
    c.meter = ref.text;
    c.meter_range = ref.range;
    c.after = allowances(unit->allowances());
    c.price = expr(unit->price);
    if (unit->unit) c.unit = expr(unit->unit);
  } else if (auto* tiered = dynamic_cast<P::TieredChargeContext*>(body)) {
    c.kind = tiered->model->getType() == P::GRADUATED ? ast::ChargeKind::graduated
             : tiered->model->getType() == P::VOLUME  ? ast::ChargeKind::volume
                                                      : ast::ChargeKind::band;
    const ast::Named ref = meter_ref(tiered->meterRef());
    c.meter = ref.text;
    c.meter_range = ref.range;
    c.after = allowances(tiered->allowances());
    c.tiers_range = range_of(tiered);
    for (auto* row : tiered->tier()) c.tiers.push_back(tier(row));
    block_rule(tiered->blockRule(), c);
    if (auto* used = tiered->usedRule()) c.if_used = named(used->word, used->word->getText());
    if (tiered->window) c.per_window = named(tiered->window, tiered->window->getText());
    if (tiered->prorate) c.prorated = named(tiered->prorate, tiered->prorate->getText());
  } else if (auto* percentage = dynamic_cast<P::PercentageChargeContext*>(body)) {
    c.kind = ast::ChargeKind::percentage;
    if (auto rate = number(percentage->rate)) {
      if (auto fraction = Decimal::from_parts(rate->mantissa(), rate->scale() + 2))
        c.rate = *fraction;
      else
        error(range_of(percentage->rate), "this percentage has more than 16 decimal places");
    }
    c.value = expr(percentage->value);
    if (percentage->filter) c.filter = expr(percentage->filter);
    for (auto* option : percentage->percentOption())
      (option->FREE() ? c.free_terms : c.percent_options)
          .emplace_back(named(option->word, option->word->getText()), number(option->amount).value_or(Decimal()));
  } else if (auto* blocks = dynamic_cast<P::BlocksChargeContext*>(body)) {
    c.kind = ast::ChargeKind::blocks;
    const ast::Named ref = meter_ref(blocks->meterRef());
    c.meter = ref.text;
    c.meter_range = ref.range;
    c.after = allowances(blocks->allowances());
    c.tiers_range = range_of(blocks);
    ast::Tier row;
    row.range = range_of(blocks);
    row.price_range = range_of(blocks->price);
    row.bound = ast::TierBound::above;
    row.price = number(blocks->price);
    row.unit = number(blocks->size);
    c.tiers.push_back(std::move(row));
    block_rule(blocks->blockRule(), c);
  } else if (auto* plugin = dynamic_cast<P::PluginChargeContext*>(body)) {
    c.kind = ast::ChargeKind::plugin;
    c.plugin_kind = ast::Named{plugin->kind->getText(), range_of(plugin->kind)};
    for (auto* ref : plugin->meterRef()) c.plugin_meters.push_back(meter_ref(ref));
    c.meter = c.plugin_meters.front().text;
    c.meter_range = c.plugin_meters.front().range;
    c.plugin_params = plugin_params(plugin->pluginParams());
    c.plugin_rows = plugin_rows(plugin->pluginRow());
  }
  return c;
}

std::optional<Decimal> AstBuilder::signed_number(P::SignedNumberContext* ctx) {
  auto value = number(ctx->NUMBER()->getSymbol());
  if (!value) return std::nullopt;
  if (ctx->PERCENT()) {
    auto fraction = Decimal::from_parts(value->mantissa(), value->scale() + 2);
    if (!fraction) {
      error(range_of(ctx), "this percentage has more than 16 decimal places");
      return std::nullopt;
    }
    value = *fraction;
  }
  return ctx->MINUS() ? value->negated() : *value;
}

// `## ...` lines right above a declaration, at its indentation, joined by
// spaces; a `##` comment elsewhere (at the end of a line) documents
// nothing.
std::string AstBuilder::doc_comment(antlr4::Token* start) {
  if (!tokens_ || !start) return {};
  std::string doc;
  for (antlr4::Token* token : tokens_->getHiddenTokensToLeft(start->getTokenIndex())) {
    const std::string text = token->getText();
    if (token->getType() != grammar::TariffLexer::COMMENT || text.rfind("##", 0) != 0 ||
        token->getCharPositionInLine() != start->getCharPositionInLine())
      continue;
    const std::size_t begin = text.find_first_not_of("# \t");
    if (begin == std::string::npos) continue;
    const std::size_t end = text.find_last_not_of(" \t\r");
    if (!doc.empty()) doc += ' ';
    doc += text.substr(begin, end + 1 - begin);
  }
  return doc;
}

ast::Draw AstBuilder::draw(P::DrawContext* ctx) {
  ast::Draw d;
  d.meter = meter_ref(ctx->meterRef());
  d.range = range_of(ctx);
  if (ctx->ratio) d.ratio = number(ctx->ratio).value_or(Decimal::from_int(1));
  return d;
}

ast::Named AstBuilder::meter_ref(P::MeterRefContext* ctx) {
  std::string text = ctx->name->getText();
  if (ctx->key) text += "[" + ctx->key->getText() + "]";
  return ast::Named{text, range_of(ctx)};
}

std::vector<ast::Named> AstBuilder::allowances(P::AllowancesContext* ctx) {
  std::vector<ast::Named> out;
  if (!ctx) return out;
  for (auto* name : ctx->IDENT()) out.push_back(named(name->getSymbol(), name->getText()));
  return out;
}

std::optional<Decimal> AstBuilder::number(antlr4::Token* token) {
  if (!token) return std::nullopt;
  std::string digits;
  for (char ch : token->getText())
    if (ch != '_') digits += ch;
  auto value = Decimal::parse(digits);
  if (!value) {
    error(range_of(token), fmt::format("this number cannot be used: {}", describe(value.error())),
          "amounts and quantities hold at most 38 significant digits and 18 decimal places");
    return std::nullopt;
  }
  return *value;
}

ast::Tier AstBuilder::tier(P::TierContext* ctx) {
  ast::Tier t;
  t.range = range_of(ctx);
  auto* bound = ctx->tierBound();
  if (auto* first = dynamic_cast<P::FirstBoundContext*>(bound)) {
    t.bound = ast::TierBound::first;
    t.limit = number(first->width).value_or(Decimal());
  } else if (auto* next = dynamic_cast<P::NextBoundContext*>(bound)) {
    t.bound = ast::TierBound::next;
    t.limit = number(next->width).value_or(Decimal());
  } else if (auto* up = dynamic_cast<P::UpToBoundContext*>(bound)) {
    t.bound = ast::TierBound::up_to;
    t.limit = number(up->limit).value_or(Decimal());
  } else {
    t.bound = ast::TierBound::above;
  }
  // An empty price (a bound and nothing after it) is reported at the row.
  t.price_range = ctx->tierPrice()->children.empty() ? t.range : range_of(ctx->tierPrice());
  if (dynamic_cast<P::FreePriceContext*>(ctx->tierPrice())) {
    t.free = true;
  } else if (auto* paid = dynamic_cast<P::PaidPriceContext*>(ctx->tierPrice())) {
    t.price = number(paid->price);
    t.unit = number(paid->unit);
    t.fee = number(paid->fee);
  }
  return t;
}

ast::ExprPtr AstBuilder::expr(P::ExprContext* ctx) {
  auto node = std::make_unique<ast::Expr>();
  node->range = range_of(ctx);
  if (depth_ >= max_depth_) {
    if (!too_deep_)
      error(node->range, fmt::format("nesting is deeper than {} levels", max_depth_),
            "split the expression into named meters or simpler parts");
    too_deep_ = true;
    return node;  // a number 0; the scheme is refused anyway
  }
  struct Deeper {
    std::size_t& depth;
    explicit Deeper(std::size_t& d) : depth(d) { ++depth; }
    ~Deeper() { --depth; }
  } deeper(depth_);
  auto binary = [&](ast::BinaryOp op, P::ExprContext* lhs, P::ExprContext* rhs) {
    node->kind = ast::ExprKind::binary;
    node->op = op;
    node->operands.push_back(expr(lhs));
    node->operands.push_back(expr(rhs));
  };
  if (auto* paren = dynamic_cast<P::ParenExprContext*>(ctx)) {
    auto inner = expr(paren->expr());
    inner->range = node->range;
    return inner;
  }
  if (auto* call = dynamic_cast<P::CallExprContext*>(ctx)) {
    node->kind = ast::ExprKind::call;
    node->text = call->callee->getText();
    for (auto* arg : call->expr()) node->operands.push_back(expr(arg));
  } else if (auto* neg = dynamic_cast<P::NegateExprContext*>(ctx)) {
    node->kind = ast::ExprKind::negate;
    node->operands.push_back(expr(neg->expr()));
  } else if (auto* mul = dynamic_cast<P::MulExprContext*>(ctx)) {
    binary(mul->op->getType() == P::STAR ? ast::BinaryOp::multiply : ast::BinaryOp::divide,
           mul->expr(0), mul->expr(1));
  } else if (auto* add = dynamic_cast<P::AddExprContext*>(ctx)) {
    binary(add->op->getType() == P::PLUS ? ast::BinaryOp::add : ast::BinaryOp::subtract,
           add->expr(0), add->expr(1));
  } else if (auto* cmp = dynamic_cast<P::CompareExprContext*>(ctx)) {
    ast::BinaryOp op = ast::BinaryOp::eq;
    switch (cmp->op->getType()) {
      case P::NE: op = ast::BinaryOp::ne; break;
      case P::LT: op = ast::BinaryOp::lt; break;
      case P::LE: op = ast::BinaryOp::le; break;
      case P::GT: op = ast::BinaryOp::gt; break;
      case P::GE: op = ast::BinaryOp::ge; break;
      default: break;
    }
    binary(op, cmp->expr(0), cmp->expr(1));
  } else if (auto* notExpr = dynamic_cast<P::NotExprContext*>(ctx)) {
    node->kind = ast::ExprKind::logical_not;
    node->operands.push_back(expr(notExpr->expr()));
  } else if (auto* andExpr = dynamic_cast<P::AndExprContext*>(ctx)) {
    binary(ast::BinaryOp::logical_and, andExpr->expr(0), andExpr->expr(1));
  } else if (auto* orExpr = dynamic_cast<P::OrExprContext*>(ctx)) {
    binary(ast::BinaryOp::logical_or, orExpr->expr(0), orExpr->expr(1));
  } else if (auto* ifExpr = dynamic_cast<P::IfExprContext*>(ctx)) {
    node->kind = ast::ExprKind::conditional;
    for (auto* part : ifExpr->expr()) node->operands.push_back(expr(part));
  } else if (auto* lit = dynamic_cast<P::LiteralExprContext*>(ctx)) {
    return literal(lit->literal());
  } else if (auto* name = dynamic_cast<P::NameExprContext*>(ctx)) {
    node->kind = ast::ExprKind::name;
    node->text = name->IDENT()->getText();
  }
  return node;
}

ast::ExprPtr AstBuilder::literal(P::LiteralContext* ctx) {
  auto node = std::make_unique<ast::Expr>();
  node->range = range_of(ctx);
  if (auto* num = dynamic_cast<P::NumberLiteralContext*>(ctx)) {
    node->kind = ast::ExprKind::number;
    std::string digits;
    for (char c : num->NUMBER()->getText())
      if (c != '_') digits += c;
    auto value = Decimal::parse(digits);
    if (!value) {
      error(node->range, fmt::format("this number cannot be used: {}", describe(value.error())),
            "amounts and quantities hold at most 38 significant digits and 18 decimal places");
      return node;
    }
    node->number = *value;
    if (num->PERCENT()) {
      // 15% is 0.15 exactly: dividing by 100 only moves the decimal point.
      auto fraction = Decimal::from_parts(value->mantissa(), value->scale() + 2);
      if (!fraction) {
        error(node->range, "this percentage has more than 16 decimal places");
        return node;
      }
      node->number = *fraction;
    }
  } else if (auto* str = dynamic_cast<P::StringLiteralContext*>(ctx)) {
    node->kind = ast::ExprKind::string;
    node->text = unquote(str->STRING()->getText());
  } else if (auto* boolean = dynamic_cast<P::BoolLiteralContext*>(ctx)) {
    node->kind = ast::ExprKind::boolean;
    node->boolean = boolean->TRUE() != nullptr;
  }
  return node;
}

}  // namespace tariff::front
