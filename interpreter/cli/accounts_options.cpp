// The accounts file on the command line: `--accounts FILE` and what to do
// with usage of accounts it does not list.
#include <fmt/format.h>

#include <fstream>

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

Expected<Accounts, std::string> read_accounts_file(const Program& program, const std::string& path) {
  const auto format = format_from_path(path);
  if (!format)
    return unexpected(fmt::format("tariff: error: cannot tell the format of `{}` from its name\n"
                                  "hint: name it .csv or .ndjson\n",
                                  path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(fmt::format("tariff: error: cannot read `{}`\n", path));
  auto accounts = read_accounts(program, in, path, *format);
  if (!accounts) return unexpected(fmt::format("{}tariff: error: the accounts file has errors; nothing was rated\n",
                                               accounts.error()));
  return accounts;
}

std::shared_ptr<const Accounts> shared_accounts(Accounts&& accounts) {
  return std::make_shared<const Accounts>(std::move(accounts));
}

UnknownAccounts unknown_accounts(const AccountsOptions& options) {
  return options.unknown == "rate" ? UnknownAccounts::rate : UnknownAccounts::reject;
}

}  // namespace tariff::cli
