// A small synchronous HTTP/1.1 client for tests (Boost.Beast), plain or TLS, and a
// raw TCP socket for the tests that must misbehave (slow clients, half requests).
//
//   allot::testing::HttpClient c("127.0.0.1", server.port());
//   Reply r = c.request("GET", "/healthz");
//   EXPECT_EQ(r.status, 200);
//   EXPECT_EQ(r.header("content-type"), "application/json");
//
// HttpClient keeps one connection alive across requests: it opens it on first use and
// again after the server closed it (a reply with "Connection: close"). Every
// operation is bounded by ClientOptions::timeout; transport errors (refused,
// reset, timeout, TLS failures) throw std::runtime_error. Movable (a moved-from
// client may only be destroyed or assigned to); not thread-safe: one client per
// thread.
//
// RawSocket sends exactly the bytes you give it and reads with a timeout; use
// parse_reply() to turn what it read into a Reply.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace allot::testing {

// One HTTP response.
struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeats joined by ", "
  std::string body;

  // The header's value, or "" when absent.
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  bool has_header(const std::string& lower_name) const { return headers.count(lower_name) > 0; }
  // The body as JSON (throws when it is not JSON).
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct ClientOptions {
  bool tls = false;
  // TLS: verify the server's certificate against this PEM file (and the host name or
  // IP address against the certificate). Empty: no verification at all.
  std::string ca_file;
  // TLS: the newest protocol version offered (e.g. TLS1_1_VERSION to check that the
  // server refuses old ones; versions below 1.2 also lower the client's security
  // level so that it really offers them). 0: the library's default.
  int max_tls_version = 0;
  std::chrono::milliseconds timeout{10000};  // per connect / handshake / write / read
};

namespace http_client_detail {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

template <class Message>
Reply to_reply(Message& m) {
  Reply r;
  r.status = static_cast<int>(m.result_int());
  for (const auto& f : m) {
    const std::string name = lower(f.name_string());
    auto [it, fresh] = r.headers.emplace(name, std::string(f.value()));
    if (!fresh) it->second += ", " + std::string(f.value());
  }
  r.body = std::move(m.body());
  return r;
}
}  // namespace http_client_detail

// Parses the first complete response in `raw`. nullopt when it is not complete yet
// (or not HTTP). `consumed` gets the number of bytes it used. head: the response
// answers a HEAD request (no body follows its Content-Length).
inline std::optional<Reply> parse_reply(std::string_view raw, std::size_t* consumed = nullptr, bool head = false) {
  namespace bhttp = boost::beast::http;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.eager(true);
  parser.body_limit(boost::none);
  parser.skip(head);
  boost::beast::error_code ec;
  const std::size_t used = parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
  if (ec || !parser.is_done()) return std::nullopt;
  if (consumed != nullptr) *consumed = used;
  auto msg = parser.release();
  return http_client_detail::to_reply(msg);
}

class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port, ClientOptions options = {})
      : s_(std::make_unique<State>(std::move(host), port, std::move(options))) {}
  HttpClient(HttpClient&&) noexcept = default;
  HttpClient& operator=(HttpClient&&) noexcept = default;

  // Sends one request and reads its reply. Adds Host, and Content-Length when there
  // is a body (or the method is POST/PUT/PATCH); `headers` may override them.
  Reply request(const std::string& method, const std::string& target, const std::string& body = "",
                const Headers& headers = {}) {
    namespace bhttp = boost::beast::http;
    if (!is_open()) connect();
    bhttp::request<bhttp::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(bhttp::field::host, s_->host);
    req.body() = body;
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") req.prepare_payload();
    for (const auto& [name, value] : headers) req.set(name, value);
    run("write", [&](auto handler) { with_stream([&](auto& s) { bhttp::async_write(s, req, handler); }); });
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    parser.skip(method == "HEAD");
    run("read", [&](auto handler) {
      with_stream([&](auto& stream) { bhttp::async_read(stream, s_->buffer, parser, handler); });
    });
    auto msg = parser.release();
    const bool keep = msg.keep_alive();
    Reply reply = http_client_detail::to_reply(msg);
    if (!keep) close();
    return reply;
  }

  // Opens the connection now (TLS: with the handshake). Throws on failure.
  void connect() {
    namespace net = boost::asio;
    close();
    net::ip::tcp::resolver resolver(s_->ioc);
    const auto endpoints = resolver.resolve(s_->host, std::to_string(s_->port));
    if (s_->options.tls) {
      s_->tls.emplace(s_->ioc, s_->ssl);
      SSL* native = s_->tls->native_handle();
      boost::beast::error_code ec;
      net::ip::make_address(s_->host, ec);
      if (ec) SSL_set_tlsext_host_name(native, s_->host.c_str());  // SNI for names, not addresses
      if (!s_->options.ca_file.empty()) s_->tls->set_verify_callback(net::ssl::host_name_verification(s_->host));
    } else {
      s_->plain.emplace(s_->ioc);
    }
    run("connect", [&](auto handler) { lowest().async_connect(endpoints, handler); });
    if (s_->tls)
      run("TLS handshake", [&](auto handler) { s_->tls->async_handshake(net::ssl::stream_base::client, handler); });
  }

  void close() {
    if (s_->plain || s_->tls) {
      boost::beast::error_code ignored;
      lowest().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
      lowest().close();
    }
    s_->plain.reset();
    s_->tls.reset();
    s_->buffer.clear();
  }

  bool is_open() const { return (s_->plain || s_->tls); }

  // After a request: waits until the server closes this connection (true), or the
  // timeout passes (false). Any bytes the server sends meanwhile are discarded.
  bool wait_closed(std::chrono::milliseconds timeout) {
    if (!is_open()) return true;
    char byte[256];
    for (;;) {
      boost::beast::error_code ec;
      lowest().expires_after(timeout);
      with_stream([&](auto& s) {
        s.async_read_some(boost::asio::buffer(byte), [&](boost::beast::error_code e, std::size_t) { ec = e; });
      });
      s_->ioc.restart();
      s_->ioc.run();
      if (ec == boost::beast::error::timeout) {
        close();
        return false;
      }
      if (ec) {
        close();
        return true;
      }
    }
  }

 private:
  static boost::asio::ssl::context make_context(const ClientOptions& o) {
    namespace ssl = boost::asio::ssl;
    ssl::context ctx(ssl::context::tls_client);
    if (o.max_tls_version != 0) {
      if (o.max_tls_version < TLS1_2_VERSION) {
        SSL_CTX_set_security_level(ctx.native_handle(), 0);
        SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT:@SECLEVEL=0");
        SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
      }
      SSL_CTX_set_max_proto_version(ctx.native_handle(), o.max_tls_version);
    }
    if (o.ca_file.empty()) {
      ctx.set_verify_mode(ssl::verify_none);
    } else {
      ctx.set_verify_mode(ssl::verify_peer);
      ctx.load_verify_file(o.ca_file);
    }
    return ctx;
  }

  boost::beast::tcp_stream& lowest() { return s_->tls ? boost::beast::get_lowest_layer(*s_->tls) : *s_->plain; }

  template <class F>
  void with_stream(F&& f) {
    if (s_->tls)
      f(*s_->tls);
    else
      f(*s_->plain);
  }

  // Starts one asynchronous operation under the timeout and runs it to completion.
  template <class Start>
  void run(const char* what, Start&& start) {
    boost::beast::error_code ec;
    lowest().expires_after(s_->options.timeout);
    start([&ec](boost::beast::error_code e, auto&&...) { ec = e; });
    s_->ioc.restart();
    s_->ioc.run();
    if (ec) {
      close();
      throw std::runtime_error(std::string("http client: ") + what + " failed: " + ec.message());
    }
  }

  // On the heap, so that the client can move (io_context cannot).
  struct State {
    State(std::string host, std::uint16_t port, ClientOptions options)
        : host(std::move(host)), port(port), options(std::move(options)), ssl(make_context(this->options)) {}
    std::string host;
    std::uint16_t port;
    ClientOptions options;
    boost::asio::io_context ioc;
    boost::asio::ssl::context ssl;
    std::optional<boost::beast::tcp_stream> plain;
    std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls;
    boost::beast::flat_buffer buffer;
  };
  std::unique_ptr<State> s_;
};

// A plain TCP connection that does exactly what it is told, for misbehaving clients.
class RawSocket {
 public:
  // Connects (throws std::runtime_error on failure).
  RawSocket(const std::string& host, std::uint16_t port) : s_(std::make_unique<State>()) {
    boost::beast::error_code ec;
    s_->socket.connect({boost::asio::ip::make_address(host), port}, ec);
    if (ec) throw std::runtime_error("raw socket: connect failed: " + ec.message());
  }

  // Whether a TCP connection to host:port can be opened right now (closed again at once).
  static bool can_connect(const std::string& host, std::uint16_t port) {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket s(ioc);
    boost::beast::error_code ec;
    s.connect({boost::asio::ip::make_address(host), port}, ec);
    return !ec;
  }

  // Writes all of data (blocking; keep it small). Throws on error.
  void send(std::string_view data) { boost::asio::write(s_->socket, boost::asio::buffer(data.data(), data.size())); }

  // Waits up to `timeout` for bytes; returns them ("" on timeout or when the peer
  // closed: see closed()).
  std::string read_some(std::chrono::milliseconds timeout) {
    if (s_->closed) return {};
    char buf[16384];
    std::size_t n = 0;
    bool done = false;
    boost::beast::error_code ec;
    s_->socket.async_read_some(boost::asio::buffer(buf), [&](boost::beast::error_code e, std::size_t k) {
      ec = e;
      n = k;
      done = true;
      s_->timer.cancel();
    });
    s_->timer.expires_after(timeout);
    s_->timer.async_wait([&](boost::beast::error_code e) {
      if (!e && !done) s_->socket.cancel();
    });
    s_->ioc.restart();
    s_->ioc.run();
    if (ec && ec != boost::asio::error::operation_aborted) s_->closed = true;
    return std::string(buf, n);
  }

  // Reads until the peer closes the connection or `timeout` passes; returns all bytes.
  std::string read_until_closed(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    std::string out;
    while (!s_->closed) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      out += read_some(left);
    }
    return out;
  }

  // Reads until one whole response has arrived (or timeout / close): nullopt if not.
  std::optional<Reply> read_reply(std::chrono::milliseconds timeout, bool head = false) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      std::size_t used = 0;
      if (auto r = parse_reply(s_->pending, &used, head)) {
        s_->pending.erase(0, used);
        return r;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (s_->closed || left.count() <= 0) return std::nullopt;
      s_->pending += read_some(left);
    }
  }

  // True once a read saw EOF or a reset.
  bool closed() const { return s_->closed; }

  void close() {
    boost::beast::error_code ignored;
    s_->socket.close(ignored);
  }

 private:
  struct State {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket socket{ioc};
    boost::asio::steady_timer timer{ioc};
    bool closed = false;
    std::string pending;
  };
  std::unique_ptr<State> s_;  // on the heap, so that the socket can move
};

}  // namespace allot::testing
