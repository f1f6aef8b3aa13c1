// A rating run: usage rows through the record program into per-account
// meter state, then the period program per account into an invoice.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "bytecode/program.h"
#include "invoice/invoice_builder.h"
#include "tariff/tariff.h"
#include "usage/usage_reader.h"
#include "vm/vm.h"

namespace tariff {

struct Rater::State {
  explicit State(std::shared_ptr<const Program> p) : program(std::move(p)), frame(*program) {}

  std::shared_ptr<const Program> program;
  Frame frame;
  std::unordered_map<std::string, std::vector<MeterSlot>> accounts;
  ReadCounts counts;
};

namespace {

std::string located(const Program& program, const Chunk& chunk, std::size_t pc,
                    const std::string& message) {
  const SourceLocation at = pc < chunk.locations.size() ? chunk.locations[pc] : SourceLocation{};
  return fmt::format("{}:{}:{}: error: {}", program.source_name, at.line, at.column, message);
}

}  // namespace

Rater::Rater(std::shared_ptr<const Program> program)
    : state_(std::make_unique<State>(std::move(program))) {}
Rater::~Rater() = default;
Rater::Rater(Rater&&) noexcept = default;
Rater& Rater::operator=(Rater&&) noexcept = default;

Expected<std::monostate, RunError> Rater::add_usage(std::istream& in, const std::string& name,
                                                    UsageFormat format, RejectSink& rejects) {
  State& s = *state_;
  const Program& program = *s.program;
  const auto reader_owner = usage::make_usage_reader(format, program.usage, in, name);
  usage::UsageReader& reader = *reader_owner;
  if (auto opened = reader.open(); !opened) return unexpected(RunError{opened.error()});

  usage::Row row;
  const std::size_t meter_count = program.meters.size();
  const std::uint32_t account_column = program.usage.account_column;
  // Rows of one account usually come together: remember the last one.
  std::string last_account;
  std::vector<MeterSlot>* last_meters = nullptr;
  while (reader.next(row, rejects)) {
    const std::string_view account = row.fields[account_column].text;
    if (!last_meters || account != last_account) {
      auto [it, inserted] = s.accounts.try_emplace(std::string(account));
      if (inserted) it->second.resize(meter_count);
      last_account.assign(account);
      last_meters = &it->second;
    }
    if (auto ran = run_record(program, row, last_meters->data(), s.frame); !ran)
      return unexpected(RunError{fmt::format(
          "{} (rating {}:{})", located(program, program.record, ran.error().pc, ran.error().message),
          name, row.line)});
  }
  const ReadCounts& counts = reader.counts();
  s.counts.read += counts.read;
  s.counts.accepted += counts.accepted;
  s.counts.rejected += counts.rejected;
  if (auto failed = reader.input_error()) return unexpected(RunError{*failed});
  return std::monostate{};
}

Expected<std::monostate, RunError> Rater::merge(Rater&& other) {
  State& s = *state_;
  State& o = *other.state_;
  if (s.program != o.program) return unexpected(RunError{"cannot merge raters of different programs"});
  for (auto& [account, meters] : o.accounts) {
    auto [it, inserted] = s.accounts.try_emplace(account);
    if (inserted) {
      it->second = std::move(meters);
      continue;
    }
    for (std::size_t m = 0; m < meters.size(); ++m) {
      if (auto merged = tariff::merge(s.program->meters[m].kind, it->second[m], meters[m]); !merged)
        return unexpected(RunError{fmt::format("merging meter `{}` of account {}: {}",
                                               s.program->meters[m].name, account,
                                               describe(merged.error()))});
    }
  }
  s.counts.read += o.counts.read;
  s.counts.accepted += o.counts.accepted;
  s.counts.rejected += o.counts.rejected;
  o.accounts.clear();
  o.counts = {};
  return std::monostate{};
}

Expected<Invoice, RunError> Rater::finish() {
  State& s = *state_;
  const Program& program = *s.program;
  // Invoices list accounts in byte order of their ids, whatever the order
  // of the rows: the same usage always gives the same bytes.
  std::vector<const std::string*> ids;
  ids.reserve(s.accounts.size());
  for (const auto& entry : s.accounts) ids.push_back(&entry.first);
  std::sort(ids.begin(), ids.end(), [](const std::string* a, const std::string* b) { return *a < *b; });

  InvoiceBuilder builder(program);
  std::vector<EmittedLine> lines;
  for (const std::string* id : ids) {
    lines.clear();
    if (auto ran = run_period(program, s.accounts.at(*id).data(), s.frame, lines); !ran)
      return unexpected(RunError{fmt::format(
          "{} (account {})", located(program, program.period, ran.error().pc, ran.error().message), *id)});
    if (auto added = builder.add_account(*id, lines); !added)
      return unexpected(RunError{fmt::format("{}: error: account {}: {}", program.source_name, *id,
                                             added.error())});
  }
  return builder.finish(s.counts);
}

}  // namespace tariff
