// `tariff compare`: the same usage rated under several schemes, or under
// the old and the new version of one (--what-if). The numbers come from the
// library (compare_invoices, what_if); this file reads, rates and prints.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "commands.h"
#include "support/utf8.h"

namespace tariff::cli {

namespace {

void report(const RunError& error) {
  if (error.message.find(": error: ") != std::string::npos)
    std::cerr << error.message << '\n';
  else
    std::cerr << "tariff: error: " << error.message << '\n';
}

std::optional<UsageFormat> usage_format(const std::string& path, const std::string& flag) {
  if (flag == "csv") return UsageFormat::csv;
  if (flag == "ndjson") return UsageFormat::ndjson;
  if (path == "-") return UsageFormat::csv;
  return format_from_path(path);
}

// Rejected records are counted on the invoice; compare only notes them.
class IgnoreRejects final : public RejectSink {
 public:
  void reject(Reject) override {}
};

struct Rated {
  std::string path;
  Invoice invoice;
};

// The usage, read once: every scheme rates the same files (standard input
// is kept in memory so each scheme sees it too).
struct Usage {
  std::vector<std::string> paths;
  std::string format_flag;
  std::string stdin_text;
};

// Rates the usage under one program; the exit code on failure.
Expected<Invoice, int> rate(const std::string& scheme, const std::shared_ptr<const Program>& program,
                            const std::shared_ptr<const Plugins>& plugins, const Usage& usage,
                            const std::string& period, const AccountsOptions& accounts) {
  Rater rater(program, plugins);
  // Read against each scheme: each must know the editions it names.
  if (int status = give_accounts(rater, *program, accounts, scheme); status != kOk) return unexpected(status);
  if (!period.empty()) {
    if (auto set = rater.set_period(period); !set) {
      report(RunError{fmt::format("--period: {}: {}", scheme, set.error().message)});
      return unexpected(kUsageError);
    }
  }
  IgnoreRejects rejects;
  for (const auto& path : usage.paths) {
    const UsageFormat format = *usage_format(path, usage.format_flag);
    Expected<std::monostate, RunError> added = std::monostate{};
    if (path == "-") {
      std::istringstream in(usage.stdin_text);
      added = rater.add_usage(in, "<stdin>", format, rejects);
    } else {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        std::cerr << fmt::format("tariff: error: cannot read `{}`\n", path);
        return unexpected(kDataError);
      }
      added = rater.add_usage(in, path, format, rejects);
    }
    if (!added) {
      report(added.error());
      return unexpected(kDataError);
    }
  }
  auto invoice = rater.finish();
  if (!invoice) {
    report(invoice.error());
    return unexpected(kDataError);
  }
  if (invoice->records.rejected > 0)
    std::cerr << fmt::format(
        "tariff: note: {}: {} of {} records rejected; `tariff invoice {} --usage ... --rejects FILE` "
        "lists them\n",
        scheme, invoice->records.rejected, invoice->records.read, scheme);
  return std::move(*invoice);
}

// Loads every scheme (reporting all of them), then rates the usage under
// each; the invoices in command-line order, or the exit code.
Expected<std::vector<Rated>, int> rate_all(const std::vector<std::string>& schemes,
                                           const std::shared_ptr<const Plugins>& plugins,
                                           const Usage& usage, const std::string& period,
                                           const AccountsOptions& accounts) {
  std::vector<std::shared_ptr<const Program>> programs;
  int status = kOk;
  for (const auto& path : schemes) {
    auto loaded = load_scheme_or_program(path, plugins.get());
    std::cerr << loaded.diagnostics.render_all();
    if (!loaded.program) status = std::max(status, loaded.refused ? kRefused : kDataError);
    programs.push_back(std::move(loaded.program));
  }
  if (status != kOk) return unexpected(status);
  // One currency, checked before any usage is read: the invoices of no
  // usage carry each scheme's currency. (A scheme with subscriptions has
  // no such invoice without a period; the invoices are compared again
  // after rating.)
  std::vector<Invoice> empty;
  for (const auto& program : programs) {
    auto invoice = Rater(program, plugins).finish();
    if (invoice) empty.push_back(std::move(*invoice));
  }
  if (auto same = compare_invoices(empty); empty.size() > 1 && !same) {
    report(same.error());
    return unexpected(kDataError);
  }
  std::vector<Rated> rated;
  for (std::size_t i = 0; i < schemes.size(); ++i) {
    auto invoice = rate(schemes[i], programs[i], plugins, usage, period, accounts);
    if (!invoice) return unexpected(invoice.error());
    rated.push_back(Rated{schemes[i], std::move(*invoice)});
  }
  return rated;
}

// ---- output -----------------------------------------------------------

std::string pad_right(const std::string& text, std::size_t width) {
  const std::size_t length = code_point_count(text);
  return length >= width ? text : text + std::string(width - length, ' ');
}

std::string signed_text(const Decimal& value) {
  return value.is_negative() ? value.to_string() : "+" + value.to_string();
}

std::string plural(std::size_t count, std::string_view noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

std::string records_text(const ReadCounts& records) {
  return fmt::format("read {}, accepted {}, rejected {}", records.read, records.accepted, records.rejected);
}

// "Name (version V)"; when two schemes would read the same, each also
// names its file.
std::vector<std::string> scheme_labels(const std::vector<Rated>& rated) {
  std::vector<std::string> labels;
  for (const auto& r : rated) labels.push_back(fmt::format("{} (version {})", r.invoice.scheme, r.invoice.version));
  const std::set<std::string> distinct(labels.begin(), labels.end());
  if (distinct.size() != labels.size())
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] += fmt::format(" [{}]", rated[i].path);
  return labels;
}

void append_scheme_json(std::string& out, const Rated& r) {
  out += "{\"file\":";
  out += json_quote(r.path);
  out += ",\"scheme\":";
  out += json_quote(r.invoice.scheme);
  out += ",\"version\":";
  out += json_quote(r.invoice.version);
  out += fmt::format(",\"records\":{{\"read\":{},\"accepted\":{},\"rejected\":{}}}}}", r.invoice.records.read,
                     r.invoice.records.accepted, r.invoice.records.rejected);
}

std::string comparison_text(const Comparison& comparison, const std::vector<Rated>& rated) {
  const auto labels = scheme_labels(rated);
  std::size_t label_width = std::string_view("Scheme").size();
  std::size_t path_width = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    label_width = std::max(label_width, code_point_count(labels[i]));
    path_width = std::max(path_width, code_point_count(rated[i].path));
  }
  std::size_t amount_width = std::string_view("Amount").size();
  std::size_t difference_width = std::string_view("Over cheapest").size();
  const auto widen = [&](const CostRow& row) {
    for (const auto& cost : row.costs) {
      amount_width = std::max(amount_width, cost.amount.to_string().size());
      difference_width = std::max(difference_width, signed_text(cost.difference).size());
    }
  };
  for (const auto& row : comparison.accounts) widen(row);
  widen(comparison.total);

  std::string out = fmt::format("Comparing {} over the same usage, amounts in {}\n",
                                plural(rated.size(), "scheme"), comparison.currency);
  for (std::size_t i = 0; i < labels.size(); ++i)
    out += fmt::format("  {}  {}  records: {}\n", pad_right(labels[i], label_width),
                       pad_right(rated[i].path, path_width), records_text(rated[i].invoice.records));
  const auto table = [&](const CostRow& row) {
    out += fmt::format("  {}  {:>{}}  {:>{}}\n", pad_right("Scheme", label_width), "Amount", amount_width,
                       "Over cheapest", difference_width);
    for (std::size_t i = 0; i < row.costs.size(); ++i) {
      const SchemeCost& cost = row.costs[i];
      std::string line = fmt::format("  {}  {:>{}}  {:>{}}", pad_right(labels[i], label_width),
                                     cost.amount.to_string(), amount_width, signed_text(cost.difference),
                                     difference_width);
      if (i == row.cheapest) line += "  cheapest";
      if (!cost.billed) line += "  (not billed: no accepted records)";
      out += line + '\n';
    }
  };
  for (const auto& row : comparison.accounts) {
    out += fmt::format("\nAccount {}\n", row.account);
    table(row);
  }
  out += fmt::format("\nTotal for {}\n", plural(comparison.accounts.size(), "account"));
  table(comparison.total);
  return out;
}

std::string comparison_json(const Comparison& comparison, const std::vector<Rated>& rated) {
  std::string out = "{\"currency\":";
  out += json_quote(comparison.currency);
  out += ",\"schemes\":[";
  for (std::size_t i = 0; i < rated.size(); ++i) {
    if (i > 0) out += ',';
    append_scheme_json(out, rated[i]);
  }
  const auto costs = [&](const CostRow& row) {
    out += fmt::format("\"cheapest\":{},\"costs\":[", row.cheapest);
    for (std::size_t i = 0; i < row.costs.size(); ++i) {
      const SchemeCost& cost = row.costs[i];
      if (i > 0) out += ',';
      out += "{\"amount\":";
      out += json_quote(cost.amount.to_string());
      out += ",\"over_cheapest\":";
      out += json_quote(cost.difference.to_string());
      out += fmt::format(",\"cheapest\":{},\"billed\":{}}}", i == row.cheapest, cost.billed);
    }
    out += "]}";
  };
  out += "],\"accounts\":[";
  for (std::size_t a = 0; a < comparison.accounts.size(); ++a) {
    if (a > 0) out += ',';
    out += "{\"account\":";
    out += json_quote(comparison.accounts[a].account);
    out += ',';
    costs(comparison.accounts[a]);
  }
  out += "],\"total\":{";
  costs(comparison.total);
  out += "}\n";
  return out;
}

std::string percent_text(const std::optional<Decimal>& percent) {
  return percent ? signed_text(*percent) + "%" : "n/a";
}

std::string what_if_text(const WhatIf& result, const Rated& before, const Rated& after) {
  std::string out = fmt::format("What if {} (version {}) becomes {} (version {})? Amounts in {}\n",
                                before.invoice.scheme, before.invoice.version, after.invoice.scheme,
                                after.invoice.version, result.currency);
  const std::size_t path_width = std::max(code_point_count(before.path), code_point_count(after.path));
  out += fmt::format("  old: {}  records: {}\n", pad_right(before.path, path_width),
                     records_text(before.invoice.records));
  out += fmt::format("  new: {}  records: {}\n", pad_right(after.path, path_width),
                     records_text(after.invoice.records));

  std::size_t account_width = std::string_view("Account").size();
  std::size_t old_width = std::string_view("Old").size();
  std::size_t new_width = std::string_view("New").size();
  std::size_t change_width = std::string_view("Change").size();
  std::size_t percent_width = std::string_view("Percent").size();
  for (const auto* list : {&result.more, &result.less})
    for (const auto& change : *list) {
      account_width = std::max(account_width, code_point_count(change.account));
      old_width = std::max(old_width, change.before.to_string().size());
      new_width = std::max(new_width, change.after.to_string().size());
      change_width = std::max(change_width, signed_text(change.change).size());
      percent_width = std::max(percent_width, percent_text(change.percent).size());
    }
  const auto section = [&](std::string_view title, const std::vector<AccountChange>& changes) {
    out += fmt::format("\n{}: {}\n", title, changes.empty() ? "none" : plural(changes.size(), "account"));
    if (changes.empty()) return;
    out += fmt::format("  {}  {:>{}}  {:>{}}  {:>{}}  {:>{}}\n", pad_right("Account", account_width), "Old",
                       old_width, "New", new_width, "Change", change_width, "Percent", percent_width);
    for (const auto& change : changes)
      out += fmt::format("  {}  {:>{}}  {:>{}}  {:>{}}  {:>{}}\n", pad_right(change.account, account_width),
                         change.before.to_string(), old_width, change.after.to_string(), new_width,
                         signed_text(change.change), change_width, percent_text(change.percent),
                         percent_width);
  };
  section("Pay more", result.more);
  section("Pay less", result.less);
  out += fmt::format("\nUnchanged: {}\n", result.unchanged == 0 ? std::string("none")
                                                              : plural(result.unchanged, "account"));
  const std::size_t accounts = result.more.size() + result.less.size() + result.unchanged;
  out += fmt::format("\nTotal for {}: {} -> {}, {} ({})\n", plural(accounts, "account"),
                     result.total.before.to_string(), result.total.after.to_string(),
                     signed_text(result.total.change), percent_text(result.total.percent));
  return out;
}

std::string what_if_json(const WhatIf& result, const Rated& before, const Rated& after) {
  std::string out = "{\"currency\":";
  out += json_quote(result.currency);
  out += ",\"old\":";
  append_scheme_json(out, before);
  out += ",\"new\":";
  append_scheme_json(out, after);
  const auto change = [&](const AccountChange& c) {
    out += "\"old\":";
    out += json_quote(c.before.to_string());
    out += ",\"new\":";
    out += json_quote(c.after.to_string());
    out += ",\"change\":";
    out += json_quote(c.change.to_string());
    out += ",\"percent\":";
    if (c.percent)
      out += json_quote(c.percent->to_string());
    else
      out += "null";
  };
  const auto list = [&](const std::vector<AccountChange>& changes) {
    out += '[';
    for (std::size_t i = 0; i < changes.size(); ++i) {
      if (i > 0) out += ',';
      out += "{\"account\":";
      out += json_quote(changes[i].account);
      out += ',';
      change(changes[i]);
      out += '}';
    }
    out += ']';
  };
  out += ",\"more\":";
  list(result.more);
  out += ",\"less\":";
  list(result.less);
  out += fmt::format(",\"unchanged\":{},\"total\":{{", result.unchanged);
  change(result.total);
  out += "}}\n";
  return out;
}

}  // namespace

CLI::App* add_compare_command(CLI::App& app, CompareOptions& options) {
  auto* compare = app.add_subcommand(
      "compare",
      "What the same usage costs under several schemes or editions, per account and in total;\n"
      "the cheapest is marked. With --what-if OLD NEW: which accounts pay more or less.\n"
      "  example: tariff compare basic.tariff pro.tariff --usage march.csv\n"
      "  example: tariff compare --what-if 2026-03.tariff 2026-04.tariff --usage march.csv");
  auto* schemes = compare->add_option("scheme", options.schemes,
                                      "Schemes or bytecode (.tfc) files to compare, at least two");
  compare->add_option("--what-if", options.what_if, "The old and the new version of one scheme")
      ->expected(2)
      ->type_name("OLD NEW")
      ->excludes(schemes);
  compare->add_option("--usage", options.usage, "Usage files, CSV or NDJSON (- reads standard input)")
      ->required();
  compare->add_option("--usage-format", options.usage_format,
                      "Format of the usage files (default: from each file's name; stdin is csv)")
      ->check(CLI::IsMember({"csv", "ndjson"}));
  compare->add_option("--period", options.period, "Billing month to rate, e.g. 2026-03");
  add_accounts_options(*compare, options.accounts);
  compare->add_option("--format", options.format, "Output format")->check(CLI::IsMember({"text", "json"}));
  return compare;
}

int run_compare(const CompareOptions& options) {
  const bool what_if_mode = !options.what_if.empty();
  if (!what_if_mode && options.schemes.size() < 2) {
    std::cerr << "tariff: error: compare needs at least two schemes, or --what-if OLD NEW\n"
                 "Run with --help for more information.\n";
    return kUsageError;
  }
  Usage usage{options.usage, options.usage_format, {}};
  for (const auto& path : usage.paths) {
    if (!usage_format(path, usage.format_flag)) {
      std::cerr << fmt::format(
          "tariff: error: cannot tell the format of `{}` from its name\n"
          "hint: name it .csv or .ndjson, or say --usage-format csv|ndjson\n",
          path);
      return kUsageError;
    }
  }
  if (std::count(usage.paths.begin(), usage.paths.end(), "-") > 0) {
    std::ostringstream text;
    text << std::cin.rdbuf();
    usage.stdin_text = text.str();
  }
  const auto& schemes = what_if_mode ? options.what_if : options.schemes;
  auto rated = rate_all(schemes, options.plugins, usage, options.period, options.accounts);
  if (!rated) return rated.error();

  if (what_if_mode) {
    auto result = what_if((*rated)[0].invoice, (*rated)[1].invoice);
    if (!result) {
      report(result.error());
      return kDataError;
    }
    std::cout << (options.format == "json" ? what_if_json(*result, (*rated)[0], (*rated)[1])
                                           : what_if_text(*result, (*rated)[0], (*rated)[1]));
    return kOk;
  }
  std::vector<Invoice> invoices;
  for (const auto& r : *rated) invoices.push_back(r.invoice);
  auto comparison = compare_invoices(invoices);
  if (!comparison) {
    report(comparison.error());
    return kDataError;
  }
  std::cout << (options.format == "json" ? comparison_json(*comparison, *rated)
                                         : comparison_text(*comparison, *rated));
  return kOk;
}

}  // namespace tariff::cli
