// `tariff test`: each worked example of a scheme rated as an invoice would
// be — records through the reader and the record program, or meter values
// straight into the period program — and its lines compared with what the
// author expected.
#include <fmt/format.h>

#include <sstream>

#include "bytecode/program.h"
#include "invoice/invoice_builder.h"
#include "rating/billing_period.h"
#include "rating/registry_pricer.h"
#include "rating/subscriptions.h"
#include "tariff/tariff.h"
#include "vm/vm.h"

namespace tariff {

namespace {

class CollectRejects final : public RejectSink {
 public:
  void reject(Reject r) override { rejects.push_back(std::move(r)); }
  std::vector<Reject> rejects;
};

// The test's accounts file, if it writes account facts.
Expected<std::optional<Accounts>, std::string> test_accounts(const Program& program, const SchemeTest& test) {
  if (test.accounts_csv.empty()) return std::optional<Accounts>();
  std::istringstream in(test.accounts_csv);
  auto accounts = read_accounts(program, in, "test accounts", UsageFormat::csv);
  if (!accounts) return unexpected("account facts: " + accounts.error());
  return std::optional<Accounts>(std::move(*accounts));
}

Expected<std::monostate, std::string> subscription(const Program& program, const SchemeTest& test, Rater& rater) {
  auto accounts = test_accounts(program, test);
  if (!accounts) return unexpected(accounts.error());
  if (*accounts) rater.set_accounts(std::make_shared<const Accounts>(std::move(**accounts)));
  if (!test.period.empty())
    if (auto set = rater.set_period(test.period); !set) return unexpected("period: " + set.error().message);
  return std::monostate{};
}

// The test's one account, or why there is none to compare.
Expected<AccountInvoice, std::string> rate_records(const CompileResult& compiled, const SchemeTest& test,
                                                   std::shared_ptr<const Plugins> plugins,
                                                   std::vector<std::string>& failures) {
  Rater rater(compiled.program, std::move(plugins));
  if (auto given = subscription(*compiled.program, test, rater); !given) return unexpected(given.error());
  CollectRejects rejects;
  std::istringstream in(test.records_csv);
  if (auto added = rater.add_usage(in, "test records", UsageFormat::csv, rejects); !added)
    return unexpected(added.error().message);
  for (const Reject& reject : rejects.rejects)
    failures.push_back(fmt::format("record {} rejected: {}", reject.line - 1, reject.reason));
  auto invoice = rater.finish();
  if (!invoice) return unexpected(invoice.error().message);
  if (invoice->accounts.size() > 1)
    return unexpected(fmt::format("the records name {} accounts; a test rates one", invoice->accounts.size()));
  if (invoice->accounts.empty()) return AccountInvoice{};
  return std::move(invoice->accounts.front());
}

Expected<AccountInvoice, std::string> rate_meters(const Program& program, const SchemeTest& test,
                                                  const Plugins* plugins) {
  std::vector<Decimal> values(program.meters.size());
  for (const auto& [name, value] : test.meters)
    for (std::size_t m = 0; m < program.meters.size(); ++m)
      if (program.meters[m].name == name) values[m] = value;
  auto accounts = test_accounts(program, test);
  if (!accounts) return unexpected(accounts.error());
  SubscriptionBill bill;
  if (!test.period.empty()) {
    auto period = parse_period(test.period, program.billing_period);
    if (!period) return unexpected("period: " + period.error());
    auto billed = bill_subscription(program, *accounts ? (*accounts)->find(test.account) : nullptr,
                                    period_days(*period, program.billing_period));
    if (!billed) return unexpected(billed.error());
    bill = std::move(*billed);
  } else {
    bill.holds_plan.assign(program.plans.size(), false);
    declared_allowances(program, bill.allowance_amounts);
  }
  Frame frame(program);
  std::vector<EmittedLine> lines;
  const RegistryPricer pricer(program, plugins);
  if (auto ran = run_period(program, values, frame, lines, &pricer, AccountInputs{&bill.allowance_amounts, nullptr, std::nullopt});
      !ran)
    return unexpected(ran.error().message);
  combine_lines(program, bill, lines);
  auto packages = settle_packages(program, bill.lots, bill.allowance_amounts);
  if (!packages) return unexpected(packages.error());
  InvoiceBuilder builder(program);
  if (auto added = builder.add_account(test.account, lines, {}, std::move(*packages), bill.wallets); !added)
    return unexpected(added.error().message);
  auto invoice = builder.finish({});
  if (!invoice) return unexpected(invoice.error().message);
  return std::move(invoice->accounts.front());
}

void compare(const SchemeTest::Expectation& expected, const AccountInvoice& account,
             std::vector<std::string>& failures) {
  if (expected.line.empty()) {
    if (account.total != expected.amount)
      failures.push_back(fmt::format("line {}: total: expected {}, got {}", expected.source_line, expected.amount,
                                     account.total));
    return;
  }
  const std::vector<std::string>* explain = nullptr;
  std::optional<Decimal> got;
  for (const InvoiceLine& line : account.lines)
    if (line.charge == expected.line) got = line.amount, explain = &line.explain;
  for (const Adjustment& adjustment : account.adjustments)
    if (adjustment.name == expected.line) got = adjustment.amount, explain = &adjustment.explain;
  // An adjustment that changes nothing has no line: it counts as 0.
  if (!got) {
    if (expected.amount.is_zero()) return;
    failures.push_back(fmt::format("line {}: \"{}\": expected {}, but the invoice has no such line (0)",
                                   expected.source_line, expected.line, expected.amount));
    return;
  }
  if (*got == expected.amount) return;
  std::string failure = fmt::format("line {}: \"{}\": expected {}, got {}", expected.source_line, expected.line,
                                    expected.amount, *got);
  if (explain)
    for (const std::string& why : *explain) failure += "\n    " + why;
  failures.push_back(std::move(failure));
}

}  // namespace

std::vector<TestOutcome> run_tests(const CompileResult& compiled, std::shared_ptr<const Plugins> plugins) {
  std::vector<TestOutcome> outcomes;
  if (!compiled.program) return outcomes;
  for (const SchemeTest& test : compiled.tests) {
    TestOutcome outcome{test.name, test.source_line, {}};
    auto account = test.records_csv.empty() ? rate_meters(*compiled.program, test, plugins.get())
                                            : rate_records(compiled, test, plugins, outcome.failures);
    if (!account) {
      outcome.failures.push_back(account.error());
    } else {
      for (const auto& expectation : test.expectations) compare(expectation, *account, outcome.failures);
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

}  // namespace tariff
