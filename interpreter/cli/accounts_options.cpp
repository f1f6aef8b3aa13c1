// The accounts file on the command line: `--accounts FILE` and what to do
// with usage of accounts it does not list.
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "commands.h"

namespace tariff::cli {

void add_accounts_options(CLI::App& command, AccountsOptions& options) {
  command.add_option("--accounts", options.path,
                     "Accounts file, CSV or NDJSON: each account's edition, cycle, seats, modules, packages");
  command
      .add_option("--unknown-accounts", options.unknown,
                  "Usage of accounts the accounts file does not list: reject (default) or rate")
      ->check(CLI::IsMember({"reject", "rate"}));
}

int give_accounts(Rater& rater, const Program& program, const AccountsOptions& options, const std::string& read_for) {
  if (options.path.empty()) return kOk;
  const auto fail = [&](std::string message, int status) {
    std::cerr << message;
    if (!read_for.empty()) std::cerr << fmt::format("tariff: note: the accounts file was read for {}\n", read_for);
    return status;
  };
  const auto format = format_from_path(options.path);
  if (!format)
    return fail(fmt::format("tariff: error: cannot tell the format of `{}` from its name\n"
                            "hint: name it .csv or .ndjson\n",
                            options.path),
                kUsageError);
  std::ifstream in(options.path, std::ios::binary);
  if (!in) return fail(fmt::format("tariff: error: cannot read `{}`\n", options.path), kDataError);
  auto accounts = read_accounts(program, in, options.path, *format);
  if (!accounts)
    return fail(accounts.error() + "tariff: error: the accounts file has errors; nothing was rated\n", kDataError);
  rater.set_accounts(std::make_shared<const Accounts>(std::move(*accounts)),
                     options.unknown == "rate" ? UnknownAccounts::rate : UnknownAccounts::reject);
  return kOk;
}

}  // namespace tariff::cli
