// The library behind `tariff compare` and `tariff plot`: compare_invoices,
// what_if, tier_boundaries, price_curve (also through a plugin's tier
// kind) and the SVG writer (checked as XML by a small parser here), and the
// progress hook of Rater::add_usage.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "tariff/tariff.h"

namespace {

using tariff::Decimal;

Decimal dec(const char* text) { return *Decimal::parse(text); }

// ---- compare_invoices and what_if over invoices built by hand ------------

tariff::Invoice invoice(std::string scheme, std::string currency,
                        std::vector<std::pair<std::string, const char*>> totals, const char* total) {
  tariff::Invoice result;
  result.scheme = std::move(scheme);
  result.version = "1";
  result.currency = std::move(currency);
  result.minor_digits = 2;
  for (auto& [account, amount] : totals) {
    tariff::AccountInvoice one;
    one.account = account;
    one.total = dec(amount);
    result.accounts.push_back(std::move(one));
  }
  result.total = dec(total);
  return result;
}

TEST(CompareInvoices, CheapestPerAccountAndTotalFirstNamedOnTies) {
  // a: A 10.00, B 12.50, C 10.00 -> A (tie with C, named first)
  // b: A 30.00, B 20.00, C not billed (0.00) -> C
  // total: A 40.00, B 32.50, C 10.00 -> C; differences 30.00, 22.50, 0.00
  const std::vector<tariff::Invoice> invoices{
      invoice("A", "USD", {{"a", "10.00"}, {"b", "30.00"}}, "40.00"),
      invoice("B", "USD", {{"b", "20.00"}, {"a", "12.50"}}, "32.50"),
      invoice("C", "USD", {{"a", "10"}}, "10.00"),
  };
  auto comparison = tariff::compare_invoices(invoices);
  ASSERT_TRUE(comparison) << comparison.error().message;
  EXPECT_EQ(comparison->currency, "USD");
  ASSERT_EQ(comparison->accounts.size(), 2u);
  const auto& a = comparison->accounts[0];
  EXPECT_EQ(a.account, "a");
  EXPECT_EQ(a.cheapest, 0u);
  EXPECT_EQ(a.costs[1].difference.to_string(), "2.50");
  EXPECT_EQ(a.costs[2].amount.to_string(), "10.00");  // at the currency's minor digits
  EXPECT_EQ(a.costs[2].difference.to_string(), "0.00");
  const auto& b = comparison->accounts[1];
  EXPECT_EQ(b.cheapest, 2u);
  EXPECT_FALSE(b.costs[2].billed);
  EXPECT_EQ(b.costs[2].amount.to_string(), "0.00");
  EXPECT_EQ(b.costs[0].difference.to_string(), "30.00");
  EXPECT_EQ(comparison->total.cheapest, 2u);
  EXPECT_EQ(comparison->total.costs[0].difference.to_string(), "30.00");
  EXPECT_EQ(comparison->total.costs[1].difference.to_string(), "22.50");
}

TEST(CompareInvoices, AccountsInByteOrder) {
  const std::vector<tariff::Invoice> invoices{
      invoice("A", "USD", {{"b", "1"}, {"Z", "1"}, {"\xc3\xa9", "1"}}, "3"),
      invoice("B", "USD", {{"a", "1"}}, "1"),
  };
  auto comparison = tariff::compare_invoices(invoices);
  ASSERT_TRUE(comparison);
  std::vector<std::string> order;
  for (const auto& row : comparison->accounts) order.push_back(row.account);
  EXPECT_EQ(order, (std::vector<std::string>{"Z", "a", "b", "\xc3\xa9"}));
}

TEST(CompareInvoices, RefusesDifferentCurrencies) {
  auto comparison = tariff::compare_invoices({invoice("A", "USD", {}, "0"), invoice("B", "EUR", {}, "0")});
  ASSERT_FALSE(comparison);
  EXPECT_EQ(comparison.error().message,
            "cannot compare amounts in different currencies: A (version 1) bills in USD, B (version "
            "1) in EUR");
  EXPECT_FALSE(tariff::compare_invoices({}));
}

TEST(WhatIf, MoreLessUnchangedAndExactPercentHalfUp) {
  // p: 80.00 -> 80.02: +0.02 / 80 = 0.025% -> 0.03 (half up, not 0.02)
  // q: 80.00 -> 79.98: -0.025% -> -0.03 (half away from zero)
  // r: 3.00 -> 4.00: +33.333..% -> 33.33
  // s: 10.00 -> 10.00 unchanged; t: not billed before -> no percent
  // u: 5.00 -> not billed: -5.00, -100.00%
  const auto before = invoice("Old", "USD",
                              {{"p", "80.00"}, {"q", "80.00"}, {"r", "3.00"}, {"s", "10.00"}, {"u", "5.00"}},
                              "178.00");
  const auto after = invoice("New", "USD",
                             {{"p", "80.02"}, {"q", "79.98"}, {"r", "4.00"}, {"s", "10.00"}, {"t", "1.50"}},
                             "175.50");
  auto result = tariff::what_if(before, after);
  ASSERT_TRUE(result) << result.error().message;
  // More, the largest increase first: t +1.50, r +1.00, p +0.02.
  ASSERT_EQ(result->more.size(), 3u);
  EXPECT_EQ(result->more[0].account, "t");
  EXPECT_FALSE(result->more[0].percent);
  EXPECT_EQ(result->more[0].before.to_string(), "0.00");
  EXPECT_EQ(result->more[1].account, "r");
  EXPECT_EQ(result->more[1].percent->to_string(), "33.33");
  EXPECT_EQ(result->more[2].account, "p");
  EXPECT_EQ(result->more[2].change.to_string(), "0.02");
  EXPECT_EQ(result->more[2].percent->to_string(), "0.03");
  // Less: u -5.00, q -0.02.
  ASSERT_EQ(result->less.size(), 2u);
  EXPECT_EQ(result->less[0].account, "u");
  EXPECT_EQ(result->less[0].percent->to_string(), "-100.00");
  EXPECT_EQ(result->less[1].account, "q");
  EXPECT_EQ(result->less[1].percent->to_string(), "-0.03");
  EXPECT_EQ(result->unchanged, 1u);
  // Total 178.00 -> 175.50: -2.50, -1.4044..% -> -1.40
  EXPECT_EQ(result->total.change.to_string(), "-2.50");
  EXPECT_EQ(result->total.percent->to_string(), "-1.40");
}

TEST(WhatIf, EqualChangesInByteOrderAndCurrencyChecked) {
  const auto before = invoice("Old", "USD", {{"b", "1.00"}, {"a", "1.00"}}, "2.00");
  const auto after = invoice("New", "USD", {{"b", "2.00"}, {"a", "2.00"}}, "4.00");
  auto result = tariff::what_if(before, after);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->more.size(), 2u);
  EXPECT_EQ(result->more[0].account, "a");
  EXPECT_EQ(result->more[1].account, "b");
  EXPECT_FALSE(tariff::what_if(before, invoice("New", "JPY", {}, "0")));
}

// ---- tier boundaries, price curves, SVG ------------------------------------

std::shared_ptr<const tariff::Program> tiers_program() {
  auto compiled = tariff::compile_file(TARIFF_CLI_TESTS "/plot/tiers.tariff");
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  return compiled.program;
}

std::vector<std::string> texts(const std::vector<Decimal>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) out.push_back(value.normalized().to_string());
  return out;
}

TEST(TierBoundaries, BoundsOfGraduatedAndVolumeCharges) {
  auto program = tiers_program();
  ASSERT_TRUE(program);
  EXPECT_EQ(texts(*tariff::tier_boundaries(*program, "MAU")),
            (std::vector<std::string>{"200", "5000", "10000"}));
  EXPECT_EQ(texts(*tariff::tier_boundaries(*program, "MAU volume")), (std::vector<std::string>{"5000"}));
  EXPECT_TRUE(tariff::tier_boundaries(*program, "Base")->empty());
  EXPECT_EQ(tariff::tier_boundaries(*program, "Nope").error().message, "unknown charge \"Nope\"");
}

TEST(PriceCurve, SamplesBoundariesExactlyWithMarginalPrices) {
  auto program = tiers_program();
  ASSERT_TRUE(program);
  auto curve = tariff::price_curve(*program, "MAU", dec("0"), dec("20000"), 40);
  ASSERT_TRUE(curve) << curve.error().message;
  EXPECT_EQ(curve->meter, "mau");
  EXPECT_EQ(texts(curve->boundaries), (std::vector<std::string>{"200", "5000", "10000"}));
  std::map<std::string, std::string> amount;
  for (const auto& point : curve->points) amount[point.quantity.normalized().to_string()] = point.amount.to_string();
  // Worked out in plot/tiers.tariff.
  EXPECT_EQ(amount.at("200"), "0.00");
  EXPECT_EQ(amount.at("5000"), "240.00");
  EXPECT_EQ(amount.at("10000"), "477.50");
  EXPECT_EQ(amount.at("20000"), "927.50");
  EXPECT_EQ(amount.at("500"), "15.00");  // a step: 300 x 0.05
  // 41 steps, and each boundary with its point just above.
  // 41 steps (0, 500, ... 20000, so 5000 and 10000 among them), 200, and
  // the three points just above the boundaries.
  EXPECT_EQ(curve->points.size(), 41u + 1u + 3u);
  for (std::size_t i = 1; i < curve->points.size(); ++i)
    EXPECT_LT(curve->points[i - 1].quantity, curve->points[i].quantity);
  std::vector<std::string> prices;
  for (const auto& step : curve->marginal)
    if (prices.empty() || prices.back() != step.price.to_string()) prices.push_back(step.price.to_string());
  EXPECT_EQ(prices, (std::vector<std::string>{"0", "0.05", "0.0475", "0.045"}));
}

TEST(PriceCurve, VolumeJumpAtTheBoundary) {
  auto program = tiers_program();
  ASSERT_TRUE(program);
  auto curve = tariff::price_curve(*program, "MAU volume", dec("1000"), dec("8000"), 7);
  ASSERT_TRUE(curve) << curve.error().message;
  ASSERT_EQ(curve->boundaries.size(), 1u);
  std::size_t at = 0;
  while (curve->points[at].quantity != dec("5000")) ++at;
  EXPECT_EQ(curve->points[at].amount.to_string(), "260.00");
  EXPECT_GT(curve->points[at + 1].quantity, dec("5000"));
  EXPECT_LT(curve->points[at + 1].quantity, dec("5000.001"));
  EXPECT_EQ(curve->points[at + 1].amount.to_string(), "200.00");
  // The jump itself is no marginal price: 0.05 below, 0.04 above.
  for (const auto& step : curve->marginal)
    EXPECT_TRUE(step.price == dec("0.05") || step.price == dec("0.04")) << step.price.to_string();
}

TEST(PriceCurve, RefusesBadRequests) {
  auto program = tiers_program();
  ASSERT_TRUE(program);
  EXPECT_FALSE(tariff::price_curve(*program, "Base", dec("0"), dec("1"), 10));
  EXPECT_FALSE(tariff::price_curve(*program, "Nope", dec("0"), dec("1"), 10));
  EXPECT_FALSE(tariff::price_curve(*program, "MAU", dec("1"), dec("1"), 10));
  EXPECT_FALSE(tariff::price_curve(*program, "MAU", dec("0"), dec("1"), 0));
  EXPECT_FALSE(tariff::price_curve(*program, "MAU", dec("0"), dec("1"), 10'001));
}

// A minimal XML reader: balanced tags, quoted attributes, entities, one
// root element. Enough to tell a well-formed SVG from a broken one.
struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;
};

struct Xml {
  std::vector<Element> elements;  // in document order
  std::string root;
  std::string error;  // empty when well-formed
};

bool valid_entities(std::string_view text) {
  for (std::size_t at = text.find('&'); at != std::string_view::npos; at = text.find('&', at + 1)) {
    const auto end = text.find(';', at);
    if (end == std::string_view::npos) return false;
    const auto entity = text.substr(at + 1, end - at - 1);
    if (entity != "amp" && entity != "lt" && entity != "gt" && entity != "quot" && entity != "apos" &&
        (entity.empty() || entity[0] != '#'))
      return false;
  }
  return true;
}

Xml parse_xml(const std::string& text) {
  Xml xml;
  std::vector<std::string> open;
  std::size_t at = 0;
  const auto fail = [&](std::string why) {
    xml.error = why + " at byte " + std::to_string(at);
    return xml;
  };
  if (text.compare(0, 5, "<?xml") == 0) {
    at = text.find("?>");
    if (at == std::string::npos) return fail("unterminated declaration");
    at += 2;
  }
  bool root_closed = false;
  while (at < text.size()) {
    const auto lt = text.find('<', at);
    const std::string_view between(text.data() + at, (lt == std::string::npos ? text.size() : lt) - at);
    if (between.find('>') != std::string_view::npos) return fail("stray >");
    if (!valid_entities(between)) return fail("bad entity in text");
    if ((open.empty()) && between.find_first_not_of(" \t\r\n") != std::string_view::npos)
      return fail("text outside the root element");
    if (lt == std::string::npos) break;
    at = lt;
    if (text.compare(at, 4, "<!--") == 0) {
      const auto end = text.find("-->", at);
      if (end == std::string::npos) return fail("unterminated comment");
      at = end + 3;
      continue;
    }
    // Find the end of the tag, skipping quoted attribute values.
    std::size_t end = at + 1;
    char quote = 0;
    for (; end < text.size(); ++end) {
      const char c = text[end];
      if (quote) {
        if (c == quote) quote = 0;
        else if (c == '<') return fail("< in an attribute value");
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      } else if (c == '<') {
        return fail("< inside a tag");
      }
    }
    if (end >= text.size()) return fail("unterminated tag");
    std::string tag = text.substr(at + 1, end - at - 1);
    at = end + 1;
    if (!tag.empty() && tag[0] == '/') {
      const std::string name = tag.substr(1);
      if (open.empty() || open.back() != name) return fail("unbalanced </" + name + ">");
      open.pop_back();
      if (open.empty()) root_closed = true;
      continue;
    }
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (self_closing) tag.pop_back();
    Element element;
    std::size_t name_end = tag.find_first_of(" \t\r\n");
    element.name = tag.substr(0, name_end);
    if (element.name.empty()) return fail("empty tag name");
    std::size_t pos = name_end == std::string::npos ? tag.size() : name_end;
    while (true) {
      pos = tag.find_first_not_of(" \t\r\n", pos);
      if (pos == std::string::npos) break;
      const auto eq = tag.find('=', pos);
      if (eq == std::string::npos || eq + 1 >= tag.size() || (tag[eq + 1] != '"' && tag[eq + 1] != '\''))
        return fail("attribute without a quoted value");
      const auto close = tag.find(tag[eq + 1], eq + 2);
      if (close == std::string::npos) return fail("unterminated attribute value");
      const std::string name = tag.substr(pos, eq - pos);
      const std::string value = tag.substr(eq + 2, close - eq - 2);
      if (!valid_entities(value)) return fail("bad entity in an attribute value");
      if (!element.attributes.emplace(name, value).second) return fail("duplicate attribute " + name);
      pos = close + 1;
    }
    if (open.empty()) {
      if (root_closed || !xml.root.empty()) return fail("a second root element");
      xml.root = element.name;
    }
    if (self_closing) {
      if (open.empty()) root_closed = true;
    } else {
      open.push_back(element.name);
    }
    xml.elements.push_back(std::move(element));
  }
  if (!open.empty()) return fail("unclosed <" + open.back() + ">");
  if (xml.root.empty()) return fail("no root element");
  return xml;
}

std::size_t boundary_marks(const Xml& xml) {
  std::size_t count = 0;
  for (const auto& element : xml.elements) {
    const auto cls = element.attributes.find("class");
    if (element.name == "line" && cls != element.attributes.end() && cls->second == "tier-boundary") ++count;
  }
  return count;
}

TEST(XmlReader, TellsBrokenDocumentsApart) {
  EXPECT_EQ(parse_xml("<svg><g></g></svg>").error, "");
  EXPECT_NE(parse_xml("<svg><g></svg>").error, "");
  EXPECT_NE(parse_xml("<svg></svg><svg></svg>").error, "");
  EXPECT_NE(parse_xml("<svg a=\"1></svg>").error, "");
  EXPECT_NE(parse_xml("<svg>a & b</svg>").error, "");
  EXPECT_NE(parse_xml("<svg x=1/>").error, "");
}

struct PlotCase {
  const char* charge;
  const char* from;
  const char* to;
  std::size_t marks;
};

TEST(PriceCurveSvg, WellFormedWithOneMarkPerBoundaryInRange) {
  auto program = tiers_program();
  ASSERT_TRUE(program);
  for (const PlotCase& c : {PlotCase{"MAU", "0", "20000", 3}, PlotCase{"MAU", "1000", "8000", 1},
                            PlotCase{"MAU", "200", "10000", 3}, PlotCase{"MAU", "0", "100", 0},
                            PlotCase{"MAU", "0.5", "0.75", 0}, PlotCase{"MAU volume", "0", "1000000", 1}}) {
    SCOPED_TRACE(std::string(c.charge) + " from " + c.from + " to " + c.to);
    auto curve = tariff::price_curve(*program, c.charge, dec(c.from), dec(c.to), 100);
    ASSERT_TRUE(curve) << curve.error().message;
    auto svg = tariff::format_price_curve_svg(*curve);
    ASSERT_TRUE(svg) << svg.error().message;
    const Xml xml = parse_xml(*svg);
    ASSERT_EQ(xml.error, "") << *svg;
    EXPECT_EQ(xml.root, "svg");
    EXPECT_EQ(boundary_marks(xml), c.marks);
    std::size_t polylines = 0;
    for (const auto& element : xml.elements) polylines += element.name == "polyline";
    EXPECT_EQ(polylines, 2u);
  }
}

TEST(PriceCurveSvg, EscapesNames) {
  auto compiled = tariff::compile_source("s.tariff", R"(scheme "A & <B>" version "1"
currency USD
rounding half_up per line
usage {
  account id
  n decimal
}
meter n = sum n
charge "Fish & \"chips\"" = n at 0.10
)");
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  auto curve = tariff::price_curve(*compiled.program, "Fish & \"chips\"", dec("0"), dec("10"), 5);
  ASSERT_TRUE(curve) << curve.error().message;
  auto svg = tariff::format_price_curve_svg(*curve);
  ASSERT_TRUE(svg);
  EXPECT_EQ(parse_xml(*svg).error, "");
  EXPECT_NE(svg->find("A &amp; &lt;B&gt;"), std::string::npos);
}

// ---- price curves through a plugin's tier kind ------------------------------

struct PluginProgram {
  std::shared_ptr<const tariff::Plugins> plugins;
  std::shared_ptr<const tariff::Program> program;
};

PluginProgram capacity_program() {
  auto plugins = std::make_shared<tariff::Plugins>();
  EXPECT_TRUE(plugins->load(CAPACITY_PLUGIN));
  auto compiled = tariff::compile_file(TARIFF_CLI_TESTS "/plot/capacity.tariff", plugins.get());
  EXPECT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  return {std::move(plugins), compiled.program};
}

TEST(PluginPriceCurve, PricesTheFirstMeterThroughThePlugin) {
  const auto [plugins, program] = capacity_program();
  ASSERT_TRUE(program);
  // Worked out in plot/capacity.tariff.
  for (const auto& [seats, amount] : std::vector<std::pair<const char*, const char*>>{
           {"0", "15.00"}, {"10", "15.00"}, {"10.5", "60.00"}, {"50", "60.00"}, {"51", "200.00"},
           {"200", "200.00"}, {"201", "500.00"}}) {
    auto price = tariff::price_of_charge(*program, "Plan", dec(seats), plugins.get());
    ASSERT_TRUE(price) << price.error().message;
    EXPECT_EQ(price->amount.to_string(), amount) << seats;
  }
  auto explained = tariff::price_of_charge(*program, "Plan", dec("20"), plugins.get());
  ASSERT_TRUE(explained);
  EXPECT_NE(std::find(explained->explain.begin(), explained->explain.end(),
                      "tier 2 (limits 50, 500): quantities 20, 0 fit, flat 60"),
            explained->explain.end());

  // No boundaries: the plugin's cells mean nothing to the host.
  EXPECT_TRUE(tariff::tier_boundaries(*program, "Plan")->empty());
  auto curve = tariff::price_curve(*program, "Plan", dec("0"), dec("300"), 30, plugins.get());
  ASSERT_TRUE(curve) << curve.error().message;
  EXPECT_EQ(curve->meter, "seats");
  EXPECT_TRUE(curve->boundaries.empty());
  ASSERT_EQ(curve->points.size(), 31u);
  EXPECT_EQ(curve->points[1].amount.to_string(), "15.00");   // 10
  EXPECT_EQ(curve->points[2].amount.to_string(), "60.00");   // 20
  EXPECT_EQ(curve->points[30].amount.to_string(), "500.00");  // 300
  EXPECT_EQ(curve->marginal[1].price, dec("4.5"));            // 45 over 10 seats

  auto svg = tariff::format_price_curve_svg(*curve);
  ASSERT_TRUE(svg) << svg.error().message;
  const Xml xml = parse_xml(*svg);
  ASSERT_EQ(xml.error, "") << *svg;
  EXPECT_EQ(boundary_marks(xml), 0u);
}

TEST(PluginPriceCurve, NamesAMissingKindAndTheLoadedOnes) {
  const auto [plugins, program] = capacity_program();
  ASSERT_TRUE(program);
  EXPECT_EQ(tariff::price_of_charge(*program, "Plan", dec("1")).error().message,
            "charge \"Plan\": tier kind `capacity` needs its plugin; load it with --plugin (loaded tier "
            "kinds: none)");
  auto other = std::make_shared<tariff::Plugins>();
  ASSERT_TRUE(other->load(EXAMPLE_PLUGIN));
  EXPECT_EQ(tariff::price_curve(*program, "Plan", dec("0"), dec("1"), 1, other.get()).error().message,
            "charge \"Plan\": tier kind `capacity` needs its plugin; load it with --plugin (loaded tier "
            "kinds: example.per_unit)");
}

TEST(PluginPriceCurve, APluginFailureStopsTheCurve) {
  const auto [plugins, program] = capacity_program();
  ASSERT_TRUE(program);
  EXPECT_TRUE(tariff::price_of_charge(*program, "Capped", dec("100"), plugins.get()));
  auto curve = tariff::price_curve(*program, "Capped", dec("0"), dec("200"), 4, plugins.get());
  ASSERT_FALSE(curve);
  EXPECT_NE(curve.error().message.find("charge \"Capped\" at 150: "), std::string::npos)
      << curve.error().message;
  EXPECT_NE(curve.error().message.find("exceed every tier"), std::string::npos) << curve.error().message;
}

// The SVG goldens of the plot cases (CMakeLists.txt) are well-formed, with
// one mark per boundary in range: none for the plugin's tier kind.
TEST(PriceCurveSvg, GoldenImagesAreWellFormed) {
  for (const auto& [name, marks] : std::vector<std::pair<const char*, std::size_t>>{
           {"plot-mau.svg", 3}, {"plot-mau-volume.svg", 1}, {"plot-capacity.svg", 0}}) {
    SCOPED_TRACE(name);
    std::ifstream in(std::string(TARIFF_CLI_TESTS "/goldens/") + name, std::ios::binary);
    ASSERT_TRUE(in);
    std::ostringstream text;
    text << in.rdbuf();
    const Xml xml = parse_xml(text.str());
    ASSERT_EQ(xml.error, "");
    EXPECT_EQ(xml.root, "svg");
    EXPECT_EQ(boundary_marks(xml), marks);
  }
}

// ---- the progress hook of Rater::add_usage ----------------------------------

class CountRejects final : public tariff::RejectSink {
 public:
  void reject(tariff::Reject) override { ++count; }
  std::uint64_t count = 0;
};

TEST(UsageProgress, ReportsRecordsAndBytesAndChangesNothing) {
  auto compiled = tariff::compile_file(TARIFF_CLI_TESTS "/compare/basic.tariff");
  ASSERT_TRUE(compiled.program);
  std::string csv = "account,event,quantity\n";
  for (int i = 0; i < 20'000; ++i) csv += "a" + std::to_string(i % 7) + ",message,3\n";

  std::vector<tariff::UsageProgress> seen;
  tariff::Rater with(compiled.program);
  std::istringstream in(csv);
  CountRejects rejects;
  ASSERT_TRUE(with.add_usage(in, "u.csv", tariff::UsageFormat::csv, rejects,
                             [&](const tariff::UsageProgress& p) { seen.push_back(p); }));
  ASSERT_GE(seen.size(), 2u);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i].records, seen[i - 1].records);
    ASSERT_TRUE(seen[i].bytes);
    EXPECT_GE(*seen[i].bytes, *seen[i - 1].bytes);
  }
  EXPECT_EQ(seen.back().records, 20'000u);
  EXPECT_EQ(*seen.back().bytes, csv.size());

  tariff::Rater without(compiled.program);
  std::istringstream again(csv);
  ASSERT_TRUE(without.add_usage(again, "u.csv", tariff::UsageFormat::csv, rejects));
  EXPECT_EQ(tariff::format_json(*with.finish()), tariff::format_json(*without.finish()));
}

}  // namespace
