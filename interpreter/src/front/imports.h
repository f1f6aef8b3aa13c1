// `import "rtc/agora"`: the standard library's scheme modules (stdlib/),
// embedded in the library at build time so an import works wherever
// Tariff runs. A module holds classes; importing one adds them to the
// scheme ahead of its own, as if written there.
#pragma once

#include <string>
#include <vector>

#include "front/ast.h"
#include "tariff/diagnostic.h"

namespace tariff::front {

// False when an import failed (the reasons are in `diagnostics`).
bool resolve_imports(ast::Scheme& scheme, Diagnostics& diagnostics);

// "rtc/agora", ... in name order.
std::vector<std::string> stdlib_module_names();

}  // namespace tariff::front
