// HeaderReader (http/include/allot/http/header_reader.hpp): the whole request header,
// request line and fields together, stays within one limit however the bytes are
// split into reads. Each test hands the reader one piece per read, as a slow or
// hostile client's packets would arrive, which a loopback socket cannot promise.
#include "allot/http/header_reader.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <vector>

namespace {

namespace bhttp = boost::beast::http;
using allot::http::HeaderReader;

struct Outcome {
  bool finished = false;      // the reader stopped: header complete or refused
  boost::beast::error_code ec;
  std::size_t received = 0;   // bytes handed to the reader when it stopped
  bool header_done = false;
};

// Appends `pieces` to a buffer one per read and calls `step(buffer, ec)` after each
// until it returns true (finished); `parser` is the one `step` feeds.
template <class Step>
Outcome drive(const std::vector<std::string>& pieces, const bhttp::request_parser<bhttp::string_body>& parser,
              Step step) {
  boost::beast::flat_buffer buffer;
  Outcome out;
  for (const auto& piece : pieces) {
    buffer.commit(boost::asio::buffer_copy(buffer.prepare(piece.size()), boost::asio::buffer(piece)));
    out.received += piece.size();
    if (step(buffer, out.ec)) {
      out.finished = true;
      break;
    }
  }
  out.header_done = parser.is_header_done();
  return out;
}

// Hands `pieces` to a HeaderReader one per read, like a stream whose every read
// returns exactly one piece.
Outcome read_in_pieces(const std::vector<std::string>& pieces, std::size_t limit) {
  bhttp::request_parser<bhttp::string_body> parser;
  HeaderReader reader(limit);
  return drive(pieces, parser, [&](boost::beast::flat_buffer& buffer, boost::beast::error_code& ec) {
    return reader.feed(parser, buffer, ec);
  });
}

// Beast's parser alone with the same limit and the same pieces (what the server did
// before it used HeaderReader).
Outcome beast_alone(const std::vector<std::string>& pieces, std::size_t limit) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limit));
  return drive(pieces, parser, [&](boost::beast::flat_buffer& buffer, boost::beast::error_code& ec) {
    buffer.consume(parser.put(buffer.data(), ec));
    if (ec != bhttp::error::need_more) return true;
    ec = {};
    return false;
  });
}

std::string header_bytes(const std::vector<std::string>& pieces) {
  std::string all;
  for (const auto& p : pieces) all += p;
  return all;
}

// The request line in one piece, then one field per piece, then the blank line.
std::vector<std::string> field_per_piece(const std::string& target, int fields, std::size_t value_size = 1) {
  std::vector<std::string> pieces = {"GET " + target + " HTTP/1.1\r\n", "Host: x\r\n"};
  for (int i = 0; i < fields; ++i) pieces.push_back("X-F" + std::to_string(i) + ": " + std::string(value_size, 'v') + "\r\n");
  pieces.push_back("\r\n");
  return pieces;
}

TEST(HeaderReader, OneFieldPerReadIsRefusedAtTheLimit) {
  const auto pieces = field_per_piece("/", 400);  // about 4 KiB
  const auto r = read_in_pieces(pieces, 1024);
  ASSERT_TRUE(r.finished);
  EXPECT_EQ(r.ec, bhttp::error::header_limit);
  EXPECT_FALSE(r.header_done);
  // Refused as soon as the header passed the limit: at most one piece later.
  EXPECT_GT(r.received, 1024u);
  EXPECT_LE(r.received, 1024u + 16u);
}

TEST(HeaderReader, RequestLineAndFieldsShareTheLimit) {
  // 700 bytes of request line, then 700 bytes of fields: each under 1 KiB, together over.
  const std::vector<std::string> pieces = {"GET /?" + std::string(690, 'q') + " HTTP/1.1\r\n",
                                           "Host: x\r\nX-Pad: " + std::string(680, 'p') + "\r\n\r\n"};
  ASSERT_GT(header_bytes(pieces).size(), 1024u);
  const auto r = read_in_pieces(pieces, 1024);
  ASSERT_TRUE(r.finished);
  EXPECT_EQ(r.ec, bhttp::error::header_limit);
  const auto whole = read_in_pieces({header_bytes(pieces)}, 1024);  // all in one read
  ASSERT_TRUE(whole.finished);
  EXPECT_EQ(whole.ec, bhttp::error::header_limit);

  // Why the server has its own reader: Beast 1.81 consumes the complete request line
  // and then gives the fields the whole limit again, so it accepts this header.
  for (const auto& split : {pieces, std::vector<std::string>{header_bytes(pieces)}}) {
    const auto b = beast_alone(split, 1024);
    EXPECT_TRUE(b.finished);
    EXPECT_FALSE(b.ec) << b.ec.message();
    EXPECT_TRUE(b.header_done);
  }
}

TEST(HeaderReader, AHeaderOfExactlyTheLimitIsAccepted) {
  // Pad one field so that the whole header is exactly `limit` bytes.
  constexpr std::size_t kLimit = 1024;
  auto pieces = field_per_piece("/", 10);
  const std::size_t size = header_bytes(pieces).size();
  ASSERT_LT(size, kLimit);
  pieces[2] = "X-F0: " + std::string(kLimit - size + 1, 'v') + "\r\n";
  ASSERT_EQ(header_bytes(pieces).size(), kLimit);
  const auto at = read_in_pieces(pieces, kLimit);
  ASSERT_TRUE(at.finished);
  EXPECT_FALSE(at.ec) << at.ec.message();
  EXPECT_TRUE(at.header_done);

  const auto at_once = read_in_pieces({header_bytes(pieces)}, kLimit);
  EXPECT_FALSE(at_once.ec) << at_once.ec.message();
  EXPECT_TRUE(at_once.header_done);

  pieces[2] = "X-F0: " + std::string(kLimit - size + 2, 'v') + "\r\n";  // one byte more
  const auto over = read_in_pieces(pieces, kLimit);
  ASSERT_TRUE(over.finished);
  EXPECT_EQ(over.ec, bhttp::error::header_limit);
  const auto over_at_once = read_in_pieces({header_bytes(pieces)}, kLimit);
  ASSERT_TRUE(over_at_once.finished);
  EXPECT_EQ(over_at_once.ec, bhttp::error::header_limit);
}

TEST(HeaderReader, AHeaderSentByteByByteIsReadWhole) {
  const std::string all = header_bytes(field_per_piece("/api/v1/elections", 5));
  std::vector<std::string> bytes;
  for (char c : all) bytes.emplace_back(1, c);
  const auto r = read_in_pieces(bytes, 1024);
  ASSERT_TRUE(r.finished);
  EXPECT_FALSE(r.ec) << r.ec.message();
  EXPECT_TRUE(r.header_done);
  EXPECT_EQ(r.received, all.size());
}

TEST(HeaderReader, AnIncompleteHeaderWaitsForMore) {
  const auto r = read_in_pieces({"GET / HTTP/1.1\r\n", "Host: x\r\n"}, 1024);
  EXPECT_FALSE(r.finished);
  EXPECT_FALSE(r.ec);
}

TEST(HeaderReader, AMalformedHeaderIsAParseError) {
  const auto r = read_in_pieces({"GET / HTTP/1.1\r\n", "Bad Header\r\n\r\n"}, 1024);
  ASSERT_TRUE(r.finished);
  EXPECT_TRUE(r.ec);
  EXPECT_NE(r.ec, bhttp::error::header_limit);
  EXPECT_NE(r.ec, bhttp::error::need_more);
}

}  // namespace
