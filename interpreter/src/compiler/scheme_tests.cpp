#include "compiler/scheme_tests.h"

#include <fmt/format.h>

#include "front/checker.h"
#include "support/csv_quote.h"

namespace tariff {

namespace {

std::string records_csv(const ast::TestCase& test, const UsageSchema& usage) {
  if (test.records.empty()) return {};
  std::string out;
  for (std::size_t c = 0; c < usage.columns.size(); ++c) {
    if (c > 0) out += ',';
    out += csv_quote(usage.columns[c].name);
  }
  out += '\n';
  for (const ast::TestRecord& record : test.records) {
    for (std::size_t c = 0; c < usage.columns.size(); ++c) {
      if (c > 0) out += ',';
      // A column the record leaves out is empty: its default, or a reject.
      for (const ast::TestField& field : record.fields)
        if (field.column.text == usage.columns[c].name) out += csv_quote(field.text);
    }
    out += '\n';
  }
  return out;
}

// The account a test rates: the one its records name, else "test".
std::string test_account(const ast::TestCase& test, const UsageSchema& usage) {
  if (!test.records.empty())
    for (const ast::TestField& field : test.records.front().fields)
      if (field.column.text == usage.columns[usage.account_column].name) return field.text;
  return "test";
}

std::string accounts_csv(const ast::TestCase& test, const std::string& account) {
  if (test.accounts.empty()) return {};
  const std::vector<std::string>& columns = front::account_fact_columns();
  std::string out = "account";
  for (const std::string& column : columns) out += fmt::format(",{}", column);
  out += '\n';
  for (const auto& [word, row] : test.accounts) {
    out += csv_quote(account);
    for (const std::string& column : columns) {
      out += ',';
      for (const ast::TestField& field : row.fields)
        if (field.column.text == column) out += csv_quote(field.text);
    }
    out += '\n';
  }
  return out;
}

}  // namespace

std::vector<SchemeTest> compile_tests(const ast::Scheme& scheme, const UsageSchema& usage) {
  std::vector<SchemeTest> tests;
  for (const ast::TestCase& test : scheme.tests) {
    SchemeTest out;
    out.name = test.name.text;
    out.source_line = test.range.begin.line;
    out.records_csv = records_csv(test, usage);
    out.account = test_account(test, usage);
    out.accounts_csv = accounts_csv(test, out.account);
    if (test.period) out.period = test.period->text;
    for (const auto& [meter, value] : test.meters) out.meters.emplace_back(meter.text, value);
    for (const ast::TestExpectation& expectation : test.expectations)
      out.expectations.push_back(SchemeTest::Expectation{expectation.line ? expectation.line->text : std::string(),
                                                         expectation.amount, expectation.range.begin.line});
    tests.push_back(std::move(out));
  }
  return tests;
}

}  // namespace tariff
