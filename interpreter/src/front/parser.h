// Scheme text -> AST. The only door into the generated ANTLR parser: no
// ANTLR type appears in this header, and no exception leaves it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include "front/ast.h"
#include "tariff/diagnostic.h"

namespace tariff::front {

struct ParseLimits {
  // Rule nesting: the 4.9 runtime's recursive descent overflows an 8 MiB
  // stack near 100,000 nested parentheses; 400 is far beyond any real
  // scheme and keeps every later recursive pass shallow.
  std::size_t max_depth = 400;
  // Error recovery stops after this many syntax errors.
  std::size_t max_errors = 25;
  // Tokens in one file: a 5,000-line scheme has about 50,000; the budget
  // keeps a hostile file from making the runtime buffer millions.
  std::size_t max_tokens = 500'000;
};

// Parses one scheme file. Syntax errors are appended to `diagnostics` and
// yield nullopt; the tree is returned only when the text parsed cleanly.
std::optional<ast::Scheme> parse_scheme(std::shared_ptr<const SourceFile> file,
                                        Diagnostics& diagnostics,
                                        const ParseLimits& limits = {});

}  // namespace tariff::front
