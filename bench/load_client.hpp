// The load generator's client: N keep-alive connections (plain or TLS) to `allot
// serve`, each taking voters one after another from a shared list of voting codes
// and doing for each what a voter's browser does: exchange the code for a ballot
// session (POST /api/v1/elections/ID/session), then cast the ballot with a fresh
// Idempotency-Key (POST /api/v1/elections/ID/ballot). One request at a time per
// connection, as a browser sends them.
//
//   allot::load::Options o;
//   o.port = "8080";
//   o.election = "budget-2026";
//   o.answers = R"({"city":{"options":["p1"]}})";
//   allot::load::Client client(o);
//   const std::vector<allot::load::Voter> voters = client.run(codes);
//
// Every voter's outcome is recorded: the status and latency of both requests, the
// receipt of an acknowledged ballot (its leaf hash and receipt code), the server's
// error code of a refusal, and transport errors. Nothing is thrown for a failed
// connection: the voter in flight is marked with the error and the connection is
// opened again for the next voter; a connection that cannot be opened ends (the
// voter it took is marked "connect: ..." and was never sent), so a run against a
// server that died ends quickly with the unsent voters marked.
//
// One io_context on the calling thread, one C++20 coroutine per connection: the
// client stays light enough to share a 2-core machine with the server it measures.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace allot::load {

// The string values of some top-level keys of a JSON object, read as a stream of
// tokens without building the document, stopping once every key is found (the
// server writes keys in sorted order, so a receipt's "code" and "leaf" come before
// its long "receipt"). Empty when the body is not such an object or lacks a key.
// Reading only what is needed keeps the client's share of the CPU small.
class TopLevelStrings : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit TopLevelStrings(std::vector<std::string> keys) : keys_(std::move(keys)), values_(keys_.size()) {}

  static std::optional<std::vector<std::string>> read(const std::string& body, std::vector<std::string> keys) {
    TopLevelStrings sax(std::move(keys));
    nlohmann::json::sax_parse(body, &sax);
    if (sax.found_ != sax.keys_.size()) return std::nullopt;
    return std::move(sax.values_);
  }

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t& v) override {
    if (depth_ == 1 && current_ < keys_.size() && !seen_[current_]) {
      values_[current_] = std::move(v);
      seen_[current_] = true;
      ++found_;
    }
    return value();
  }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(); }
  bool key(string_t& k) override {
    if (depth_ == 1) current_ = static_cast<std::size_t>(std::find(keys_.begin(), keys_.end(), k) - keys_.begin());
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return depth_ > 0 && open(); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool open() {
    ++depth_;
    current_ = keys_.size();
    return true;
  }
  bool close() {
    --depth_;
    current_ = keys_.size();
    return found_ < keys_.size();
  }
  // Any value: stop once every key is found.
  bool value() {
    if (depth_ == 1) current_ = keys_.size();
    return depth_ > 0 && found_ < keys_.size();
  }

  std::vector<std::string> keys_;
  std::vector<std::string> values_;
  std::vector<bool> seen_ = std::vector<bool>(keys_.size(), false);
  std::size_t found_ = 0;
  std::size_t depth_ = 0;
  std::size_t current_ = 0;
};

struct Options {
  std::string host = "127.0.0.1";
  std::string port;
  bool tls = false;
  // TLS: verify the server's certificate against this PEM file (and the host name or
  // address against the certificate). Empty: no verification (a self-signed
  // certificate made for a loopback run).
  std::string ca_file;
  std::string election;
  std::string answers;          // the ballot's "answers" object, as JSON text
  std::size_t connections = 128;
  std::chrono::milliseconds timeout{10000};  // per connect, handshake, request and response
};

// What happened to one voter.
struct Voter {
  std::string code;
  bool sent = false;          // the session request was written (the code reached the server)
  bool ballot_sent = false;   // the ballot request was written
  int exchange_status = 0;    // HTTP status; 0: no answer
  int ballot_status = 0;
  double exchange_ms = 0;     // from writing the request to reading the whole answer
  double ballot_ms = 0;
  std::string leaf;           // an acknowledged ballot's leaf hash (hex)
  std::string receipt_code;   // and its receipt code
  std::string refusal;        // the "error" of a refusal (4xx/5xx), e.g. "already_used"
  std::string error;          // a transport error, e.g. "ballot: end of stream"; "" when none

  // The server answered the ballot with a receipt: it is durably stored.
  bool acknowledged() const { return (ballot_status == 200 || ballot_status == 201) && !leaf.empty(); }
  // The ballot was sent but no answer came: it may or may not be stored.
  bool unknown() const { return ballot_sent && ballot_status == 0; }
};

// Percentile p (0..1) of values, nearest rank; 0 when there are none.
inline double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5)];
}

class Client {
 public:
  explicit Client(Options options) : o_(std::move(options)), ssl_(make_context(o_)), rng_(std::random_device{}()) {}

  // Runs every voter of `codes` over min(connections, codes) connections until each
  // voter is done or every connection is lost; returns one Voter per code, in order.
  // `action`, when given, runs once on the client's thread `after` the start (the
  // crash loop kills the server from there); a run that ends earlier skips it.
  std::vector<Voter> run(const std::vector<std::string>& codes, std::chrono::milliseconds after = {},
                         std::function<void()> action = {}) {
    namespace net = boost::asio;
    voters_.assign(codes.size(), Voter{});
    for (std::size_t i = 0; i < codes.size(); ++i) voters_[i].code = codes[i];
    next_ = 0;
    connect_failures_ = 0;
    net::io_context ioc(1);
    boost::system::error_code ec;
    endpoints_ = net::ip::tcp::resolver(ioc).resolve(o_.host, o_.port, ec);
    if (ec) {
      for (auto& v : voters_) v.error = "resolve " + o_.host + ":" + o_.port + ": " + ec.message();
      return std::move(voters_);
    }
    const std::size_t n = std::min(std::max<std::size_t>(o_.connections, 1), codes.size());
    live_ = n;
    std::optional<net::steady_timer> timer;
    if (action) {
      timer.emplace(ioc, after);
      timer->async_wait([&](boost::system::error_code e) {
        if (!e) action();
      });
    }
    timer_ = timer ? &*timer : nullptr;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      if (o_.tls)
        net::co_spawn(ioc, connection<boost::beast::ssl_stream<boost::beast::tcp_stream>>(ioc), net::detached);
      else
        net::co_spawn(ioc, connection<boost::beast::tcp_stream>(ioc), net::detached);
    }
    if (n == 0 && timer) timer->cancel();
    ioc.run();
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    timer_ = nullptr;
    return std::move(voters_);
  }

  // Wall time of the last run, from the first connect to the last answer.
  double seconds() const { return seconds_; }
  // Connections of the last run that could not be opened (each ended there).
  std::size_t connect_failures() const { return connect_failures_; }

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  using Clock = std::chrono::steady_clock;

  static boost::asio::ssl::context make_context(const Options& o) {
    namespace ssl = boost::asio::ssl;
    ssl::context ctx(ssl::context::tls_client);
    if (o.tls && !o.ca_file.empty()) {
      ctx.set_verify_mode(ssl::verify_peer);
      ctx.load_verify_file(o.ca_file);  // throws with the file's name when it cannot be read
    } else {
      ctx.set_verify_mode(ssl::verify_none);
    }
    return ctx;
  }

  template <class Stream>
  static constexpr bool is_tls = !std::is_same_v<Stream, boost::beast::tcp_stream>;

  template <class Stream>
  boost::asio::awaitable<void> connection(boost::asio::io_context& ioc) {
    std::optional<Stream> stream;
    boost::beast::flat_buffer buffer;
    while (next_ < voters_.size()) {
      Voter& v = voters_[next_++];
      if (!stream) {
        if constexpr (is_tls<Stream>) stream.emplace(ioc, ssl_);
        else stream.emplace(ioc);
        buffer.clear();
        if (auto ec = co_await open(*stream)) {
          v.error = "connect: " + ec.message();
          ++connect_failures_;
          break;
        }
      }
      if (!co_await vote(*stream, buffer, v)) stream.reset();  // closes the socket
    }
    if (--live_ == 0 && timer_) timer_->cancel();
  }

  template <class Stream>
  boost::asio::awaitable<boost::system::error_code> open(Stream& s) {
    namespace net = boost::asio;
    boost::system::error_code ec;
    auto& tcp = boost::beast::get_lowest_layer(s);
    tcp.expires_after(o_.timeout);
    co_await tcp.async_connect(endpoints_, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return ec;
    tcp.socket().set_option(net::ip::tcp::no_delay(true), ec);
    if constexpr (is_tls<Stream>) {
      boost::system::error_code not_address;
      net::ip::make_address(o_.host, not_address);
      if (not_address) SSL_set_tlsext_host_name(s.native_handle(), o_.host.c_str());  // SNI for names only
      if (!o_.ca_file.empty()) s.set_verify_callback(net::ssl::host_name_verification(o_.host));
      co_await s.async_handshake(net::ssl::stream_base::client, net::redirect_error(net::use_awaitable, ec));
    }
    co_return ec;
  }

  // One request and its answer; the latency in ms, or a transport error in `ec`.
  template <class Stream>
  boost::asio::awaitable<double> exchange(Stream& s, boost::beast::flat_buffer& buffer, const Request& req,
                                          Response& res, boost::system::error_code& ec) {
    namespace net = boost::asio;
    namespace http = boost::beast::http;
    const auto t0 = Clock::now();
    boost::beast::get_lowest_layer(s).expires_after(o_.timeout);
    co_await http::async_write(s, req, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return 0.0;
    res = {};
    co_await http::async_read(s, buffer, res, net::redirect_error(net::use_awaitable, ec));
    co_return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  }

  Request post(const std::string& target, std::string body) const {
    namespace http = boost::beast::http;
    Request req(http::verb::post, target, 11);
    req.set(http::field::host, o_.host + ":" + o_.port);
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
  }

  // A fresh Idempotency-Key: 32 hex digits.
  std::string new_key() {
    static const char* hex = "0123456789abcdef";
    std::string k(32, '0');
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < k.size(); ++i) {
      if (i % 16 == 0) bits = rng_();
      k[i] = hex[bits & 15];
      bits >>= 4;
    }
    return k;
  }

  // The server's error code in a refusal's body, or the status when it has none.
  static std::string refusal_of(const Response& res) {
    try {
      const auto body = nlohmann::json::parse(res.body());
      if (body.is_object() && body.contains("error") && body["error"].is_string()) return body["error"];
    } catch (const nlohmann::json::exception&) {
    }
    return "http " + std::to_string(res.result_int());
  }

  // One voter over an open connection; false when the connection is to be closed.
  template <class Stream>
  boost::asio::awaitable<bool> vote(Stream& s, boost::beast::flat_buffer& buffer, Voter& v) {
    const std::string base = "/api/v1/elections/" + o_.election;
    Response res;
    boost::system::error_code ec;

    // Built outside the co_await expression: GCC 12 cannot keep an initializer
    // list's temporaries in a coroutine frame ("array used as initializer").
    const Request session_request = post(base + "/session", nlohmann::json{{"code", v.code}}.dump());
    v.sent = true;
    v.exchange_ms = co_await exchange(s, buffer, session_request, res, ec);
    if (ec) {
      v.error = "session: " + ec.message();
      co_return false;
    }
    v.exchange_status = res.result_int();
    if (v.exchange_status != 200) {
      v.refusal = refusal_of(res);
      co_return res.keep_alive();
    }
    const auto fields = TopLevelStrings::read(res.body(), {"session"});
    if (!fields) {
      v.error = "session: an answer without a session";
      co_return res.keep_alive();
    }
    const std::string session = fields->front();
    if (!res.keep_alive()) {
      v.error = "session: the server closed the connection before the ballot";
      co_return false;
    }

    Request ballot = post(base + "/ballot", "{\"answers\":" + o_.answers + "}");
    ballot.set(boost::beast::http::field::authorization, "Bearer " + session);
    ballot.set("Idempotency-Key", new_key());
    v.ballot_sent = true;
    v.ballot_ms = co_await exchange(s, buffer, ballot, res, ec);
    if (ec) {
      v.error = "ballot: " + ec.message();
      co_return false;
    }
    v.ballot_status = res.result_int();
    if (v.ballot_status == 200 || v.ballot_status == 201) {
      if (const auto fields = TopLevelStrings::read(res.body(), {"leaf", "code"})) {
        v.leaf = (*fields)[0];
        v.receipt_code = (*fields)[1];
      } else {
        v.error = "ballot: an answer without a receipt";
      }
    } else {
      v.refusal = refusal_of(res);
    }
    co_return res.keep_alive();
  }

  Options o_;
  boost::asio::ssl::context ssl_;
  std::mt19937_64 rng_;
  boost::asio::ip::tcp::resolver::results_type endpoints_;
  std::vector<Voter> voters_;
  std::size_t next_ = 0;
  std::size_t live_ = 0;
  std::size_t connect_failures_ = 0;
  boost::asio::steady_timer* timer_ = nullptr;
  double seconds_ = 0;
};

}  // namespace allot::load
