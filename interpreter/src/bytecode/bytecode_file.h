// The bytecode file (.tfc): a compiled Program written to bytes and read
// back, so a scheme can be compiled once and shipped without its source.
//
// Format version 1. Every integer is little-endian and written byte by
// byte, so the file is the same on every host.
//
//   offset  size  field
//   0       8     magic "TARIFFBC"
//   8       4     u32 format version (1)
//   12      4     u32 body size in bytes (the file ends right after the body)
//   16      8     u64 FNV-1a 64 checksum of the body
//   24      n     body
//
// The checksum detects corruption (a bad disk, a cut-off copy), not
// tampering: anyone can recompute it. Safety against a hostile file comes
// from the loader's structural checks and from verify(), never from it.
//
// The body is nine sections in this fixed order, each
// `u8 section id, u32 payload length, payload`:
//
//   id  name       payload
//   1   header     str source_name, str scheme_name, str version, str currency,
//                  u8 minor_digits, u8 rounding mode, u8 rounding stage
//   2   usage      u32 n, n x column {str name, u8 type, u8 optional,
//                  u8 has_default, [str default_text if has_default]},
//                  u32 account_column, u8 has_time, [u32 time_column if has_time]
//   3   constants  u32 n, n x decimal
//   4   strings    u32 n, n x str
//   5   meters     u32 n, n x {str name, u8 kind}
//   6   charges    u32 n, n x {str name, str formula}
//   7   tiers      u32 n, n x table {u8 model, u32 rows, rows x {u8 has_upper,
//                  [decimal upper if has_upper], decimal price, decimal per,
//                  decimal fee}}
//   8   record     chunk
//   9   period     chunk
//
//   str      u32 length, that many bytes of UTF-8 (source_name: any bytes,
//            as it is a path)
//   decimal  16-byte two's-complement mantissa, i8 scale (0..18)
//   chunk    u16 registers, u32 n, n x instruction {u8 op, u8 d, u16 a,
//            u16 b, u16 c}, then n x location {u32 line, u32 column}
//   flags    (optional, has_default, has_time, has_upper) are 0 or 1
//   enums    rounding mode: half_up 0, half_even 1, half_down 2, up 3,
//            down 4, ceiling 5, floor 6; rounding stage: line 0, invoice 1;
//            column type: id 0, text 1, decimal 2, integer 3, timestamp 4;
//            meter kind: sum 0, count 1, max 2, min 3;
//            tier model: graduated 0, volume 1;
//            opcodes: their order in opcodes.def (append new ones at the
//            end; reordering or changing an operand's meaning needs a new
//            format version).
//
// The loader checks every size against the bytes that remain before it
// allocates, refuses out-of-range enum values before converting them, and
// always runs verify() on the result: a program it returns is as safe to
// run as a freshly compiled one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bytecode/program.h"
#include "tariff/expected.h"

namespace tariff {

inline constexpr std::string_view kBytecodeMagic = "TARIFFBC";
inline constexpr std::uint32_t kBytecodeVersion = 4;

// The file's bytes, or why the program cannot be written: a string, a
// table or the whole body beyond the format's 32-bit sizes (no compiled
// scheme comes near that).
Expected<std::string, std::string> write_bytecode(const Program& program);

// Reads and verifies a program. Any input is safe: a refusal is one
// sentence naming what is wrong ("checksum mismatch: the file is corrupt").
Expected<std::shared_ptr<const Program>, std::string> load_bytecode(std::string_view bytes);

// A decimal as .tfc files and saved rating states store it: the 16-byte
// mantissa (two's complement, least significant byte first), then the
// scale byte.
inline constexpr std::size_t kDecimalBytes = 16 + 1;
void append_decimal_bytes(std::string& out, const Decimal& value);
// The decimal in the first kDecimalBytes of `bytes` (the caller has checked
// they are there), or why it is none: "scale 40 out of range", "more than
// 38 significant digits".
Expected<Decimal, std::string> decimal_from_bytes(std::string_view bytes);

// The header's checksum of the body: FNV-1a 64. Exposed so tests can forge
// a file whose body was edited.
std::uint64_t fnv1a64(std::string_view bytes);

}  // namespace tariff
