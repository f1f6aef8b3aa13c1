#include "front/imports.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string_view>

#include "front/parser.h"
#include "support/suggest.h"

namespace tariff::front {

namespace {

struct Module {
  std::string_view name;
  std::string_view text;
};

const Module kModules[] = {
#include "stdlib_modules.inc"
};

const Module* find_module(std::string_view name) {
  for (const Module& module : kModules)
    if (module.name == name) return &module;
  return nullptr;
}

}  // namespace

std::vector<std::string> stdlib_module_names() {
  std::vector<std::string> names;
  for (const Module& module : kModules) names.emplace_back(module.name);
  return names;
}

bool resolve_imports(ast::Scheme& scheme, Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.error_count();
  auto error = [&](const ast::Named& at, std::string message, std::string hint = {}) {
    diagnostics.items.push_back(
        Diagnostic{Severity::error, at.range, std::move(message), std::move(hint), scheme.file});
  };
  std::set<std::string> columns;  // the numeric ones, which a class can read
  for (const auto& column : scheme.columns)
    if (column.type_name == "integer" || column.type_name == "decimal") columns.insert(column.name);
  std::set<std::string> seen;
  std::vector<ast::ClassDecl> imported;
  std::vector<ast::Schedule> schedules;
  for (const ast::Named& import : scheme.imports) {
    if (!seen.insert(import.text).second) {
      error(import, fmt::format("module \"{}\" is imported twice", import.text));
      continue;
    }
    const Module* module = find_module(import.text);
    if (!module) {
      error(import, fmt::format("no standard-library module is named \"{}\"", import.text),
            suggestion_hint(import.text, stdlib_module_names(), "modules"));
      continue;
    }
    auto file = std::make_shared<const SourceFile>(fmt::format("stdlib/{}.tariff", module->name),
                                                   std::string(module->text));
    auto parsed = parse_scheme(file, diagnostics);
    if (!parsed) continue;
    for (ast::Schedule& schedule : parsed->schedules) schedules.push_back(std::move(schedule));
    for (ast::ClassDecl& cls : parsed->classes) {
      // The class reads a column of the importing scheme: say so at the import.
      if (!columns.count(cls.input.text)) {
        error(import,
              fmt::format("module \"{}\" classifies the column `{}`, which the usage block does not declare "
                          "as a number",
                          import.text, cls.input.text),
              fmt::format("add `{} integer` to the usage block", cls.input.text));
        continue;
      }
      imported.push_back(std::move(cls));
    }
  }
  scheme.classes.insert(scheme.classes.begin(), std::make_move_iterator(imported.begin()),
                        std::make_move_iterator(imported.end()));
  scheme.schedules.insert(scheme.schedules.begin(), std::make_move_iterator(schedules.begin()),
                          std::make_move_iterator(schedules.end()));
  return diagnostics.error_count() == errors_before;
}

}  // namespace tariff::front
