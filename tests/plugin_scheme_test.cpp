// Schemes priced by plugin tier kinds through the C++ API: compiling needs
// the plugin loaded, a saved program is refused without it, and rating
// gives the V18 numbers (billing-engines.md).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tariff/tariff.h"

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class NoRejects final : public tariff::RejectSink {
 public:
  void reject(tariff::Reject r) override { ADD_FAILURE() << r.reason; }
};

TEST(PluginScheme, CompilesOnlyWithThePluginLoaded) {
  const std::string scheme = read(TARIFF_TESTS "/plugins/capacity.tariff");
  auto without = tariff::compile_source("capacity.tariff", scheme);
  EXPECT_FALSE(without.program);
  auto plugins = std::make_shared<tariff::Plugins>();
  ASSERT_TRUE(plugins->load(CAPACITY_PLUGIN));
  EXPECT_EQ(plugins->tier_kind_names(), (std::vector<std::string>{"capacity"}));
  auto with = tariff::compile_source("capacity.tariff", scheme, plugins.get());
  ASSERT_TRUE(with.program) << with.diagnostics.render_all();

  // Saved, the program names the kind; loading it without the plugin is a
  // refusal (exit 3 in the CLI), with it the same program.
  auto bytes = tariff::save_program(*with.program);
  ASSERT_TRUE(bytes);
  const std::string path = ::testing::TempDir() + "plugin_scheme_test.tfc";
  std::ofstream(path, std::ios::binary) << *bytes;
  auto refused = tariff::load_program_file(path);
  EXPECT_TRUE(refused.refused);
  ASSERT_EQ(refused.diagnostics.items.size(), 1u);
  EXPECT_NE(refused.diagnostics.items[0].message.find("tier kind `capacity`"), std::string::npos);
  auto loaded = tariff::load_program_file(path, plugins.get());
  ASSERT_TRUE(loaded.program);
  EXPECT_EQ(tariff::disassembly(*loaded.program), tariff::disassembly(*with.program));

  // V18: (100, 1000, 50) -> 10; (100, 1001) -> 20; (101, 1000) -> 20; (10, 2001) -> 30.
  tariff::Rater rater(loaded.program, plugins);
  std::istringstream usage(read(TARIFF_TESTS "/plugins/capacity.csv"));
  NoRejects rejects;
  ASSERT_TRUE(rater.add_usage(usage, "capacity.csv", tariff::UsageFormat::csv, rejects));
  auto invoice = rater.finish();
  ASSERT_TRUE(invoice) << invoice.error().message;
  std::vector<std::string> totals;
  for (const auto& account : invoice->accounts) totals.push_back(account.total.to_string());
  EXPECT_EQ(totals, (std::vector<std::string>{"10.00", "20.00", "20.00", "30.00"}));
}

TEST(PluginScheme, RatingWithoutThePluginIsARunErrorNotACrash) {
  auto plugins = std::make_shared<tariff::Plugins>();
  ASSERT_TRUE(plugins->load(CAPACITY_PLUGIN));
  auto compiled = tariff::compile_source("capacity.tariff", read(TARIFF_TESTS "/plugins/capacity.tariff"),
                                         plugins.get());
  ASSERT_TRUE(compiled.program);
  tariff::Rater rater(compiled.program);  // no plugins given
  std::istringstream usage(read(TARIFF_TESTS "/plugins/capacity.csv"));
  NoRejects rejects;
  ASSERT_TRUE(rater.add_usage(usage, "capacity.csv", tariff::UsageFormat::csv, rejects));
  auto invoice = rater.finish();
  ASSERT_FALSE(invoice);
  EXPECT_NE(invoice.error().message.find("needs its plugin"), std::string::npos);
}

}  // namespace
