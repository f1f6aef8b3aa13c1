// A rating run: usage rows through the record program into per-account
// meter state, then the period program per account into an invoice.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "bytecode/program.h"
#include "invoice/invoice_builder.h"
#include "rating/billing_period.h"
#include "rating/rater_state.h"
#include "rating/state_codec.h"
#include "rating/registry_pricer.h"
#include "rating/subscriptions.h"
#include "usage/timestamp.h"
#include "tariff/tariff.h"
#include "usage/usage_reader.h"
#include "vm/hot_compare.h"
#include "vm/string_set.h"
#include "vm/vm.h"

namespace tariff {

namespace {

constexpr const char* kAnniversaryNeedsPeriod =
    "anniversary periods need the month to rate: give it with --period (each account's period starts in it)";

std::string located(const Program& program, const Chunk& chunk, std::size_t pc,
                    const std::string& message) {
  const SourceLocation at = pc < chunk.locations.size() ? chunk.locations[pc] : SourceLocation{};
  return fmt::format("{}:{}:{}: error: {}", program.source_name, at.line, at.column, message);
}

// The meter's declaration: where the record program updates it.
SourceLocation declaration_of(const Program& program, std::size_t meter) {
  const Chunk& chunk = program.record;
  for (std::size_t pc = 0; pc < chunk.code.size() && pc < chunk.locations.size(); ++pc)
    if (chunk.code[pc].op == Opcode::MDIST && chunk.code[pc].a == meter) return chunk.locations[pc];
  return {};
}

// Two raters' sets within the budget can be over it together; so can an
// account from a rater with a larger budget.
std::optional<RunError> over_distinct_budget(const Program& program, const RatingLimits& limits,
                                             std::string_view account,
                                             const std::vector<MeterSlot>& meters) {
  for (std::size_t m = 0; m < meters.size(); ++m) {
    const MeterExtra* extra = meters[m].extra.get();
    if (program.meters[m].kind != MeterKind::distinct || !extra ||
        extra->distinct_values <= limits.max_distinct_values)
      continue;
    const SourceLocation at = declaration_of(program, m);
    return RunError{fmt::format(
        "{}:{}:{}: error: {} (merging)", program.source_name, at.line, at.column,
        distinct_budget_exceeded(program.meters[m].name, limits.max_distinct_values, account))};
  }
  return std::nullopt;
}

}  // namespace

// A partition's lines -> the original file's, for rows and for the
// reader's rejects. A line the map lacks stays as it is and is noted: the
// partition was not cut by partition_usage.
class Rater::OriginalLines final : public RejectSink {
 public:
  OriginalLines(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& lines, RejectSink& sink)
      : lines_(lines), sink_(sink) {}
  std::uint64_t of(std::uint64_t line) const {
    const auto found = std::lower_bound(lines_.begin(), lines_.end(), std::make_pair(line, std::uint64_t{0}));
    if (found != lines_.end() && found->first == line) return found->second;
    unmapped_ = true;
    return line;
  }
  bool unmapped() const noexcept { return unmapped_; }
  void reject(Reject reject) override {
    reject.line = of(reject.line);
    sink_.reject(std::move(reject));
  }

 private:
  const std::vector<std::pair<std::uint64_t, std::uint64_t>>& lines_;
  RejectSink& sink_;
  mutable bool unmapped_ = false;
};

Rater::Rater(std::shared_ptr<const Program> program, std::shared_ptr<const Plugins> plugins)
    : state_(std::make_unique<State>(std::move(program), std::move(plugins))) {}
Rater::~Rater() = default;
Rater::Rater(Rater&&) noexcept = default;
Rater& Rater::operator=(Rater&&) noexcept = default;

Expected<std::monostate, RunError> Rater::add_usage(std::istream& in, const std::string& name,
                                                    UsageFormat format, RejectSink& rejects,
                                                    const UsageProgressCallback& progress) {
  return rate_stream(in, name, format, rejects, progress, nullptr);
}

Expected<std::monostate, RunError> Rater::add_partition(const UsagePartition& partition,
                                                        RejectSink& rejects) {
  State& s = *state_;
  for (const Reject& refused : partition.rejects) rejects.reject(refused);
  s.counts.read += partition.rejects.size();
  s.counts.rejected += partition.rejects.size();
  std::istringstream in(partition.text);
  OriginalLines original(partition.lines, rejects);
  auto rated = rate_stream(in, partition.file, partition.format, rejects, {}, &original);
  if (rated && original.unmapped())
    return unexpected(RunError{fmt::format(
        "{}: the partition's line numbers do not match its records", partition.file)});
  return rated;
}

Expected<std::monostate, RunError> Rater::rate_stream(std::istream& in, const std::string& name,
                                                      UsageFormat format, RejectSink& rejects,
                                                      const UsageProgressCallback& progress,
                                                      OriginalLines* original) {
  State& s = *state_;
  const Program& program = *s.program;
  // Progress: a position query on the stream buffer (no istream state
  // touched; -1 on a pipe), from before the reader's first block.
  const auto stream_position = [&in]() -> std::optional<std::uint64_t> {
    if (!in.rdbuf()) return std::nullopt;
    const auto at = in.rdbuf()->pubseekoff(0, std::ios::cur, std::ios::in);
    if (at == std::streampos(std::streamoff(-1))) return std::nullopt;
    return static_cast<std::uint64_t>(std::streamoff(at));
  };
  const std::optional<std::uint64_t> start = progress ? stream_position() : std::nullopt;
  const auto reader_owner = usage::make_usage_reader(format, program.usage, in, name);
  usage::UsageReader& reader = *reader_owner;
  if (auto opened = reader.open(); !opened) return unexpected(RunError{opened.error()});

  usage::Row row;
  const std::size_t meter_count = program.meters.size();
  const std::uint32_t account_column = program.usage.account_column;
  // Rows of one account often come together: remember the last one.
  std::string last_account;
  MeterSlot* last_meters = nullptr;
  const bool anniversary = program.billing_period.kind == PeriodKind::anniversary_month;
  const bool has_period = program.billing_period.kind != PeriodKind::none && !anniversary;
  if (anniversary && !s.period) return unexpected(RunError{kAnniversaryNeedsPeriod});
  std::optional<BillingPeriod> last_period;  // anniversary: the last account's own period
  std::uint64_t set_aside_rows = 0;  // accepted by the reader, rejected here
  // Progress every few thousand accepted rows.
  constexpr std::uint32_t kProgressEvery = 4096;
  std::uint32_t until_progress = kProgressEvery;
  const auto report_progress = [&] {
    UsageProgress now{reader.counts().read, std::nullopt};
    if (start)
      if (const auto at = stream_position(); at && *at >= *start) now.bytes = *at - *start;
    progress(now);
  };
  // The reader's rejects carry lines of the stream; the rater's own, the
  // row's line, already mapped.
  RejectSink& reader_rejects = original ? static_cast<RejectSink&>(*original) : rejects;
  // A row the reader accepted but the rater does not rate.
  const auto set_aside = [&](std::string reason) {
    ++set_aside_rows;
    rejects.reject(Reject{std::string(row.file), row.line, std::move(reason), std::string(row.text)});
  };
  const auto within = [](const Decimal& time, const PeriodBounds& bounds) {
    return compare_fast(time, bounds.start) >= 0 && compare_fast(time, bounds.end) < 0;
  };
  while (reader.next(row, reader_rejects)) {
    if (original) row.line = original->of(row.line);
    if (progress && --until_progress == 0) {
      until_progress = kProgressEvery;
      report_progress();
    }
    if (has_period) {
      const Decimal time = row.fields[*program.usage.time_column].number;
      if (!s.period) {
        s.period = period_containing(time, program.billing_period);
        s.period_inferred = true;
      }
      if (!within(time, s.period->bounds)) {
        if (s.period_inferred)
          s.other_months.insert(period_containing(time, program.billing_period).label);
        set_aside(fmt::format("outside the billing period {} ({} to {})", s.period->label, s.period->start,
                              s.period->end));
        continue;
      }
    }
    const std::string_view account = row.fields[account_column].text;
    if (!last_meters || !text_equal(account, last_account)) {
      last_account.assign(account);
      last_meters = nullptr;
      if (!s.accounts || s.unknown_accounts == UnknownAccounts::rate || s.accounts->find(account)) {
        const auto [id, inserted] = s.account_ids.insert(account);
        if (inserted) s.account_meters.emplace_back(meter_count);
        last_meters = s.account_meters[id].data();
      }
      if (anniversary) last_period = account_period(program.billing_period, *s.period, s.accounts.get(), account);
    }
    if (!last_meters) {
      set_aside(fmt::format("account {} is not in the accounts file", account));
      continue;
    }
    if (anniversary) {
      if (!last_period) {
        set_aside(fmt::format("account {} starts after the billing period {}", account, s.period->label));
        continue;
      }
      if (!within(row.fields[*program.usage.time_column].number, last_period->bounds)) {
        set_aside(fmt::format("outside account {}'s billing period {} ({} to {})", account, last_period->label,
                              last_period->start, last_period->end));
        continue;
      }
    }
    if (auto ran = run_record(program, row, last_meters, s.frame, s.limits.max_distinct_values); !ran)
      return unexpected(RunError{fmt::format(
          "{} (rating {}:{})", located(program, program.record, ran.error().pc, ran.error().message),
          name, row.line)});
  }
  if (progress) report_progress();
  const ReadCounts& counts = reader.counts();
  s.counts.read += counts.read;
  s.counts.accepted += counts.accepted - set_aside_rows;
  s.counts.rejected += counts.rejected + set_aside_rows;
  if (auto failed = reader.input_error()) return unexpected(RunError{*failed});
  return std::monostate{};
}

Expected<std::monostate, RunError> Rater::set_period(std::string_view month) {
  State& s = *state_;
  if (s.program->billing_period.kind == PeriodKind::none)
    return unexpected(RunError{"the scheme declares no billing period; remove --period"});
  auto period = parse_period(month, s.program->billing_period);
  if (!period) return unexpected(RunError{period.error()});
  s.period = *period;
  s.period_inferred = false;
  return std::monostate{};
}

void Rater::set_limits(const RatingLimits& limits) { state_->limits = limits; }

void Rater::set_accounts(std::shared_ptr<const Accounts> accounts, UnknownAccounts unknown) {
  state_->accounts = std::move(accounts);
  state_->unknown_accounts = unknown;
}

Expected<std::monostate, RunError> Rater::merge(Rater&& other) {
  State& s = *state_;
  State& o = *other.state_;
  if (s.program != o.program) return unexpected(RunError{"cannot merge raters of different programs"});
  if (o.period && s.period && o.period->label != s.period->label) {
    if (s.period_inferred || o.period_inferred)
      s.other_months.insert(o.period->label);
    else
      return unexpected(RunError{fmt::format("cannot merge the periods {} and {}", s.period->label,
                                             o.period->label)});
  }
  if (!s.period && o.period) {
    s.period = o.period;
    s.period_inferred = o.period_inferred;
  }
  s.other_months.insert(o.other_months.begin(), o.other_months.end());
  std::optional<RunError> failed;
  o.account_ids.for_each([&](std::size_t other_id, std::string_view account) {
    if (failed) return;
    std::vector<MeterSlot>& meters = o.account_meters[other_id];
    const auto [id, inserted] = s.account_ids.insert(account);
    if (inserted) {
      s.account_meters.push_back(std::move(meters));
      if (auto over = over_distinct_budget(*s.program, s.limits, account, s.account_meters[id]))
        failed = std::move(*over);
      return;
    }
    for (std::size_t m = 0; m < meters.size(); ++m) {
      if (auto merged =
              tariff::merge(s.program->meters[m].kind, s.account_meters[id][m], std::move(meters[m]));
          !merged) {
        failed = RunError{fmt::format("merging meter `{}` of account {}: {}", s.program->meters[m].name,
                                      account, describe(merged.error()))};
        return;
      }
    }
    if (auto over = over_distinct_budget(*s.program, s.limits, account, s.account_meters[id]))
      failed = std::move(*over);
  });
  if (failed) return unexpected(std::move(*failed));
  s.counts.read += o.counts.read;
  s.counts.accepted += o.counts.accepted;
  s.counts.rejected += o.counts.rejected;
  o.account_ids = StringSet();
  o.account_meters.clear();
  o.counts = {};
  return std::monostate{};
}

Expected<std::string, RunError> Rater::save_state() const {
  auto saved = encode_state(*state_->program, *state_);
  if (!saved) return unexpected(RunError{"cannot save the rating state: " + saved.error()});
  return std::move(*saved);
}

Expected<Rater, RunError> Rater::load_state(std::shared_ptr<const Program> program,
                                            std::string_view bytes,
                                            std::shared_ptr<const Plugins> plugins) {
  Rater rater(std::move(program), std::move(plugins));
  if (auto loaded = decode_state(*rater.state_->program, bytes, *rater.state_); !loaded)
    return unexpected(RunError{"cannot load the rating state: " + loaded.error()});
  return rater;
}

Expected<Invoice, RunError> Rater::finish() {
  State& s = *state_;
  const Program& program = *s.program;
  // Invoices list accounts in byte order of their ids, whatever the order
  // of the rows: the same usage always gives the same bytes.
  std::vector<std::pair<std::string_view, std::size_t>> ids;
  ids.reserve(s.account_ids.size());
  s.account_ids.for_each([&](std::size_t id, std::string_view account) { ids.emplace_back(account, id); });
  std::sort(ids.begin(), ids.end());

  if (s.period_inferred && !s.other_months.empty()) {
    std::string months = s.period->label;
    for (const auto& other : s.other_months) months += ", " + other;
    return unexpected(RunError{fmt::format(
        "the usage spans more than one billing period ({}); rate one at a time with --period",
        months)});
  }
  const bool anniversary = program.billing_period.kind == PeriodKind::anniversary_month;
  if (anniversary && !s.period) return unexpected(RunError{kAnniversaryNeedsPeriod});
  const bool subscriptions = s.accounts || has_subscriptions(program);
  if (subscriptions && !s.period)
    return unexpected(RunError{program.billing_period.kind == PeriodKind::none
                                   ? std::string("subscriptions are billed per period, and the scheme declares none")
                                   : std::string("no usage names the billing period: give it with --period")});
  InvoiceBuilder builder(program);
  if (s.period) builder.set_period(s.period->start, s.period->end);
  std::optional<PeriodBounds> bounds;
  if (s.period) bounds = s.period->bounds;
  PeriodDays days = subscriptions ? period_days(*s.period, program.billing_period) : PeriodDays{};
  // Accounts with usage, and those the accounts file lists: one merge of
  // two sorted lists.
  constexpr std::size_t kNoUsage = SIZE_MAX;
  std::vector<std::pair<std::string_view, std::size_t>> all;
  const std::vector<AccountSubscription> none;
  const auto& listed = s.accounts ? s.accounts->all() : none;
  std::size_t u = 0;
  for (std::size_t l = 0; u < ids.size() || l < listed.size();) {
    if (l == listed.size() || (u < ids.size() && ids[u].first < listed[l].account)) {
      all.push_back(ids[u++]);
    } else {
      const bool same = u < ids.size() && ids[u].first == listed[l].account;
      all.emplace_back(listed[l++].account, same ? ids[u++].second : kNoUsage);
    }
  }
  const std::vector<MeterSlot> no_usage(program.meters.size());
  std::vector<EmittedLine> lines;
  std::vector<Decimal> values(program.meters.size());
  for (const auto& [account, index] : all) {
    const std::string id(account);
    lines.clear();
    // Anniversary: the account's own month (none: it starts later).
    std::optional<BillingPeriod> own;
    if (anniversary) {
      own = account_period(program.billing_period, *s.period, s.accounts.get(), account);
      if (!own) continue;
      bounds = own->bounds;
      days = period_days(*own, program.billing_period);
    }
    auto bill = bill_subscription(program, s.accounts ? s.accounts->find(account) : nullptr, days);
    if (!bill) return unexpected(RunError{fmt::format("{}: error: {}", s.accounts->name(), bill.error())});
    if (index == kNoUsage && !bill->active) continue;  // listed, but not subscribed in this period
    const auto& slots = index == kNoUsage ? no_usage : s.account_meters[index];
    for (std::size_t m = 0; m < program.meters.size(); ++m) {
      auto value = meter_value(program.meters[m], slots[m], bounds, program.rounding);
      if (!value)
        return unexpected(RunError{fmt::format("{}: error: meter `{}` of account {}: {}",
                                               program.source_name, program.meters[m].name, id,
                                               describe(value.error()))});
      values[m] = *value;
    }
    if (auto ran = run_period(program, values, s.frame, lines, &s.pricer,
                              AccountInputs{&bill->allowance_amounts, slots.data(), bounds});
        !ran)
      return unexpected(RunError{fmt::format(
          "{} (account {})", located(program, program.period, ran.error().pc, ran.error().message), id)});
    combine_lines(program, *bill, lines);
    auto packages = settle_packages(program, bill->lots, bill->allowance_amounts);
    if (!packages) return unexpected(RunError{fmt::format("{}: error: account {}: {}", program.source_name, id, packages.error())});
    if (own) builder.set_account_period(own->start, own->end);
    if (auto added = builder.add_account(id, lines, CreditFacts{s.plugins.get(), bounds, &slots},
                                         std::move(*packages), bill->wallets);
        !added) {
      const SourceLocation at = added.error().at;
      const std::string where = at.line == 0 ? program.source_name
                                             : fmt::format("{}:{}:{}", program.source_name, at.line, at.column);
      return unexpected(RunError{fmt::format("{}: error: account {}: {}", where, id, added.error().message)});
    }
  }
  return builder.finish(s.counts);
}

}  // namespace tariff
