// The standard library's modules: every one imports into a scheme and
// compiles; its classes join the scheme.
#include <gtest/gtest.h>

#include <algorithm>

#include "front/imports.h"
#include "front/parser.h"
#include "tariff/tariff.h"

namespace tariff {
namespace {

TEST(Imports, TheModulesAreEmbedded) {
  const auto names = front::stdlib_module_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "rtc/agora"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "rtc/byteplus"), names.end());
}

TEST(Imports, EveryModuleImportsAndCompiles) {
  for (const std::string& name : front::stdlib_module_names()) {
    const std::string source = "scheme \"S\" version \"1\"\nimport \"" + name +
                               "\"\ncurrency USD\nrounding half_up per line\n"
                               "usage {\n  account id\n  pixels integer\n  quantity decimal\n}\n"
                               "meter n = count\ncharge \"N\" = n at 1\n";
    auto compiled = compile_source("s.tariff", source);
    EXPECT_TRUE(compiled.program) << name << ":\n" << compiled.diagnostics.render_all();
    // Each module brings classes or credit schedules of (availability
    // below, credit %) rows, thresholds falling.
    Diagnostics diagnostics;
    auto scheme = front::parse_scheme(std::make_shared<const SourceFile>("s.tariff", source), diagnostics);
    ASSERT_TRUE(scheme) << diagnostics.render_all();
    ASSERT_TRUE(front::resolve_imports(*scheme, diagnostics)) << diagnostics.render_all();
    EXPECT_FALSE(scheme->classes.empty() && scheme->schedules.empty()) << name << " brings nothing";
    for (const auto& schedule : scheme->schedules) {
      ASSERT_FALSE(schedule.rows.empty()) << name << " " << schedule.name.text;
      for (std::size_t r = 0; r < schedule.rows.size(); ++r) {
        EXPECT_EQ(schedule.rows[r].size(), 2u) << name << " " << schedule.name.text;
        if (r > 0) {
          EXPECT_LT(schedule.rows[r][0], schedule.rows[r - 1][0]) << name << " " << schedule.name.text;
        }
      }
    }
  }
}

TEST(Imports, AClassOfTheSchemeCannotTakeAnImportedName) {
  auto compiled = compile_source("s.tariff",
                                 "scheme \"S\" version \"1\"\nimport \"rtc/agora\"\ncurrency USD\n"
                                 "rounding half_up per line\nusage {\n  account id\n  pixels integer\n}\n"
                                 "class agora_resolution(pixels) {\n  low <= 10\n  high otherwise\n}\n"
                                 "meter n = count\ncharge \"N\" = n at 1\n");
  EXPECT_FALSE(compiled.program);
  EXPECT_NE(compiled.diagnostics.render_all().find("s.tariff:9:"), std::string::npos)
      << compiled.diagnostics.render_all();
}

}  // namespace
}  // namespace tariff
