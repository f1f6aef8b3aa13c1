// Writes and reads the .tfc format laid out in bytecode_file.h. One table
// of sections drives both directions, so their order cannot drift apart.
#include "bytecode/bytecode_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "bytecode/verifier.h"
#include "support/utf8.h"

namespace tariff {

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325u;
  for (const char c : bytes) {
    hash ^= static_cast<std::uint64_t>(static_cast<unsigned char>(c));
    hash *= 0x100000001b3u;
  }
  return hash;
}

namespace {

// The file stores these enums by number: renumbering one would silently
// change the meaning of every file already written.
static_assert(static_cast<int>(RoundingMode::half_up) == 0 &&
              static_cast<int>(RoundingMode::half_even) == 1 &&
              static_cast<int>(RoundingMode::half_down) == 2 && static_cast<int>(RoundingMode::up) == 3 &&
              static_cast<int>(RoundingMode::down) == 4 && static_cast<int>(RoundingMode::ceiling) == 5 &&
              static_cast<int>(RoundingMode::floor) == 6 && kRoundingModeCount == 7);
static_assert(static_cast<int>(RoundingStage::line) == 0 && static_cast<int>(RoundingStage::invoice) == 1);
static_assert(static_cast<int>(ColumnType::id) == 0 && static_cast<int>(ColumnType::text) == 1 &&
              static_cast<int>(ColumnType::decimal) == 2 && static_cast<int>(ColumnType::integer) == 3 &&
              static_cast<int>(ColumnType::timestamp) == 4);
static_assert(static_cast<int>(MeterKind::sum) == 0 && static_cast<int>(MeterKind::count) == 1 &&
              static_cast<int>(MeterKind::max) == 2 && static_cast<int>(MeterKind::min) == 3);
static_assert(static_cast<int>(TierModel::graduated) == 0 && static_cast<int>(TierModel::volume) == 1 &&
              static_cast<int>(TierModel::band) == 2);
static_assert(static_cast<int>(AdjustmentKind::minimum) == 0 && static_cast<int>(AdjustmentKind::cap) == 1 &&
              static_cast<int>(AdjustmentKind::discount) == 2 && static_cast<int>(AdjustmentKind::tax) == 3 &&
              static_cast<int>(AdjustmentKind::prepaid) == 4);

constexpr std::size_t kFileHeaderSize = 24;  // magic, version, body size, checksum

// The unsigned integer in the first sizeof(T) bytes, least significant
// first. The caller has checked that they are there.
template <class T>
T little_endian(std::string_view bytes) {
  T value = 0;
  for (std::size_t i = sizeof(T); i-- > 0;)
    value = static_cast<T>((value << 8) | static_cast<unsigned char>(bytes[i]));
  return value;
}

// "1 trailing byte", "2 trailing bytes".
std::string count_of(std::size_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

std::string failed_verification(const VerifyError& error) {
  if (error.chunk == "program") return fmt::format("the program failed verification: {}", error.message);
  return fmt::format("the {} program failed verification: instruction {}: {}", error.chunk, error.pc,
                     error.message);
}

class Writer {
 public:
  template <class T>
  void uint(T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i)
      bytes_.push_back(static_cast<char>(static_cast<unsigned char>(value >> (8 * i))));
  }
  // A length or a count: the format gives it 32 bits.
  void size(std::size_t n) {
    if (n > std::numeric_limits<std::uint32_t>::max()) too_large_ = true;
    uint(static_cast<std::uint32_t>(n));
  }
  void str(std::string_view text) {
    size(text.size());
    raw(text);
  }
  void raw(std::string_view bytes) { bytes_.append(bytes); }
  void append(const Writer& other) {
    raw(other.bytes_);
    too_large_ = too_large_ || other.too_large_;
  }

  const std::string& bytes() const noexcept { return bytes_; }
  std::string take() && { return std::move(bytes_); }
  bool too_large() const noexcept { return too_large_; }

 private:
  std::string bytes_;
  bool too_large_ = false;
};

// A bounded cursor over one section's bytes. Every read checks what
// remains first; the first refusal is kept in the loader's error string
// (shared by the readers of the body and of its sections).
class Reader {
 public:
  Reader(std::string_view bytes, std::string_view section, std::string& error)
      : bytes_(bytes), section_(section), error_(error) {}

  std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
  std::size_t consumed() const noexcept { return pos_; }
  std::string& error() noexcept { return error_; }
  // Names the section that later truncation messages blame.
  void enter(std::string_view section) noexcept { section_ = section; }

  bool fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }

  bool take(std::size_t n, std::string_view& out) {
    if (n > remaining()) return fail(fmt::format("truncated in section {}", section_));
    out = bytes_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  template <class T>
  bool uint(T& out) {
    std::string_view raw;
    if (!take(sizeof(T), raw)) return false;
    out = little_endian<T>(raw);
    return true;
  }
  // Any bytes: for the source name, a path, which need not be UTF-8.
  bool bytes(std::string& out) {
    std::uint32_t length = 0;
    std::string_view raw;
    if (!uint(length) || !take(length, raw)) return false;
    out.assign(raw);
    return true;
  }
  // Every other string comes from scheme text, which the front end only
  // accepts as valid UTF-8; anything else is damage.
  bool str(std::string& out) {
    const std::size_t at = pos_ + 4;
    if (!bytes(out)) return false;
    if (auto bad = first_invalid_utf8(out))
      return fail(fmt::format("invalid UTF-8 in section {} (byte {})", section_, at + *bad));
    return true;
  }
  // An entry count, refused when that many entries of at least `min_size`
  // bytes each cannot fit in what remains: a forged count never gets to
  // size an allocation.
  bool count(std::uint32_t& n, std::size_t min_size) {
    if (!uint(n)) return false;
    if (n > remaining() / min_size)
      return fail(fmt::format("truncated in section {}: {} entries announced, {} bytes left", section_, n,
                              remaining()));
    return true;
  }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
  std::string_view section_;
  std::string& error_;
};

}  // namespace

void append_decimal_bytes(std::string& out, const Decimal& value) {
  const auto bits = static_cast<uint128>(value.mantissa());  // two's complement, modulo 2^128
  for (std::size_t i = 0; i < 16; ++i) out.push_back(static_cast<char>(static_cast<unsigned char>(bits >> (8 * i))));
  out.push_back(static_cast<char>(static_cast<std::uint8_t>(value.scale())));  // 0..18
}

Expected<Decimal, std::string> decimal_from_bytes(std::string_view bytes) {
  const auto bits = little_endian<uint128>(bytes);
  const auto scale_byte = static_cast<unsigned char>(bytes[16]);
  const int scale = scale_byte < 128 ? scale_byte : scale_byte - 256;
  if (scale < 0 || scale > Decimal::kMaxScale) return unexpected(fmt::format("scale {} out of range", scale));
  // Two's complement spelled out: converting an out-of-range unsigned
  // value to signed is implementation-defined before C++20.
  const int128 mantissa = (bits >> 127) != 0 ? -static_cast<int128>(~bits) - 1 : static_cast<int128>(bits);
  auto value = Decimal::from_parts(mantissa, scale);
  // The scale is in range, so only the mantissa can be refused.
  if (!value) return unexpected(std::string("more than 38 significant digits"));
  return *value;
}

namespace {

// --- writing -------------------------------------------------------------

void write_header(Writer& out, const Program& p) {
  out.str(p.source_name);
  out.str(p.scheme_name);
  out.str(p.version);
  out.str(p.currency);
  out.uint(p.minor_digits);
  out.uint(static_cast<std::uint8_t>(p.rounding));
  out.uint(static_cast<std::uint8_t>(p.rounding_stage));
  out.uint(static_cast<std::uint8_t>(p.billing_period.kind));
  out.uint(static_cast<std::uint32_t>(p.billing_period.zone_offset));  // two's complement
  out.uint(static_cast<std::uint8_t>(p.billing_period.thirty_day_months));
}

void write_usage(Writer& out, const Program& p) {
  out.size(p.usage.columns.size());
  for (const Column& column : p.usage.columns) {
    out.str(column.name);
    out.uint(static_cast<std::uint8_t>(column.type));
    out.uint(static_cast<std::uint8_t>(column.optional));
    out.uint(static_cast<std::uint8_t>(column.default_text.has_value()));
    if (column.default_text) out.str(*column.default_text);
    out.size(column.one_of.size());
    for (const std::string& value : column.one_of) out.str(value);
  }
  out.uint(p.usage.account_column);
  out.uint(static_cast<std::uint8_t>(p.usage.time_column.has_value()));
  if (p.usage.time_column) out.uint(*p.usage.time_column);
}

void write_decimal(Writer& out, Decimal value) {
  std::string bytes;
  append_decimal_bytes(bytes, value);
  out.raw(bytes);
}

void write_constants(Writer& out, const Program& p) {
  out.size(p.constants.size());
  for (const Decimal& constant : p.constants) write_decimal(out, constant);
}

void write_strings(Writer& out, const Program& p) {
  out.size(p.strings.size());
  for (const std::string& text : p.strings) out.str(text);
}

void write_optional_decimal(Writer& out, const std::optional<Decimal>& value) {
  out.uint(static_cast<std::uint8_t>(value.has_value()));
  write_decimal(out, value.value_or(Decimal()));
}

void write_meters(Writer& out, const Program& p) {
  out.size(p.meters.size());
  for (const MeterInfo& meter : p.meters) {
    out.str(meter.name);
    out.uint(static_cast<std::uint8_t>(meter.kind));
    out.size(meter.windows.size());
    for (const MeterWindow& window : meter.windows) {
      out.uint(static_cast<std::uint8_t>(window.kind));
      out.uint(window.column);
      out.uint(static_cast<std::uint8_t>(window.reduce));
    }
    out.size(meter.conversions.size());
    for (const auto& conversion : meter.conversions) {
      out.uint(static_cast<std::uint8_t>(conversion.has_value()));
      if (!conversion) continue;
      write_decimal(out, conversion->from_size);
      write_decimal(out, conversion->to_size);
      out.uint(static_cast<std::uint8_t>(conversion->rounding.has_value()));
      out.uint(static_cast<std::uint8_t>(conversion->rounding.value_or(RoundingMode::half_up)));
    }
    out.uint(static_cast<std::uint8_t>(meter.free.has_value()));
    if (const auto& free = meter.free) {
      write_decimal(out, free->rate);
      for (const auto* term : {&free->plus, &free->min, &free->max, &free->count, &free->value})
        write_optional_decimal(out, *term);
    }
  }
}

void write_optional_index(Writer& out, const std::optional<std::uint32_t>& index) {
  out.uint(static_cast<std::uint8_t>(index.has_value()));
  out.uint(index.value_or(0));
}

void write_charges(Writer& out, const Program& p) {
  out.size(p.charges.size());
  for (const ChargeInfo& charge : p.charges) {
    out.str(charge.name);
    out.str(charge.formula);
    out.uint(static_cast<std::uint8_t>(charge.meter.has_value()));
    out.uint(charge.meter.value_or(0));
    out.uint(static_cast<std::uint8_t>(charge.source));
    write_optional_index(out, charge.owner);
    out.str(charge.description);
  }
}

void write_tiers(Writer& out, const Program& p) {
  out.size(p.tier_tables.size());
  for (const TierTable& table : p.tier_tables) {
    out.uint(static_cast<std::uint8_t>(table.model));
    out.uint(static_cast<std::uint8_t>(table.blocks.has_value()));
    out.uint(static_cast<std::uint8_t>(table.blocks.value_or(RoundingMode::half_up)));
    out.uint(static_cast<std::uint8_t>(table.free_when_unused));
    out.size(table.rows.size());
    for (const TierRow& row : table.rows) {
      out.uint(static_cast<std::uint8_t>(row.upper.has_value()));
      if (row.upper) write_decimal(out, *row.upper);
      write_decimal(out, row.price);
      write_decimal(out, row.per);
      write_decimal(out, row.fee);
    }
  }
}

// The program has been verified, so there is one location per instruction.
void write_chunk(Writer& out, const Chunk& chunk) {
  out.uint(chunk.registers);
  out.size(chunk.code.size());
  for (const Instruction& ins : chunk.code) {
    out.uint(static_cast<std::uint8_t>(ins.op));
    out.uint(ins.d);
    out.uint(ins.a);
    out.uint(ins.b);
    out.uint(ins.c);
  }
  for (const SourceLocation& at : chunk.locations) {
    out.uint(at.line);
    out.uint(at.column);
  }
}

void write_classes(Writer& out, const Program& p) {
  out.size(p.classes.size());
  for (const ClassTable& cls : p.classes) {
    out.str(cls.name);
    out.uint(cls.column);
    out.size(cls.bands.size());
    for (const std::string& band : cls.bands) out.str(band);
    out.size(cls.bounds.size());
    for (const Decimal& bound : cls.bounds) write_decimal(out, bound);
  }
}

void write_allowances(Writer& out, const Program& p) {
  out.size(p.allowances.size());
  for (const AllowanceInfo& allowance : p.allowances) {
    out.str(allowance.name);
    write_decimal(out, allowance.amount);
    out.size(allowance.draws.size());
    for (const AllowanceDraw& draw : allowance.draws) {
      out.uint(draw.meter);
      write_decimal(out, draw.ratio);
    }
    out.uint(static_cast<std::uint8_t>(allowance.package.has_value()));
    const PackageTerms terms = allowance.package.value_or(PackageTerms{});
    write_decimal(out, terms.price);
    out.uint(terms.validity);
    out.uint(static_cast<std::uint8_t>(terms.unit));
    out.uint(terms.charge);
  }
}

void write_plans(Writer& out, const Program& p) {
  out.size(p.plans.size());
  for (const PlanInfo& plan : p.plans) {
    out.uint(static_cast<std::uint8_t>(plan.kind));
    out.str(plan.name);
    write_optional_decimal(out, plan.monthly_fee);
    write_optional_decimal(out, plan.annual_fee);
    write_optional_decimal(out, plan.monthly_seat);
    write_optional_decimal(out, plan.annual_seat);
    write_decimal(out, plan.minimum_seats);
    out.uint(static_cast<std::uint8_t>(plan.whole_months));
    out.size(plan.includes.size());
    for (const auto& [allowance, amount] : plan.includes) {
      out.uint(allowance);
      write_decimal(out, amount);
    }
    write_optional_index(out, plan.fee_charge);
    write_optional_index(out, plan.seat_charge);
  }
}

// A plugin's table and parameters, as plugin uses and credits carry them.
void write_table(Writer& out, const std::vector<std::vector<Decimal>>& rows) {
  out.size(rows.size());
  for (const auto& row : rows) {
    out.size(row.size());
    for (const Decimal& cell : row) write_decimal(out, cell);
  }
}

void write_params(Writer& out, const std::vector<std::pair<std::string, Decimal>>& params) {
  out.size(params.size());
  for (const auto& [name, value] : params) {
    out.str(name);
    write_decimal(out, value);
  }
}

void write_plugin_uses(Writer& out, const Program& p) {
  out.size(p.plugin_uses.size());
  for (const PluginUse& use : p.plugin_uses) {
    out.str(use.kind);
    out.size(use.meters.size());
    for (auto meter : use.meters) out.uint(meter);
    write_table(out, use.rows);
    write_params(out, use.params);
  }
}

void write_adjustments(Writer& out, const Program& p) {
  out.size(p.adjustments.size());
  for (const AdjustmentInfo& adjustment : p.adjustments) {
    out.uint(static_cast<std::uint8_t>(adjustment.kind));
    out.str(adjustment.name);
    write_decimal(out, adjustment.amount);
    out.uint(static_cast<std::uint8_t>(adjustment.percent));
    out.uint(static_cast<std::uint8_t>(adjustment.included));
    out.size(adjustment.charges.size());
    for (auto charge : adjustment.charges) out.uint(charge);
    out.uint(adjustment.at.line);
    out.uint(adjustment.at.column);
  }
}

void write_credits(Writer& out, const Program& p) {
  out.size(p.credits.size());
  for (const CreditUse& credit : p.credits) {
    out.str(credit.name);
    out.str(credit.rule);
    out.uint(credit.meter);
    out.size(credit.charges.size());
    for (auto charge : credit.charges) out.uint(charge);
    write_table(out, credit.rows);
    write_params(out, credit.params);
    out.uint(credit.at.line);
    out.uint(credit.at.column);
  }
}

// --- reading -------------------------------------------------------------

// A 0/1 byte; `what` names it in the refusal.
bool read_flag(Reader& in, bool& out, const char* what, std::size_t index) {
  std::uint8_t byte = 0;
  if (!in.uint(byte)) return false;
  if (byte > 1)
    return in.fail(fmt::format("entry {}: {} flag {} is not 0 or 1", index, what, unsigned{byte}));
  out = byte == 1;
  return true;
}

bool read_header(Reader& in, Program& p) {
  std::uint8_t rounding = 0;
  std::uint8_t stage = 0;
  std::uint8_t period = 0;
  std::uint32_t zone = 0;
  if (!in.bytes(p.source_name) || !in.str(p.scheme_name) || !in.str(p.version) || !in.str(p.currency) ||
      !in.uint(p.minor_digits) || !in.uint(rounding) || !in.uint(stage) || !in.uint(period) ||
      !in.uint(zone) || !read_flag(in, p.billing_period.thirty_day_months, "thirty-day months", 0))
    return false;
  if (period > static_cast<std::uint8_t>(PeriodKind::anniversary_month))
    return in.fail(fmt::format("billing period kind {} out of range", unsigned{period}));
  p.billing_period.kind = static_cast<PeriodKind>(period);
  p.billing_period.zone_offset = static_cast<std::int32_t>(zone);
  if (rounding >= kRoundingModeCount)
    return in.fail(fmt::format("rounding mode {} out of range", unsigned{rounding}));
  if (stage > static_cast<std::uint8_t>(RoundingStage::invoice))
    return in.fail(fmt::format("rounding stage {} out of range", unsigned{stage}));
  p.rounding = static_cast<RoundingMode>(rounding);
  p.rounding_stage = static_cast<RoundingStage>(stage);
  return true;
}

bool read_usage(Reader& in, Program& p) {
  std::uint32_t n = 0;
  if (!in.count(n, 4 + 3 + 4)) return false;  // a name's length, three bytes, a value count
  p.usage.columns.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    Column& column = p.usage.columns[i];
    std::uint8_t type = 0;
    bool has_default = false;
    if (!in.str(column.name) || !in.uint(type)) return false;
    if (type > static_cast<std::uint8_t>(ColumnType::timestamp))
      return in.fail(fmt::format("column {}: type {} out of range", i, unsigned{type}));
    column.type = static_cast<ColumnType>(type);
    if (!read_flag(in, column.optional, "optional", i) || !read_flag(in, has_default, "has-default", i))
      return false;
    if (has_default && !in.str(column.default_text.emplace())) return false;
    std::uint32_t values = 0;
    if (!in.count(values, 4)) return false;
    column.one_of.resize(values);
    for (std::string& value : column.one_of)
      if (!in.str(value)) return false;
  }
  std::uint8_t has_time = 0;
  if (!in.uint(p.usage.account_column) || !in.uint(has_time)) return false;
  if (has_time > 1) return in.fail(fmt::format("usage: has-time flag {} is not 0 or 1", unsigned{has_time}));
  if (has_time == 1 && !in.uint(p.usage.time_column.emplace())) return false;
  return true;
}

// `what` names the value in a refusal ("constant 3").
bool read_decimal(Reader& in, Decimal& out, std::string_view what) {
  std::string_view bytes;
  if (!in.take(kDecimalBytes, bytes)) return false;
  auto value = decimal_from_bytes(bytes);
  if (!value) return in.fail(fmt::format("{}: {}", what, value.error()));
  out = *value;
  return true;
}

bool read_constants(Reader& in, Program& p) {
  std::uint32_t n = 0;
  if (!in.count(n, kDecimalBytes)) return false;
  p.constants.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    if (!read_decimal(in, p.constants[i], fmt::format("constant {}", i))) return false;
  return true;
}

bool read_strings(Reader& in, Program& p) {
  std::uint32_t n = 0;
  if (!in.count(n, 4)) return false;
  p.strings.resize(n);
  for (std::string& text : p.strings)
    if (!in.str(text)) return false;
  return true;
}

bool read_optional_index(Reader& in, std::optional<std::uint32_t>& out, const char* what, std::size_t index) {
  bool present = false;
  std::uint32_t value = 0;
  if (!read_flag(in, present, what, index) || !in.uint(value)) return false;
  out.reset();
  if (present) out = value;
  return true;
}

bool read_optional_decimal(Reader& in, std::optional<Decimal>& out, const char* what, std::size_t index) {
  bool present = false;
  Decimal value;
  if (!read_flag(in, present, what, index) || !read_decimal(in, value, fmt::format("{} {}", what, index)))
    return false;
  out.reset();
  if (present) out = value;
  return true;
}

bool read_meters(Reader& in, Program& p) {
  std::uint32_t n = 0;
  if (!in.count(n, 4 + 1)) return false;
  p.meters.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    MeterInfo& meter = p.meters[i];
    std::uint8_t kind = 0;
    if (!in.str(meter.name) || !in.uint(kind)) return false;
    if (kind > static_cast<std::uint8_t>(MeterKind::events))
      return in.fail(fmt::format("meter {}: kind {} out of range", i, unsigned{kind}));
    meter.kind = static_cast<MeterKind>(kind);
    std::uint32_t windows = 0;
    if (!in.count(windows, 1 + 4 + 1)) return false;
    meter.windows.resize(windows);
    for (MeterWindow& window : meter.windows) {
      std::uint8_t window_kind = 0;
      std::uint8_t reduce = 0;
      if (!in.uint(window_kind) || !in.uint(window.column) || !in.uint(reduce)) return false;
      if (window_kind > static_cast<std::uint8_t>(WindowKind::column) ||
          reduce > static_cast<std::uint8_t>(MeterKind::weighted_sum))
        return in.fail(fmt::format("meter {}: window out of range", i));
      window.kind = static_cast<WindowKind>(window_kind);
      window.reduce = static_cast<MeterKind>(reduce);
    }
    std::uint32_t conversions = 0;
    if (!in.count(conversions, 1)) return false;
    meter.conversions.resize(conversions);
    for (auto& conversion : meter.conversions) {
      bool present = false;
      if (!read_flag(in, present, "conversion", i)) return false;
      if (!present) continue;
      UnitConversion& c = conversion.emplace();
      bool rounded = false;
      std::uint8_t mode = 0;
      if (!read_decimal(in, c.from_size, fmt::format("meter {} unit size", i)) ||
          !read_decimal(in, c.to_size, fmt::format("meter {} unit size", i)) ||
          !read_flag(in, rounded, "rounding", i) || !in.uint(mode))
        return false;
      if (mode >= kRoundingModeCount)
        return in.fail(fmt::format("meter {}: rounding mode {} out of range", i, unsigned{mode}));
      if (rounded) c.rounding = static_cast<RoundingMode>(mode);
    }
    bool free = false;
    if (!read_flag(in, free, "free allowance", i)) return false;
    if (!free) continue;
    FreeTransactions& terms = meter.free.emplace();
    if (!read_decimal(in, terms.rate, fmt::format("meter {} rate", i))) return false;
    for (auto* term : {&terms.plus, &terms.min, &terms.max, &terms.count, &terms.value})
      if (!read_optional_decimal(in, *term, "free allowance term", i)) return false;
  }
  return true;
}

bool read_charges(Reader& in, Program& p) {
  std::uint32_t n = 0;
  if (!in.count(n, 4 + 4 + 1 + 4 + 1 + 1 + 4 + 4)) return false;
  p.charges.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    ChargeInfo& charge = p.charges[i];
    bool has_meter = false;
    std::uint32_t meter = 0;
    std::uint8_t source = 0;
    if (!in.str(charge.name) || !in.str(charge.formula) || !read_flag(in, has_meter, "meter", i) ||
        !in.uint(meter) || !in.uint(source))
      return false;
    if (has_meter) charge.meter = meter;
    if (source > static_cast<std::uint8_t>(LineSource::package))
      return in.fail(fmt::format("charge {}: line source {} out of range", i, unsigned{source}));
    charge.source = static_cast<LineSource>(source);
    if (!read_optional_index(in, charge.owner, "owner", i) || !in.str(charge.description)) return false;
  }
  return true;
}

bool read_classes(Reader& in, Program& p) {
  std::uint32_t n = 0;
  if (!in.count(n, 4 + 4 + 4 + 4)) return false;  // name, column, band and bound counts
  p.classes.resize(n);
  for (std::size_t c = 0; c < n; ++c) {
    ClassTable& cls = p.classes[c];
    std::uint32_t bands = 0;
    std::uint32_t bounds = 0;
    if (!in.str(cls.name) || !in.uint(cls.column) || !in.count(bands, 4)) return false;
    cls.bands.resize(bands);
    for (std::string& band : cls.bands)
      if (!in.str(band)) return false;
    if (!in.count(bounds, kDecimalBytes)) return false;
    cls.bounds.resize(bounds);
    for (std::size_t b = 0; b < bounds; ++b)
      if (!read_decimal(in, cls.bounds[b], fmt::format("class {} bound {}", c, b))) return false;
  }
  return true;
}

bool read_allowances(Reader& in, Program& p) {
  std::uint32_t n = 0;
  if (!in.count(n, 4 + kDecimalBytes + 4)) return false;
  p.allowances.resize(n);
  for (std::size_t a = 0; a < n; ++a) {
    AllowanceInfo& allowance = p.allowances[a];
    std::uint32_t draws = 0;
    if (!in.str(allowance.name) ||
        !read_decimal(in, allowance.amount, fmt::format("allowance {} amount", a)) ||
        !in.count(draws, 4 + kDecimalBytes))
      return false;
    allowance.draws.resize(draws);
    for (std::size_t d = 0; d < draws; ++d)
      if (!in.uint(allowance.draws[d].meter) ||
          !read_decimal(in, allowance.draws[d].ratio, fmt::format("allowance {} draw {} ratio", a, d)))
        return false;
    bool package = false;
    PackageTerms terms;
    std::uint8_t unit = 0;
    if (!read_flag(in, package, "package", a) ||
        !read_decimal(in, terms.price, fmt::format("package {} price", a)) || !in.uint(terms.validity) ||
        !in.uint(unit) || !in.uint(terms.charge))
      return false;
    if (unit > static_cast<std::uint8_t>(ValidityUnit::year))
      return in.fail(fmt::format("package {}: validity unit {} out of range", a, unsigned{unit}));
    terms.unit = static_cast<ValidityUnit>(unit);
    allowance.package.reset();
    if (package) allowance.package = terms;
  }
  return true;
}

bool read_plans(Reader& in, Program& p) {
  std::uint32_t n = 0;
  if (!in.count(n, 1 + 4 + 4 * (1 + kDecimalBytes) + kDecimalBytes + 1 + 4 + 2 * 5)) return false;
  p.plans.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    PlanInfo& plan = p.plans[i];
    std::uint8_t kind = 0;
    std::uint32_t includes = 0;
    if (!in.uint(kind)) return false;
    if (kind > static_cast<std::uint8_t>(PlanKind::module))
      return in.fail(fmt::format("plan {}: kind {} out of range", i, unsigned{kind}));
    plan.kind = static_cast<PlanKind>(kind);
    if (!in.str(plan.name) || !read_optional_decimal(in, plan.monthly_fee, "monthly fee", i) ||
        !read_optional_decimal(in, plan.annual_fee, "annual fee", i) ||
        !read_optional_decimal(in, plan.monthly_seat, "monthly seat", i) ||
        !read_optional_decimal(in, plan.annual_seat, "annual seat", i) ||
        !read_decimal(in, plan.minimum_seats, fmt::format("plan {} minimum seats", i)) ||
        !read_flag(in, plan.whole_months, "whole months", i) || !in.count(includes, 4 + kDecimalBytes))
      return false;
    plan.includes.resize(includes);
    for (auto& [allowance, amount] : plan.includes)
      if (!in.uint(allowance) || !read_decimal(in, amount, fmt::format("plan {} included amount", i))) return false;
    if (!read_optional_index(in, plan.fee_charge, "fee line", i) ||
        !read_optional_index(in, plan.seat_charge, "seat line", i))
      return false;
  }
  return true;
}

// The table and parameters written by write_table and write_params.
bool read_table(Reader& in, std::vector<std::vector<Decimal>>& rows, const std::string& what) {
  std::uint32_t n = 0;
  if (!in.count(n, 4)) return false;
  rows.resize(n);
  for (auto& row : rows) {
    std::uint32_t cells = 0;
    if (!in.count(cells, kDecimalBytes)) return false;
    row.resize(cells);
    for (auto& cell : row)
      if (!read_decimal(in, cell, what + " table")) return false;
  }
  return true;
}

bool read_params(Reader& in, std::vector<std::pair<std::string, Decimal>>& params, const std::string& what) {
  std::uint32_t n = 0;
  if (!in.count(n, 4 + kDecimalBytes)) return false;
  params.resize(n);
  for (auto& [name, value] : params)
    if (!in.str(name) || !read_decimal(in, value, what + " parameter")) return false;
  return true;
}

bool read_plugin_uses(Reader& in, Program& p) {
  std::uint32_t n = 0;
  if (!in.count(n, 4 * 4)) return false;
  p.plugin_uses.resize(n);
  for (std::size_t u = 0; u < n; ++u) {
    PluginUse& use = p.plugin_uses[u];
    std::uint32_t meters = 0;
    if (!in.str(use.kind) || !in.count(meters, 4)) return false;
    use.meters.resize(meters);
    for (auto& meter : use.meters)
      if (!in.uint(meter)) return false;
    const std::string what = fmt::format("plugin use {}", u);
    if (!read_table(in, use.rows, what) || !read_params(in, use.params, what)) return false;
  }
  return true;
}

bool read_adjustments(Reader& in, Program& p) {
  std::uint32_t n = 0;
  if (!in.count(n, 1 + 4 + kDecimalBytes + 1 + 1 + 4 + 8)) return false;
  p.adjustments.resize(n);
  for (std::size_t a = 0; a < n; ++a) {
    AdjustmentInfo& adjustment = p.adjustments[a];
    std::uint8_t kind = 0;
    std::uint32_t charges = 0;
    if (!in.uint(kind)) return false;
    if (kind > static_cast<std::uint8_t>(AdjustmentKind::prepaid))
      return in.fail(fmt::format("adjustment {}: kind {} out of range", a, unsigned{kind}));
    adjustment.kind = static_cast<AdjustmentKind>(kind);
    if (!in.str(adjustment.name) ||
        !read_decimal(in, adjustment.amount, fmt::format("adjustment {} amount", a)) ||
        !read_flag(in, adjustment.percent, "percent", a) || !read_flag(in, adjustment.included, "included", a) ||
        !in.count(charges, 4))
      return false;
    adjustment.charges.resize(charges);
    for (auto& charge : adjustment.charges)
      if (!in.uint(charge)) return false;
    if (!in.uint(adjustment.at.line) || !in.uint(adjustment.at.column)) return false;
  }
  return true;
}

bool read_credits(Reader& in, Program& p) {
  std::uint32_t n = 0;
  if (!in.count(n, 4 + 4 + 4 + 4 + 4 + 4 + 8)) return false;
  p.credits.resize(n);
  for (std::size_t c = 0; c < n; ++c) {
    CreditUse& credit = p.credits[c];
    std::uint32_t charges = 0;
    if (!in.str(credit.name) || !in.str(credit.rule) || !in.uint(credit.meter) || !in.count(charges, 4))
      return false;
    credit.charges.resize(charges);
    for (auto& charge : credit.charges)
      if (!in.uint(charge)) return false;
    const std::string what = fmt::format("credit {}", c);
    if (!read_table(in, credit.rows, what) || !read_params(in, credit.params, what)) return false;
    if (!in.uint(credit.at.line) || !in.uint(credit.at.column)) return false;
  }
  return true;
}

bool read_tiers(Reader& in, Program& p) {
  std::uint32_t n = 0;
  if (!in.count(n, 4 + 4)) return false;  // model, blocks, rounding, free flag and row count
  p.tier_tables.resize(n);
  for (std::size_t t = 0; t < n; ++t) {
    TierTable& table = p.tier_tables[t];
    std::uint8_t model = 0;
    std::uint32_t rows = 0;
    if (!in.uint(model)) return false;
    if (model > static_cast<std::uint8_t>(TierModel::band))
      return in.fail(fmt::format("tier table {}: model {} out of range", t, unsigned{model}));
    table.model = static_cast<TierModel>(model);
    bool has_blocks = false;
    std::uint8_t blocks = 0;
    if (!read_flag(in, has_blocks, "blocks", t) || !in.uint(blocks) ||
        !read_flag(in, table.free_when_unused, "free-when-unused", t))
      return false;
    if (blocks >= kRoundingModeCount)
      return in.fail(fmt::format("tier table {}: block rounding {} out of range", t, unsigned{blocks}));
    if (has_blocks) table.blocks = static_cast<RoundingMode>(blocks);
    if (!in.count(rows, 1 + 3 * kDecimalBytes)) return false;  // has_upper, price, per, fee
    table.rows.resize(rows);
    for (std::size_t r = 0; r < rows; ++r) {
      TierRow& row = table.rows[r];
      const std::string where = fmt::format("tier table {}, row {}", t, r);
      std::uint8_t has_upper = 0;
      if (!in.uint(has_upper)) return false;
      if (has_upper > 1)
        return in.fail(fmt::format("{}: has-upper flag {} is not 0 or 1", where, unsigned{has_upper}));
      if (has_upper == 1 && !read_decimal(in, row.upper.emplace(), where + " upper bound")) return false;
      if (!read_decimal(in, row.price, where + " price") || !read_decimal(in, row.per, where + " per") ||
          !read_decimal(in, row.fee, where + " fee"))
        return false;
    }
  }
  return true;
}

bool read_chunk(Reader& in, Chunk& chunk, std::string_view name) {
  std::uint32_t n = 0;
  if (!in.uint(chunk.registers) || !in.count(n, 8 + 8)) return false;  // instruction and location
  chunk.code.resize(n);
  for (std::size_t pc = 0; pc < n; ++pc) {
    Instruction& ins = chunk.code[pc];
    std::uint8_t op = 0;
    if (!in.uint(op) || !in.uint(ins.d) || !in.uint(ins.a) || !in.uint(ins.b) || !in.uint(ins.c))
      return false;
    if (op >= kOpcodeCount)
      return in.fail(fmt::format("{} chunk, instruction {}: unknown opcode {}", name, pc, unsigned{op}));
    ins.op = static_cast<Opcode>(op);
  }
  chunk.locations.resize(n);
  for (SourceLocation& at : chunk.locations)
    if (!in.uint(at.line) || !in.uint(at.column)) return false;
  return true;
}

struct SectionSpec {
  std::uint8_t id;
  std::string_view name;
  void (*write)(Writer&, const Program&);
  bool (*read)(Reader&, Program&);
};

constexpr SectionSpec kSections[] = {
    {1, "header", write_header, read_header},
    {2, "usage", write_usage, read_usage},
    {3, "constants", write_constants, read_constants},
    {4, "strings", write_strings, read_strings},
    {5, "meters", write_meters, read_meters},
    {6, "charges", write_charges, read_charges},
    {7, "tiers", write_tiers, read_tiers},
    {8, "record", [](Writer& out, const Program& p) { write_chunk(out, p.record); },
     [](Reader& in, Program& p) { return read_chunk(in, p.record, "record"); }},
    {9, "period", [](Writer& out, const Program& p) { write_chunk(out, p.period); },
     [](Reader& in, Program& p) { return read_chunk(in, p.period, "period"); }},
    {10, "classes", write_classes, read_classes},
    {11, "allowances", write_allowances, read_allowances},
    {12, "plugin uses", write_plugin_uses, read_plugin_uses},
    {13, "adjustments", write_adjustments, read_adjustments},
    {14, "credits", write_credits, read_credits},
    {15, "plans", write_plans, read_plans},
};

bool read_section(Reader& body, const SectionSpec& spec, Program& p) {
  body.enter(spec.name);
  std::uint8_t id = 0;
  std::uint32_t length = 0;
  std::string_view payload;
  if (!body.uint(id)) return false;
  if (id != spec.id)
    return body.fail(fmt::format("expected section {} (id {}), found section id {}", spec.name,
                                 unsigned{spec.id}, unsigned{id}));
  if (!body.uint(length) || !body.take(length, payload)) return false;
  Reader in(payload, spec.name, body.error());
  if (!spec.read(in, p)) return false;
  if (in.remaining() != 0)
    return in.fail(fmt::format("section {} is {} bytes long but its contents end after {}", spec.name,
                               length, in.consumed()));
  return true;
}

}  // namespace

Expected<std::string, std::string> write_bytecode(const Program& program) {
  // Refusing here means every file this writes also loads.
  if (auto verified = verify(program); !verified) return unexpected(failed_verification(verified.error()));
  Writer body;
  for (const SectionSpec& spec : kSections) {
    Writer payload;
    spec.write(payload, program);
    body.uint(spec.id);
    body.size(payload.bytes().size());
    body.append(payload);
  }
  if (body.too_large())
    return unexpected(std::string(
        "the program is too large for the bytecode format (a string, table or the whole body over 4 GiB)"));
  Writer file;
  file.raw(kBytecodeMagic);
  file.uint(kBytecodeVersion);
  file.size(body.bytes().size());
  file.uint(fnv1a64(body.bytes()));
  file.raw(body.bytes());
  return std::move(file).take();
}

Expected<std::shared_ptr<const Program>, std::string> load_bytecode(std::string_view bytes) {
  using Result = Expected<std::shared_ptr<const Program>, std::string>;
  auto refuse = [](std::string why) -> Result { return unexpected(std::move(why)); };

  const std::string_view magic = bytes.substr(0, std::min(bytes.size(), kBytecodeMagic.size()));
  if (magic.empty() || kBytecodeMagic.substr(0, magic.size()) != magic)
    return refuse("not a Tariff bytecode file (bad magic)");
  if (bytes.size() < kFileHeaderSize)
    return refuse(fmt::format("truncated in the file header ({} of {} bytes)", bytes.size(), kFileHeaderSize));
  const auto version = little_endian<std::uint32_t>(bytes.substr(8));
  if (version != kBytecodeVersion)
    return refuse(fmt::format("format version {}, this tariff reads version {}", version, kBytecodeVersion));
  const auto body_size = little_endian<std::uint32_t>(bytes.substr(12));
  const auto checksum = little_endian<std::uint64_t>(bytes.substr(16));
  const std::string_view body = bytes.substr(kFileHeaderSize);
  if (body.size() < body_size)
    return refuse(fmt::format("truncated: the header announces a body of {} bytes, {} follow", body_size,
                              body.size()));
  if (body.size() > body_size)
    return refuse(fmt::format("{} after the {}-byte body", count_of(body.size() - body_size, "trailing byte"),
                              body_size));
  if (fnv1a64(body) != checksum) return refuse("checksum mismatch: the file is corrupt");

  auto program = std::make_shared<Program>();
  std::string error;
  Reader in(body, "header", error);
  for (const SectionSpec& spec : kSections)
    if (!read_section(in, spec, *program)) return refuse(std::move(error));
  if (in.remaining() != 0)
    return refuse(fmt::format("{} after the last section", count_of(in.remaining(), "unexpected byte")));
  if (auto verified = verify(*program); !verified) return refuse(failed_verification(verified.error()));
  return std::shared_ptr<const Program>(std::move(program));
}

}  // namespace tariff
