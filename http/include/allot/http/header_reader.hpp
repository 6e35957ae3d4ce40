// Feeds a request header to Beast's parser as its bytes arrive and keeps the whole
// header (request line and fields together) within one limit. Used by the server's
// sessions and by the HTTP fuzz target, so both refuse exactly the same headers.
//
// Why not Beast's header_limit alone: Beast 1.81 applies it to the bytes it has not
// consumed yet, and the request line and the fields each in turn: the complete
// request line is consumed and the fields get the whole limit again, so a header
// could reach about twice the limit (whether it was refused also depended on how it
// was split into reads). Here the limit is lowered by what was consumed before
// every piece, and the whole header is checked once parsed.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace allot::http {

class HeaderReader {
 public:
  explicit HeaderReader(std::size_t max_bytes) : max_(max_bytes) {}

  // Parses what `buffer` holds, consuming what the parser used. Returns true when
  // the header is complete or refused (`ec` then says why: header_limit when it is
  // over the limit, a parse error when malformed); false when more bytes are needed.
  template <bool isRequest, class DynamicBuffer>
  bool feed(boost::beast::http::basic_parser<isRequest>& parser, DynamicBuffer& buffer,
            boost::beast::error_code& ec) {
    namespace bhttp = boost::beast::http;
    ec = {};
    while (buffer.size() > 0) {
      parser.header_limit(static_cast<std::uint32_t>(
          std::min<std::size_t>(max_ - consumed_, std::numeric_limits<std::uint32_t>::max())));
      const std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      consumed_ += used;
      // One put can take a whole header: Beast bounds its request line and its
      // fields by the limit separately, so the sum is checked here.
      if (consumed_ > max_ && (!ec || ec == bhttp::error::need_more)) {
        ec = bhttp::error::header_limit;
        return true;
      }
      if (ec == bhttp::error::need_more) {
        ec = {};
        if (consumed_ >= max_) {
          ec = bhttp::error::header_limit;
          return true;
        }
        return false;
      }
      if (ec || parser.is_header_done()) return true;
      if (used == 0) return false;
    }
    return false;
  }

  // Bytes of the header consumed so far.
  std::size_t consumed() const { return consumed_; }

 private:
  std::size_t max_;
  std::size_t consumed_ = 0;
};

}  // namespace allot::http
