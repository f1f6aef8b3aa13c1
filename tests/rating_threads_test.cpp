// One Program shared by raters on several threads (docs/embedding.md,
// "Threads"): each thread's invoice is byte for byte the single-threaded
// one, and merging the threads' raters gives the invoice of one pass over
// all the rows. The scheme uses every kind of meter state that merges
// (sums, maxima, distinct sets, day windows, latest, averages, time-weighted
// segments) and a plugin tier kind, so the plugin is called from every
// thread too.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tariff/tariff.h"

namespace {

constexpr std::size_t kThreads = 4;

constexpr const char* kScheme = R"(scheme "Threads" version "1"
currency USD
rounding half_up per line
period calendar month UTC
usage {
  account  id
  time     timestamp
  event    text
  user     id       optional
  quantity decimal  default 0
}
meter messages = sum quantity where event == "message"
meter minutes  = sum quantity where event == "voice", seconds -> minutes rounded up per day
meter mau      = distinct user where event == "login"
meter peak_dau = max over days of (distinct user where event == "login")
meter seats    = max quantity where event == "seats"
meter plan     = latest quantity where event == "plan"
meter storage  = average quantity where event == "storage"
meter sessions = weighted_sum quantity where event == "session"
charge "Platform" = flat 10
charge "Messages" = messages at 0.50 per 1_000
charge "Voice"    = minutes at 0.004
charge "MAU"      = graduated mau {
  first 20  free
  next  40  at 0.05
  above     at 0.045
}
charge "Peak DAU" = volume peak_dau {
  up to 10 at 0.30 flat 1
  above    at 0.25
}
charge "Plan"     = plan at 3
charge "Storage"  = storage at 0.023
charge "Sessions" = sessions at 0.7
charge "Seats"    = capacity(seats, mau) {
  (5, 30, 20)
  (20, 60, 50)
  (-1, -1, 90)
}
)";

// Deterministic rows for 40 accounts over March 2026: every event kind,
// users repeating across days and accounts.
std::vector<std::string> usage_rows() {
  static const std::array<const char*, 7> events{"message", "voice", "login", "seats",
                                                 "plan",    "storage", "session"};
  std::vector<std::string> rows;
  std::uint64_t state = 12345;
  const auto next = [&state](std::uint64_t below) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return (state >> 33) % below;
  };
  for (int i = 0; i < 24'000; ++i) {
    const auto account = next(40);
    const std::string event = events[next(events.size())];
    const auto day = 1 + next(31);
    const auto second = next(86'400);
    const std::string time = "2026-03-" + std::string(day < 10 ? "0" : "") + std::to_string(day) + "T" +
                             std::to_string(10 + second / 3600 % 10) + ":" +
                             std::to_string(10 + second / 60 % 50) + ":" + std::to_string(10 + second % 50) +
                             "Z";
    const std::string user = event == "login" ? "u" + std::to_string(next(90)) : "";
    std::string quantity;
    if (event == "session") {
      quantity = next(3) == 0 ? "-1" : "1";  // a gauge that goes up and down
    } else if (event == "storage") {
      quantity = std::to_string(next(5000)) + "." + std::to_string(next(10));
    } else if (event == "seats") {
      quantity = std::to_string(1 + next(8 + account));  // peaks from 8 to 47: every capacity row
    } else if (event != "login") {
      quantity = std::to_string(1 + next(event == "message" ? 5000 : 40));
    }
    rows.push_back("acct" + std::to_string(account) + "," + time + "," + event + "," + user + "," + quantity);
  }
  return rows;
}

std::string csv(const std::vector<std::string>& rows, std::size_t shard, std::size_t shards) {
  std::string text = "account,time,event,user,quantity\n";
  for (std::size_t i = shard; i < rows.size(); i += shards) text += rows[i] + '\n';
  return text;
}

class NoRejects final : public tariff::RejectSink {
 public:
  void reject(tariff::Reject r) override { reasons.push_back(r.reason); }
  std::vector<std::string> reasons;
};

class RatingThreads : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = std::make_shared<tariff::Plugins>();
    ASSERT_TRUE(loaded->load(CAPACITY_PLUGIN));
    plugins = std::move(loaded);
    auto compiled = tariff::compile_source("threads.tariff", kScheme, plugins.get());
    ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
    program = compiled.program;
    rows = usage_rows();
  }

  // Rates one CSV text and leaves the rater unfinished; an error as text.
  std::optional<std::string> rate(tariff::Rater& rater, const std::string& text) const {
    if (auto period = rater.set_period("2026-03"); !period) return period.error().message;
    std::istringstream in(text);
    NoRejects rejects;
    auto added = rater.add_usage(in, "usage.csv", tariff::UsageFormat::csv, rejects);
    if (!added) return added.error().message;
    if (!rejects.reasons.empty()) return "rejected: " + rejects.reasons.front();
    return std::nullopt;
  }

  std::string json(tariff::Rater& rater) const {
    auto invoice = rater.finish();
    if (!invoice) return "error: " + invoice.error().message;
    return tariff::format_json(*invoice);
  }

  // The invoice of one rater over `text` on this thread.
  std::string single(const std::string& text) const {
    tariff::Rater rater(program, plugins);
    if (auto failed = rate(rater, text)) return "error: " + *failed;
    return json(rater);
  }

  std::shared_ptr<const tariff::Plugins> plugins;
  std::shared_ptr<const tariff::Program> program;
  std::vector<std::string> rows;
};

TEST_F(RatingThreads, ShardsRatedConcurrentlyMatchSingleThreadAndMergeToOnePass) {
  std::array<std::string, kThreads> shards;
  std::array<std::string, kThreads> expected;
  for (std::size_t t = 0; t < kThreads; ++t) {
    shards[t] = csv(rows, t, kThreads);
    expected[t] = single(shards[t]);
  }
  const std::string one_pass = single(csv(rows, 0, 1));
  ASSERT_EQ(one_pass.rfind("error", 0), std::string::npos) << one_pass;
  ASSERT_NE(one_pass.find("\"accepted\":24000"), std::string::npos) << one_pass;

  // Each thread: its own Rater over the shared Program, its shard, finish.
  std::vector<tariff::Rater> raters;
  for (std::size_t t = 0; t < kThreads; ++t) raters.emplace_back(program, plugins);
  std::array<std::optional<std::string>, kThreads> failures;
  std::array<std::string, kThreads> invoices;
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      failures[t] = rate(raters[t], shards[t]);
      if (!failures[t]) invoices[t] = json(raters[t]);
    });
  for (auto& thread : threads) thread.join();
  for (std::size_t t = 0; t < kThreads; ++t) {
    ASSERT_FALSE(failures[t]) << *failures[t];
    EXPECT_EQ(invoices[t], expected[t]) << "shard " << t;
  }

  // Merged as a tree, the two first merges on two threads at once.
  std::array<std::optional<std::string>, 2> merged;
  std::thread left([&] {
    if (auto m = raters[0].merge(std::move(raters[1])); !m) merged[0] = m.error().message;
  });
  std::thread right([&] {
    if (auto m = raters[2].merge(std::move(raters[3])); !m) merged[1] = m.error().message;
  });
  left.join();
  right.join();
  ASSERT_FALSE(merged[0]) << *merged[0];
  ASSERT_FALSE(merged[1]) << *merged[1];
  ASSERT_TRUE(raters[0].merge(std::move(raters[2])));
  EXPECT_EQ(json(raters[0]), one_pass);
}

TEST_F(RatingThreads, TheSameUsageOnEveryThreadGivesTheSameInvoice) {
  const std::string all = csv(rows, 0, 1);
  const std::string expected = single(all);
  ASSERT_EQ(expected.rfind("error", 0), std::string::npos) << expected;

  std::array<std::string, kThreads> invoices;
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t) threads.emplace_back([&, t] { invoices[t] = single(all); });
  for (auto& thread : threads) thread.join();
  for (std::size_t t = 0; t < kThreads; ++t) EXPECT_EQ(invoices[t], expected) << "thread " << t;
}

TEST_F(RatingThreads, RowOrderDoesNotMatter) {
  // The shards in reverse, one rater: the same bytes as the rows in order.
  std::string reversed = "account,time,event,user,quantity\n";
  for (auto row = rows.rbegin(); row != rows.rend(); ++row) reversed += *row + '\n';
  EXPECT_EQ(single(reversed), single(csv(rows, 0, 1)));
}

}  // namespace
