// The HTTP(S) server: Boost.Beast sessions over one io_context run by io_threads
// threads. Read top to bottom: constants and response helpers, the transport-free
// dispatch (Core::dispatch: request -> response), the session (one per connection),
// the listener and lifecycle (Core), and the public Server.
//
// A session's life (all on its own strand, so its handlers never run concurrently):
//
//   [handshake] (TLS only, under read_timeout)
//   idle     waiting for the first byte of a request: read_timeout for the first
//            request of a connection (counted from accept), idle_timeout between
//            keep-alive requests. Timeout, EOF or stop(): closed without a word.
//   reading  header then body, all under one deadline (read_timeout from the first
//            byte; from accept for the first request). Our own timer cancels the read
//            at the deadline so the client still gets 408; the stream's own timeout
//            (a few seconds later) is the hard backstop. Header too big: 431; body too
//            big (Content-Length or while reading chunks): 413; malformed: 400.
//   handling the handler runs on this strand (an I/O thread).
//   writing  under write_timeout. Then keep-alive -> idle, or close.
//   closing  after an error response: half-close and drain what the client still
//            sends (bounded) so it reads our answer instead of a reset.
//
// Invariants:
//   1. Every read and write has a deadline; a stalled client holds only its own
//      session, never a thread.
//   2. Every response carries the security headers (Core::add_security_headers).
//   3. The access log and metrics see only route patterns, never a concrete API path,
//      query string, body, cookie or other header.
//   4. stop(): the acceptor closes first (new connections are refused); idle sessions
//      close; a session reading or handling a request finishes it and answers with
//      "Connection: close"; after `grace` the io_context stops regardless.
//   5. Core outlives every session: ~Impl joins the threads and destroys the
//      io_context (and so every session) before Core's members go.
#include "allot/http/beast_request.hpp"
#include "allot/http/header_reader.hpp"
#include "allot/http/server.hpp"
#include "allot/storage/thread_name.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server_files.hpp"
#include "server_metrics.hpp"

namespace allot::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
// TLS 1.2 suites: forward secrecy and AEAD only (TLS 1.3 suites are all modern).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// The stream's own timeout fires this long after our read deadline (which answers 408).
constexpr std::chrono::seconds kReadBackstop{3};
// After an error response: how long and how much we drain before closing.
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kLingerBytes = 1024 * 1024;
constexpr std::size_t kReadChunk = 4096;

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// Header names are tokens; values must not break the header block.
bool header_ok(const std::string& name, const std::string& value) {
  if (name.empty()) return false;
  for (char c : name)
    if (c <= ' ' || c >= 127 || c == ':') return false;
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  const std::string n = lower(name);
  return n != "content-length" && n != "transfer-encoding" && n != "connection";
}

std::string client_address(const tcp::socket& socket) {
  beast::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (ec) return {};
  auto addr = ep.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) addr = net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6());
  return addr.to_string();
}

// What dispatch decided, besides the response: the labels for the log and metrics.
struct Outcome {
  Response response;
  std::string log_route;     // route pattern, "/api/", static path, or "-"
  std::string metric_route;  // bounded: route pattern, "/api/", "/healthz", "/metrics", "static", "-"
  bool no_store = true;      // Cache-Control: no-store unless the response sets its own
};

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // Thread-safe: asks the session (on its strand) to finish. Idle sessions close at
  // once; a session in the middle of a request answers it, then closes.
  virtual void request_shutdown() = 0;
};

// Everything the sessions share; Server::Impl is this plus nothing.
class Core {
 public:
  Core(ServerOptions options, Handler api, MetricsSource extra)
      : opt_(std::move(options)), api_(std::move(api)), extra_metrics_(std::move(extra)), files_(opt_.web_root) {
    ioc_.emplace(1);
  }
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  const ServerOptions& options() const { return opt_; }
  bool tls() const { return ssl_ctx_.has_value(); }
  ssl::context& ssl_context() { return *ssl_ctx_; }
  bool stopping() const { return stopping_.load(); }

  // ---- transport-free request handling -------------------------------------------

  // The log label for a target we could not (fully) handle: never a concrete API path.
  static std::string log_route_for(const std::string& target) {
    if (target.empty()) return "-";
    if (starts_with(target, "/api/")) return "/api/";
    std::string path;
    std::map<std::string, std::string> query;
    if (!parse_target(target, path, query)) return "-";
    return starts_with(path, "/api/") ? "/api/" : path;
  }

  bool runs_inline(const Request& r) const {
    if (!opt_.run_inline) return false;
    const std::string_view target = r.target;
    return opt_.run_inline(r.method, std::string(target.substr(0, target.find('?'))));
  }

  Outcome dispatch(Request& r) {
    Outcome o;
    if (!parse_target(r.target, r.path, r.query)) {
      o.response = error_response(400, "bad_target", "The request target is malformed.");
      o.log_route = log_route_for(r.target);
      o.metric_route = "-";
      return o;
    }
    if (starts_with(r.path, "/api/")) {
      o.response = call_api(r);
      o.log_route = o.response.route.empty() ? "/api/" : o.response.route;
      o.metric_route = o.log_route;
    } else if (r.path == "/healthz" || r.path == "/metrics") {
      o.log_route = o.metric_route = r.path;
      if (r.method != "GET" && r.method != "HEAD") {
        o.response = error_response(405, "method_not_allowed", "Only GET and HEAD are allowed here.");
        o.response.headers.emplace_back("Allow", "GET, HEAD");
      } else if (r.path == "/healthz") {
        o.response = json_response(200, {{"status", "ok"}});
      } else {
        o.response = metrics_response();
      }
    } else {
      o.response = files_.serve(r.method, r.target, r.path);
      o.log_route = o.response.route.empty() ? r.path : o.response.route;
      o.metric_route = "static";
      o.no_store = o.response.status >= 400;
    }
    return o;
  }

  Response call_api(const Request& r) {
    if (!api_) return error_response(404, "not_found", "There is no API on this server.");
    return guarded([&] { return api_(r); });
  }

  // Runs a handler's function; what it throws becomes an error response.
  template <class F>
  static Response guarded(F&& f) {
    try {
      return f();
    } catch (const ApiError& e) {
      return error_response(e);
    } catch (...) {
      // Never the exception's text: it may hold internal details.
      return error_response(500, "internal", "The server could not handle this request.");
    }
  }

  // Responses that come later (Response::later) and have not been made yet: stop()
  // waits for them before it stops the I/O threads, which make and write them.
  void later_started() {
    std::lock_guard lock(later_mu_);
    ++later_pending_;
  }
  void later_finished() {
    {
      std::lock_guard lock(later_mu_);
      --later_pending_;
    }
    later_cv_.notify_all();
  }

  Response metrics_response() {
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_.render(open_connections());
    if (extra_metrics_) {
      try {
        std::string extra = extra_metrics_();
        if (!extra.empty() && extra.back() != '\n') extra.push_back('\n');
        r.body += extra;
      } catch (...) {
        return error_response(500, "internal", "The metrics could not be collected.");
      }
    }
    return r;
  }

  void add_security_headers(bhttp::fields& f) const {
    f.set("Content-Security-Policy", kContentSecurityPolicy);
    f.set("X-Content-Type-Options", "nosniff");
    f.set("Referrer-Policy", "no-referrer");
    f.set("X-Frame-Options", "DENY");
    f.set("Cross-Origin-Opener-Policy", "same-origin");
    f.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (tls()) f.set(bhttp::field::strict_transport_security, "max-age=31536000");
  }

  // Response -> the Beast message. HEAD keeps Content-Length but sends no body.
  bhttp::response<bhttp::string_body> to_beast(Response& r, unsigned version, bool head, bool keep_alive,
                                               bool no_store) const {
    bhttp::response<bhttp::string_body> res;
    res.version(version);
    int status = r.status;
    if (status < 200 || status > 599) {
      status = 500;
      r = error_response(500, "internal", "The server produced an invalid response.");
    }
    res.result(static_cast<unsigned>(status));
    for (const auto& [name, value] : r.headers)
      if (header_ok(name, value)) res.insert(name, value);
    if (!r.content_type.empty() && header_ok("Content-Type", r.content_type))
      res.set(bhttp::field::content_type, r.content_type);
    if (no_store && res.find(bhttp::field::cache_control) == res.end()) res.set(bhttp::field::cache_control, "no-store");
    add_security_headers(res.base());
    res.keep_alive(keep_alive);
    if (status == 204 || status == 304) {
      r.body.clear();
    } else {
      res.content_length(r.body.size());
      if (!head) res.body() = std::move(r.body);
    }
    return res;
  }

  // The access log is written in blocks: a line waits at most kLogDelay, or until
  // kLogBlock bytes wait, so a busy server writes a few times a second rather than
  // once per request (two writes per voter). stop() writes what is left.
  static constexpr std::chrono::milliseconds kLogDelay{250};
  static constexpr std::size_t kLogBlock = 64 * 1024;

  void record(const detail::AccessEntry& e, const std::string& metric_route) {
    metrics_.record(metric_route, e.method, e.status, e.ms / 1000.0);
    if (opt_.access_log == nullptr) return;
    const std::string line = detail::access_log_line(e, std::chrono::system_clock::now());
    std::lock_guard lock(log_mu_);
    const bool first = log_buffer_.empty();
    log_buffer_ += line;
    log_buffer_ += '\n';
    if (log_buffer_.size() >= kLogBlock || !log_timer_) {
      write_log_locked();
    } else if (first) {
      log_timer_->expires_after(kLogDelay);
      log_timer_->async_wait([this](beast::error_code) {
        std::lock_guard lock(log_mu_);
        write_log_locked();
      });
    }
  }

  void write_log_locked() {
    if (log_buffer_.empty() || opt_.access_log == nullptr) return;
    opt_.access_log->write(log_buffer_.data(), static_cast<std::streamsize>(log_buffer_.size()));
    opt_.access_log->flush();
    log_buffer_.clear();
  }

  std::size_t body_limit(const std::string& method, const std::string& target) const {
    if (opt_.body_limit_for) {
      std::string path;
      std::map<std::string, std::string> query;
      if (parse_target(target, path, query)) {
        try {
          if (const std::size_t n = opt_.body_limit_for(method, path); n > 0) return n;
        } catch (...) {
        }
      }
    }
    return opt_.max_body_bytes;
  }

  // ---- sessions --------------------------------------------------------------------

  void add_session(const std::shared_ptr<SessionBase>& s) {
    std::lock_guard lock(sessions_mu_);
    sessions_.emplace(s.get(), s);
  }
  void remove_session(SessionBase* s) {
    {
      std::lock_guard lock(sessions_mu_);
      sessions_.erase(s);
    }
    sessions_cv_.notify_all();
  }
  std::size_t open_connections() const {
    std::lock_guard lock(sessions_mu_);
    return sessions_.size();
  }

  // ---- lifecycle (Server's methods) --------------------------------------------

  void start();
  void stop(std::chrono::seconds grace);
  void wait() {
    std::unique_lock lock(life_mu_);
    life_cv_.wait(lock, [&] { return state_ == State::stopped || state_ == State::created; });
  }
  void handle_signals();
  net::thread_pool* handler_pool() { return handlers_ ? &*handlers_ : nullptr; }
  std::uint16_t port() const { return port_.load(); }
  std::string url() const {
    std::string host = opt_.host;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return std::string(tls() ? "https://" : "http://") + host + ":" + std::to_string(port());
  }

 protected:
  // Stops from a thread of our own (signal handlers and I/O threads must not block).
  void stop_in_background();
  // Destroys the io_context (and with it every remaining session) while Core lives.
  void tear_down() {
    stop(std::chrono::seconds(0));
    std::thread stopper;
    {
      std::lock_guard lock(life_mu_);
      stopper = std::move(stopper_);
    }
    if (stopper.joinable()) stopper.join();
    signals_.reset();
    acceptor_.reset();
    retry_timer_.reset();
    {
      std::lock_guard lock(log_mu_);
      log_timer_.reset();
    }
    ioc_.reset();
  }

 private:
  enum class State { created, running, stopping, stopped };

  void setup_tls();
  void do_accept();
  void accept_locked();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void reject(tcp::socket& socket);

  ServerOptions opt_;
  Handler api_;
  MetricsSource extra_metrics_;
  detail::StaticFiles files_;
  detail::Metrics metrics_;
  std::mutex log_mu_;
  std::string log_buffer_;                      // access log lines not yet written (log_mu_)
  std::optional<net::steady_timer> log_timer_;  // writes them kLogDelay after the first (log_mu_)
  std::mutex later_mu_;
  std::condition_variable later_cv_;
  std::size_t later_pending_ = 0;

  mutable std::mutex sessions_mu_;
  std::condition_variable sessions_cv_;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;

  std::mutex life_mu_;
  std::condition_variable life_cv_;
  State state_ = State::created;
  std::thread stopper_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint16_t> port_{0};
  std::string reject_response_;  // prebuilt 503 for connections beyond max_connections

  // Destroyed explicitly by tear_down(), in this order: signals, acceptor, io_context.
  std::optional<net::io_context> ioc_;
  std::optional<ssl::context> ssl_ctx_;
  std::mutex acceptor_mu_;  // acceptor_ is used by the accept chain and by stop()
  std::optional<tcp::acceptor> acceptor_;
  std::optional<net::steady_timer> retry_timer_;
  std::optional<net::signal_set> signals_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::optional<net::thread_pool> handlers_;  // joined by stop() before the I/O threads
};

// ---- the session -------------------------------------------------------------------

template <bool Tls>
class Session final : public SessionBase {
  using Stream = std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

 public:
  Session(Core& core, tcp::socket&& socket, std::string client)
      : core_(core),
        executor_(socket.get_executor()),
        stream_(make_stream(std::move(socket), core)),
        deadline_(executor_),
        client_(std::move(client)),
        accepted_(Clock::now()) {}

  ~Session() override { core_.remove_session(this); }

  void run() {
    net::dispatch(executor_, [self = self()] { self->start(); });
  }

  void request_shutdown() override {
    net::post(executor_, [self = self()] { self->on_shutdown(); });
  }

 private:
  enum class Phase { handshake, idle, reading, handling, writing, closing, closed };

  static Stream make_stream(tcp::socket&& socket, Core& core) {
    if constexpr (Tls)
      return Stream(std::move(socket), core.ssl_context());
    else
      return Stream(std::move(socket));
  }

  std::shared_ptr<Session> self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  const ServerOptions& opt() const { return core_.options(); }

  void start() {
    if constexpr (Tls) {
      phase_ = Phase::handshake;
      lowest().expires_after(opt().read_timeout);
      stream_.async_handshake(ssl::stream_base::server, [self = self()](beast::error_code ec) {
        if (ec || self->phase_ == Phase::closed) return self->close();
        self->wait_request();
      });
    } else {
      wait_request();
    }
  }

  void on_shutdown() {
    shutdown_ = true;
    if (phase_ == Phase::handshake || phase_ == Phase::idle || phase_ == Phase::closing) close();
  }

  // idle: wait for the first byte of the next request.
  void wait_request() {
    if (shutdown_ || core_.stopping()) return close();
    const Clock::time_point start = first_ ? accepted_ : Clock::now();
    if (buffer_.size() > 0) return begin_request(start);  // pipelined
    phase_ = Phase::idle;
    if (first_)
      lowest().expires_at(accepted_ + opt().read_timeout);
    else
      lowest().expires_after(opt().idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk), [self = self()](beast::error_code ec, std::size_t n) {
      self->buffer_.commit(n);
      if (ec || self->phase_ == Phase::closed) return self->close();
      self->begin_request(self->first_ ? self->accepted_ : Clock::now());
    });
  }

  void begin_request(Clock::time_point start) {
    phase_ = Phase::reading;
    timed_out_ = false;
    linger_ = false;
    parser_.emplace();
    header_.emplace(opt().max_header_bytes);
    parser_->body_limit(boost::none);  // set per route once the header is in
    const Clock::time_point deadline = start + opt().read_timeout;
    lowest().expires_at(deadline + kReadBackstop);
    deadline_.expires_at(deadline);
    deadline_.async_wait([self = self(), gen = ++gen_](beast::error_code ec) {
      if (ec || gen != self->gen_ || self->phase_ != Phase::reading) return;
      self->timed_out_ = true;
      self->lowest().cancel();
    });
    read_header();
  }

  // Reads the header piece by piece and feeds the parser itself (HeaderReader), so
  // the whole header stays within max_header_bytes however it is split.
  void read_header() {
    beast::error_code ec;
    if (header_->feed(*parser_, buffer_, ec)) return on_header(ec);
    stream_.async_read_some(buffer_.prepare(kReadChunk), [self = self()](beast::error_code ec, std::size_t n) {
      self->buffer_.commit(n);
      if (ec == net::error::eof)
        ec = self->parser_->got_some() || self->header_->consumed() > 0 ? bhttp::error::partial_message
                                                                       : bhttp::error::end_of_stream;
      if (ec) return self->on_header(ec);
      self->read_header();
    });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    const auto& req = parser_->get();
    const std::size_t limit = core_.body_limit(std::string(req.method_string()), std::string(req.target()));
    if (const auto length = parser_->content_length(); length && *length > limit)
      return on_read_error(bhttp::error::body_limit);
    parser_->body_limit(limit);
    if (!parser_->is_done() && beast::iequals(req[bhttp::field::expect], "100-continue")) {
      continue_.emplace(bhttp::status::continue_, req.version());
      bhttp::async_write(stream_, *continue_, [self = self()](beast::error_code wec, std::size_t) {
        if (wec) return self->on_read_error(wec);
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    if (parser_->is_done()) return on_read({});
    bhttp::async_read(stream_, buffer_, *parser_, [self = self()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    ++gen_;
    deadline_.cancel();
    if (ec) return on_read_error(ec);
    handle();
  }

  void on_read_error(beast::error_code ec) {
    ++gen_;
    deadline_.cancel();
    if (phase_ == Phase::closed) return;
    if (timed_out_ && ec != beast::error::timeout)
      return send_error(408, "timeout", "The request did not arrive in time.");
    if (ec == bhttp::error::header_limit)
      return send_error(431, "headers_too_large", "The request headers are too large.");
    if (ec == bhttp::error::body_limit) return send_error(413, "body_too_large", "The request body is too large.");
    const bool parse_error = ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
                             ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
                             ec != bhttp::error::buffer_overflow;
    if (parse_error) return send_error(400, "bad_request", "The request is malformed.");
    close();  // EOF, reset, backstop timeout, stop(): nobody to answer
  }

  // An error found while reading: answer, then close (draining what is left).
  void send_error(int status, const std::string& code, const std::string& message) {
    Request info;
    if (parser_ && parser_->is_header_done()) {
      info.method = std::string(parser_->get().method_string());
      info.target = std::string(parser_->get().target());
    }
    Outcome o;
    o.response = error_response(status, code, message);
    o.log_route = Core::log_route_for(info.target);
    o.metric_route = "-";
    linger_ = true;
    started_ = Clock::now();
    const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    respond(std::move(o), info.method.empty() ? "-" : info.method, version, false, false);
  }

  void handle() {
    phase_ = Phase::handling;
    started_ = Clock::now();
    bhttp::request<bhttp::string_body> req = parser_->release();
    parser_.reset();
    Request r = request_from_beast(req, client_, Tls);
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    net::thread_pool* pool = core_.handler_pool();
    if (!pool || core_.runs_inline(r)) return handled(core_.dispatch(r), r.method, version, keep_alive);
    // On the handler pool; the answer comes back to this session's strand.
    net::post(*pool, [self = self(), r = std::move(r), version, keep_alive]() mutable {
      thread_local const bool named = (name_this_thread("allot-handler"), true);
      (void)named;
      Outcome o = self->core_.dispatch(r);
      net::post(self->executor_, [self, o = std::move(o), method = std::move(r.method), version, keep_alive]() mutable {
        self->handled(std::move(o), std::move(method), version, keep_alive);
      });
    });
  }

  void handled(Outcome o, std::string method, unsigned version, bool keep_alive) {
    if (o.response.later) return answer_later(std::move(o), std::move(method), version, keep_alive);
    const bool keep = keep_alive && !shutdown_ && !core_.stopping();
    const bool head = method == "HEAD";
    respond(std::move(o), std::move(method), version, head, keep);
  }

  // A response that comes later: the handler's work calls `finish` once, from any
  // thread; the response is made and written on this session's strand.
  void answer_later(Outcome o, std::string method, unsigned version, bool keep_alive) {
    auto later = std::move(o.response.later);
    core_.later_started();
    auto once = std::make_shared<std::atomic<bool>>(false);
    Response::Finish finish = [self = self(), once, log_route = std::move(o.log_route),
                               metric_route = std::move(o.metric_route), no_store = o.no_store,
                               method = std::move(method), version, keep_alive](Response::Make make) {
      if (once->exchange(true)) return;  // exactly once
      net::post(self->executor_, [self, make = std::move(make), log_route, metric_route, no_store, method, version,
                                  keep_alive]() mutable {
        Outcome made{Core::guarded(make), std::move(log_route), std::move(metric_route), no_store};
        made.response.later = nullptr;  // a made response is final
        self->answering_later_ = true;  // counted as pending until written (on_write)
        self->handled(std::move(made), std::move(method), version, keep_alive);
      });
    };
    try {
      later(finish);
    } catch (...) {
      finish([]() -> Response { throw std::runtime_error("the handler's later work failed to start"); });
    }
  }

  void respond(Outcome o, std::string method, unsigned version, bool head, bool keep) {
    phase_ = Phase::writing;
    keep_ = keep;
    entry_ = detail::AccessEntry{client_, std::move(method), std::move(o.log_route), 0, 0, 0};
    metric_route_ = std::move(o.metric_route);
    try {
      res_ = core_.to_beast(o.response, version, head, keep, o.no_store);
    } catch (...) {
      Response fallback = error_response(500, "internal", "The server produced an invalid response.");
      keep_ = false;
      res_ = core_.to_beast(fallback, version, head, false, true);
    }
    entry_.status = static_cast<int>(res_.result_int());
    entry_.bytes = res_.body().size();
    lowest().expires_after(opt().write_timeout);
    bhttp::async_write(stream_, res_, [self = self()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    if (answering_later_) {
      answering_later_ = false;
      core_.later_finished();
    }
    entry_.ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
    core_.record(entry_, metric_route_);
    res_ = {};
    if (ec || phase_ == Phase::closed) return close();
    if (!keep_) return finish();
    first_ = false;
    wait_request();
  }

  // After the last response: TLS close_notify, or a half-close (and a drain after an
  // error response, so the client reads our answer rather than a reset).
  void finish() {
    phase_ = Phase::closing;
    if (shutdown_) return close();
    if constexpr (Tls) {
      lowest().expires_after(std::min<std::chrono::seconds>(opt().write_timeout, kLingerTime));
      stream_.async_shutdown([self = self()](beast::error_code) { self->close(); });
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      if (!linger_ || core_.stopping()) return close();
      lowest().expires_after(kLingerTime);
      drain();
    }
  }

  void drain() {
    lowest().async_read_some(net::buffer(drain_buffer_), [self = self()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->phase_ != Phase::closing || self->drained_ > kLingerBytes) return self->close();
      self->drain();
    });
  }

  void close() {
    if (phase_ == Phase::closed) return;
    phase_ = Phase::closed;
    ++gen_;
    deadline_.cancel();
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  Core& core_;
  net::any_io_executor executor_;
  Stream stream_;
  net::steady_timer deadline_;
  const std::string client_;
  const Clock::time_point accepted_;

  Phase phase_ = Phase::idle;
  bool first_ = true;      // no response written yet on this connection
  bool shutdown_ = false;  // stop() asked us to finish
  bool timed_out_ = false; // our read deadline cancelled the read
  bool linger_ = false;    // drain before closing (after an error response)
  bool keep_ = false;
  bool answering_later_ = false;  // writing a response that came later (Core counts it until written)
  unsigned gen_ = 0;       // invalidates deadline handlers of earlier requests
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  bhttp::response<bhttp::string_body> res_;
  Clock::time_point started_;  // the request was read: handling and writing from here
  detail::AccessEntry entry_;
  std::string metric_route_;
  std::array<char, 4096> drain_buffer_{};
  std::size_t drained_ = 0;
  std::optional<HeaderReader> header_;  // of the request being read
};

// ---- listener and lifecycle ----------------------------------------------------------

void Core::setup_tls() {
  if (opt_.tls_cert.empty() && opt_.tls_key.empty()) return;
  if (opt_.tls_cert.empty() || opt_.tls_key.empty())
    throw std::runtime_error("TLS needs both a certificate chain file and a private key file");
  for (const auto& [what, path] : {std::pair{"certificate chain", opt_.tls_cert}, std::pair{"private key", opt_.tls_key}}) {
    std::ifstream probe(path);
    if (!probe) throw std::runtime_error(std::string("cannot read the TLS ") + what + " file " + path.string());
  }
  ssl::context ctx(ssl::context::tls_server);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                  ssl::context::single_dh_use);
  SSL_CTX* h = ctx.native_handle();
  SSL_CTX_set_min_proto_version(h, TLS1_2_VERSION);
  SSL_CTX_set_options(h, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  if (SSL_CTX_set_cipher_list(h, kTls12Ciphers) != 1 || SSL_CTX_set_ciphersuites(h, kTls13Suites) != 1)
    throw std::runtime_error("cannot configure the TLS cipher suites");
  beast::error_code ec;
  ctx.use_certificate_chain_file(opt_.tls_cert.string(), ec);
  if (ec)
    throw std::runtime_error("cannot load the TLS certificate chain " + opt_.tls_cert.string() + ": " + ec.message());
  ctx.use_private_key_file(opt_.tls_key.string(), ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot load the TLS private key " + opt_.tls_key.string() + ": " + ec.message());
  if (SSL_CTX_check_private_key(h) != 1)
    throw std::runtime_error("the TLS private key " + opt_.tls_key.string() + " does not match the certificate " +
                             opt_.tls_cert.string());
  ssl_ctx_.emplace(std::move(ctx));
}

void Core::start() {
  std::lock_guard life(life_mu_);
  if (state_ != State::created) throw std::logic_error("Server::start: the server was already started");
  setup_tls();

  beast::error_code ec;
  tcp::resolver resolver(*ioc_);
  const auto results = resolver.resolve(opt_.host, std::to_string(opt_.port),
                                        tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    throw std::runtime_error("cannot resolve the listen address '" + opt_.host + "': " + ec.message());
  const tcp::endpoint endpoint = results.begin()->endpoint();
  const std::string where = opt_.host + ":" + std::to_string(opt_.port);
  tcp::acceptor acceptor(*ioc_);
  if (acceptor.open(endpoint.protocol(), ec); ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (acceptor.bind(endpoint, ec); ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec)
    throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  port_ = acceptor.local_endpoint(ec).port();
  acceptor_.emplace(std::move(acceptor));
  retry_timer_.emplace(*ioc_);
  {
    std::lock_guard lock(log_mu_);
    log_timer_.emplace(*ioc_);
  }

  Response busy = error_response(503, "busy", "The server has too many connections; try again shortly.");
  busy.headers.emplace_back("Retry-After", "1");
  auto res = to_beast(busy, 11, false, false, true);
  std::ostringstream raw;
  raw << res;
  reject_response_ = raw.str();

  work_.emplace(ioc_->get_executor());
  state_ = State::running;
  if (opt_.handler_threads > 0) handlers_.emplace(static_cast<std::size_t>(opt_.handler_threads));
  do_accept();
  const int n = std::max(1, opt_.io_threads);
  for (int i = 0; i < n; ++i)
    threads_.emplace_back([this] {
      name_this_thread("allot-io");
      for (;;) {
        try {
          ioc_->run();
          return;
        } catch (const std::exception& e) {
          std::cerr << "allot http: unexpected error in an I/O thread: " << e.what() << "\n";
        }
      }
    });
}

void Core::do_accept() {
  std::lock_guard lock(acceptor_mu_);
  accept_locked();
}

// REQUIRES: acceptor_mu_ held.
void Core::accept_locked() {
  if (stopping_ || !acceptor_->is_open()) return;
  acceptor_->async_accept(net::make_strand(*ioc_), [this](beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void Core::on_accept(beast::error_code ec, tcp::socket socket) {
  // Under acceptor_mu_: stop() sets stopping_ and closes the acceptor under it too, so
  // a session registered here is always seen by stop() (or never created).
  std::lock_guard lock(acceptor_mu_);
  if (ec == net::error::operation_aborted || stopping_) return;
  if (ec) {
    // Out of descriptors and the like: wait a moment instead of spinning.
    retry_timer_->expires_after(std::chrono::milliseconds(50));
    retry_timer_->async_wait([this](beast::error_code) { do_accept(); });
    return;
  }
  std::string client = client_address(socket);
  if (client.empty()) {
    beast::error_code ignored;
    socket.close(ignored);
  } else if (open_connections() >= opt_.max_connections) {
    reject(socket);
  } else if (tls()) {
    auto s = std::make_shared<Session<true>>(*this, std::move(socket), std::move(client));
    add_session(s);
    s->run();
  } else {
    auto s = std::make_shared<Session<false>>(*this, std::move(socket), std::move(client));
    add_session(s);
    s->run();
  }
  accept_locked();
}

// Beyond max_connections: plain HTTP gets a prebuilt 503 (one non-blocking write, so a
// flood costs nothing to wait for); TLS connections are closed at once.
void Core::reject(tcp::socket& socket) {
  metrics_.connection_rejected();
  beast::error_code ignored;
  if (!tls()) {
    socket.non_blocking(true, ignored);
    socket.write_some(net::buffer(reject_response_), ignored);
    socket.shutdown(tcp::socket::shutdown_send, ignored);
  }
  socket.close(ignored);
}

void Core::stop_in_background() {
  std::lock_guard lock(life_mu_);
  if (state_ != State::running || stopper_.joinable()) return;
  stopper_ = std::thread([this] { stop(std::chrono::seconds(10)); });
}

void Core::stop(std::chrono::seconds grace) {
  if (ioc_ && ioc_->get_executor().running_in_this_thread()) return stop_in_background();
  {
    std::unique_lock life(life_mu_);
    if (state_ == State::created) {
      state_ = State::stopped;
      life_cv_.notify_all();
      return;
    }
    if (state_ != State::running) {
      life_cv_.wait(life, [&] { return state_ == State::stopped; });
      return;
    }
    state_ = State::stopping;
  }
  const auto deadline = Clock::now() + grace;
  {
    std::lock_guard lock(acceptor_mu_);
    stopping_ = true;
    beast::error_code ignored;
    acceptor_->close(ignored);  // new connections are refused from here on
  }
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(sessions_mu_);
    for (auto& [ptr, weak] : sessions_)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->request_shutdown();
  live.clear();
  {
    std::unique_lock lock(sessions_mu_);
    sessions_cv_.wait_until(lock, deadline, [&] { return sessions_.empty(); });
  }
  // Handlers still running finish (the store answers every call); their answers are
  // posted to the sessions while the I/O threads still run. So are the responses
  // that come later (a ballot waiting for its commit): the I/O threads make them.
  if (handlers_) handlers_->join();
  {
    std::unique_lock lock(later_mu_);
    later_cv_.wait(lock, [&] { return later_pending_ == 0; });
  }
  work_.reset();
  ioc_->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  {
    std::lock_guard lock(log_mu_);
    write_log_locked();  // every line is written once the server has stopped
  }
  {
    std::lock_guard life(life_mu_);
    state_ = State::stopped;
  }
  life_cv_.notify_all();
}

void Core::handle_signals() {
  std::lock_guard life(life_mu_);
  if (signals_ || state_ == State::stopped) return;
  signals_.emplace(*ioc_, SIGINT, SIGTERM);
  signals_->async_wait([this](beast::error_code ec, int) {
    if (!ec) stop_in_background();
  });
}

}  // namespace

struct Server::Impl : Core {
  using Core::Core;
  ~Impl() { tear_down(); }
};

Server::Server(ServerOptions options, Handler api, MetricsSource extra_metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(api), std::move(extra_metrics))) {}

Server::~Server() = default;

void Server::start() { impl_->start(); }
std::uint16_t Server::port() const { return impl_->port(); }
std::string Server::url() const { return impl_->url(); }
void Server::wait() { impl_->wait(); }
void Server::stop(std::chrono::seconds grace) { impl_->stop(grace); }
void Server::handle_signals() { impl_->handle_signals(); }

}  // namespace allot::http
