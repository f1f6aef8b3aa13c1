// Loading plugins with Boost.DLL and calling them through the C ABI.
//
// Boost.DLL 1.74 (engineering-notes.md §3): load with rtld_now so an
// undefined symbol refuses the load instead of killing the process at the
// first call; use the throwing overloads, the only ones that carry the
// dlerror() text, and turn the exception into a value here.
#include "plugins/plugin_registry.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>
#include <new>
#include <optional>

#include <boost/dll/shared_library.hpp>

namespace tariff {
namespace {

static_assert(TARIFF_ROUND_HALF_UP == static_cast<int>(RoundingMode::half_up) &&
                  TARIFF_ROUND_HALF_EVEN == static_cast<int>(RoundingMode::half_even) &&
                  TARIFF_ROUND_HALF_DOWN == static_cast<int>(RoundingMode::half_down) &&
                  TARIFF_ROUND_UP == static_cast<int>(RoundingMode::up) &&
                  TARIFF_ROUND_DOWN == static_cast<int>(RoundingMode::down) &&
                  TARIFF_ROUND_CEILING == static_cast<int>(RoundingMode::ceiling) &&
                  TARIFF_ROUND_FLOOR == static_cast<int>(RoundingMode::floor),
              "plugin.h rounding modes follow RoundingMode");
static_assert(TARIFF_DECIMAL_MAX_SCALE == Decimal::kMaxScale);

using Library = boost::dll::shared_library;

// Names and versions come from the plugin's memory: read at most this much.
constexpr std::size_t kMaxNameLength = 128;
constexpr std::size_t kMaxTextLength = 4096;

Unexpected<std::string> refuse(const std::string& path, const std::string& reason) {
  return unexpected(path + ": refused: " + reason);
}

// Boost's message is "<what> failed (dlerror system message: TEXT): <generic
// error code>", the code often a misleading "Bad file descriptor"; only
// TEXT helps the user.
std::string dlerror_text(const std::string& what) {
  static constexpr std::string_view kMarker = "(dlerror system message: ";
  std::size_t begin = what.find(kMarker);
  if (begin == std::string::npos) return what;
  begin += kMarker.size();
  std::size_t end = what.rfind("): ");
  if (end == std::string::npos || end < begin) end = what.rfind(')');
  if (end == std::string::npos || end < begin) return what.substr(begin);
  return what.substr(begin, end - begin);
}

// A C string from the plugin, bounded; nullopt when NULL or too long.
std::optional<std::string> c_string(const char* text, std::size_t max_length) {
  if (text == nullptr) return std::nullopt;
  const std::size_t length = strnlen(text, max_length + 1);
  if (length > max_length) return std::nullopt;
  return std::string(text, length);
}

// Letters, digits and '_' in dot-separated parts, each not starting with a
// digit: `capacity`, `sla.tiered`.
bool is_name(std::string_view name) {
  if (name.empty()) return false;
  bool part_start = true;
  for (char c : name) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (c == '.') {
      if (part_start) return false;
      part_start = true;
    } else if (letter || (digit && !part_start)) {
      part_start = false;
    } else {
      return false;
    }
  }
  return !part_start;
}

std::string status_text(const tariff_status& status, std::int32_t code) {
  std::string message(status.message, strnlen(status.message, sizeof status.message));
  if (message.empty()) return "failed with status code " + std::to_string(code);
  return message;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

struct Candidate {
  bool already_loaded = false;
  LoadedPlugin plugin;
  std::vector<TierKindRef> tier_kinds;
  std::vector<CreditRuleRef> credit_rules;
};

std::optional<std::string> size_mismatch(const tariff_plugin_descriptor& d) {
  struct Size {
    const char* type;
    std::uint32_t plugin;
    std::size_t host;
  };
  const Size sizes[] = {
      {"tariff_decimal", d.sizeof_decimal, sizeof(tariff_decimal)},
      {"tariff_status", d.sizeof_status, sizeof(tariff_status)},
      {"tariff_table", d.sizeof_table, sizeof(tariff_table)},
      {"tariff_param", d.sizeof_param, sizeof(tariff_param)},
      {"tariff_credit_input", d.sizeof_credit_input, sizeof(tariff_credit_input)},
      {"tariff_tier_kind", d.sizeof_tier_kind, sizeof(tariff_tier_kind)},
      {"tariff_credit_rule", d.sizeof_credit_rule, sizeof(tariff_credit_rule)},
  };
  for (const Size& size : sizes) {
    if (size.plugin != size.host) {
      return "sizeof(" + std::string(size.type) + ") is " + std::to_string(size.plugin) +
             " in the plugin but " + std::to_string(size.host) +
             " in the host (built against another tariff/plugin.h?)";
    }
  }
  return std::nullopt;
}

// The parameter declarations of one kind or rule; `what` names it for messages.
Expected<std::vector<PluginParamSpec>, std::string> read_params(const tariff_param_spec* specs,
                                                                std::uint32_t count,
                                                                const std::string& what) {
  std::vector<PluginParamSpec> params;
  if (count > 0 && specs == nullptr) {
    return unexpected(what + " declares " + std::to_string(count) + " parameters but no list");
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    auto name = c_string(specs[i].name, kMaxNameLength);
    if (!name || !is_name(*name)) {
      return unexpected(what + ": parameter " + std::to_string(i + 1) +
                        " has no valid name (letters, digits, '_' and '.')");
    }
    for (const PluginParamSpec& seen : params) {
      if (seen.name == *name) return unexpected(what + " declares parameter `" + *name + "` twice");
    }
    params.push_back(PluginParamSpec{*name, specs[i].required != 0,
                                     c_string(specs[i].description, kMaxTextLength).value_or("")});
  }
  return params;
}

Expected<Candidate, std::string> open_plugin(const std::string& path,
                                             const std::vector<LoadedPlugin>& loaded) {
  auto library = std::make_shared<Library>();
  try {
    library->load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::system_error& e) {
    std::string reason = dlerror_text(e.what());
    if (reason.rfind(path + ": ", 0) == 0) reason.erase(0, path.size() + 2);  // named already
    return refuse(path, "cannot load: " + reason);
  }
  Candidate candidate;
  for (const LoadedPlugin& plugin : loaded) {
    if (plugin.library && plugin.library->native() == library->native()) {
      candidate.already_loaded = true;  // dlopen gave the same object: same file
      return candidate;
    }
  }

  if (!library->has(TARIFF_PLUGIN_ENTRY_NAME)) {
    return refuse(path, "not a Tariff plugin: no " TARIFF_PLUGIN_ENTRY_NAME);
  }
  auto& entry = library->get<const tariff_plugin_descriptor*(tariff_status*)>(
      TARIFF_PLUGIN_ENTRY_NAME);
  tariff_status status{};
  const tariff_plugin_descriptor* d = nullptr;
  try {
    d = entry(&status);
  } catch (...) {
    // Against the ABI, but the exception's code must be handled while the
    // library is still mapped, i.e. here and not in a caller.
    return refuse(path, TARIFF_PLUGIN_ENTRY_NAME " threw an exception (plugins must not throw)");
  }
  if (d == nullptr) {
    return refuse(path, "the plugin refused to load: " + status_text(status, status.code));
  }

  const std::string host_abi = std::to_string(TARIFF_PLUGIN_ABI_MAJOR) + "." +
                               std::to_string(TARIFF_PLUGIN_ABI_MINOR);
  const std::string plugin_abi = std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor);
  if (d->abi_major != TARIFF_PLUGIN_ABI_MAJOR) {
    return refuse(path, "plugin ABI " + plugin_abi + ", host ABI " + host_abi +
                            ": the major versions must be equal (rebuild the plugin against "
                            "this host's tariff/plugin.h)");
  }
  if (d->abi_minor > TARIFF_PLUGIN_ABI_MINOR) {
    return refuse(path, "plugin ABI " + plugin_abi + " needs a host with ABI " + plugin_abi +
                            " or newer; this host has " + host_abi);
  }
  if (auto mismatch = size_mismatch(*d)) return refuse(path, *mismatch);

  auto name = c_string(d->name, kMaxNameLength);
  if (!name || name->empty()) return refuse(path, "the descriptor has no plugin name");
  auto version = c_string(d->version, kMaxNameLength);
  if (!version) return refuse(path, "plugin `" + *name + "` has no version string");
  candidate.plugin = LoadedPlugin{*name, *version, path, library};

  if (d->tier_kind_count > 0 && d->tier_kinds == nullptr) {
    return refuse(path, "plugin `" + *name + "` declares tier kinds but no list");
  }
  for (std::uint32_t i = 0; i < d->tier_kind_count; ++i) {
    const tariff_tier_kind& kind = d->tier_kinds[i];
    auto kind_name = c_string(kind.name, kMaxNameLength);
    if (!kind_name || !is_name(*kind_name)) {
      return refuse(path, "tier kind " + std::to_string(i + 1) + " of plugin `" + *name +
                              "` has no valid name (letters, digits, '_' and '.')");
    }
    const std::string what = "tier kind `" + *kind_name + "`";
    if (kind.price == nullptr) return refuse(path, what + " has no price function");
    auto params = read_params(kind.params, kind.param_count, what);
    if (!params) return refuse(path, params.error());
    for (const TierKindRef& seen : candidate.tier_kinds) {
      if (seen.name == *kind_name) return refuse(path, what + " is defined twice in the plugin");
    }
    candidate.tier_kinds.push_back(TierKindRef{
        *kind_name, c_string(kind.description, kMaxTextLength).value_or(""), *name, path,
        kind.quantity_count, kind.table_columns, std::move(*params), kind.price, library});
  }

  if (d->credit_rule_count > 0 && d->credit_rules == nullptr) {
    return refuse(path, "plugin `" + *name + "` declares credit rules but no list");
  }
  for (std::uint32_t i = 0; i < d->credit_rule_count; ++i) {
    const tariff_credit_rule& rule = d->credit_rules[i];
    auto rule_name = c_string(rule.name, kMaxNameLength);
    if (!rule_name || !is_name(*rule_name)) {
      return refuse(path, "credit rule " + std::to_string(i + 1) + " of plugin `" + *name +
                              "` has no valid name (letters, digits, '_' and '.')");
    }
    const std::string what = "credit rule `" + *rule_name + "`";
    if (rule.compute == nullptr) return refuse(path, what + " has no compute function");
    auto params = read_params(rule.params, rule.param_count, what);
    if (!params) return refuse(path, params.error());
    for (const CreditRuleRef& seen : candidate.credit_rules) {
      if (seen.name == *rule_name) return refuse(path, what + " is defined twice in the plugin");
    }
    candidate.credit_rules.push_back(CreditRuleRef{
        *rule_name, c_string(rule.description, kMaxTextLength).value_or(""), *name, path,
        std::move(*params), rule.compute, library});
  }
  return candidate;
}

// ---- calling --------------------------------------------------------------

struct AbiTable {
  std::vector<tariff_decimal> cells;
  tariff_table table{};
};

Expected<AbiTable, std::string> to_abi_table(const PluginTable& rows) {
  AbiTable out;
  const std::size_t columns = rows.empty() ? 0 : rows.front().size();
  if (rows.size() > std::numeric_limits<std::uint32_t>::max() ||
      columns > std::numeric_limits<std::uint32_t>::max()) {
    return unexpected(std::string("the table is too large"));
  }
  out.cells.reserve(rows.size() * columns);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != columns) {
      auto cells = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " cell" : " cells"); };
      return unexpected("table row " + std::to_string(r + 1) + " has " + cells(rows[r].size()) +
                        ", row 1 has " + cells(columns));
    }
    for (const Decimal& cell : rows[r]) out.cells.push_back(to_abi(cell));
  }
  out.table.cells = out.cells.empty() ? nullptr : out.cells.data();
  out.table.rows = static_cast<std::uint32_t>(rows.size());
  out.table.columns = static_cast<std::uint32_t>(columns);
  return out;
}

// The given parameters against the declaration: each known, at most once,
// every required one present.
Expected<std::vector<tariff_param>, std::string> to_abi_params(
    const std::vector<PluginParamSpec>& specs, const PluginParams& params) {
  std::vector<tariff_param> out;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const std::string& name = params[i].first;
    const bool known = std::any_of(specs.begin(), specs.end(),
                                   [&](const PluginParamSpec& s) { return s.name == name; });
    if (!known) {
      std::vector<std::string> names;
      for (const PluginParamSpec& s : specs) names.push_back(s.name);
      std::sort(names.begin(), names.end());
      return unexpected("unknown parameter `" + name + "`" +
                        (names.empty() ? std::string("; it takes no parameters")
                                       : "; known: " + join(names)));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (params[j].first == name) return unexpected("parameter `" + name + "` is given twice");
    }
    out.push_back(tariff_param{name.c_str(), to_abi(params[i].second)});
  }
  for (const PluginParamSpec& spec : specs) {
    if (!spec.required) continue;
    const bool given = std::any_of(params.begin(), params.end(),
                                   [&](const auto& p) { return p.first == spec.name; });
    if (!given) return unexpected("parameter `" + spec.name + "` is required");
  }
  if (out.size() > std::numeric_limits<std::uint32_t>::max()) {
    return unexpected(std::string("too many parameters"));
  }
  return out;
}

struct ExplainCollector {
  std::vector<std::string> lines;
  bool out_of_memory = false;
};

// Host callbacks run inside the plugin's call: nothing may escape them.
void collect_explanation(void* context, const char* text) noexcept {
  auto* collector = static_cast<ExplainCollector*>(context);
  if (text == nullptr) return;
  try {
    collector->lines.emplace_back(text);
  } catch (...) {
    collector->out_of_memory = true;
  }
}

struct CreditCollector {
  const std::vector<ChargeAmount>* charges = nullptr;
  std::vector<CreditLine> lines;
  std::string error;  // the first thing wrong with a reported credit
};

void collect_credit(void* context, const char* charge_name, tariff_decimal amount,
                    const char* explanation) noexcept {
  auto* collector = static_cast<CreditCollector*>(context);
  if (!collector->error.empty()) return;
  try {
    if (charge_name == nullptr) {
      collector->error = "reported a credit without a charge name";
      return;
    }
    const std::string charge(charge_name);
    const bool known = std::any_of(collector->charges->begin(), collector->charges->end(),
                                   [&](const ChargeAmount& c) { return c.name == charge; });
    if (!known) {
      collector->error = "reported a credit for `" + charge + "`, which is not among its charges";
      return;
    }
    auto value = from_abi(amount);
    if (!value) {
      collector->error = "reported a credit for `" + charge + "` that is " + value.error();
      return;
    }
    if (value->is_negative()) {
      collector->error = "reported a negative credit (" + value->to_string() + ") for `" +
                         charge + "`; credits are positive";
      return;
    }
    collector->lines.push_back(
        CreditLine{charge, *value, explanation == nullptr ? std::string() : explanation});
  } catch (...) {
    collector->error = "out of memory while collecting credits";
  }
}

// Downtime as plugins are promised it: within the period, sorted, merged.
Expected<std::vector<tariff_interval>, std::string> normalized_downtime(const CreditInput& input) {
  std::vector<tariff_interval> intervals;
  for (std::size_t i = 0; i < input.downtime.size(); ++i) {
    const Downtime& d = input.downtime[i];
    if (d.end < d.start) {
      return unexpected("downtime interval " + std::to_string(i + 1) + " ends (" +
                        std::to_string(d.end) + ") before it starts (" +
                        std::to_string(d.start) + ")");
    }
    const std::int64_t start = std::max(d.start, input.period_start);
    const std::int64_t end = std::min(d.end, input.period_end);
    if (start < end) intervals.push_back(tariff_interval{start, end});
  }
  std::sort(intervals.begin(), intervals.end(),
            [](const tariff_interval& a, const tariff_interval& b) { return a.start < b.start; });
  std::vector<tariff_interval> merged;
  for (const tariff_interval& interval : intervals) {
    if (!merged.empty() && interval.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, interval.end);
    } else {
      merged.push_back(interval);
    }
  }
  return merged;
}

template <class Body>
auto guarded(const std::string& what, Body&& body) noexcept -> decltype(body()) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return unexpected(what + ": out of memory");
  } catch (const std::exception& e) {
    return unexpected(what + ": " + e.what());
  } catch (...) {
    return unexpected(what + ": unexpected failure");
  }
}

}  // namespace

tariff_decimal to_abi(Decimal value) noexcept {
  tariff_decimal out{};
  tariff_decimal_from_mantissa(value.mantissa(), value.scale(), &out);  // always fits
  return out;
}

Expected<Decimal, std::string> from_abi(const tariff_decimal& value) {
  if (value.scale < 0 || value.scale > Decimal::kMaxScale) {
    return unexpected("an invalid decimal (scale " + std::to_string(value.scale) +
                      ", not 0.." + std::to_string(Decimal::kMaxScale) + ")");
  }
  auto decimal = Decimal::from_parts(tariff_decimal_mantissa(value), value.scale);
  if (!decimal) return unexpected(std::string("an invalid decimal (more than 38 digits)"));
  return *decimal;
}

PluginRegistry::PluginRegistry() = default;
PluginRegistry::~PluginRegistry() = default;
PluginRegistry::PluginRegistry(PluginRegistry&&) noexcept = default;
PluginRegistry& PluginRegistry::operator=(PluginRegistry&&) noexcept = default;

Expected<std::monostate, std::string> PluginRegistry::load(const std::string& path) {
  try {
    auto opened = open_plugin(path, plugins_);
    if (!opened) return unexpected(std::move(opened).error());
    Candidate& candidate = *opened;
    if (candidate.already_loaded) return std::monostate{};

    // Names are unique across plugins; say who had it first.
    for (const TierKindRef& kind : candidate.tier_kinds) {
      if (const TierKindRef* other = find_tier_kind(kind.name)) {
        return refuse(path, "tier kind `" + kind.name + "` is defined by both " + other->plugin +
                                " (" + other->path + ") and " + kind.plugin);
      }
    }
    for (const CreditRuleRef& rule : candidate.credit_rules) {
      if (const CreditRuleRef* other = find_credit_rule(rule.name)) {
        return refuse(path, "credit rule `" + rule.name + "` is defined by both " +
                                other->plugin + " (" + other->path + ") and " + rule.plugin);
      }
    }
    // Reserve first so that the appends below cannot fail half-way.
    plugins_.reserve(plugins_.size() + 1);
    tier_kinds_.reserve(tier_kinds_.size() + candidate.tier_kinds.size());
    credit_rules_.reserve(credit_rules_.size() + candidate.credit_rules.size());
    plugins_.push_back(std::move(candidate.plugin));
    for (TierKindRef& kind : candidate.tier_kinds) tier_kinds_.push_back(std::move(kind));
    for (CreditRuleRef& rule : candidate.credit_rules) credit_rules_.push_back(std::move(rule));
    return std::monostate{};
  } catch (const std::bad_alloc&) {
    return unexpected(path + ": refused: out of memory");
  } catch (const std::exception& e) {
    return unexpected(path + ": refused: " + dlerror_text(e.what()));
  } catch (...) {
    return unexpected(path + ": refused: unexpected failure while loading");
  }
}

Expected<std::monostate, std::string> PluginRegistry::load_by_name(
    const std::string& name, const std::vector<std::string>& search_dirs) {
  try {
    if (name.empty() || name.find('/') != std::string::npos) {
      return unexpected("plugin name `" + name + "` is not a name; give a path to load a file");
    }
    std::vector<std::string> tried;
    for (const std::string& dir : search_dirs) {
      for (const std::string& file : {"lib" + name + ".so", name + ".so"}) {
        const std::string candidate = (std::filesystem::path(dir) / file).string();
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec)) return load(candidate);
        tried.push_back(candidate);
      }
    }
    if (tried.empty()) {
      return unexpected("plugin `" + name + "` not found: no plugin directories to search");
    }
    return unexpected("plugin `" + name + "` not found; looked for " + join(tried));
  } catch (...) {
    return unexpected("plugin `" + name + "`: out of memory while searching");
  }
}

const TierKindRef* PluginRegistry::find_tier_kind(std::string_view name) const noexcept {
  for (const TierKindRef& kind : tier_kinds_) {
    if (kind.name == name) return &kind;
  }
  return nullptr;
}

const CreditRuleRef* PluginRegistry::find_credit_rule(std::string_view name) const noexcept {
  for (const CreditRuleRef& rule : credit_rules_) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

std::vector<std::string> PluginRegistry::tier_kind_names() const {
  std::vector<std::string> names;
  for (const TierKindRef& kind : tier_kinds_) names.push_back(kind.name);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> PluginRegistry::credit_rule_names() const {
  std::vector<std::string> names;
  for (const CreditRuleRef& rule : credit_rules_) names.push_back(rule.name);
  std::sort(names.begin(), names.end());
  return names;
}

Expected<TierPrice, std::string> price_tier(const TierKindRef& kind,
                                            const std::vector<Decimal>& quantities,
                                            const PluginTable& table, const PluginParams& params) {
  const std::string what = "tier kind `" + kind.name + "` (" + kind.plugin + ")";
  return guarded(what, [&]() -> Expected<TierPrice, std::string> {
    auto fail = [&](const std::string& message) { return unexpected(what + ": " + message); };
    if (kind.price == nullptr || !kind.library) return fail("not loaded");
    if (quantities.size() > std::numeric_limits<std::uint32_t>::max()) {
      return fail("too many quantities");
    }
    if (kind.quantity_count != 0 && quantities.size() != kind.quantity_count) {
      return fail("takes " + std::to_string(kind.quantity_count) +
                  (kind.quantity_count == 1 ? " quantity" : " quantities") + ", given " +
                  std::to_string(quantities.size()));
    }
    auto abi_table = to_abi_table(table);
    if (!abi_table) return fail(abi_table.error());
    if (kind.table_columns != 0 && !table.empty() &&
        abi_table->table.columns != kind.table_columns) {
      return fail("takes a table of " + std::to_string(kind.table_columns) + " columns, given " +
                  std::to_string(abi_table->table.columns));
    }
    auto abi_params = to_abi_params(kind.params, params);
    if (!abi_params) return fail(abi_params.error());

    std::vector<tariff_decimal> abi_quantities;
    abi_quantities.reserve(quantities.size());
    for (const Decimal& q : quantities) abi_quantities.push_back(to_abi(q));

    ExplainCollector collector;
    const tariff_explain_sink sink{&collector, &collect_explanation};
    tariff_status status{};
    tariff_decimal amount = to_abi(Decimal());
    const std::int32_t code = kind.price(
        abi_quantities.empty() ? nullptr : abi_quantities.data(),
        static_cast<std::uint32_t>(abi_quantities.size()), &abi_table->table,
        abi_params->empty() ? nullptr : abi_params->data(),
        static_cast<std::uint32_t>(abi_params->size()), &amount, &sink, &status);
    if (code != TARIFF_STATUS_OK || status.code != TARIFF_STATUS_OK) {
      return fail(status_text(status, code != TARIFF_STATUS_OK ? code : status.code));
    }
    if (collector.out_of_memory) return fail("out of memory while collecting explanations");
    auto value = from_abi(amount);
    if (!value) return fail("returned " + value.error());
    return TierPrice{*value, std::move(collector.lines)};
  });
}

Expected<std::vector<CreditLine>, std::string> compute_credit(const CreditRuleRef& rule,
                                                              const CreditInput& input,
                                                              const PluginTable& table,
                                                              const PluginParams& params) {
  const std::string what = "credit rule `" + rule.name + "` (" + rule.plugin + ")";
  return guarded(what, [&]() -> Expected<std::vector<CreditLine>, std::string> {
    auto fail = [&](const std::string& message) { return unexpected(what + ": " + message); };
    if (rule.compute == nullptr || !rule.library) return fail("not loaded");
    if (input.period_end <= input.period_start) {
      return fail("the period is empty (ends " + std::to_string(input.period_end) +
                  ", starts " + std::to_string(input.period_start) + ")");
    }
    auto downtime = normalized_downtime(input);
    if (!downtime) return fail(downtime.error());
    if (downtime->size() > std::numeric_limits<std::uint32_t>::max() ||
        input.charges.size() > std::numeric_limits<std::uint32_t>::max()) {
      return fail("too many downtime intervals or charges");
    }
    std::vector<tariff_charge_line> charges;
    charges.reserve(input.charges.size());
    for (const ChargeAmount& charge : input.charges) {
      charges.push_back(tariff_charge_line{charge.name.c_str(), to_abi(charge.amount)});
    }
    auto abi_table = to_abi_table(table);
    if (!abi_table) return fail(abi_table.error());
    auto abi_params = to_abi_params(rule.params, params);
    if (!abi_params) return fail(abi_params.error());

    const tariff_credit_input abi_input{
        input.period_start,
        input.period_end,
        downtime->empty() ? nullptr : downtime->data(),
        static_cast<std::uint32_t>(downtime->size()),
        charges.empty() ? nullptr : charges.data(),
        static_cast<std::uint32_t>(charges.size())};
    CreditCollector collector;
    collector.charges = &input.charges;
    const tariff_credit_sink sink{&collector, &collect_credit};
    tariff_status status{};
    const std::int32_t code = rule.compute(&abi_input, &abi_table->table,
                                           abi_params->empty() ? nullptr : abi_params->data(),
                                           static_cast<std::uint32_t>(abi_params->size()),
                                           &sink, &status);
    if (code != TARIFF_STATUS_OK || status.code != TARIFF_STATUS_OK) {
      return fail(status_text(status, code != TARIFF_STATUS_OK ? code : status.code));
    }
    if (!collector.error.empty()) return fail(collector.error);
    return std::move(collector.lines);
  });
}

}  // namespace tariff
