// Cutting a usage file into parts by account, each part a usage file of its
// own whose records remember their lines in the original.
#include <algorithm>

#include "bytecode/bytecode_file.h"
#include "bytecode/program.h"
#include "tariff/tariff.h"
#include "usage/usage_reader.h"

namespace tariff {

namespace {

// The reader's refusals, kept for part 0 as they are: a refused record has
// no account to route it by, and its reason cannot change in another part.
class CollectRejects final : public RejectSink {
 public:
  explicit CollectRejects(std::vector<Reject>& into) : into_(into) {}
  void reject(Reject reject) override { into_.push_back(std::move(reject)); }

 private:
  std::vector<Reject>& into_;
};

std::uint64_t line_breaks(std::string_view text) {
  return static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
}

// Appends a record to its part; the line it will start on there is the
// line after the part's last one.
void append_record(UsagePartition& part, std::uint64_t& next_line, std::string_view text,
                   std::uint64_t original_line) {
  part.lines.emplace_back(next_line, original_line);
  part.text.append(text);
  part.text.push_back('\n');
  next_line += line_breaks(text) + 1;
}

}  // namespace

Expected<std::vector<UsagePartition>, RunError> partition_usage(const Program& program,
                                                                std::istream& in,
                                                                const std::string& name,
                                                                UsageFormat format,
                                                                std::uint32_t partitions) {
  if (partitions == 0) return unexpected(RunError{"partition_usage: at least one partition is needed"});
  const auto reader = usage::make_usage_reader(format, program.usage, in, name);
  if (auto opened = reader->open(); !opened) return unexpected(RunError{opened.error()});

  std::vector<UsagePartition> parts(partitions);
  // The line each part's next record starts on, after the header.
  std::vector<std::uint64_t> next_line(partitions, 1);
  const std::string_view header = reader->header_text();
  for (std::size_t p = 0; p < partitions; ++p) {
    parts[p].file = name;
    parts[p].format = format;
    if (format == UsageFormat::csv) {
      parts[p].text.append(header);
      parts[p].text.push_back('\n');
      next_line[p] += line_breaks(header) + 1;
    }
  }
  CollectRejects refused(parts[0].rejects);
  usage::Row row;
  const std::uint32_t account_column = program.usage.account_column;
  while (reader->next(row, refused)) {
    const std::size_t p = fnv1a64(row.fields[account_column].text) % partitions;
    append_record(parts[p], next_line[p], row.text, row.line);
  }
  if (auto failed = reader->input_error()) return unexpected(RunError{*failed});
  return parts;
}

}  // namespace tariff
