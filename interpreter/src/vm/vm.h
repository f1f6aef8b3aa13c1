// The interpreter loop. One loop runs both program kinds: the record
// program once per usage row, the period program once per account.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bytecode/program.h"
#include "tariff/expected.h"
#include "tariff/tier_share.h"
#include "usage/usage_row.h"
#include "vm/meter_state.h"

namespace tariff {

struct VmError {
  std::size_t pc = 0;
  std::string message;
};

struct EmittedLine {
  std::uint16_t charge = 0;
  Decimal quantity;
  Decimal amount;  // exact, before rounding to the currency
  std::vector<std::string> explain;  // what the instructions before LINE did
  std::vector<TierShare> tiers;      // what each row of its tier table added
};

// Prices a plugin use (Program::plugin_uses) for its meters' values. The
// rater implements it over the loaded plugins; the VM knows no plugin API.
class PluginPricer {
 public:
  virtual ~PluginPricer() = default;
  virtual Expected<std::pair<Decimal, std::vector<std::string>>, std::string> price(
      std::size_t use, const std::vector<Decimal>& quantities) const = 0;
};

// Per-run scratch reused across rows and accounts, so that neither
// allocates once warm. Not shared between threads.
class Frame {
 public:
  explicit Frame(const Program& program);
  Decimal* registers() noexcept { return registers_.data(); }
  std::string& window_key() noexcept { return window_key_; }
  // One list of allowance notes per meter, emptied.
  std::vector<std::vector<std::string>>& cleared_meter_notes(std::size_t meters);
  std::vector<Decimal>& allowances_left() noexcept { return allowances_left_; }

 private:
  std::vector<Decimal> registers_;
  std::string window_key_;
  std::vector<std::vector<std::string>> meter_notes_;
  std::vector<Decimal> allowances_left_;
};

// The program must have passed verify(). A `distinct` meter that would
// keep more than `max_distinct_values` for the row's account fails the run
// (RatingLimits).
Expected<std::monostate, VmError> run_record(const Program& program, const usage::Row& row,
                                             MeterSlot* meters, Frame& frame,
                                             std::uint64_t max_distinct_values);

// The message for a meter over the distinct-values budget.
std::string distinct_budget_exceeded(std::string_view meter, std::uint64_t max_distinct_values,
                                     std::string_view account);
// Each allowance's amount for an account without a subscription: as
// declared, and no package units.
void declared_allowances(const Program& program, std::vector<Decimal>& amounts);

// What the period program reads of one account besides its meter values.
struct AccountInputs {
  // Each allowance's amount for this account (a subscription can include
  // more, packages are bought); gets what each has left. Null: the
  // declared amounts.
  std::vector<Decimal>* allowances = nullptr;
  // The account's meter state, one slot per meter, for what reads more
  // than a meter's value: its windows (per window), its kept transactions
  // (a free allowance), its records (prorated); null: none of them.
  const MeterSlot* meters = nullptr;
  // The account's billing period, for windows and prorated records.
  std::optional<PeriodBounds> period;
};

// `meter_values` holds each meter's value at period end (meter_value());
// allowances drawn by the program reduce them in place.
Expected<std::monostate, VmError> run_period(const Program& program,
                                             std::vector<Decimal>& meter_values, Frame& frame,
                                             std::vector<EmittedLine>& lines,
                                             const PluginPricer* plugins = nullptr,
                                             const AccountInputs& inputs = {});

}  // namespace tariff
