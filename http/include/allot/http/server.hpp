// The HTTP(S) server: Boost.Beast over Asio, HTTP/1.1 with keep-alive, a small pool
// of I/O threads, optional TLS (1.2+). It owns the transport only: limits and
// timeouts, static files from web/, security headers, /healthz, /metrics, the access
// log and graceful shutdown. Everything under /api/ goes to a handler function.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "allot/http/message.hpp"

namespace allot::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;                 // 0 picks a free port
  int io_threads = 2;
  // Handlers may wait for a durable commit (a few milliseconds of fsync): they run on
  // a pool of their own so that the I/O threads keep reading and writing meanwhile,
  // and so that many ballots wait for the same commit (the store's group commit).
  // A waiting handler holds its thread, so the pool's size caps how many ballots can
  // share a commit: 16 threads gave groups of about 10, 128 groups of 35-45 and less
  // CPU per ballot (docs/PERFORMANCE.md, "Handler threads and commit groups").
  // 0 runs handlers on the I/O threads.
  int handler_threads = 128;
  // Optional: given a request's method and path (without the query), whether its
  // handler is quick and never waits for a commit, so it runs on the I/O thread that
  // read it (two thread hand-offs fewer). E.g. exchanging a voting code for a ballot
  // session, a read of one indexed row.
  std::function<bool(const std::string& method, const std::string& path)> run_inline;
  std::filesystem::path web_root;            // static front end; empty: none
  std::filesystem::path tls_cert, tls_key;   // both set: HTTPS only
  std::size_t max_connections = 1024;        // beyond: 503 and close (TLS: closed at once)
  std::size_t max_header_bytes = 8 * 1024;  // beyond: 431
  std::size_t max_body_bytes = 256 * 1024;  // default per route; beyond: 413
  // Optional per-route body limit: given a request's method and decoded path, the
  // most body bytes it may carry (0: max_body_bytes). E.g. larger for file imports.
  std::function<std::size_t(const std::string& method, const std::string& path)> body_limit_for;
  std::chrono::seconds read_timeout{10};    // a request must arrive within this: else 408
  std::chrono::seconds write_timeout{10};
  std::chrono::seconds idle_timeout{30};    // keep-alive connections
  // One JSON object per line (route, status, duration, bytes; never bodies,
  // codes, tokens or cookies). Null: no access log.
  std::ostream* access_log = nullptr;
};

using Handler = std::function<Response(const Request&)>;

// Extra text appended to /metrics (the API's own counters).
using MetricsSource = std::function<std::string()>;

class Server {
 public:
  Server(ServerOptions options, Handler api, MetricsSource extra_metrics = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (throws std::runtime_error with a clear message on failure).
  void start();
  std::uint16_t port() const;  // the bound port (after start)
  std::string url() const;     // e.g. "http://127.0.0.1:8080"
  // Blocks until stop() (or SIGINT/SIGTERM when handle_signals was called) has
  // finished; returns at once when the server was never started.
  void wait();
  // Stops accepting, lets in-flight requests finish (up to `grace`), then stops.
  // Idle keep-alive connections close at once; responses written meanwhile say
  // "Connection: close". Returns when stopped (a handler still running after `grace`
  // delays the return until it ends: its thread is joined). Idempotent; called from
  // a handler it only starts the stop (in a thread of its own) and returns.
  void stop(std::chrono::seconds grace = std::chrono::seconds(10));
  // Installs SIGINT/SIGTERM handling that calls stop().
  void handle_signals();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace allot::http
