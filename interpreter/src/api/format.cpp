// format_source: the public door to the front end's formatter, which
// keeps the ANTLR-generated code out of the library's interface.
#include "front/formatter.h"
#include "tariff/tariff.h"

namespace tariff {

Expected<std::string, Diagnostics> format_source(std::string name, std::string text) {
  return front::format_scheme(std::make_shared<const SourceFile>(std::move(name), std::move(text)));
}

}  // namespace tariff
