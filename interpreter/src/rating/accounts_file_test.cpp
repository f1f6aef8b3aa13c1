// The accounts file: what a good file gives, every reason a row is refused
// (all of them in one message, each with its line), NDJSON meaning the
// same as CSV, and the policy for usage of accounts the file does not list.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "tariff/tariff.h"

namespace {

constexpr const char* kScheme = R"(scheme "Accounts" version "1"
currency USD
rounding half_up per line
period calendar month UTC
usage {
  account  id
  time     timestamp
  quantity decimal
}
meter minutes = sum quantity
package pack = 1_000 for 5.00, valid 1 month draws minutes
edition basic { fee 10.00 monthly }
edition pro { fee 30.00 monthly
  annual discount 10%
  seat 2.00 monthly }
module rec { fee 4.00 monthly
  fee 40.00 annual }
charge "Minutes" = minutes after pack at 0.01
prepaid "Promo credits" on "Minutes"
prepaid "Balance"
)";

std::shared_ptr<const tariff::Program> program() {
  static const auto compiled = tariff::compile_source("accounts.tariff", kScheme);
  return compiled.program;
}

tariff::Expected<tariff::Accounts, std::string> read(const std::string& text,
                                                     tariff::UsageFormat format = tariff::UsageFormat::csv) {
  std::istringstream in(text);
  return tariff::read_accounts(*program(), in, "accounts.csv", format);
}

std::string problems(const std::string& text) {
  auto accounts = read(text);
  return accounts ? std::string("(read without error)") : accounts.error();
}

TEST(AccountsFile, ReadsRowsSortedByAccountAndStart) {
  ASSERT_TRUE(program());
  auto accounts = read(
      "account,start,end,edition,cycle,seats,modules,packages\n"
      "zeta,2026-03-10,,pro,annual,4,rec,pack@2026-03-02\n"
      "acme,2026-03-15,2026-03-31,pro,monthly,2,rec;  ,\n"
      "acme,2026-01-01,,basic,,,,pack@2026-02-20=300\n");
  ASSERT_TRUE(accounts) << accounts.error();
  ASSERT_EQ(accounts->all().size(), 2u);
  const tariff::AccountSubscription* acme = accounts->find("acme");
  ASSERT_NE(acme, nullptr);
  ASSERT_EQ(acme->spans.size(), 2u);
  EXPECT_EQ(acme->spans[0].edition, "basic");  // 2026-01-01 comes first
  EXPECT_FALSE(acme->spans[0].annual);         // the default cycle
  EXPECT_EQ(acme->spans[1].edition, "pro");
  EXPECT_EQ(acme->spans[1].seats, tariff::Decimal::from_int(2));
  EXPECT_EQ(acme->spans[1].modules, std::vector<std::string>{"rec"});
  ASSERT_TRUE(acme->spans[1].end.has_value());
  EXPECT_EQ(*acme->spans[1].end - *acme->spans[1].start, 16);
  ASSERT_EQ(acme->purchases.size(), 1u);
  EXPECT_EQ(acme->purchases[0].balance, tariff::Decimal::from_int(300));
  const tariff::AccountSubscription* zeta = accounts->find("zeta");
  ASSERT_NE(zeta, nullptr);
  EXPECT_TRUE(zeta->spans[0].annual);
  EXPECT_FALSE(zeta->purchases[0].balance.has_value());
  EXPECT_EQ(accounts->find("nobody"), nullptr);
}

TEST(AccountsFile, NdjsonMeansTheSameAsCsv) {
  auto csv = read("account,start,edition,seats,modules\nacme,2026-03-01,pro,3,rec\n");
  auto ndjson = read(R"({"account":"acme","start":"2026-03-01","edition":"pro","seats":3,"modules":"rec"})"
                     "\n",
                     tariff::UsageFormat::ndjson);
  ASSERT_TRUE(csv) << csv.error();
  ASSERT_TRUE(ndjson) << ndjson.error();
  const auto& a = csv->all().front().spans.front();
  const auto& b = ndjson->all().front().spans.front();
  EXPECT_EQ(a.start, b.start);
  EXPECT_EQ(a.edition, b.edition);
  EXPECT_EQ(a.seats, b.seats);
  EXPECT_EQ(a.modules, b.modules);
}

// Each bad row is named with its line and reason, all in one message.
TEST(AccountsFile, EveryProblemIsReportedWithItsLine) {
  const std::string all = problems(
      "account,start,end,edition,cycle,seats,modules,packages\n"
      "a,2026-3-01,,,,,,\n"                   // 2: bad date
      "b,2026-03-10,2026-03-01,,,,,\n"        // 3: end before start
      "c,,,premium,,,,\n"                     // 4: unknown edition, with a suggestion
      "d,,,,weekly,,,\n"                      // 5: unknown cycle
      "e,,,,,-1,,\n"                          // 6: negative seats
      "f,,,,,2.5,,\n"                         // 7: seats not whole
      "g,,,,,,recording,\n"                   // 8: unknown module
      "h,,,,,,,pack\n"                        // 9: purchase without a date
      "i,,,,,,,pak@2026-03-01\n"              // 10: unknown package
      "j,,,,,,,pack@2026-03-01=-5\n"          // 11: negative units left
      "k,,,basic,annual,,,\n"                 // 12: basic has no annual fee, and no start
      "l,2026-03-01,,basic,,,,\n"             // 13 and 14: two rows starting on one day
      "l,2026-03-01,,pro,,,,\n"
      "m,too,many,columns,,,,,,\n");          // 15: the reader's own reject
  EXPECT_NE(all.find("accounts.csv:2: `start`: `2026-3-01` is not a date YYYY-MM-DD"), std::string::npos) << all;
  EXPECT_NE(all.find("accounts.csv:3: `end` is before `start`"), std::string::npos) << all;
  EXPECT_NE(all.find("accounts.csv:4: unknown edition `premium`"), std::string::npos) << all;
  EXPECT_NE(all.find("accounts.csv:5: `cycle` is `monthly` or `annual`, not `weekly`"), std::string::npos) << all;
  EXPECT_NE(all.find("accounts.csv:6: `seats` cannot be negative"), std::string::npos) << all;
  EXPECT_NE(all.find("accounts.csv:7:"), std::string::npos) << all;
  EXPECT_NE(all.find("accounts.csv:8: unknown module `recording`"), std::string::npos) << all;
  EXPECT_NE(all.find("accounts.csv:9: package purchase `pack` is not `NAME@YYYY-MM-DD`"), std::string::npos) << all;
  EXPECT_NE(all.find("accounts.csv:10: unknown package `pak`"), std::string::npos) << all;
  EXPECT_NE(all.find("accounts.csv:11: package purchase `pack@2026-03-01=-5`"), std::string::npos) << all;
  EXPECT_NE(all.find("accounts.csv:12: `basic` has no annual fee"), std::string::npos) << all;
  EXPECT_NE(all.find("accounts.csv:12: account k: an annual cycle needs a `start`"), std::string::npos) << all;
  EXPECT_NE(all.find("account l has two rows starting on the same day"), std::string::npos) << all;
  EXPECT_NE(all.find("accounts.csv:15:"), std::string::npos) << all;
}

TEST(AccountsFile, ReadsWalletBalancesToTheMinorUnit) {
  auto csv = read("account,wallets\nacme,\"Promo credits=10.5; Balance = 1000 ;\"\nbeta,\n");
  ASSERT_TRUE(csv) << csv.error();
  const auto& wallets = csv->find("acme")->spans.front().wallets;
  ASSERT_EQ(wallets.size(), 2u);
  EXPECT_EQ(wallets[0].wallet, "Promo credits");
  EXPECT_EQ(wallets[0].balance.to_string(), "10.50");
  EXPECT_EQ(wallets[1].wallet, "Balance");
  EXPECT_EQ(wallets[1].balance.to_string(), "1000.00");
  EXPECT_TRUE(csv->find("beta")->spans.front().wallets.empty());
  auto ndjson = read(R"({"account":"acme","wallets":"Promo credits=10.5;Balance=1000"})"
                     "\n",
                     tariff::UsageFormat::ndjson);
  ASSERT_TRUE(ndjson) << ndjson.error();
  const auto& same = ndjson->find("acme")->spans.front().wallets;
  ASSERT_EQ(same.size(), 2u);
  EXPECT_EQ(same[0].balance, wallets[0].balance);
  EXPECT_EQ(same[1].wallet, "Balance");
}

TEST(AccountsFile, EveryBadWalletBalanceIsReportedWithItsLine) {
  const std::string all = problems(
      "account,wallets\n"
      "a,Promo credit=5.00\n"        // 2: unknown wallet, with a suggestion
      "b,Balance\n"                  // 3: no amount
      "c,Balance=-1.00\n"            // 4: negative
      "d,Balance=1.005\n"            // 5: beyond the currency's minor digits
      "e,Balance=ten\n"              // 6: not a number
      "f,Balance=1.00;Balance=2\n"); // 7: twice in one row
  EXPECT_NE(all.find("accounts.csv:2: unknown wallet `Promo credit`; did you mean `Promo credits`?"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("accounts.csv:3: wallet balance `Balance` is not `NAME=AMOUNT`"), std::string::npos) << all;
  for (const char* line : {"4", "5", "6"})
    EXPECT_NE(all.find("accounts.csv:" + std::string(line) + ": wallet balance `Balance="), std::string::npos) << all;
  EXPECT_NE(all.find("accounts.csv:5: wallet balance `Balance=1.005`: the amount must be money in USD, at least 0, "
                     "with at most 2 decimal places"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("accounts.csv:7: wallet `Balance` is given twice in this row"), std::string::npos) << all;
}

TEST(AccountsFile, AWalletTheSchemeDoesNotDeclareIsRefused) {
  auto compiled = tariff::compile_source("a.tariff", R"(scheme "A" version "1"
currency JPY
rounding half_up per line
period calendar month UTC
usage {
  account  id
  time     timestamp
  quantity decimal
}
meter minutes = sum quantity
charge "Minutes" = minutes at 1
)");
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  std::istringstream in("account,wallets\na,Balance=5\n");
  auto accounts = tariff::read_accounts(*compiled.program, in, "accounts.csv", tariff::UsageFormat::csv);
  ASSERT_FALSE(accounts);
  EXPECT_EQ(accounts.error(), "accounts.csv:2: unknown wallet `Balance`: the scheme declares no prepaid wallets\n");
}

TEST(AccountsFile, AHeaderWithoutTheAccountColumnIsRefused) {
  EXPECT_NE(problems("start,edition\n2026-03-01,pro\n").find("account"), std::string::npos);
}

// Rating with an accounts file: the policy for accounts it does not list,
// and accounts it lists that have no usage.
class RejectLog final : public tariff::RejectSink {
 public:
  void reject(tariff::Reject r) override { reasons += r.reason + "\n"; }
  std::string reasons;
};

tariff::Invoice rate(tariff::UnknownAccounts policy, RejectLog& rejects) {
  auto accounts = read("account,start,edition\nlisted,2026-01-01,basic\nquiet,2026-01-01,pro\n");
  EXPECT_TRUE(accounts) << accounts.error();
  tariff::Rater rater(program());
  rater.set_accounts(std::make_shared<const tariff::Accounts>(std::move(*accounts)), policy);
  std::istringstream usage(
      "account,time,quantity\n"
      "listed,2026-03-02T00:00:00Z,10\n"
      "unlisted,2026-03-02T00:00:00Z,2000\n");
  EXPECT_TRUE(rater.add_usage(usage, "usage.csv", tariff::UsageFormat::csv, rejects));
  auto invoice = rater.finish();
  EXPECT_TRUE(invoice) << invoice.error().message;
  return *invoice;
}

TEST(AccountsFile, UsageOfAnUnlistedAccountIsRejectedByDefault) {
  RejectLog rejects;
  const tariff::Invoice invoice = rate(tariff::UnknownAccounts::reject, rejects);
  EXPECT_EQ(rejects.reasons, "account unlisted is not in the accounts file\n");
  EXPECT_EQ(invoice.records.read, 2u);
  EXPECT_EQ(invoice.records.accepted, 1u);
  EXPECT_EQ(invoice.records.rejected, 1u);
  // listed: 10.00 + 0.10; quiet has no usage and is invoiced its fee: 30.00.
  ASSERT_EQ(invoice.accounts.size(), 2u);
  EXPECT_EQ(invoice.accounts[0].account, "listed");
  EXPECT_EQ(invoice.accounts[0].total.to_string(), "10.10");
  EXPECT_EQ(invoice.accounts[1].account, "quiet");
  EXPECT_EQ(invoice.accounts[1].total.to_string(), "30.00");
}

TEST(AccountsFile, UsageOfAnUnlistedAccountCanBeRatedWithoutASubscription) {
  RejectLog rejects;
  const tariff::Invoice invoice = rate(tariff::UnknownAccounts::rate, rejects);
  EXPECT_EQ(rejects.reasons, "");
  EXPECT_EQ(invoice.records.accepted, 2u);
  ASSERT_EQ(invoice.accounts.size(), 3u);
  EXPECT_EQ(invoice.accounts[2].account, "unlisted");
  EXPECT_EQ(invoice.accounts[2].total.to_string(), "20.00");  // 2_000 x 0.01, no package
}

TEST(AccountsFile, WithoutUsageThePeriodMustBeGiven) {
  auto accounts = read("account,start,edition\nquiet,2026-01-01,pro\n");
  ASSERT_TRUE(accounts) << accounts.error();
  tariff::Rater rater(program());
  rater.set_accounts(std::make_shared<const tariff::Accounts>(std::move(*accounts)));
  auto invoice = rater.finish();
  ASSERT_FALSE(invoice);
  EXPECT_NE(invoice.error().message.find("--period"), std::string::npos);
  ASSERT_TRUE(rater.set_period("2026-03"));
  invoice = rater.finish();
  ASSERT_TRUE(invoice) << invoice.error().message;
  EXPECT_EQ(invoice->total.to_string(), "30.00");
}

// An account whose subscription ended before the period, and which has
// no usage, gets no invoice.
TEST(AccountsFile, AnAccountNotSubscribedInThePeriodGetsNoInvoice) {
  auto accounts = read("account,start,end,edition\ngone,2025-01-01,2026-02-28,pro\nlater,2026-04-01,,pro\n");
  ASSERT_TRUE(accounts) << accounts.error();
  tariff::Rater rater(program());
  rater.set_accounts(std::make_shared<const tariff::Accounts>(std::move(*accounts)));
  ASSERT_TRUE(rater.set_period("2026-03"));
  auto invoice = rater.finish();
  ASSERT_TRUE(invoice) << invoice.error().message;
  EXPECT_TRUE(invoice->accounts.empty());
}

// Dated rows: the last row held in the period gives the balances (as it
// gives the allowances plans include); a row starting after it does not.
TEST(AccountsFile, TheLastRowHeldInThePeriodGivesTheWalletBalances) {
  auto accounts = read(
      "account,start,wallets\n"
      "acme,2026-01-01,Balance=50.00\n"
      "acme,2026-03-10,Balance=5.00;Promo credits=1.00\n"
      "acme,2026-04-01,Balance=500.00\n");
  ASSERT_TRUE(accounts) << accounts.error();
  tariff::Rater rater(program());
  rater.set_accounts(std::make_shared<const tariff::Accounts>(std::move(*accounts)));
  RejectLog rejects;
  std::istringstream usage("account,time,quantity\nacme,2026-03-02T00:00:00Z,1000\n");
  ASSERT_TRUE(rater.add_usage(usage, "usage.csv", tariff::UsageFormat::csv, rejects));
  auto invoice = rater.finish();
  ASSERT_TRUE(invoice) << invoice.error().message;
  // Minutes 1_000 x 0.01 = 10.00: Promo credits pays 1.00, Balance 5.00.
  const auto& account = invoice->accounts.at(0);
  EXPECT_EQ(account.total.to_string(), "4.00");
  ASSERT_EQ(account.wallets.size(), 2u);
  EXPECT_EQ(account.wallets[0].wallet, "Promo credits");
  EXPECT_EQ(account.wallets[0].left.to_string(), "0.00");
  EXPECT_EQ(account.wallets[1].wallet, "Balance");
  EXPECT_EQ(account.wallets[1].start.to_string(), "5.00");
  EXPECT_EQ(account.wallets[1].used.to_string(), "5.00");
}

// Anniversary months need the month to rate: each account's own month
// begins in it.
TEST(AccountsFile, AnniversaryMonthsNeedThePeriod) {
  auto compiled = tariff::compile_source("a.tariff", R"(scheme "A" version "1"
currency USD
rounding half_up per line
period anniversary month UTC
usage {
  account  id
  time     timestamp
  quantity decimal
}
meter minutes = sum quantity
charge "Minutes" = minutes at 0.01
)");
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  tariff::Rater rater(compiled.program);
  RejectLog rejects;
  std::istringstream usage("account,time,quantity\na,2026-03-02T00:00:00Z,10\n");
  auto added = rater.add_usage(usage, "usage.csv", tariff::UsageFormat::csv, rejects);
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message.find("anniversary periods need the month to rate: give it with --period"),
            std::string::npos);
}

}  // namespace
