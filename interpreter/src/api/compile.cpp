// compile_source / compile_file: parse, check, compile and verify in one
// call, with every diagnostic collected. Also saving and loading compiled
// programs as bytecode files, which end in the same CompileResult.
#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "bytecode/bytecode_file.h"
#include "bytecode/disassembler.h"
#include "bytecode/verifier.h"
#include "compiler/compiler.h"
#include "compiler/scheme_tests.h"
#include "front/checker.h"
#include "front/imports.h"
#include "front/parser.h"
#include "plugins/plugin_registry.h"
#include "tariff/tariff.h"

namespace tariff {

namespace {

// The tier kinds of the loaded plugins, as the checker needs them.
std::vector<front::PluginKindSignature> kind_signatures(const Plugins* plugins) {
  std::vector<front::PluginKindSignature> kinds;
  if (!plugins) return kinds;
  for (const auto& name : plugins->tier_kind_names()) {
    const TierKindRef* kind = plugins->registry().find_tier_kind(name);
    front::PluginKindSignature signature{kind->name, kind->plugin, kind->quantity_count,
                                         kind->table_columns, {}};
    for (const auto& param : kind->params) signature.params.emplace_back(param.name, param.required);
    kinds.push_back(std::move(signature));
  }
  for (const auto& name : plugins->registry().credit_rule_names()) {
    const CreditRuleRef* rule = plugins->registry().find_credit_rule(name);
    front::PluginKindSignature signature{rule->name, rule->plugin, 0, 0, {}, true};
    for (const auto& param : rule->params) signature.params.emplace_back(param.name, param.required);
    kinds.push_back(std::move(signature));
  }
  return kinds;
}

}  // namespace

CompileResult compile_source(std::string name, std::string text, const Plugins* plugins) {
  CompileResult result;
  auto file = std::make_shared<const SourceFile>(std::move(name), std::move(text));
  auto scheme = front::parse_scheme(file, result.diagnostics);
  if (!scheme) return result;
  if (!front::resolve_imports(*scheme, result.diagnostics)) return result;
  if (!front::check(*scheme, result.diagnostics, kind_signatures(plugins))) return result;
  std::shared_ptr<Program> program = compile(*scheme, result.diagnostics);
  if (!program) return result;
  if (auto verified = verify(*program); !verified) {
    result.diagnostics.items.push_back(Diagnostic{
        Severity::error, {}, fmt::format("the compiled program failed verification: {}",
                                         to_string(verified.error())),
        "please report this scheme as a bug", file});
    return result;
  }
  result.tests = compile_tests(*scheme, program->usage);
  result.program = std::move(program);
  return result;
}

namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

CompileResult failure(std::string message, bool refused) {
  CompileResult result;
  result.diagnostics.items.push_back(Diagnostic{Severity::error, {}, std::move(message), {}, nullptr});
  result.refused = refused;
  return result;
}

CompileResult cannot_read(const std::string& path) {
  return failure(fmt::format("cannot read `{}`", path), false);
}

CompileResult load_program_bytes(const std::string& path, std::string_view bytes, const Plugins* plugins) {
  auto loaded = load_bytecode(bytes);
  if (!loaded) return failure(fmt::format("{}: refused: {}", path, loaded.error()), true);
  for (const PluginUse& use : (*loaded)->plugin_uses) {
    if (!plugins || !plugins->registry().find_tier_kind(use.kind))
      return failure(fmt::format("{}: refused: it uses the tier kind `{}`, which no loaded plugin "
                                 "defines (load it with --plugin)",
                                 path, use.kind),
                     true);
  }
  CompileResult result;
  result.program = std::move(*loaded);
  return result;
}

bool has_suffix(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

CompileResult compile_file(const std::string& path, const Plugins* plugins) {
  auto text = read_file(path);
  if (!text) return cannot_read(path);
  return compile_source(path, std::move(*text), plugins);
}

Expected<std::string, std::string> save_program(const Program& program) { return write_bytecode(program); }

CompileResult load_program_file(const std::string& path, const Plugins* plugins) {
  auto bytes = read_file(path);
  if (!bytes) return cannot_read(path);
  return load_program_bytes(path, *bytes, plugins);
}

CompileResult load_scheme_or_program(const std::string& path, const Plugins* plugins) {
  auto bytes = read_file(path);
  if (!bytes) return cannot_read(path);
  // No valid scheme starts with `TARIFFBC` (it opens with a comment or a
  // keyword), so the content decides; the extension only turns a file
  // mislabelled .tfc into one refusal instead of a pile of syntax errors.
  return load_scheme_or_program_bytes(path, std::move(*bytes), plugins);
}

CompileResult load_scheme_or_program_bytes(const std::string& name, std::string bytes,
                                           const Plugins* plugins) {
  if (bytes.compare(0, kBytecodeMagic.size(), kBytecodeMagic) == 0 || has_suffix(name, ".tfc"))
    return load_program_bytes(name, bytes, plugins);
  return compile_source(name, std::move(bytes), plugins);
}

std::string disassembly(const Program& program) { return disassemble(program); }

}  // namespace tariff
