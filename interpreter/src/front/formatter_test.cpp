// The formatter: layout cases one by one, then every scheme in the
// repository formatted twice (stable) and compiled before and after (same
// program).
#include "front/formatter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string_view>

#include "tariff/tariff.h"

namespace tariff::front {
namespace {

// The canonical form, or the rendered diagnostics prefixed with "ERROR".
std::string fmt(const std::string& text) {
  auto formatted = format_scheme(std::make_shared<const SourceFile>("t.tariff", text));
  if (!formatted) return "ERROR " + formatted.error().render_all();
  return *formatted;
}

TEST(Formatter, MessySpacingBecomesCanonical) {
  EXPECT_EQ(fmt("scheme   \"S\"\tversion \"1\"   currency USD rounding half_up   per line\n"
                "meter m=sum quantity*2+1 where event==\"a\"and not(x<=3)\n"
                "charge \"Fee\"=flat 10\n"),
            "scheme \"S\" version \"1\"\n"
            "currency USD\n"
            "rounding half_up per line\n"
            "meter m = sum quantity * 2 + 1 where event == \"a\" and not (x <= 3)\n"
            "charge \"Fee\" = flat 10\n");
}

TEST(Formatter, NestedParenthesesCallsSignsAndPercent) {
  EXPECT_EQ(fmt("meter m = sum ( ( ceil ( quantity / 1024 ) + max ( a , - b ) ) * -( 2 ) ) "
                "where - x > 15 %\n"),
            "meter m = sum ((ceil(quantity / 1024) + max(a, -b)) * -(2)) where -x > 15%\n");
  // An aggregation followed by a parenthesised value is not a call.
  EXPECT_EQ(fmt("meter m = sum(a) + (b)\n"), "meter m = sum (a) + (b)\n");
  EXPECT_EQ(fmt("meter peak = max over days of(distinct user where event == \"login\"), "
                "seconds->minutes rounded up per day\n"),
            "meter peak = max over days of (distinct user where event == \"login\"), "
            "seconds -> minutes rounded up per day\n");
  EXPECT_EQ(fmt("meter m = sum a - - 1 where if a then b else c\n"),
            "meter m = sum a - -1 where if a then b else c\n");
}

TEST(Formatter, NumbersAndStringsAsWritten) {
  EXPECT_EQ(fmt("charge \"Caf\xC3\xA9  \\\"x\\\"\" = m at 0.50 per 1_000\n"),
            "charge \"Caf\xC3\xA9  \\\"x\\\"\" = m at 0.50 per 1_000\n");
  EXPECT_EQ(fmt("charge \"A\" = m at 007.10\n"), "charge \"A\" = m at 007.10\n");
}

TEST(Formatter, OneDeclarationPerLineAndLongOnesJoined) {
  EXPECT_EQ(fmt("meter m =\n  sum quantity\n    where event == \"a\"\n"
                "      and user == \"b\" charge \"A\" = flat 1\n"),
            "meter m = sum quantity where event == \"a\" and user == \"b\"\n"
            "charge \"A\" = flat 1\n");
}

TEST(Formatter, BlocksIndentedOneEntryPerLineAndAligned) {
  EXPECT_EQ(fmt("usage { account id time timestamp user id optional project id default \"main\" "
                "quantity decimal default 0 }\n"),
            "usage {\n"
            "  account  id\n"
            "  time     timestamp\n"
            "  user     id      optional\n"
            "  project  id      default \"main\"\n"
            "  quantity decimal default 0\n"
            "}\n");
  EXPECT_EQ(fmt("charge \"MAU\" = graduated mau { first 200 free next 4_800 at 0.05\n"
                "above at 0.045 }\n"
                "charge \"Calls\"=volume calls{\n"
                "        up to 10_000 at 0.0010 flat 10\n"
                "above at 0.0006 flat 10}\n"),
            "charge \"MAU\" = graduated mau {\n"
            "  first 200  free\n"
            "  next 4_800 at 0.05\n"
            "  above      at 0.045\n"
            "}\n"
            "charge \"Calls\" = volume calls {\n"
            "  up to 10_000 at 0.0010 flat 10\n"
            "  above        at 0.0006 flat 10\n"
            "}\n");
  EXPECT_EQ(fmt("usage {}\n"), "usage {\n}\n");
}

TEST(Formatter, ConsecutiveDeclarationsOfOneKindAligned) {
  EXPECT_EQ(fmt("meter a = count\nmeter long_name = count\n\nmeter b = count\n"
                "charge \"Platform fee\" = flat 49.00\ncharge \"M\" = graduated a {\n"
                "above at 1\n}\n"),
            "meter a         = count\n"
            "meter long_name = count\n"
            "\n"
            "meter b = count\n"
            "charge \"Platform fee\" = flat 49.00\n"
            "charge \"M\"            = graduated a {\n"
            "  above at 1\n"
            "}\n");
}

TEST(Formatter, CommentsKeepTheirPlace) {
  EXPECT_EQ(fmt("# header comment   \n"
                "scheme \"S\" version \"1\"     # trailing\n"
                "   # about usage\n"
                "usage {   # the columns\n"
                "      # first the account\n"
                "  account    id # who pays\n"
                "  event text\n"
                "  # the last comment in the block\n"
                "}\n"
                "meter m = sum quantity   # the value\n"
                "  where event == \"a\"\n"
                "meter n = count\n"
                "  # why the filter\n"
                "  where event == \"b\"\n"
                "# at the end\n"),
            "# header comment\n"
            "scheme \"S\" version \"1\"  # trailing\n"
            "# about usage\n"
            "usage {  # the columns\n"
            "  # first the account\n"
            "  account id  # who pays\n"
            "  event   text\n"
            "  # the last comment in the block\n"
            "}\n"
            "meter m = sum quantity  # the value\n"
            "    where event == \"a\"\n"
            "meter n = count\n"
            "    # why the filter\n"
            "    where event == \"b\"\n"
            "# at the end\n");
}

TEST(Formatter, BlankLinesKeptBetweenDeclarationsAndCollapsed) {
  EXPECT_EQ(fmt("\n\n\n# top\n\n\n\nscheme \"S\" version \"1\"\n\n\n\ncurrency USD\n"
                "rounding half_up per line\n\n"
                "usage {\n\n  account id\n\n\n  event text\n\n}\n"
                "meter m = sum\n\n\n quantity\n\n\n\n"),
            "# top\n"
            "\n"
            "scheme \"S\" version \"1\"\n"
            "\n"
            "currency USD\n"
            "rounding half_up per line\n"
            "\n"
            "usage {\n"
            "  account id\n"
            "\n"
            "  event text\n"
            "}\n"
            "meter m = sum quantity\n");
}

TEST(Formatter, CrlfBecomesLfAndTheFileEndsWithOneNewline) {
  EXPECT_EQ(fmt("scheme \"S\" version \"1\"\r\n\r\n# note\r\ncurrency USD   # cents\r\n"),
            "scheme \"S\" version \"1\"\n\n# note\ncurrency USD  # cents\n");
  EXPECT_EQ(fmt("currency USD"), "currency USD\n");
  EXPECT_EQ(fmt(""), "");
  EXPECT_EQ(fmt("\n\n  \n"), "");
}

TEST(Formatter, SyntaxErrorsAreRefusedWithTheirDiagnostics) {
  auto formatted = format_scheme(
      std::make_shared<const SourceFile>("bad.tariff", "meter m = sum quantity @\n"));
  ASSERT_FALSE(formatted);
  EXPECT_NE(formatted.error().render_all().find("bad.tariff:1:24: error: unexpected character `@`"),
            std::string::npos)
      << formatted.error().render_all();
  EXPECT_EQ(fmt("charge \"A\" = \n").rfind("ERROR ", 0), 0u);
  EXPECT_EQ(fmt("meter m = sum \"x\xFF\"\n").rfind("ERROR ", 0), 0u);  // invalid UTF-8
}

TEST(Formatter, PublicFormatSource) {
  auto formatted = format_source("s.tariff", "currency   USD\r\n");
  ASSERT_TRUE(formatted);
  EXPECT_EQ(*formatted, "currency USD\n");
  EXPECT_FALSE(format_source("s.tariff", "currency\n"));
}

// ---- every scheme in the repository: examples/ and tests/, all levels ----

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::filesystem::path> repository_schemes() {
  namespace fs = std::filesystem;
  const fs::path root = TARIFF_REPO_ROOT;
  std::vector<fs::path> schemes;
  for (const char* dir : {"examples", "tests", "stdlib"})
    for (const auto& entry : fs::recursive_directory_iterator(root / dir))
      if (entry.is_regular_file() && entry.path().extension() == ".tariff")
        schemes.push_back(entry.path());
  std::sort(schemes.begin(), schemes.end());
  return schemes;
}

bool is_error_case(const std::filesystem::path& path) {
  return path.filename().string().rfind("error.", 0) == 0;
}

// The listing without its `  ; line N:M` suffixes: formatting moves
// tokens. (No std::regex: GCC 12 warns inside it in sanitizer builds.)
std::string without_lines(const std::string& listing) {
  std::istringstream in(listing);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const std::size_t at = line.rfind("  ; line ");
    if (at != std::string::npos &&
        line.find_first_not_of("0123456789:", at + 9) == std::string::npos)
      line.erase(at);
    out += line + '\n';
  }
  return out;
}

// Formatting `text` twice gives what formatting it once gave, and that
// compiles to `original` (source lines aside).
void expect_stable_and_same_program(const std::filesystem::path& path, const std::string& text,
                                    const Program& original) {
  const auto once = format_source(path.string(), text);
  ASSERT_TRUE(once) << once.error().render_all();
  const auto twice = format_source(path.string(), *once);
  ASSERT_TRUE(twice) << twice.error().render_all();
  EXPECT_EQ(*twice, *once);
  const auto reformatted = compile_source(path.string(), *once);
  ASSERT_TRUE(reformatted.program) << reformatted.diagnostics.render_all() << *once;
  EXPECT_EQ(without_lines(disassembly(*reformatted.program)), without_lines(disassembly(original)));
}

TEST(FormatterRoundTrip, EveryCompilingSchemeIsStableAndCompilesToTheSameProgram) {
  std::size_t formatted = 0, error_cases = 0, not_compiling = 0;
  for (const auto& path : repository_schemes()) {
    SCOPED_TRACE(path.string());
    if (is_error_case(path)) {
      ++error_cases;
      continue;
    }
    const std::string text = read(path);
    const auto original = compile_source(path.string(), text);
    if (!original.program) {
      ++not_compiling;
      continue;
    }
    expect_stable_and_same_program(path, text, *original.program);
    EXPECT_EQ(without_lines(disassembly(*original.program)).find("; line "), std::string::npos);
    ++formatted;
  }
  std::cout << "formatted " << formatted << " schemes; skipped " << error_cases
            << " error.* files and " << not_compiling << " that do not compile\n";
  EXPECT_GE(formatted, 3u);  // quickstart, ndjson, tiers at least
}

// Every run of whitespace between tokens (outside strings and comments)
// replaced by `gap`, which must hold a line break so no comment swallows
// the code after it.
std::string with_gaps(const std::string& text, const std::string& gap) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (in_string) {
      const std::size_t n = c == '\\' && i + 1 < text.size() ? 2 : 1;
      in_string = c != '"';
      out.append(text, i, n);
      i += n;
    } else if (c == '#') {
      const std::size_t end = std::min(text.find_first_of("\r\n", i), text.size());
      out.append(text, i, end - i);
      i = end;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      while (i < text.size() && std::string_view(" \t\r\n").find(text[i]) != std::string_view::npos) ++i;
      out += gap;
    } else {
      in_string = c == '"';
      out += c;
      ++i;
    }
  }
  return out;
}

// Line breaks, blank lines and comments between any two tokens: the result
// is still stable and still the same program.
TEST(FormatterRoundTrip, CommentsAndLineBreaksBetweenAnyTokens) {
  for (const auto& path : repository_schemes()) {
    if (is_error_case(path)) continue;
    const std::string text = read(path);
    const auto original = compile_source(path.string(), text);
    if (!original.program) continue;
    for (const std::string gap : {"\n", "\r\n\r\n\t", "  # after\n", "\n# between\n", "\n\n# a\n\n"}) {
      SCOPED_TRACE(path.string() + " with gaps " + gap);
      expect_stable_and_same_program(path, with_gaps(text, gap), *original.program);
    }
  }
}

// The broken schemes that still parse: formatting is stable and keeps the
// errors the checker finds (their places move, their words do not).
TEST(FormatterRoundTrip, ErrorCasesThatParseKeepTheirErrors) {
  const auto messages = [](const Diagnostics& diagnostics) {
    std::vector<std::string> words;
    for (const auto& d : diagnostics.items) words.push_back(d.message + " / " + d.hint);
    return words;
  };
  std::size_t formatted = 0;
  for (const auto& path : repository_schemes()) {
    if (!is_error_case(path)) continue;
    SCOPED_TRACE(path.string());
    const std::string text = read(path);
    const auto once = format_source(path.string(), text);
    if (!once) continue;  // a syntax error: refused, as it should be
    const auto twice = format_source(path.string(), *once);
    ASSERT_TRUE(twice) << twice.error().render_all();
    EXPECT_EQ(*twice, *once);
    EXPECT_EQ(messages(compile_source(path.string(), *once).diagnostics),
              messages(compile_source(path.string(), text).diagnostics));
    ++formatted;
  }
  EXPECT_GE(formatted, 30u);
}

}  // namespace
}  // namespace tariff::front
