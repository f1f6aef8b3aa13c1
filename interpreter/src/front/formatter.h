// `tariff fmt`: the canonical layout of a scheme, re-printed from its tokens
// with its comments kept. Like parser.h, no ANTLR type appears here and no
// exception leaves it.
#pragma once

#include <memory>
#include <string>

#include "tariff/diagnostic.h"
#include "tariff/expected.h"

namespace tariff::front {

// The canonical form of a scheme (docs/language.md, "Formatting"). Text
// with syntax errors is refused with the parser's diagnostics: a formatter
// that guessed at broken text could change what it means.
Expected<std::string, Diagnostics> format_scheme(std::shared_ptr<const SourceFile> file);

}  // namespace tariff::front
