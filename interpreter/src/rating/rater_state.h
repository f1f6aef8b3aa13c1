// The state of a rating run, shared by the rater and the code that saves
// and loads it (state_codec.h); kept out of the public header, which only
// names Rater::State.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bytecode/program.h"
#include "rating/billing_period.h"
#include "rating/registry_pricer.h"
#include "tariff/tariff.h"
#include "vm/meter_state.h"
#include "vm/string_set.h"
#include "vm/vm.h"

namespace tariff {

// What rating has gathered so far: everything finish() reads apart from the
// program, and everything save_state() writes.
struct RatingState {
  // Account ids and, by the same index, each account's meter state.
  StringSet account_ids;
  std::vector<std::vector<MeterSlot>> account_meters;
  ReadCounts counts;
  std::optional<BillingPeriod> period;
  bool period_inferred = false;
  // Months of rows set aside as outside an inferred period.
  std::set<std::string> other_months;
};

struct Rater::State : RatingState {
  State(std::shared_ptr<const Program> p, std::shared_ptr<const Plugins> loaded)
      : program(std::move(p)),
        plugins(std::move(loaded)),
        frame(*program),
        pricer(*program, plugins.get()) {}

  std::shared_ptr<const Program> program;
  std::shared_ptr<const Plugins> plugins;  // kept alive for the pricer
  Frame frame;
  RegistryPricer pricer;
  RatingLimits limits;
  // Set by set_accounts; not part of a saved state (each rater is given
  // the accounts file).
  std::shared_ptr<const Accounts> accounts;
  UnknownAccounts unknown_accounts = UnknownAccounts::reject;
};

}  // namespace tariff
