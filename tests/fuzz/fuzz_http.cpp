// The HTTP request path: bytes -> Beast's request parser with the server's limits
// (http/src/server.cpp) -> the allot Request (request_from_beast, as the server) ->
// parse_target -> Api::handle, over a store in a temporary directory holding an
// open election with voting codes ("test-2026", tests/support/store_fixture.hpp), a
// draft election ("draft-2026") and an admin.
//
// The input is what a client sends on one connection: up to kMaxRequests pipelined
// requests. A parse error, a header or body over the limit, or an incomplete
// request ends it, as the server answers 400 / 431 / 413 / waits and closes.
// Credentials the fuzzer cannot guess are written as placeholders, replaced in the
// target, header values and body of each request:
//   $O  the admin's session token (cookie allot_session=$O)   $X  its CSRF token
//   $C  an unused voting code     $N  a voting code of district north
//   $S  the ballot session token of the latest code exchange in this input
// For any bytes: every response has a status 200..599 that is not 500 (the API's
// answer to an exception it did not expect), and a JSON body that parses, with
// "error" and "message" when the status is 400 or more.
//
// Determinism: the clock is fixed, rate limits and sign-in lockout are off, and
// after an input that changed the store (a state-changing method answered 2xx) the
// store is restored from a copy made at start and the API rebuilt, so every input
// starts from the same state and a crash reproduces from its file alone. (State
// does not grow: nothing persists from one input to the next.) The admin signs in
// when an input first uses $O or $X: scrypt makes a sign-in the slowest step.
// With ALLOT_FUZZ_TRACE=1 in the environment each request and its answer go to
// stderr, to read what a finding did.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "allot/http/api.hpp"
#include "allot/http/beast_request.hpp"
#include "allot/http/header_reader.hpp"
#include "allot/http/server.hpp"
#include "allot/storage/store.hpp"
#include "fuzz_check.hpp"
#include "store_fixture.hpp"

using namespace allot;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kMaxRequests = 4;
const std::string kPassword = "fuzz admin password";

// The body limit of `allot serve` (app/cli_serve.cpp): 64 MiB for a file import,
// the server's default for every other route.
std::size_t body_limit(const std::string& method, const std::string& path) {
  const std::string tail = "/import";
  const bool import = method == "POST" && path.size() > tail.size() &&
                      path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
  return import ? std::size_t{64} << 20 : http::ServerOptions{}.max_body_bytes;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
}

class World {
 public:
  World() {
    // The template: built once, copied back after every input that changed it.
    testing::FakeClock clock;
    store::Store s(testing::store_options(template_.path(), clock));
    s.create_user("setup", "root", kPassword, store::Role::Admin);
    const auto codes = testing::prepare_election(s, 1, 1);
    code_ = codes.codes.at(0);
    north_code_ = codes.north_codes.at(0);
    testing::prepare_election(s, 0, 0, /*open=*/false, "draft-2026");
  }

  // Restores the store and rebuilds the API (no one signed in).
  void reset() {
    api_.reset();
    store_.reset();
    for (const auto& e : fs::directory_iterator(work_.path())) fs::remove_all(e.path());
    fs::copy(template_.path(), work_.path(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    store_ = std::make_unique<store::Store>(testing::store_options(work_.path(), clock_));
    http::ApiOptions ao;
    ao.secure_cookies = false;
    ao.clock = clock_.fn();
    ao.code_failures_per_client_per_minute = 0;
    ao.code_failures_global_per_minute = 0;
    ao.signin_failures_before_lockout = 0;
    api_ = std::make_unique<http::Api>(*store_, ao);
    officer_.clear();
    csrf_.clear();
    dirty_ = false;
  }

  // Signs the admin in: only for an input that uses $O or $X (scrypt is slow).
  void sign_in() {
    http::Request r;
    r.method = "POST";
    r.target = "/api/v1/officer/signin";
    r.headers["content-type"] = "application/json";
    r.body = json{{"username", "root"}, {"password", kPassword}}.dump();
    r.client = "127.0.0.1";
    const http::Response res = api_->handle(r);
    fuzz::require(res.status == 200, "the admin cannot sign in", res.body);
    csrf_ = json::parse(res.body).at("csrf").get<std::string>();
    for (const auto& [name, value] : res.headers)
      if (name == "Set-Cookie") officer_ = value.substr(value.find('=') + 1, value.find(';') - value.find('=') - 1);
  }

  void run(std::string_view input) {
    if (dirty_ || !api_) reset();
    std::string session;  // $S
    for (int n = 0; n < kMaxRequests && !input.empty(); ++n) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(boost::none);  // set once the header is in, as the server does
      parser.eager(false);
      boost::beast::error_code ec;
      {
        // The header through the server's HeaderReader, with the server's limit.
        http::HeaderReader header(http::ServerOptions{}.max_header_bytes);
        boost::beast::flat_buffer pending;
        pending.commit(boost::asio::buffer_copy(pending.prepare(input.size()), boost::asio::buffer(input.data(), input.size())));
        const bool finished = header.feed(parser, pending, ec);
        input.remove_prefix(input.size() - pending.size());
        if (!finished || ec) return;  // an incomplete header (the server waits), or 400 / 431
      }
      {
        const auto& h = parser.get();
        std::string path;
        std::map<std::string, std::string> query;
        const std::size_t limit = http::parse_target(std::string(h.target()), path, query)
                                      ? body_limit(std::string(h.method_string()), path)
                                      : http::ServerOptions{}.max_body_bytes;
        if (const auto length = parser.content_length(); length && *length > limit) return;  // 413
        parser.body_limit(limit);
      }
      parser.eager(true);
      while (!parser.is_done()) {
        if (input.empty()) return;  // the rest of the body never comes: the server times out
        const std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
        input.remove_prefix(used);
        if (ec == bhttp::error::need_more) {
          if (used == 0) return;
          continue;
        }
        if (ec) return;  // 400 or 413
      }
      auto req = parser.release();
      const bool keep_alive = req.keep_alive();
      http::Request r = http::request_from_beast(req, "127.0.0.1", false);
      substitute(r, session);
      if (!http::parse_target(r.target, r.path, r.query)) continue;  // the server's 400 bad_target
      if (r.path.rfind("/api/", 0) != 0) continue;                   // static files, /healthz: not here
      const http::Response res = api_->handle(r);
      if (trace_) std::fprintf(stderr, "%s %s -> %d %s\n", r.method.c_str(), r.target.c_str(), res.status, res.body.c_str());
      check(r, res);
      if (res.status >= 200 && res.status < 300 && r.method != "GET" && r.method != "HEAD") dirty_ = true;
      if (res.status == 200 && r.path.size() > 8 && r.path.compare(r.path.size() - 8, 8, "/session") == 0)
        session = json::parse(res.body).value("session", std::string());
      if (!keep_alive) return;
    }
  }

 private:
  void substitute(http::Request& r, const std::string& session) {
    auto apply = [&](std::string& s) {
      if (s.find('$') == std::string::npos) return;
      if (officer_.empty() && (s.find("$O") != std::string::npos || s.find("$X") != std::string::npos)) sign_in();
      replace_all(s, "$O", officer_);
      replace_all(s, "$X", csrf_);
      replace_all(s, "$C", code_);
      replace_all(s, "$N", north_code_);
      replace_all(s, "$S", session);
    };
    apply(r.target);
    apply(r.body);
    for (auto& [name, value] : r.headers) apply(value);
  }

  static void check(const http::Request& r, const http::Response& res) {
    const std::string what = r.method + " " + r.target + " -> " + std::to_string(res.status) + " " + res.body;
    fuzz::require(res.status >= 200 && res.status <= 599, "a status out of range", what);
    fuzz::require(res.status != 500, "an internal error (an exception the API did not expect)", what);
    if (res.content_type != "application/json" || res.body.empty()) return;
    json body;
    try {
      body = json::parse(res.body);
    } catch (const json::exception&) {
      fuzz::require(false, "a JSON response that does not parse", what);
    }
    if (res.status >= 400)
      fuzz::require(body.is_object() && body.contains("error") && body.contains("message"),
                    "an error without \"error\" and \"message\"", what);
  }

  testing::TempDir template_{"fuzz-template"};
  testing::TempDir work_{"fuzz-http"};
  testing::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<http::Api> api_;
  std::string code_, north_code_, officer_, csrf_;
  bool dirty_ = false;
  // ALLOT_FUZZ_TRACE=1: each request and its answer on stderr (to read a finding).
  const bool trace_ = std::getenv("ALLOT_FUZZ_TRACE") != nullptr;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  world.run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
