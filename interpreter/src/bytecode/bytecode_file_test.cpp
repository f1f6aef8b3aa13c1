// The bytecode file: round trips that rate identically, and every corrupted,
// truncated or forged file refused with a reason (or, where the bytes still
// make a valid program, run without harm) — never a crash.
#include "bytecode/bytecode_file.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "bytecode/program.h"
#include "tariff/tariff.h"

namespace tariff {
namespace {

constexpr const char* kScheme = TARIFF_EXAMPLES "/quickstart/scheme.tariff";
constexpr const char* kUsage = TARIFF_EXAMPLES "/quickstart/usage.csv";
constexpr std::size_t kBodyOffset = 24;

class IgnoreRejects final : public RejectSink {
 public:
  void reject(Reject) override {}
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// The quickstart invoice as text, or the run error that stopped it.
std::string invoice_text(std::shared_ptr<const Program> program) {
  static const std::string usage = read_file(kUsage);
  Rater rater(std::move(program));
  std::istringstream in(usage);
  IgnoreRejects rejects;
  if (auto added = rater.add_usage(in, "usage.csv", UsageFormat::csv, rejects); !added) return "run error: " + added.error().message;
  auto invoice = rater.finish();
  if (!invoice) return "run error: " + invoice.error().message;
  return format_text(*invoice);
}

std::uint32_t get_u32(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 4; i-- > 0;)
    value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

void put_u32(std::string& bytes, std::size_t at, std::uint32_t value) {
  for (std::size_t i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

// After editing the body, makes the checksum match again, so only the
// structural checks and the verifier stand between the edit and the VM.
void reseal(std::string& bytes) {
  const std::uint64_t sum = fnv1a64(std::string_view(bytes).substr(kBodyOffset));
  for (std::size_t i = 0; i < 8; ++i) bytes[16 + i] = static_cast<char>((sum >> (8 * i)) & 0xFF);
}

// Offset of the payload of section `id` in a well-formed file.
std::size_t payload_offset(const std::string& bytes, unsigned id) {
  std::size_t at = kBodyOffset;
  while (at + 5 <= bytes.size()) {
    if (static_cast<unsigned char>(bytes[at]) == id) return at + 5;
    at += 5 + get_u32(bytes, at + 1);
  }
  ADD_FAILURE() << "no section " << id;
  return 0;
}

std::string refusal(std::string_view bytes) {
  auto loaded = load_bytecode(bytes);
  return loaded ? std::string("(accepted)") : loaded.error();
}

class BytecodeFile : public ::testing::Test {
 protected:
  void SetUp() override {
    auto compiled = compile_file(kScheme);
    ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
    original = compiled.program;
    auto written = write_bytecode(*original);
    ASSERT_TRUE(written) << written.error();
    bytes = std::move(*written);
    expected_invoice = invoice_text(original);
  }

  std::shared_ptr<const Program> original;
  std::string bytes;
  std::string expected_invoice;
};

TEST_F(BytecodeFile, RoundTripDisassemblesAndRatesIdentically) {
  auto loaded = load_bytecode(bytes);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(disassembly(**loaded), disassembly(*original));
  EXPECT_EQ(invoice_text(*loaded), expected_invoice);
  EXPECT_EQ(expected_invoice.rfind("run error", 0), std::string::npos) << expected_invoice;
  EXPECT_EQ((*loaded)->source_name, original->source_name);
  // Writing the loaded program gives the same bytes: nothing is lost.
  auto rewritten = write_bytecode(**loaded);
  ASSERT_TRUE(rewritten);
  EXPECT_EQ(*rewritten, bytes);
}

TEST(BytecodeFileRoundTrip, KeepsEveryPartOfARicherScheme) {
  auto compiled = compile_source("rich.tariff", R"(scheme "Rich" version "2"
currency JPY
rounding half_even per invoice
usage {
  account  id
  time     timestamp
  region   text optional default "eu"
  quantity decimal
  weight   integer optional
}
meter total = sum ceil(quantity / 60) where region == "eu" and quantity > 0
meter n     = count
meter peak  = max max(quantity, 0)
meter low   = min round(weight / 7, 2)
charge "Total" = total at 0.10 per 3
charge "Base"  = flat 5
charge "N"     = n at 2
charge "Peak"  = peak at 1.5
charge "Low"   = low at 3
charge "Steps" = graduated total {
  first 10  free
  next  90  at 0.50 per 10
  above     at 0.25 flat 3
}
charge "Bulk"  = volume peak {
  up to 5.5 at 2 flat 1
  above     at 1
}
)");
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  const Program& p = *compiled.program;
  auto written = write_bytecode(p);
  ASSERT_TRUE(written) << written.error();
  auto loaded = load_bytecode(*written);
  ASSERT_TRUE(loaded) << loaded.error();
  const Program& q = **loaded;
  EXPECT_EQ(disassembly(q), disassembly(p));
  EXPECT_EQ(q.rounding_stage, RoundingStage::invoice);
  EXPECT_EQ(q.rounding, RoundingMode::half_even);
  EXPECT_EQ(q.minor_digits, 0);
  ASSERT_EQ(q.usage.columns.size(), p.usage.columns.size());
  for (std::size_t i = 0; i < p.usage.columns.size(); ++i) {
    EXPECT_EQ(q.usage.columns[i].name, p.usage.columns[i].name);
    EXPECT_EQ(q.usage.columns[i].type, p.usage.columns[i].type);
    EXPECT_EQ(q.usage.columns[i].optional, p.usage.columns[i].optional);
    EXPECT_EQ(q.usage.columns[i].default_text, p.usage.columns[i].default_text);
  }
  EXPECT_EQ(q.usage.account_column, p.usage.account_column);
  EXPECT_EQ(q.usage.time_column, p.usage.time_column);
  ASSERT_EQ(q.constants.size(), p.constants.size());
  for (std::size_t i = 0; i < p.constants.size(); ++i)
    EXPECT_TRUE(same_representation(q.constants[i], p.constants[i])) << "constant " << i;
  for (std::size_t pc = 0; pc < p.record.locations.size(); ++pc)
    EXPECT_EQ(q.record.locations[pc].column, p.record.locations[pc].column);
  ASSERT_EQ(q.tier_tables.size(), 2u);
  EXPECT_EQ(q.tier_tables[1].model, TierModel::volume);
  ASSERT_EQ(q.tier_tables[0].rows.size(), 3u);
  EXPECT_FALSE(q.tier_tables[0].rows[2].upper);
  EXPECT_TRUE(same_representation(q.tier_tables[0].rows[1].per, p.tier_tables[0].rows[1].per));
  EXPECT_TRUE(same_representation(q.tier_tables[0].rows[2].fee, p.tier_tables[0].rows[2].fee));
  EXPECT_TRUE(same_representation(*q.tier_tables[1].rows[0].upper, *p.tier_tables[1].rows[0].upper));

  auto rate = [](std::shared_ptr<const Program> program) {
    Rater rater(std::move(program));
    std::istringstream usage(
        "account,time,region,quantity,weight\n"
        "a,2026-03-01T00:00:00Z,,7000.5,14\n"
        "a,2026-03-02T00:00:00Z,us,3,\n"
        "b,2026-03-03T00:00:00+02:00,eu,59.9,3\n");
    IgnoreRejects rejects;
    if (auto added = rater.add_usage(usage, "usage.csv", UsageFormat::csv, rejects); !added) return added.error().message;
    auto invoice = rater.finish();
    return invoice ? format_text(*invoice) : invoice.error().message;
  };
  const std::string invoice = rate(compiled.program);
  EXPECT_NE(invoice.find("Steps"), std::string::npos) << invoice;
  EXPECT_EQ(rate(*loaded), invoice);
}

TEST_F(BytecodeFile, EveryFlippedByteIsRefused) {
  for (const unsigned mask : {0xFFu, 0x01u}) {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      std::string copy = bytes;
      copy[i] = static_cast<char>(static_cast<unsigned char>(copy[i]) ^ mask);
      auto loaded = load_bytecode(copy);
      if (loaded) {
        // Only a change the checksum cannot see could get here.
        EXPECT_EQ(invoice_text(*loaded), expected_invoice) << "byte " << i << " ^ " << mask;
      } else {
        EXPECT_FALSE(loaded.error().empty()) << "byte " << i;
      }
    }
  }
}

TEST_F(BytecodeFile, EveryTruncationIsRefused) {
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    auto loaded = load_bytecode(std::string_view(bytes).substr(0, length));
    ASSERT_FALSE(loaded) << "length " << length;
    EXPECT_FALSE(loaded.error().empty());
  }
}

// With the checksum recomputed, each edit reaches the structural checks and
// the verifier. Some edits still make valid programs (a letter of a name, a
// digit of a constant, a source location); the rest must be refused, and
// nothing may crash (run this under TARIFF_SANITIZE to see that nothing
// reads out of bounds either).
class ResealedEdits : public ::testing::TestWithParam<const char*> {};

// The quickstart, and schemes with every table the format holds: bands and
// blocks, adjustments, percentage meters, editions and modules, packages,
// prepaid wallets.
INSTANTIATE_TEST_SUITE_P(Schemes, ResealedEdits,
                         ::testing::Values(kScheme, TARIFF_EXAMPLES "/../tests/golden/blocks-bands.tariff",
                                           TARIFF_EXAMPLES "/../tests/golden/adjust-coupon-taxes.tariff",
                                           TARIFF_EXAMPLES "/../tests/golden/percentage.tariff",
                                           TARIFF_EXAMPLES "/../tests/golden/subscriptions.tariff",
                                           TARIFF_EXAMPLES "/../tests/golden/packages.tariff",
                                           TARIFF_EXAMPLES "/../tests/golden/wallets.tariff"));

TEST_P(ResealedEdits, AreRefusedOrRunSafely) {
  // A fixed source name, so the share of free-text bytes does not depend
  // on where the checkout lives.
  auto compiled = compile_source("scheme.tariff", read_file(GetParam()));
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  auto written = write_bytecode(*compiled.program);
  ASSERT_TRUE(written) << written.error();
  const std::string& file = *written;
  // The id and length of every section: no edit of those may get through.
  std::vector<bool> framing(file.size(), false);
  for (std::size_t at = kBodyOffset; at < file.size(); at += 5 + get_u32(file, at + 1))
    for (std::size_t i = 0; i < 5; ++i) framing[at + i] = true;
  std::size_t refused = 0;
  std::size_t tried = 0;
  for (const unsigned mask : {0xFFu, 0x01u}) {
    for (std::size_t i = kBodyOffset; i < file.size(); ++i) {
      std::string copy = file;
      copy[i] = static_cast<char>(static_cast<unsigned char>(copy[i]) ^ mask);
      reseal(copy);
      ++tried;
      auto loaded = load_bytecode(copy);
      if (!loaded) {
        EXPECT_FALSE(loaded.error().empty());
        ++refused;
        continue;
      }
      EXPECT_FALSE(framing[i]) << "section framing byte " << i << " ^ " << mask << " accepted";
      EXPECT_FALSE(disassembly(**loaded).empty());
      EXPECT_FALSE(invoice_text(*loaded).empty());
    }
  }
  // How many edits stay valid depends on how much of a file is free text and
  // decimals; for the quickstart, most are refused.
  if (std::string_view(GetParam()) == kScheme) {
    EXPECT_GT(refused * 2, tried) << refused << " of " << tried << " edits refused";
  }
}

// The source name is a path, and paths need not be UTF-8.
TEST(BytecodeFileRoundTrip, KeepsASourceNameThatIsNotUtf8) {
  auto compiled = compile_source("caf\xE9.tariff", read_file(kScheme));
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  auto written = write_bytecode(*compiled.program);
  ASSERT_TRUE(written) << written.error();
  auto loaded = load_bytecode(*written);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ((*loaded)->source_name, "caf\xE9.tariff");
}

TEST_F(BytecodeFile, AnotherFormatVersionIsRefusedNamingBoth) {
  put_u32(bytes, 8, 7);
  EXPECT_EQ(refusal(bytes), fmt::format("format version 7, this tariff reads version {}", kBytecodeVersion));
}

TEST_F(BytecodeFile, BadMagicIsRefused) {
  bytes[7] = 'X';
  EXPECT_EQ(refusal(bytes), "not a Tariff bytecode file (bad magic)");
  EXPECT_EQ(refusal(read_file(kScheme)), "not a Tariff bytecode file (bad magic)");
  EXPECT_EQ(refusal(""), "not a Tariff bytecode file (bad magic)");
  EXPECT_EQ(refusal("TARIFF"), "truncated in the file header (6 of 24 bytes)");
}

TEST_F(BytecodeFile, TrailingBytesAreRefused) {
  EXPECT_EQ(refusal(bytes + "x"),
            "1 trailing byte after the " + std::to_string(bytes.size() - kBodyOffset) + "-byte body");
}

TEST_F(BytecodeFile, CorruptionIsCaughtByTheChecksum) {
  bytes[bytes.size() - 1] ^= 0x10;
  EXPECT_EQ(refusal(bytes), "checksum mismatch: the file is corrupt");
}

// Forged files (checksum recomputed): each structural check names the fault.
TEST_F(BytecodeFile, ForgedSectionsAreRefusedWithTheirReason) {
  auto forged = [&](auto edit) {
    std::string copy = bytes;
    edit(copy);
    reseal(copy);
    return refusal(copy);
  };
  EXPECT_EQ(forged([](std::string& b) { b[kBodyOffset] = 9; }),
            "expected section header (id 1), found section id 9");
  EXPECT_EQ(forged([](std::string& b) { b.pop_back(); put_u32(b, 12, get_u32(b, 12) - 1); }),
            "truncated in section plans");
  EXPECT_EQ(forged([](std::string& b) {
              b += '\0';
              put_u32(b, 12, get_u32(b, 12) + 1);
            }),
            "1 unexpected byte after the last section");
  EXPECT_EQ(forged([](std::string& b) {
              // The header's length claims one more byte: the usage
              // section's id, which the header's contents do not use.
              put_u32(b, kBodyOffset + 1, get_u32(b, kBodyOffset + 1) + 1);
            }).rfind("section header is ", 0),
            0u);
  EXPECT_EQ(forged([](std::string& b) { put_u32(b, payload_offset(b, 3), 0xFFFFFFFFu); })
                .rfind("truncated in section constants: 4294967295 entries announced", 0),
            0u);
  EXPECT_EQ(forged([](std::string& b) { b[payload_offset(b, 3) + 4 + 16] = 40; }),
            "constant 0: scale 40 out of range");
  EXPECT_EQ(forged([](std::string& b) { b[payload_offset(b, 3) + 4 + 16] = static_cast<char>(0xFF); }),
            "constant 0: scale -1 out of range");
  EXPECT_EQ(forged([](std::string& b) {
              const std::size_t at = payload_offset(b, 3) + 4;
              for (std::size_t i = 0; i < 15; ++i) b[at + i] = static_cast<char>(0xFF);
              b[at + 15] = 0x7F;  // 2^127 - 1: far beyond 38 digits
            }),
            "constant 0: more than 38 significant digits");
  // Meter 0's name: u32 count, u32 name length, then its first byte.
  EXPECT_EQ(forged([](std::string& b) { b[payload_offset(b, 5) + 4 + 4] = static_cast<char>(0xFF); }),
            "invalid UTF-8 in section meters (byte 8)");
  // The usage section starts with column 0, `account`: u32 count, u32
  // name length, 7 bytes of name, then its type.
  EXPECT_EQ(forged([](std::string& b) { b[payload_offset(b, 2) + 4 + 4 + 7] = 9; }),
            "column 0: type 9 out of range");
  EXPECT_EQ(forged([](std::string& b) { b[payload_offset(b, 2) + 4 + 4 + 7 + 1] = 2; }),
            "entry 0: optional flag 2 is not 0 or 1");
  // Meter 0 is `messages`: u32 count, u32 name length, 8 bytes, its kind.
  EXPECT_EQ(forged([](std::string& b) { b[payload_offset(b, 5) + 4 + 4 + 8] = 11; }),
            "meter 0: kind 11 out of range");
  // The record chunk: u16 registers, u32 count, then instruction 0.
  EXPECT_EQ(forged([](std::string& b) { b[payload_offset(b, 8) + 6] = static_cast<char>(200); }),
            "record chunk, instruction 0: unknown opcode 200");
  EXPECT_EQ(forged([](std::string& b) {
              const std::size_t at = payload_offset(b, 8);
              b[at] = 0;  // no registers: every register operand is out of range
              b[at + 1] = 0;
            }).rfind("the record program failed verification: instruction 0: ", 0),
            0u);
  // The header ends with minor digits, rounding mode and stage, the
  // period kind and its u32 zone offset, just before the usage section's
  // id and length.
  EXPECT_EQ(forged([](std::string& b) { b[payload_offset(b, 2) - 5 - 9] = 3; }),
            "the program failed verification: currency USD has 2 minor digits, the program says 3");
}

TEST(BytecodeFileForged, TierTablesAreCheckedThenVerified) {
  auto compiled = compile_source("t.tariff", R"(scheme "T" version "1"
currency USD
rounding half_up per line
usage {
  account id
  users   decimal
}
meter mau = max users
charge "MAU" = graduated mau {
  first 200 free
  above     at 0.045
}
)");
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  auto written = write_bytecode(*compiled.program);
  ASSERT_TRUE(written) << written.error();
  const std::size_t tiers = payload_offset(*written, 7);
  // u32 table count, then table 0: u8 model, u8 has blocks, u8 block
  // rounding, u8 free when unused, u32 rows, row 0's has_upper.
  auto forged = [&](std::size_t at, char value) {
    std::string copy = *written;
    copy[at] = value;
    reseal(copy);
    return refusal(copy);
  };
  const std::size_t table = tiers + 4;
  const std::size_t row0 = table + 4 + 4;
  EXPECT_EQ(forged(table, 3), "tier table 0: model 3 out of range");
  EXPECT_EQ(forged(table + 1, 2), "entry 0: blocks flag 2 is not 0 or 1");
  EXPECT_EQ(forged(table + 2, 9), "tier table 0: block rounding 9 out of range");
  EXPECT_EQ(forged(table + 3, 5), "entry 0: free-when-unused flag 5 is not 0 or 1");
  EXPECT_EQ(forged(row0, 3), "tier table 0, row 0: has-upper flag 3 is not 0 or 1");
  EXPECT_EQ(forged(row0 + 1 + 16, 19), "tier table 0, row 0 upper bound: scale 19 out of range");
  // Row 1 (no bound) divides by a `per` of 0: well-formed, so verify() refuses it.
  const std::size_t row1 = row0 + (1 + 4 * 17);
  EXPECT_EQ(forged(row1 + 1 + 17, 0),
            "the program failed verification: tier table 0: row 2 per-unit is not positive");
  // No rows: the section's length no longer matches what it holds.
  EXPECT_EQ(forged(table + 4, 0), fmt::format("section tiers is {} bytes long but its contents end after 12",
                                              get_u32(*written, tiers - 4)));
}

// Prepaid wallets (adjustment kind 4) survive the file; a kind beyond it is
// refused, and one forged into another kind is caught by the verifier.
TEST(BytecodeFileForged, AdjustmentKindsAreCheckedThenVerified) {
  auto compiled = compile_source("w.tariff", R"(scheme "W" version "1"
currency USD
rounding half_up per line
usage {
  account id
  calls   decimal
}
meter calls = sum calls
charge "Calls" = calls at 0.01
prepaid "Wallet" on "Calls"
tax "VAT" 19%
)");
  ASSERT_TRUE(compiled.program) << compiled.diagnostics.render_all();
  auto written = write_bytecode(*compiled.program);
  ASSERT_TRUE(written) << written.error();
  auto loaded = load_bytecode(*written);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ((*loaded)->adjustments.at(0).kind, AdjustmentKind::prepaid);
  EXPECT_EQ(disassembly(**loaded), disassembly(*compiled.program));
  // u32 count, then adjustment 0's u8 kind, u32 name length and 6 bytes of
  // name, 17 bytes of amount, the percent and included flags, u32 charges,
  // one u32 charge and the u32 line and column: adjustment 1's kind.
  const std::size_t wallet = payload_offset(*written, 13) + 4;
  const std::size_t vat = wallet + 1 + 4 + 6 + 17 + 1 + 1 + 4 + 4 + 4 + 4;
  auto forged = [&](std::size_t at, char value) {
    std::string copy = *written;
    copy[at] = value;
    reseal(copy);
    return refusal(copy);
  };
  EXPECT_EQ(forged(wallet, 5), "adjustment 0: kind 5 out of range");
  EXPECT_EQ(forged(wallet, 3), "the program failed verification: adjustment \"Wallet\" is not positive");
  EXPECT_EQ(forged(vat, 4), "the program failed verification: adjustment \"VAT\": a prepaid wallet has no amount");
}

TEST_F(BytecodeFile, EnumsInTheHeaderAreRangeChecked) {
  const std::size_t usage_section = payload_offset(bytes, 2) - 5;
  auto forged = [&](std::size_t at, char value) {
    std::string copy = bytes;
    copy[at] = value;
    reseal(copy);
    return refusal(copy);
  };
  // The header ends: rounding mode, stage, period kind, u32 zone offset,
  // the thirty-day months flag.
  EXPECT_EQ(forged(usage_section - 8, 7), "rounding mode 7 out of range");
  EXPECT_EQ(forged(usage_section - 7, 2), "rounding stage 2 out of range");
  EXPECT_EQ(forged(usage_section - 6, 5), "billing period kind 5 out of range");
  EXPECT_EQ(forged(usage_section - 1, 2), "entry 0: thirty-day months flag 2 is not 0 or 1");
  // The flag without a billing period: well-formed, refused by verify().
  EXPECT_EQ(forged(usage_section - 1, 1), "the program failed verification: thirty-day months without a billing period");
}

// Format version 1 numbers opcodes by their order in opcodes.def. If this
// fails, an opcode was inserted or reordered: append instead, or bump
// kBytecodeVersion.
TEST(BytecodeFormat, OpcodeNumbersArePinned) {
  const char* const version1[] = {"LOADK", "MOVE",  "LOADF", "EQFS", "EQFF",   "ADD",  "SUB",
                                  "MUL",   "DIV",   "ROUND", "NEG",  "MIN",    "MAX",  "EQ",
                                  "NE",    "LT",    "LE",    "NOT",  "JMP",    "JMPF", "JMPT",
                                  "MSUM",  "MCOUNT", "MMAX", "MMIN", "LOADM",  "LINE"};
  ASSERT_GE(kOpcodeCount, std::size(version1));
  for (std::size_t i = 0; i < std::size(version1); ++i) EXPECT_EQ(kOpcodeInfo[i].name, version1[i]);
}

class ProgramFiles : public BytecodeFile {
 protected:
  std::string path(const std::string& name) const { return ::testing::TempDir() + "bytecode_file_test_" + name; }
};

TEST_F(ProgramFiles, SaveAndLoadThroughTheApi) {
  auto saved = save_program(*original);
  ASSERT_TRUE(saved) << saved.error();
  EXPECT_EQ(*saved, bytes);
  write_file(path("a.tfc"), *saved);
  auto loaded = load_program_file(path("a.tfc"));
  ASSERT_TRUE(loaded.program) << loaded.diagnostics.render_all();
  EXPECT_FALSE(loaded.refused);
  EXPECT_EQ(invoice_text(loaded.program), expected_invoice);
  std::remove(path("a.tfc").c_str());
}

TEST_F(ProgramFiles, SchemeOrProgramIsChosenByContent) {
  write_file(path("renamed.bin"), bytes);
  auto renamed = load_scheme_or_program(path("renamed.bin"));
  ASSERT_TRUE(renamed.program) << renamed.diagnostics.render_all();
  EXPECT_EQ(invoice_text(renamed.program), expected_invoice);

  auto scheme = load_scheme_or_program(kScheme);
  ASSERT_TRUE(scheme.program) << scheme.diagnostics.render_all();
  EXPECT_EQ(disassembly(*scheme.program), disassembly(*original));

  write_file(path("scheme.tfc"), read_file(kScheme));
  auto mislabelled = load_scheme_or_program(path("scheme.tfc"));
  EXPECT_FALSE(mislabelled.program);
  EXPECT_TRUE(mislabelled.refused);
  ASSERT_EQ(mislabelled.diagnostics.items.size(), 1u);
  EXPECT_EQ(mislabelled.diagnostics.items[0].message,
            path("scheme.tfc") + ": refused: not a Tariff bytecode file (bad magic)");

  std::string corrupt = bytes;
  corrupt[kBodyOffset] ^= 1;
  write_file(path("corrupt.tfc"), corrupt);
  auto refused = load_program_file(path("corrupt.tfc"));
  EXPECT_FALSE(refused.program);
  EXPECT_TRUE(refused.refused);
  ASSERT_EQ(refused.diagnostics.items.size(), 1u);
  EXPECT_EQ(refused.diagnostics.items[0].message,
            path("corrupt.tfc") + ": refused: checksum mismatch: the file is corrupt");

  // compile_file still reads only schemes.
  auto not_a_scheme = compile_file(path("renamed.bin"));
  EXPECT_FALSE(not_a_scheme.program);
  EXPECT_FALSE(not_a_scheme.refused);

  auto missing = load_scheme_or_program(path("missing.tfc"));
  EXPECT_FALSE(missing.program);
  EXPECT_FALSE(missing.refused);

  for (const char* name : {"renamed.bin", "scheme.tfc", "corrupt.tfc"}) std::remove(path(name).c_str());
}

}  // namespace
}  // namespace tariff
