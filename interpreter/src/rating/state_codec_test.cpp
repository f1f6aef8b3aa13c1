// Saved rating states: a state saved and loaded finishes into the same
// invoice; rows split across raters, saved, loaded and merged in any order
// give the same bytes; partitions keep the original lines of rejects; and
// corrupt, truncated or foreign bytes are refused with a reason.
#include "rating/state_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "bytecode/bytecode_file.h"
#include "tariff/tariff.h"

namespace tariff {
namespace {

// Every aggregation, windows by day and by column, a conversion and a
// class, a prorated charge's records and a free allowance's transactions:
// each kind of meter state goes through the codec.
constexpr const char* kScheme = R"(scheme "Codec" version "1"
currency USD
rounding half_up per line
period calendar month UTC
usage {
  account  id
  time     timestamp
  event    text
  user     id
  quantity decimal default 0
}
meter messages = sum quantity where event == "message"
meter peak     = max quantity where event == "voice"
meter low      = min quantity where event == "message"
meter logins   = count where event == "login"
meter mau      = distinct user
meter dau      = max over days of (distinct user where event == "login")
meter per_user = sum over user of (max over days of (count))
meter plan     = latest quantity where event == "plan"
meter storage  = average quantity where event == "storage"
meter seats    = weighted_sum quantity where event == "seat"
meter outages  = intervals quantity where event == "outage"
charge "Messages" = messages at 0.5
charge "Peak"     = peak at 0.01
charge "Low"      = low at 0.01
charge "Logins"   = logins at 0.001
charge "MAU"      = mau at 0.05
charge "DAU"      = dau at 0.3
charge "Per user" = per_user at 0.01
charge "Plan"     = plan at 1
charge "Storage"  = storage at 0.023
charge "Seats"    = seats at 0.02
charge "Outages"  = outages at 0.0001
meter seat_adds = sum quantity where event == "seat"
charge "Seat-days" = graduated seat_adds prorated { up to 3 at 2 flat 1  above at 1 }
charge "Message fees" = 2% of quantity where event == "message", plus 0.01, free 2 transactions, free 5 of value
)";

constexpr const char* kHeader = "account,time,event,user,quantity\n";

// Rows for a few accounts over March 2026, with two bad ones.
std::vector<std::string> sample_rows() {
  static constexpr const char* kEvents[] = {"message", "voice", "login", "plan",
                                            "storage", "seat",  "outage"};
  std::vector<std::string> rows;
  for (int i = 0; i < 210; ++i) {
    const int day = 1 + i % 28;
    const int quantity = (i * 37) % 101 - (i % 7 == 5 ? 50 : 0);
    rows.push_back("acct-" + std::to_string(i % 5) + ",2026-03-" + (day < 10 ? "0" : "") +
                   std::to_string(day) + "T" + std::to_string(10 + i % 9) + ":00:00Z," +
                   kEvents[i % 7] + ",u" + std::to_string(i % 13) + "," + std::to_string(quantity) +
                   "." + std::to_string(i % 10) + "\n");
  }
  rows.insert(rows.begin() + 17, "acct-1,2026-03-02T00:00:00Z,message,u1,lots\n");
  rows.insert(rows.begin() + 40, "acct-2,2026-03-02T00:00:00Z,message\n");
  return rows;
}

std::shared_ptr<const Program> compiled() {
  auto result = compile_source("codec.tariff", kScheme);
  EXPECT_TRUE(result.program) << result.diagnostics.render_all();
  return result.program;
}

class Collect final : public RejectSink {
 public:
  void reject(Reject reject) override { rejects.push_back(std::move(reject)); }
  std::vector<Reject> rejects;
};

Rater rated(const std::shared_ptr<const Program>& program, const std::vector<std::string>& rows,
            Collect& rejects) {
  Rater rater(program);
  EXPECT_TRUE(rater.set_period("2026-03"));
  std::string text = kHeader;
  for (const auto& row : rows) text += row;
  std::istringstream in(text);
  EXPECT_TRUE(rater.add_usage(in, "usage.csv", UsageFormat::csv, rejects));
  return rater;
}

std::string invoice_json(Rater& rater) {
  auto invoice = rater.finish();
  EXPECT_TRUE(invoice) << invoice.error().message;
  return invoice ? format_json(*invoice) : std::string();
}

std::string saved(const Rater& rater) {
  auto bytes = rater.save_state();
  EXPECT_TRUE(bytes) << bytes.error().message;
  return bytes ? *bytes : std::string();
}

Rater loaded(const std::shared_ptr<const Program>& program, const std::string& bytes) {
  auto rater = Rater::load_state(program, bytes);
  EXPECT_TRUE(rater) << rater.error().message;
  return rater ? std::move(*rater) : Rater(program);
}

TEST(StateCodec, SavedAndLoadedFinishesIntoTheSameInvoice) {
  const auto program = compiled();
  Collect rejects;
  Rater original = rated(program, sample_rows(), rejects);
  const std::string expected = invoice_json(original);
  ASSERT_NE(expected.find("\"rejected\":2"), std::string::npos) << expected;

  Rater copy = loaded(program, saved(original));
  EXPECT_EQ(invoice_json(copy), expected);
  // Saving the loaded state gives the same bytes: nothing is lost or added.
  EXPECT_EQ(saved(copy), saved(original));
}

TEST(StateCodec, SplitRatersMergedInAnyOrderGiveTheSameBytes) {
  const auto program = compiled();
  const auto rows = sample_rows();
  Collect all_rejects;
  Rater whole = rated(program, rows, all_rejects);
  const std::string expected = invoice_json(whole);

  constexpr std::size_t kParts = 4;
  std::vector<std::string> states;
  for (std::size_t part = 0; part < kParts; ++part) {
    std::vector<std::string> share;
    for (std::size_t i = part; i < rows.size(); i += kParts) share.push_back(rows[i]);
    Collect rejects;
    states.push_back(saved(rated(program, share, rejects)));
  }
  std::vector<std::size_t> order(kParts);
  for (std::size_t i = 0; i < kParts; ++i) order[i] = i;
  int orders = 0;
  do {
    Rater merged = loaded(program, states[order[0]]);
    for (std::size_t i = 1; i < kParts; ++i) ASSERT_TRUE(merged.merge(loaded(program, states[order[i]])));
    EXPECT_EQ(invoice_json(merged), expected) << "merge order #" << orders;
    ++orders;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(orders, 24);
}

TEST(StateCodec, PartitionsKeepTheOriginalLinesAndGiveTheSameInvoice) {
  const auto program = compiled();
  auto rows = sample_rows();
  rows.push_back("acct-3,2026-04-01T00:00:00Z,message,u1,1\n");  // outside the period
  std::string text = kHeader;
  for (const auto& row : rows) text += row;
  Collect expected_rejects;
  Rater whole = rated(program, rows, expected_rejects);
  const std::string expected = invoice_json(whole);
  ASSERT_EQ(expected_rejects.rejects.size(), 3u);

  std::istringstream in(text);
  auto parts = partition_usage(*program, in, "usage.csv", UsageFormat::csv, 3);
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ(parts->at(0).rejects.size(), 2u);  // the reader's refusals go to part 0
  Rater merged(program);
  ASSERT_TRUE(merged.set_period("2026-03"));
  Collect rejects;
  for (const auto& part : *parts) {
    Rater rater(program);
    ASSERT_TRUE(rater.set_period("2026-03"));
    ASSERT_TRUE(rater.add_partition(part, rejects));
    ASSERT_TRUE(merged.merge(loaded(program, saved(rater))));
  }
  EXPECT_EQ(invoice_json(merged), expected);
  const auto by_line = [](const Reject& a, const Reject& b) { return a.line < b.line; };
  std::sort(rejects.rejects.begin(), rejects.rejects.end(), by_line);
  ASSERT_EQ(rejects.rejects.size(), expected_rejects.rejects.size());
  for (std::size_t i = 0; i < rejects.rejects.size(); ++i)
    EXPECT_EQ(format_reject_csv(rejects.rejects[i]), format_reject_csv(expected_rejects.rejects[i]));
}

TEST(StateCodec, RefusesCorruptTruncatedAndForeignBytes) {
  const auto program = compiled();
  Collect rejects;
  const std::string bytes = saved(rated(program, sample_rows(), rejects));
  const auto refusal = [&](std::string_view candidate, const std::shared_ptr<const Program>& by) {
    auto rater = Rater::load_state(by, candidate);
    return rater ? std::string("loaded") : rater.error().message;
  };
  EXPECT_NE(refusal("", program).find("not a Tariff rating state"), std::string::npos);
  EXPECT_NE(refusal(bytes.substr(0, bytes.size() - 1), program).find("header says"), std::string::npos);

  std::string flipped = bytes;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x20);
  EXPECT_NE(refusal(flipped, program).find("checksum"), std::string::npos);

  std::string newer = bytes;
  newer[8] = 9;
  EXPECT_NE(refusal(newer, program).find("format version 9"), std::string::npos);

  auto other = compile_source("other.tariff", std::string(kScheme) + "charge \"Extra\" = flat 1\n");
  ASSERT_TRUE(other.program);
  EXPECT_NE(refusal(bytes, other.program).find("another scheme"), std::string::npos);

  // Every truncation is refused; none reads past the end (the sanitizer
  // build runs this too).
  for (std::size_t size = 0; size < bytes.size(); size += 7)
    EXPECT_NE(refusal(bytes.substr(0, size), program), "loaded") << size;
}

// The checksum guards the body; past it, the reader still checks every
// length and value, as a forged body with a matching checksum shows.
TEST(StateCodec, RefusesAForgedBodyWithAMatchingChecksum) {
  const auto program = compiled();
  RatingState empty;
  auto bytes = encode_state(*program, empty);
  ASSERT_TRUE(bytes);
  const std::string header = bytes->substr(0, 36);
  const auto with_body = [&](std::string body) {
    std::string forged = header.substr(0, 20);
    for (int i = 0; i < 8; ++i) forged.push_back(static_cast<char>((body.size() >> (8 * i)) & 0xFF));
    const std::uint64_t sum = fnv1a64(body);
    for (int i = 0; i < 8; ++i) forged.push_back(static_cast<char>((sum >> (8 * i)) & 0xFF));
    RatingState state;
    auto decoded = decode_state(*program, forged + body, state);
    return decoded ? std::string("loaded") : decoded.error();
  };
  std::string counts(24, '\0');
  counts[0] = 5;  // read 5, accepted 0, rejected 0
  EXPECT_NE(with_body(counts + std::string(9, '\0')).find("do not add up"), std::string::npos);
  std::string accounts(24, '\0');
  accounts += std::string(1, '\0') + std::string(4, '\0');  // no period, no other months
  accounts += std::string(1, static_cast<char>(program->meters.size())) + std::string(3, '\0');  // its meters
  accounts += std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8);  // a huge account count
  EXPECT_NE(with_body(accounts).find("truncated"), std::string::npos);
}

// Every byte of the body changed, with the checksum made to match: the
// structural checks alone must refuse it or load a state that finishes
// (into an invoice or an error), never crash or read out of bounds.
TEST(StateCodec, EveryByteOfTheBodyChangedIsRefusedOrFinishes) {
  const auto program = compiled();
  Collect rejects;
  // Enough rows for every kind of state, few enough to try every byte.
  const auto rows = sample_rows();
  const std::string bytes =
      saved(rated(program, std::vector<std::string>(rows.begin(), rows.begin() + 45), rejects));
  constexpr std::size_t kHeaderBytes = 36;
  const auto with_checksum = [&](std::string forged) {
    const std::uint64_t sum = fnv1a64(std::string_view(forged).substr(kHeaderBytes));
    for (std::size_t i = 0; i < 8; ++i) forged[28 + i] = static_cast<char>((sum >> (8 * i)) & 0xFF);
    return forged;
  };
  ASSERT_EQ(with_checksum(bytes), bytes);
  std::size_t refused = 0;
  for (std::size_t at = kHeaderBytes; at < bytes.size(); ++at) {
    std::string forged = bytes;
    forged[at] = static_cast<char>(forged[at] ^ 0x5A);
    auto loaded_state = Rater::load_state(program, with_checksum(std::move(forged)));
    if (!loaded_state) {
      ++refused;
      continue;
    }
    (void)loaded_state->finish();
  }
  // Lengths, counts, flags and decimals are everywhere: most changes show.
  EXPECT_GT(refused, (bytes.size() - kHeaderBytes) / 4);
}

}  // namespace
}  // namespace tariff
