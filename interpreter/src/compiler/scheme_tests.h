// Checked AST tests -> SchemeTest values: records written out as CSV in the
// usage block's column order, so `tariff test` rates them through the same
// reader as real usage.
#pragma once

#include <vector>

#include "front/ast.h"
#include "tariff/tariff.h"
#include "tariff/usage_schema.h"

namespace tariff {

std::vector<SchemeTest> compile_tests(const ast::Scheme& scheme, const UsageSchema& usage);

}  // namespace tariff
