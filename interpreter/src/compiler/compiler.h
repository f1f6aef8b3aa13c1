// Checked AST -> Program: the record program (filters and meter updates)
// and the period program (charges and invoice lines), a deduplicated
// constant pool, and a source location for every instruction.
#pragma once

#include <memory>

#include "bytecode/program.h"
#include "front/ast.h"
#include "tariff/diagnostic.h"

namespace tariff {

// The scheme must have passed front::check(). Hard limits (registers,
// constants, program length) are reported as located errors.
std::shared_ptr<Program> compile(const ast::Scheme& scheme, Diagnostics& diagnostics);

}  // namespace tariff
