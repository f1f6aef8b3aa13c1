// Writing and checking the bytes of a rating run's state. Integers are
// little-endian and fixed-width; a decimal is its 16-byte mantissa and a
// signed scale byte; a string is a 4-byte length and its bytes.
#include "rating/state_codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "bytecode/bytecode_file.h"

namespace tariff {

namespace {

// magic, version, fingerprint, body size, body checksum
constexpr std::size_t kHeaderSize = 8 + 4 + 8 + 8 + 8;
// Period labels ("2026-03", "2026-Q1", "2026") are short; anything longer
// is not one.
constexpr std::uint32_t kMaxLabelBytes = 16;

class ByteWriter {
 public:
  void u8(std::uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void u32(std::uint32_t value) { little_endian(value, 4); }
  void u64(std::uint64_t value) { little_endian(value, 8); }
  void decimal(const Decimal& value) { append_decimal_bytes(out_, value); }
  void str(std::string_view text) {
    u32(static_cast<std::uint32_t>(text.size()));
    out_.append(text);
  }
  std::string take() { return std::move(out_); }

 private:
  void little_endian(std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out_.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  }
  std::string out_;
};

// Reads from bytes it never trusts: every read checks what is left and
// fails (false) rather than reading past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  std::size_t left() const noexcept { return bytes_.size() - at_; }
  bool u8(std::uint8_t& value) {
    std::uint64_t wide = 0;
    if (!little_endian(wide, 1)) return false;
    value = static_cast<std::uint8_t>(wide);
    return true;
  }
  bool u32(std::uint32_t& value) {
    std::uint64_t wide = 0;
    if (!little_endian(wide, 4)) return false;
    value = static_cast<std::uint32_t>(wide);
    return true;
  }
  bool u64(std::uint64_t& value) { return little_endian(value, 8); }
  // False too for a mantissa or scale no Decimal can hold.
  bool decimal(Decimal& value) {
    if (left() < kDecimalBytes) return false;
    auto parsed = decimal_from_bytes(bytes_.substr(at_));
    if (!parsed) return false;
    at_ += kDecimalBytes;
    value = *parsed;
    return true;
  }
  bool str(std::string_view& text, std::uint32_t max_bytes) {
    std::uint32_t size = 0;
    if (!u32(size) || size > max_bytes || size > left()) return false;
    text = bytes_.substr(at_, size);
    at_ += size;
    return true;
  }
  // A count of items each at least `min_item_bytes` long: refused when the
  // bytes left cannot hold that many, so a forged count allocates nothing.
  bool count(std::uint64_t& value, std::size_t min_item_bytes) {
    return u64(value) && value <= left() / min_item_bytes;
  }

 private:
  bool little_endian(std::uint64_t& value, int bytes) {
    if (left() < static_cast<std::size_t>(bytes)) return false;
    value = 0;
    for (int i = 0; i < bytes; ++i)
      value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[at_ + static_cast<std::size_t>(i)]))
               << (8 * i);
    at_ += static_cast<std::size_t>(bytes);
    return true;
  }
  std::string_view bytes_;
  std::size_t at_ = 0;
};

// ---- writing ---------------------------------------------------------------

enum SlotFlag : std::uint8_t { kSeen = 1, kHasExtra = 2 };

void write_slot(ByteWriter& out, const MeterSlot& slot) {
  out.u8(static_cast<std::uint8_t>((slot.seen ? kSeen : 0) | (slot.extra ? kHasExtra : 0)));
  out.decimal(slot.value);
  out.decimal(slot.count);
  out.decimal(slot.time);
  if (!slot.extra) return;
  const MeterExtra& extra = *slot.extra;
  out.u64(extra.distinct.size());
  extra.distinct.for_each([&](std::size_t, std::string_view value) { out.str(value); });
  out.u64(extra.points.size());
  for (const auto& [first, second] : extra.points) {
    out.decimal(first);
    out.decimal(second);
  }
  out.u64(extra.windows.size());
  for (const auto& [key, inner] : extra.windows) {
    out.str(key);
    write_slot(out, inner);
  }
}

std::string encode_body(const RatingState& state, std::size_t meter_count) {
  ByteWriter out;
  out.u64(state.counts.read);
  out.u64(state.counts.accepted);
  out.u64(state.counts.rejected);
  out.u8(!state.period ? 0 : state.period_inferred ? 2 : 1);
  if (state.period) out.str(state.period->label);
  out.u32(static_cast<std::uint32_t>(state.other_months.size()));
  for (const auto& month : state.other_months) out.str(month);
  out.u32(static_cast<std::uint32_t>(meter_count));
  out.u64(state.account_ids.size());
  state.account_ids.for_each([&](std::size_t id, std::string_view account) {
    out.str(account);
    for (const MeterSlot& slot : state.account_meters[id]) write_slot(out, slot);
  });
  return out.take();
}

// ---- reading ---------------------------------------------------------------

using Check = Expected<std::monostate, std::string>;

Check refuse(std::string reason) { return unexpected("the state " + std::move(reason)); }
Check truncated() { return refuse("is truncated or corrupt"); }

// A window key is its components, each a 4-byte length and its bytes; the
// meter has one per window. meter_value() splits keys trusting that shape.
bool well_formed_window_key(std::string_view key, std::size_t windows) {
  std::size_t components = 0;
  while (!key.empty()) {
    std::uint32_t length = 0;
    if (key.size() < sizeof length) return false;
    std::memcpy(&length, key.data(), sizeof length);
    key.remove_prefix(sizeof length);
    if (length > key.size()) return false;
    key.remove_prefix(length);
    ++components;
  }
  return components == windows;
}

// Window slots hold the inner aggregation only: no windows of their own.
Check read_slot(ByteReader& in, const MeterInfo& meter, bool is_window, MeterSlot& slot) {
  std::uint8_t flags = 0;
  if (!in.u8(flags) || !in.decimal(slot.value) || !in.decimal(slot.count) || !in.decimal(slot.time))
    return truncated();
  if (flags & ~(kSeen | kHasExtra)) return refuse("has an unknown meter flag");
  slot.seen = (flags & kSeen) != 0;
  if (!(flags & kHasExtra)) return std::monostate{};
  MeterExtra& extra = slot.ensure_extra();
  std::uint64_t distinct = 0;
  if (!in.count(distinct, 4)) return truncated();
  for (std::uint64_t i = 0; i < distinct; ++i) {
    std::string_view value;
    if (!in.str(value, UINT32_MAX)) return truncated();
    if (!extra.distinct.insert(value).inserted)
      return refuse(fmt::format("lists a distinct value of meter `{}` twice", meter.name));
  }
  std::uint64_t points = 0;
  if (!in.count(points, 2 * kDecimalBytes)) return truncated();
  extra.points.resize(points);
  for (auto& [first, second] : extra.points)
    if (!in.decimal(first) || !in.decimal(second)) return truncated();
  // Kept transactions are in time order: the record update relies on it.
  if (meter.kind == MeterKind::free_transactions && !std::is_sorted(extra.points.begin(), extra.points.end()))
    return refuse(fmt::format("lists the transactions of meter `{}` out of order", meter.name));
  std::uint64_t windows = 0;
  if (!in.count(windows, 4)) return truncated();
  if (windows > 0 && (is_window || meter.windows.empty()))
    return refuse(fmt::format("has windows the meter `{}` does not declare", meter.name));
  for (std::uint64_t i = 0; i < windows; ++i) {
    std::string_view key;
    if (!in.str(key, UINT32_MAX)) return truncated();
    if (!well_formed_window_key(key, meter.windows.size()))
      return refuse(fmt::format("has a malformed window key for meter `{}`", meter.name));
    const auto [inner, inserted] = extra.windows.try_emplace(std::string(key));
    if (!inserted) return refuse(fmt::format("lists a window of meter `{}` twice", meter.name));
    if (auto read = read_slot(in, meter, true, inner->second); !read) return read;
  }
  return std::monostate{};
}

// The distinct-values budget counts on the meter's own slot: its set and
// those of its windows (as the record program counts them).
void recount_distinct(const MeterInfo& meter, MeterSlot& slot) {
  if (meter.kind != MeterKind::distinct || !slot.extra) return;
  std::uint64_t total = slot.extra->distinct.size();
  for (const auto& window : slot.extra->windows)
    if (window.second.extra) total += window.second.extra->distinct.size();
  slot.extra->distinct_values = total;
}

Check read_period(ByteReader& in, const Program& program, RatingState& state) {
  std::uint8_t period_kind = 0;
  if (!in.u8(period_kind)) return truncated();
  if (period_kind > 2) return refuse("has an unknown period kind");
  if (period_kind == 0) return std::monostate{};
  std::string_view label;
  if (!in.str(label, kMaxLabelBytes)) return truncated();
  if (program.billing_period.kind == PeriodKind::none)
    return refuse("has a billing period, but the scheme declares none");
  auto period = parse_period(label, program.billing_period);
  if (!period) return refuse("names no period of the scheme's kind: " + period.error());
  state.period = std::move(*period);
  state.period_inferred = period_kind == 2;
  return std::monostate{};
}

Check read_other_months(ByteReader& in, const Program& program, RatingState& state) {
  std::uint32_t months = 0;
  if (!in.u32(months) || months > in.left() / 4) return truncated();
  for (std::uint32_t i = 0; i < months; ++i) {
    std::string_view label;
    if (!in.str(label, kMaxLabelBytes)) return truncated();
    if (!parse_period(label, program.billing_period)) return refuse("names an unknown other period");
    state.other_months.emplace(label);
  }
  return std::monostate{};
}

Check read_accounts(ByteReader& in, const Program& program, RatingState& state) {
  std::uint32_t meters = 0;
  if (!in.u32(meters)) return truncated();
  if (meters != program.meters.size())
    return refuse(fmt::format("has {} meters per account; the scheme has {}", meters,
                              program.meters.size()));
  std::uint64_t accounts = 0;
  if (!in.count(accounts, 4 + meters * (1 + 3 * kDecimalBytes))) return truncated();
  for (std::uint64_t a = 0; a < accounts; ++a) {
    std::string_view account;
    if (!in.str(account, UINT32_MAX)) return truncated();
    if (!state.account_ids.insert(account).inserted)
      return refuse(fmt::format("lists account {} twice", account));
    auto& slots = state.account_meters.emplace_back(meters);
    for (std::size_t m = 0; m < meters; ++m) {
      if (auto read = read_slot(in, program.meters[m], false, slots[m]); !read) return read;
      recount_distinct(program.meters[m], slots[m]);
    }
  }
  return std::monostate{};
}

Check decode_body(const Program& program, std::string_view body, RatingState& state) {
  ByteReader in(body);
  if (!in.u64(state.counts.read) || !in.u64(state.counts.accepted) || !in.u64(state.counts.rejected))
    return truncated();
  if (state.counts.accepted > state.counts.read ||
      state.counts.read - state.counts.accepted != state.counts.rejected)
    return refuse("has record counts that do not add up (read = accepted + rejected)");
  if (auto read = read_period(in, program, state); !read) return read;
  if (auto read = read_other_months(in, program, state); !read) return read;
  if (auto read = read_accounts(in, program, state); !read) return read;
  if (in.left() != 0) return refuse(fmt::format("has {} bytes after its end", in.left()));
  return std::monostate{};
}

}  // namespace

Expected<std::uint64_t, std::string> program_fingerprint(const Program& program) {
  auto bytes = write_bytecode(program);
  if (!bytes) return unexpected(bytes.error());
  return fnv1a64(*bytes);
}

Expected<std::string, std::string> encode_state(const Program& program, const RatingState& state) {
  auto fingerprint = program_fingerprint(program);
  if (!fingerprint) return unexpected(fingerprint.error());
  const std::string body = encode_body(state, program.meters.size());
  ByteWriter header;
  for (const char c : kStateMagic) header.u8(static_cast<std::uint8_t>(c));
  header.u32(kStateVersion);
  header.u64(*fingerprint);
  header.u64(body.size());
  header.u64(fnv1a64(body));
  return header.take() + body;
}

Expected<std::monostate, std::string> decode_state(const Program& program, std::string_view bytes,
                                                   RatingState& state) {
  if (bytes.size() < kHeaderSize || bytes.substr(0, kStateMagic.size()) != kStateMagic)
    return refuse("is not a Tariff rating state (no TARIFFST header)");
  ByteReader header(bytes.substr(kStateMagic.size(), kHeaderSize - kStateMagic.size()));
  std::uint32_t version = 0;
  std::uint64_t fingerprint = 0;
  std::uint64_t body_size = 0;
  std::uint64_t checksum = 0;
  if (!header.u32(version) || !header.u64(fingerprint) || !header.u64(body_size) || !header.u64(checksum))
    return truncated();
  if (version != kStateVersion)
    return refuse(fmt::format("has format version {}; this build reads version {}", version, kStateVersion));
  auto expected_fingerprint = program_fingerprint(program);
  if (!expected_fingerprint) return refuse("cannot be checked: " + expected_fingerprint.error());
  if (fingerprint != *expected_fingerprint)
    return refuse("was rated by another scheme or edition (program fingerprints differ)");
  const std::string_view body = bytes.substr(kHeaderSize);
  if (body.size() != body_size)
    return refuse(fmt::format("body has {} bytes; its header says {}", body.size(), body_size));
  if (fnv1a64(body) != checksum) return refuse("checksum does not match: the bytes are corrupt");
  return decode_body(program, body, state);
}

}  // namespace tariff
