// compile_source / compile_file: parse, check, compile and verify in one
// call, with every diagnostic collected.
#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "bytecode/disassembler.h"
#include "bytecode/verifier.h"
#include "compiler/compiler.h"
#include "front/checker.h"
#include "front/parser.h"
#include "tariff/tariff.h"

namespace tariff {

CompileResult compile_source(std::string name, std::string text) {
  CompileResult result;
  auto file = std::make_shared<const SourceFile>(std::move(name), std::move(text));
  auto scheme = front::parse_scheme(file, result.diagnostics);
  if (!scheme) return result;
  if (!front::check(*scheme, result.diagnostics)) return result;
  std::shared_ptr<Program> program = compile(*scheme, result.diagnostics);
  if (!program) return result;
  if (auto verified = verify(*program); !verified) {
    result.diagnostics.items.push_back(Diagnostic{
        Severity::error, {}, fmt::format("the compiled program failed verification: {}",
                                         to_string(verified.error())),
        "please report this scheme as a bug", file});
    return result;
  }
  result.program = std::move(program);
  return result;
}

CompileResult compile_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    CompileResult result;
    result.diagnostics.items.push_back(
        Diagnostic{Severity::error, {}, fmt::format("cannot read `{}`", path), {}, nullptr});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return compile_source(path, text.str());
}

std::string disassembly(const Program& program) { return disassemble(program); }

}  // namespace tariff
