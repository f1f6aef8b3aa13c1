// What the CSV and NDJSON reader tests share: the usage schema they read
// against, a sink that keeps rejects, and one read loop over the common
// UsageReader interface that checks the counts reconcile.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usage/usage_reader.h"

namespace tariff::usage::testing {

inline Column column(std::string name, ColumnType type, bool optional = false,
                     std::optional<std::string> default_text = std::nullopt) {
  return Column{std::move(name), type, optional, std::move(default_text), {}};
}

// account, time, quantity required; count optional with default 1;
// region optional without default.
inline UsageSchema usage_schema() {
  UsageSchema schema;
  schema.columns = {
      column("account", ColumnType::id),        column("time", ColumnType::timestamp),
      column("quantity", ColumnType::decimal),  column("count", ColumnType::integer, true, "1"),
      column("region", ColumnType::text, true),
  };
  schema.account_column = 0;
  schema.time_column = 1;
  return schema;
}

class CollectingSink : public RejectSink {
 public:
  void reject(Reject reject) override { rejects.push_back(std::move(reject)); }
  std::vector<Reject> rejects;
};

// Everything one read produced, as comparable text.
struct ReadResult {
  std::vector<std::string> rows;     // "line: text=number text=number ..."
  std::vector<std::string> rejects;  // "file:line: reason [text]"
  ReadCounts counts;
};

inline std::string describe_row(const Row& row) {
  std::string out = fmt::format("{}:", row.line);
  for (const Field& field : row.fields) out += fmt::format(" {}={}", field.text, field.number);
  return out;
}

inline std::string describe_reject(const Reject& reject) {
  return fmt::format("{}:{}: {} [{}]", reject.file, reject.line, reject.reason, reject.text);
}

// Opens `reader` and reads it to the end; read = accepted + rejected.
inline ReadResult read_everything(UsageReader& reader, std::string_view file_name) {
  auto opened = reader.open();
  EXPECT_TRUE(opened.has_value()) << (opened ? "" : opened.error());
  ReadResult result;
  CollectingSink sink;
  Row row;
  while (reader.next(row, sink)) {
    EXPECT_EQ(row.file, file_name);
    result.rows.push_back(describe_row(row));
  }
  for (const Reject& reject : sink.rejects) result.rejects.push_back(describe_reject(reject));
  result.counts = reader.counts();
  EXPECT_EQ(result.counts.accepted, result.rows.size());
  EXPECT_EQ(result.counts.rejected, result.rejects.size());
  EXPECT_EQ(result.counts.read, result.counts.accepted + result.counts.rejected);
  return result;
}

}  // namespace tariff::usage::testing
