// The string set behind distinct meters and account ids: dense ids in
// insertion order, stable across growth, for texts of any length.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "vm/string_set.h"

namespace tariff {
namespace {

std::vector<std::pair<std::size_t, std::string>> contents(const StringSet& set) {
  std::vector<std::pair<std::size_t, std::string>> out;
  set.for_each([&](std::size_t id, std::string_view text) { out.emplace_back(id, std::string(text)); });
  return out;
}

TEST(StringSet, IdsAreDenseInInsertionOrder) {
  StringSet set;
  EXPECT_EQ(set.insert("b").id, 0u);
  EXPECT_EQ(set.insert("a").id, 1u);
  const auto again = set.insert("b");
  EXPECT_EQ(again.id, 0u);
  EXPECT_FALSE(again.inserted);
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(contents(set), (std::vector<std::pair<std::size_t, std::string>>{{0, "b"}, {1, "a"}}));
}

TEST(StringSet, EmptyLongAndBinaryTextsAreDistinct) {
  StringSet set;
  const std::string long_text(300, 'x');  // a length needing two varint bytes
  const std::string with_nul("a\0b", 3);
  EXPECT_TRUE(set.insert("").inserted);
  EXPECT_TRUE(set.insert(long_text).inserted);
  EXPECT_TRUE(set.insert(with_nul).inserted);
  EXPECT_TRUE(set.insert("a").inserted);
  EXPECT_TRUE(set.insert(long_text + "y").inserted);
  EXPECT_FALSE(set.insert(long_text).inserted);
  EXPECT_FALSE(set.insert(std::string("a\0b", 3)).inserted);
  EXPECT_FALSE(set.insert("").inserted);
  EXPECT_EQ(set.size(), 5u);
  EXPECT_EQ(contents(set)[1].second, long_text);
}

TEST(StringSet, GrowthKeepsEveryIdAndText) {
  StringSet set;
  constexpr std::size_t kCount = 100'000;  // ids past 127 and many growths
  for (std::size_t i = 0; i < kCount; ++i) {
    const auto added = set.insert("user" + std::to_string(i));
    ASSERT_TRUE(added.inserted);
    ASSERT_EQ(added.id, i);
  }
  for (std::size_t i = 0; i < kCount; i += 997) {
    const auto found = set.insert("user" + std::to_string(i));
    EXPECT_FALSE(found.inserted);
    EXPECT_EQ(found.id, i);
  }
  std::size_t expected = 0;
  set.for_each([&](std::size_t id, std::string_view text) {
    EXPECT_EQ(id, expected);
    EXPECT_EQ(text, "user" + std::to_string(expected));
    ++expected;
  });
  EXPECT_EQ(expected, kCount);
}

}  // namespace
}  // namespace tariff
