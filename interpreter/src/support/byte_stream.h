// An istream over bytes it does not own, read in place: usage already in
// memory is rated without a copy.
#pragma once

#include <istream>
#include <streambuf>
#include <string_view>

namespace tariff {

class ByteStream {
 public:
  explicit ByteStream(std::string_view bytes) : buffer_(bytes), stream_(&buffer_) {}
  std::istream& stream() noexcept { return stream_; }

 private:
  struct Buffer final : std::streambuf {
    explicit Buffer(std::string_view bytes) {
      char* begin = const_cast<char*>(bytes.data());  // read only: no put area is set
      setg(begin, begin, begin + bytes.size());
    }
  };
  Buffer buffer_;
  std::istream stream_;
};

}  // namespace tariff
