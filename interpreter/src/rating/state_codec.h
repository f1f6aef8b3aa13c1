// A rating run's state as bytes, so parts of a run rated on other machines
// can be sent back and merged (docs/scale-out.md, "The state format").
//
// The bytes come from the network and are never trusted: the magic, the
// format version, the program's fingerprint and a checksum are checked
// first, then every length against the bytes left and every value against
// the program (meter count, window depth, decimal ranges, counts that add
// up). Anything wrong is refused with a reason, never read past.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bytecode/program.h"
#include "rating/rater_state.h"
#include "tariff/expected.h"

namespace tariff {

inline constexpr std::string_view kStateMagic = "TARIFFST";
inline constexpr std::uint32_t kStateVersion = 1;

// What identifies a program: the checksum of its bytecode, so a state is
// only ever loaded by the scheme (and edition) that rated it.
Expected<std::uint64_t, std::string> program_fingerprint(const Program& program);

// The state's bytes: header (magic, version, fingerprint, body checksum),
// then the body. Fails only when the program cannot be written as bytecode.
Expected<std::string, std::string> encode_state(const Program& program, const RatingState& state);

// Fills `state` (expected empty) from bytes encode_state wrote for this
// program; otherwise the reason, "the state ...", and `state` is unusable.
Expected<std::monostate, std::string> decode_state(const Program& program, std::string_view bytes,
                                                   RatingState& state);

}  // namespace tariff
