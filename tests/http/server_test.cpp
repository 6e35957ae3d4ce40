// The real Server on 127.0.0.1 (port 0) with fake handlers, driven by the test client:
// routing, static files, limits, timeouts, TLS, metrics, the access log and graceful
// shutdown. Synchronisation is by futures and by what the sockets show, never by
// sleeping; the timeout tests wait for the timeout itself (1 s).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "allot/http/server.hpp"
#include "server_metrics.hpp"
#include "http_client.hpp"

namespace allot::http {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::HttpClient;
using testing::RawSocket;
using testing::Reply;
using nlohmann::json;

constexpr const char* kHost = "127.0.0.1";
constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

// A fresh directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "allot-http-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_file(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

// A handler that answers with what it received.
Response echo(const Request& r) {
  json headers = json::object();
  for (const auto& [k, v] : r.headers) headers[k] = v;
  return json_response(200, {{"method", r.method},
                             {"target", r.target},
                             {"path", r.path},
                             {"query", r.query},
                             {"headers", headers},
                             {"body", r.body},
                             {"client", r.client},
                             {"tls", r.tls}});
}

std::unique_ptr<Server> start_server(ServerOptions o, Handler h = echo, MetricsSource m = {}) {
  o.host = kHost;
  o.port = 0;
  auto s = std::make_unique<Server>(std::move(o), std::move(h), std::move(m));
  s->start();
  return s;
}

void expect_security_headers(const Reply& r, bool tls = false) {
  EXPECT_EQ(r.header("content-security-policy"), kCsp) << r.status;
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("referrer-policy"), "no-referrer");
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
  EXPECT_EQ(r.header("cross-origin-opener-policy"), "same-origin");
  EXPECT_EQ(r.header("permissions-policy"), "camera=(), microphone=(), geolocation=()");
  if (tls)
    EXPECT_EQ(r.header("strict-transport-security"), "max-age=31536000");
  else
    EXPECT_FALSE(r.has_header("strict-transport-security"));
}

// A JSON error body {"error", "message"}.
void expect_json_error(const Reply& r, int status) {
  EXPECT_EQ(r.status, status);
  EXPECT_EQ(r.header("content-type"), "application/json");
  const json j = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_TRUE(j.contains("error") && j["error"].is_string()) << r.body;
  EXPECT_TRUE(j.contains("message") && j["message"].is_string()) << r.body;
}

// A front end with one file of each type.
void make_web_root(const fs::path& root) {
  write_file(root / "index.html", "<!doctype html><title>allot</title>");
  write_file(root / "app.js", "console.log('allot');");
  write_file(root / "style.css", "body{}");
  write_file(root / "data.json", "{}");
  write_file(root / "logo.svg", "<svg/>");
  write_file(root / "img.png", "PNG");
  write_file(root / "photo.jpg", "JPG");
  write_file(root / "pic.webp", "WEBP");
  write_file(root / "font.woff2", "WOFF2");
  write_file(root / "favicon.ico", "ICO");
  write_file(root / "robots.txt", "User-agent: *");
  write_file(root / "sub" / "page.html", "<p>sub</p>");
  write_file(root / ".hidden", "hidden");
}

// A self-signed certificate for 127.0.0.1 / localhost, written as PEM files.
struct TlsFiles {
  std::string cert, key;
};

TlsFiles make_self_signed(const fs::path& dir) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) throw std::runtime_error("key generation failed");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                             0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) throw std::runtime_error("certificate extension failed");
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(x, key, EVP_sha256()) == 0) throw std::runtime_error("signing failed");
  TlsFiles files{(dir / "cert.pem").string(), (dir / "key.pem").string()};
  BIO* out = BIO_new_file(files.cert.c_str(), "w");
  PEM_write_bio_X509(out, x);
  BIO_free(out);
  out = BIO_new_file(files.key.c_str(), "w");
  PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  BIO_free(out);
  X509_free(x);
  EVP_PKEY_free(key);
  return files;
}

// ---- routing and the API handler ------------------------------------------------------

TEST(ServerTest, HealthzAnswersOk) {
  auto server = start_server({});
  EXPECT_EQ(server->url(), "http://127.0.0.1:" + std::to_string(server->port()));
  HttpClient c(kHost, server->port());
  const Reply r = c.request("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.json(), json({{"status", "ok"}}));
  EXPECT_EQ(r.header("cache-control"), "no-store");
  expect_security_headers(r);
}

TEST(ServerTest, ApiHandlerGetsTheRequest) {
  auto server = start_server({});
  HttpClient c(kHost, server->port());
  const Reply r = c.request("POST", "/api/v1/things/a%20b?x=1&y=two+words", "{\"k\":1}",
                            {{"X-Custom", "Value"}, {"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = r.json();
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["target"], "/api/v1/things/a%20b?x=1&y=two+words");
  EXPECT_EQ(j["path"], "/api/v1/things/a b");
  EXPECT_EQ(j["query"], json({{"x", "1"}, {"y", "two words"}}));
  EXPECT_EQ(j["headers"]["x-custom"], "Value");
  EXPECT_EQ(j["headers"]["content-type"], "application/json");
  EXPECT_EQ(j["body"], "{\"k\":1}");
  EXPECT_EQ(j["client"], "127.0.0.1");
  EXPECT_EQ(j["tls"], false);
  EXPECT_EQ(r.header("cache-control"), "no-store");
  expect_security_headers(r);
}

TEST(ServerTest, ApiResponseIsPassedThrough) {
  auto server = start_server({}, [](const Request& req) {
    Response r;
    if (req.path == "/api/csv") {
      r.status = 201;
      r.content_type = "text/csv";
      r.body = "a,b\n1,2\n";
      r.headers = {{"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}, {"Retry-After", "5"}, {"Bad\r\nHeader", "x"},
                   {"X-Injected", "v\r\nEvil: 1"}};
    } else {
      r.body = "{}";
      r.headers = {{"Cache-Control", "public, max-age=60"}};
    }
    return r;
  });
  HttpClient c(kHost, server->port());
  const Reply r = c.request("GET", "/api/csv");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.header("content-type"), "text/csv");
  EXPECT_EQ(r.body, "a,b\n1,2\n");
  EXPECT_EQ(r.header("set-cookie"), "a=1, b=2");
  EXPECT_EQ(r.header("retry-after"), "5");
  EXPECT_FALSE(r.has_header("evil"));
  EXPECT_FALSE(r.has_header("x-injected"));
  EXPECT_EQ(r.header("cache-control"), "no-store");
  const Reply own = c.request("GET", "/api/cached");
  EXPECT_EQ(own.header("cache-control"), "public, max-age=60");
}

TEST(ServerTest, MalformedTargetIs400) {
  auto server = start_server({});
  HttpClient c(kHost, server->port());
  for (const char* target : {"/api/v1/%zz", "/api/v1/x?code=%", "/%00", "*"}) {
    const Reply r = c.request("GET", target);
    expect_json_error(r, 400);
    expect_security_headers(r);
  }
}

// A route marked run_inline is answered on the I/O thread: even with every handler
// thread busy (one, blocked here until the end of the test), it gets its answer.
TEST(ServerTest, InlineRoutesDoNotWaitForTheHandlerPool) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> blocking;
  std::atomic<bool> block_done{false};
  ServerOptions o;
  o.handler_threads = 1;
  o.run_inline = [](const std::string& method, const std::string& path) {
    return method == "POST" && path == "/api/quick";
  };
  auto server = start_server(o, [&](const Request& r) {
    if (r.path == "/api/block") {
      blocking.set_value();
      released.wait_for(std::chrono::seconds(10));  // bounded, so a failure cannot hang
      block_done = true;
    }
    return echo(r);
  });
  std::thread blocked([&] {
    HttpClient c(kHost, server->port());
    EXPECT_EQ(c.request("GET", "/api/block").status, 200);
  });
  blocking.get_future().wait();  // the one handler thread is now taken
  HttpClient c(kHost, server->port());
  const Reply quick = c.request("POST", "/api/quick?x=1", "{}");
  EXPECT_EQ(quick.status, 200);
  EXPECT_FALSE(block_done) << "the inline route waited for the busy handler thread";
  EXPECT_EQ(quick.json().at("path"), "/api/quick");
  release.set_value();
  blocked.join();
  EXPECT_EQ(c.request("GET", "/api/other").status, 200);  // the pool serves again
}

TEST(ServerTest, HandlerExceptionIs500AndTheServerGoesOn) {
  auto server = start_server({}, [](const Request& r) -> Response {
    if (r.path == "/api/throw") throw std::runtime_error("secret internal detail");
    if (r.path == "/api/int") throw 42;
    if (r.path == "/api/refuse") throw ApiError(409, "conflict", "Already used.");
    return json_response(200, {{"ok", true}});
  });
  HttpClient c(kHost, server->port());
  Reply r = c.request("GET", "/api/throw");
  expect_json_error(r, 500);
  EXPECT_EQ(r.body.find("secret internal detail"), std::string::npos);
  expect_security_headers(r);
  expect_json_error(c.request("GET", "/api/int"), 500);
  r = c.request("GET", "/api/refuse");
  expect_json_error(r, 409);
  EXPECT_EQ(r.json()["error"], "conflict");
  EXPECT_EQ(c.request("GET", "/api/fine").status, 200);
}

TEST(ServerTest, KeepAliveAndPipelining) {
  auto server = start_server({});
  RawSocket s(kHost, server->port());
  s.send(
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  for (int i = 0; i < 3; ++i) {
    const auto r = s.read_reply(10s);
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    if (i == 1) {
      EXPECT_EQ(r->json()["body"], "hello");
    }
  }
  EXPECT_FALSE(s.closed());
}

TEST(ServerTest, ExpectContinue) {
  auto server = start_server({});
  RawSocket s(kHost, server->port());
  s.send("POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  const auto cont = s.read_reply(10s);
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  s.send("hello");
  const auto r = s.read_reply(10s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->json()["body"], "hello");
}

// ---- metrics ------------------------------------------------------------------------------

TEST(ServerTest, MetricsInPrometheusFormat) {
  auto server = start_server(
      {},
      [](const Request& r) {
        Response res = json_response(r.path == "/api/v1/things/42" ? 200 : 404, json::object());
        if (r.path == "/api/v1/things/42") res.route = "/api/v1/things/{id}";
        return res;
      },
      [] { return std::string("# TYPE allot_api_custom_total counter\nallot_api_custom_total 7"); });
  HttpClient c(kHost, server->port());
  c.request("GET", "/api/v1/things/42");
  c.request("GET", "/api/v1/things/42");
  c.request("GET", "/api/v1/unknown/SECRETPATH");
  c.request("GET", "/healthz");
  c.request("GET", "/random/file.js");
  const Reply m = c.request("GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  expect_security_headers(m);
  const std::string& t = m.body;
  for (const char* want : {
           "# TYPE allot_http_requests_total counter\n",
           "allot_http_requests_total{route=\"/api/v1/things/{id}\",method=\"GET\",status=\"200\"} 2\n",
           "allot_http_requests_total{route=\"/api/\",method=\"GET\",status=\"404\"} 1\n",
           "allot_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1\n",
           "allot_http_requests_total{route=\"static\",method=\"GET\",status=\"404\"} 1\n",
           "# TYPE allot_http_request_duration_seconds histogram\n",
           "allot_http_request_duration_seconds_bucket{route=\"/api/v1/things/{id}\",le=\"+Inf\"} 2\n",
           "allot_http_request_duration_seconds_count{route=\"/api/v1/things/{id}\"} 2\n",
           "allot_http_request_duration_seconds_sum{route=\"/healthz\"} ",
           "allot_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.1\"} ",
           "# TYPE allot_http_open_connections gauge\n",
           "allot_http_open_connections 1\n",
           "allot_api_custom_total 7\n",
       })
    EXPECT_NE(t.find(want), std::string::npos) << want << "\n--- in ---\n" << t;
  EXPECT_EQ(t.find("SECRETPATH"), std::string::npos);
  EXPECT_EQ(t.find("/api/v1/things/42"), std::string::npos);
}

// ---- static files -------------------------------------------------------------------------

TEST(ServerTest, StaticFilesTypesAndCaching) {
  TempDir dir;
  make_web_root(dir.path());
  ServerOptions o;
  o.web_root = dir.path();
  auto server = start_server(o);
  HttpClient c(kHost, server->port());
  struct Case {
    const char* path;
    const char* type;
    const char* body;
  };
  for (const Case& k : {Case{"/", "text/html; charset=utf-8", "<!doctype html><title>allot</title>"},
                        Case{"/index.html", "text/html; charset=utf-8", nullptr},
                        Case{"/sub/page.html", "text/html; charset=utf-8", "<p>sub</p>"},
                        Case{"/app.js", "text/javascript; charset=utf-8", "console.log('allot');"},
                        Case{"/style.css", "text/css; charset=utf-8", nullptr},
                        Case{"/data.json", "application/json", nullptr},
                        Case{"/logo.svg", "image/svg+xml", nullptr},
                        Case{"/img.png", "image/png", "PNG"},
                        Case{"/photo.jpg", "image/jpeg", nullptr},
                        Case{"/pic.webp", "image/webp", nullptr},
                        Case{"/font.woff2", "font/woff2", nullptr},
                        Case{"/favicon.ico", "image/x-icon", nullptr},
                        Case{"/robots.txt", "text/plain; charset=utf-8", "User-agent: *"},
                        Case{"/app.js?v=3", "text/javascript; charset=utf-8", nullptr}}) {
    const Reply r = c.request("GET", k.path);
    EXPECT_EQ(r.status, 200) << k.path;
    EXPECT_EQ(r.header("content-type"), k.type) << k.path;
    if (k.body != nullptr) {
      EXPECT_EQ(r.body, k.body) << k.path;
    }
    const bool html = std::string(k.type).rfind("text/html", 0) == 0;
    EXPECT_EQ(r.header("cache-control"), html ? "no-cache" : "public, max-age=3600") << k.path;
    expect_security_headers(r);
  }
}

TEST(ServerTest, StaticHeadAndMethods) {
  TempDir dir;
  make_web_root(dir.path());
  ServerOptions o;
  o.web_root = dir.path();
  auto server = start_server(o);
  HttpClient c(kHost, server->port());
  const Reply head = c.request("HEAD", "/app.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(std::string("console.log('allot');").size()));
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(c.request("GET", "/healthz").status, 200);  // the connection is still in step
  const Reply post = c.request("POST", "/app.js", "x");
  expect_json_error(post, 405);
  EXPECT_EQ(post.header("allow"), "GET, HEAD");
}

TEST(ServerTest, SpaFallbackAndMissingAssets) {
  TempDir dir;
  make_web_root(dir.path());
  ServerOptions o;
  o.web_root = dir.path();
  auto server = start_server(o);
  HttpClient c(kHost, server->port());
  for (const char* route : {"/elections/42", "/officer", "/audit/receipt/", "/sub/deeper/route"}) {
    const Reply r = c.request("GET", route);
    EXPECT_EQ(r.status, 200) << route;
    EXPECT_EQ(r.body, "<!doctype html><title>allot</title>") << route;
    EXPECT_EQ(r.header("cache-control"), "no-cache");
  }
  for (const char* missing : {"/missing.js", "/sub/none.css", "/x/y.png", "/.hidden"}) {
    const Reply r = c.request("GET", missing);
    expect_json_error(r, 404);
    expect_security_headers(r);
  }
}

TEST(ServerTest, TraversalNeverLeavesTheWebRoot) {
  TempDir dir;
  const fs::path root = dir.path() / "web";
  make_web_root(root);
  write_file(dir.path() / "secret.txt", "TOPSECRET");
  fs::create_directory_symlink(dir.path(), root / "linkdir");
  fs::create_symlink(dir.path() / "secret.txt", root / "link.txt");
  ServerOptions o;
  o.web_root = root;
  auto server = start_server(o);
  for (const char* target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt", "/..%2Fsecret.txt",
        "/%2e%2e%2fsecret.txt", "/sub/../../secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt", "/sub/..%2f..%2fsecret.txt",
        "/..\\secret.txt", "/%5c..%5csecret.txt", "/..%5csecret.txt", "/link.txt", "/linkdir/secret.txt",
        "/linkdir/web/../secret.txt", "//../secret.txt", "/./secret.txt", "/%00", "/secret.txt%00.js",
        "/../web/../secret"}) {
    HttpClient c(kHost, server->port());
    Reply r;
    try {
      r = c.request("GET", target);
    } catch (const std::exception& e) {
      ADD_FAILURE() << target << ": " << e.what();
      continue;
    }
    EXPECT_TRUE(r.status == 400 || r.status == 404) << target << " -> " << r.status;
    EXPECT_EQ(r.body.find("TOPSECRET"), std::string::npos) << target;
    expect_security_headers(r);
  }
}

TEST(ServerTest, NoWebRootSaysSoPlainly) {
  TempDir dir;
  for (const fs::path& root : {fs::path(), dir.path() / "does-not-exist"}) {
    ServerOptions o;
    o.web_root = root;
    auto server = start_server(o);
    HttpClient c(kHost, server->port());
    const Reply r = c.request("GET", "/");
    expect_json_error(r, 404);
    EXPECT_NE(r.json()["message"].get<std::string>().find("not installed"), std::string::npos) << r.body;
    EXPECT_EQ(c.request("GET", "/healthz").status, 200);
  }
}

// ---- limits and timeouts ----------------------------------------------------------------

TEST(ServerTest, OversizedBodyIs413) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  auto server = start_server(o);
  {
    HttpClient c(kHost, server->port());
    const Reply r = c.request("POST", "/api/echo", std::string(64 * 1024, 'x'));
    expect_json_error(r, 413);
    expect_security_headers(r);
    EXPECT_EQ(r.header("connection"), "close");
    EXPECT_EQ(c.request("POST", "/api/echo", std::string(1024, 'x')).status, 200);  // at the limit: fine
  }
  {  // chunked: the limit applies while reading
    RawSocket s(kHost, server->port());
    s.send("POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    s.send("7d0\r\n" + std::string(2000, 'y') + "\r\n0\r\n\r\n");
    const auto r = s.read_reply(10s);
    ASSERT_TRUE(r);
    expect_json_error(*r, 413);
  }
}

TEST(ServerTest, PerRouteBodyLimit) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  o.body_limit_for = [](const std::string& method, const std::string& path) -> std::size_t {
    return method == "POST" && path == "/api/import" ? 100 * 1024 : 0;
  };
  auto server = start_server(o);
  HttpClient c(kHost, server->port());
  EXPECT_EQ(c.request("POST", "/api/import", std::string(50 * 1024, 'x')).status, 200);
  expect_json_error(c.request("POST", "/api/other", std::string(50 * 1024, 'x')), 413);
}

TEST(ServerTest, OversizedHeadersAre431) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  auto server = start_server(o);
  HttpClient c(kHost, server->port());
  const Reply r = c.request("GET", "/api/echo", "", {{"X-Big", std::string(4096, 'h')}});
  expect_json_error(r, 431);
  expect_security_headers(r);
  EXPECT_EQ(c.request("GET", "/api/echo", "", {{"X-Small", "h"}}).status, 200);
}

// A header that trickles in field by field stops at max_header_bytes. On loopback
// the kernel may join these small writes, so the split itself is tested with one
// piece per read in tests/unit/header_reader_test.cpp; this checks the answer.
TEST(ServerTest, HeaderSentInSmallPiecesIsStillLimited) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  auto server = start_server(o);
  RawSocket s(kHost, server->port());
  s.send("GET /api/echo HTTP/1.1\r\nHost: x\r\n");
  try {
    for (int i = 0; i < 400; ++i) s.send("X-F" + std::to_string(i) + ": v\r\n");
    s.send("\r\n");
  } catch (const std::exception&) {
    // The server may answer and close before the rest is sent.
  }
  const auto r = s.read_reply(10s);
  ASSERT_TRUE(r);
  expect_json_error(*r, 431);
}

// The request line and the fields share one limit. Beast's own limit applies to each
// in turn (the complete request line is consumed, then the fields get the whole
// limit again), so the server before HeaderReader answered 200 here.
TEST(ServerTest, RequestLineAndFieldsShareTheHeaderLimit) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  auto server = start_server(o);
  auto request = [](std::size_t each) {
    return "GET /api/echo?" + std::string(each, 'q') + " HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(each, 'p') +
           "\r\n\r\n";
  };
  RawSocket over(kHost, server->port());
  over.send(request(700));  // 1,445 bytes: each part under 1 KiB, together over
  const auto r = over.read_reply(10s);
  ASSERT_TRUE(r);
  expect_json_error(*r, 431);

  RawSocket under(kHost, server->port());
  under.send(request(300));  // 645 bytes
  const auto ok = under.read_reply(10s);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(ServerTest, MalformedRequestIs400) {
  auto server = start_server({});
  RawSocket s(kHost, server->port());
  s.send("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
  const auto r = s.read_reply(10s);
  ASSERT_TRUE(r);
  expect_json_error(*r, 400);
  expect_security_headers(*r);
}

TEST(ServerTest, SlowClientIsCutOffWhileOthersAreServed) {
  ServerOptions o;
  o.read_timeout = 1s;
  o.io_threads = 1;  // one thread: a stalled client must not hold it
  auto server = start_server(o);
  const auto t0 = std::chrono::steady_clock::now();
  RawSocket half_header(kHost, server->port());
  half_header.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  RawSocket half_body(kHost, server->port());
  half_body.send("POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part");
  RawSocket silent(kHost, server->port());

  HttpClient c(kHost, server->port());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.request("GET", "/healthz").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);  // served while the others stall

  for (RawSocket* s : {&half_header, &half_body}) {
    const std::string raw = s->read_until_closed(10s);
    EXPECT_TRUE(s->closed());
    const auto r = testing::parse_reply(raw);
    ASSERT_TRUE(r) << raw;
    expect_json_error(*r, 408);
    expect_security_headers(*r);
  }
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 900ms);
  EXPECT_EQ(silent.read_until_closed(10s), "");  // sent nothing: closed without a word
  EXPECT_TRUE(silent.closed());
}

TEST(ServerTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions o;
  o.idle_timeout = 1s;
  auto server = start_server(o);
  HttpClient c(kHost, server->port());
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(c.request("GET", "/healthz").status, 200);
  EXPECT_TRUE(c.wait_closed(10s));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 900ms);
}

TEST(ServerTest, TooManyConnectionsGet503) {
  ServerOptions o;
  o.max_connections = 2;
  auto server = start_server(o);
  const std::string ping = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  RawSocket a(kHost, server->port()), b(kHost, server->port());
  for (RawSocket* s : {&a, &b}) {  // both accepted and served: two open connections
    s->send(ping);
    const auto r = s->read_reply(10s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  RawSocket extra(kHost, server->port());
  const std::string raw = extra.read_until_closed(10s);
  EXPECT_TRUE(extra.closed());
  const auto refused = testing::parse_reply(raw);
  ASSERT_TRUE(refused) << raw;
  expect_json_error(*refused, 503);
  expect_security_headers(*refused);
  EXPECT_EQ(refused->header("retry-after"), "1");

  a.send(ping);  // the open ones still work
  ASSERT_TRUE(a.read_reply(10s));
  a.close();
  // Once the server has seen a close, a new connection fits again.
  bool served = false;
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (!served && std::chrono::steady_clock::now() < until) {
    try {  // a refused one may be reset before we read its 503
      RawSocket c(kHost, server->port());
      c.send(ping);
      const auto r = c.read_reply(10s);
      served = r && r->status == 200;
    } catch (const std::exception&) {
    }
  }
  EXPECT_TRUE(served);
  b.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto m = b.read_reply(10s);
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("allot_http_rejected_connections_total "), std::string::npos);
  EXPECT_EQ(m->body.find("allot_http_rejected_connections_total 0\n"), std::string::npos);
}

// ---- TLS ------------------------------------------------------------------------------------

TEST(ServerTest, TlsServesWithHsts) {
  TempDir dir;
  const TlsFiles files = make_self_signed(dir.path());
  ServerOptions o;
  o.tls_cert = files.cert;
  o.tls_key = files.key;
  auto server = start_server(o);
  EXPECT_EQ(server->url(), "https://127.0.0.1:" + std::to_string(server->port()));

  testing::ClientOptions verify;
  verify.tls = true;
  verify.ca_file = files.cert;
  HttpClient c(kHost, server->port(), verify);
  Reply r = c.request("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  expect_security_headers(r, true);
  r = c.request("POST", "/api/echo", "over tls");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["tls"], true);
  EXPECT_EQ(r.json()["body"], "over tls");
  expect_security_headers(r, true);
  expect_json_error(c.request("GET", "/nothing.js"), 404);

  HttpClient by_name("localhost", server->port(), verify);  // DNS:localhost is in the cert
  EXPECT_EQ(by_name.request("GET", "/healthz").status, 200);

  HttpClient plain(kHost, server->port());
  EXPECT_THROW(plain.request("GET", "/healthz"), std::runtime_error);
}

TEST(ServerTest, TlsRefusesTls11) {
  TempDir dir;
  const TlsFiles files = make_self_signed(dir.path());
  ServerOptions o;
  o.tls_cert = files.cert;
  o.tls_key = files.key;
  auto server = start_server(o);
  testing::ClientOptions old;
  old.tls = true;
  old.max_tls_version = TLS1_1_VERSION;
  HttpClient c(kHost, server->port(), old);
  try {
    c.request("GET", "/healthz");
    ADD_FAILURE() << "a TLS 1.1 handshake succeeded";
  } catch (const std::runtime_error& e) {
    // The server's alert, not a client that never offered TLS 1.1.
    const std::string what = e.what();
    EXPECT_NE(what.find("TLS handshake"), std::string::npos) << what;
    EXPECT_NE(what.find("protocol version"), std::string::npos) << what;
  }
  testing::ClientOptions v12;
  v12.tls = true;
  v12.max_tls_version = TLS1_2_VERSION;
  HttpClient ok(kHost, server->port(), v12);
  EXPECT_EQ(ok.request("GET", "/healthz").status, 200);
}

TEST(ServerTest, TlsSlowClientGets408) {
  namespace net = boost::asio;
  namespace beast = boost::beast;
  TempDir dir;
  const TlsFiles files = make_self_signed(dir.path());
  ServerOptions o;
  o.tls_cert = files.cert;
  o.tls_key = files.key;
  o.read_timeout = 1s;
  auto server = start_server(o);
  net::io_context ioc;
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.set_verify_mode(net::ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream> s(ioc, ctx);
  beast::get_lowest_layer(s).connect(net::ip::tcp::endpoint(net::ip::make_address(kHost), server->port()));
  s.handshake(net::ssl::stream_base::client);
  net::write(s, net::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n")));  // and no more
  std::string got;
  std::array<char, 4096> buf;
  std::function<void(beast::error_code, std::size_t)> on_read = [&](beast::error_code ec, std::size_t n) {
    got.append(buf.data(), n);
    if (!ec) s.async_read_some(net::buffer(buf), on_read);
  };
  s.async_read_some(net::buffer(buf), on_read);
  ioc.run_for(10s);
  const auto r = testing::parse_reply(got);
  ASSERT_TRUE(r) << got;
  expect_json_error(*r, 408);
  expect_security_headers(*r, true);
}

TEST(ServerTest, TlsFilesThatCannotBeReadFailClearly) {
  TempDir dir;
  const TlsFiles files = make_self_signed(dir.path());
  write_file(dir.path() / "garbage.pem", "not a certificate");
  struct Case {
    std::string cert, key, mention;
  };
  const std::string missing = (dir.path() / "missing.pem").string();
  const std::string garbage = (dir.path() / "garbage.pem").string();
  for (const Case& k : {Case{missing, files.key, missing}, Case{files.cert, missing, missing},
                        Case{garbage, files.key, garbage}, Case{files.cert, garbage, garbage},
                        Case{files.cert, "", "both"}}) {
    ServerOptions o;
    o.host = kHost;
    o.port = 0;
    o.tls_cert = k.cert;
    o.tls_key = k.key;
    Server s(o, echo);
    try {
      s.start();
      ADD_FAILURE() << "started with " << k.cert << " / " << k.key;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(k.mention), std::string::npos) << e.what();
    }
  }
}

TEST(ServerTest, BusyPortFailsClearly) {
  auto first = start_server({});
  ServerOptions o;
  o.host = kHost;
  o.port = first->port();
  Server second(o, echo);
  try {
    second.start();
    ADD_FAILURE() << "two servers on one port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(first->port())),
              std::string::npos)
        << e.what();
  }
}

// ---- access log -----------------------------------------------------------------------------

std::vector<json> log_lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

// The hand-written line is exactly what the JSON library writes for the same fields.
TEST(ServerTest, AccessLogLineIsTheJsonLibrarysLine) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::milliseconds(1772366400125));
  const std::vector<std::string> texts = {"127.0.0.1", "::1", "POST", "/api/v1/elections/{id}/ballot", "",
                                          "a\"quote", "back\\slash", "tab\there", "caf\xc3\xa9",
                                          "bad \xff utf-8", std::string("nul\0byte", 8), "\x7f"};
  const std::vector<double> times = {0, 0.0004, 0.0005, 0.001, 1, 3, 12.5, 0.1234, 99.9999, 123456.789, 1e9};
  for (const auto& text : texts)
    for (double ms : times) {
      allot::http::detail::AccessEntry e{text, "GET", text, 201, ms, 1234};
      nlohmann::ordered_json j;
      j["time"] = allot::http::detail::rfc3339_utc(now);
      j["client"] = e.client;
      j["method"] = e.method;
      j["route"] = e.route;
      j["status"] = e.status;
      j["ms"] = static_cast<double>(static_cast<long long>(e.ms * 1000.0 + 0.5)) / 1000.0;
      j["bytes"] = e.bytes;
      EXPECT_EQ(allot::http::detail::access_log_line(e, now),
                j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    }
}

TEST(ServerTest, AccessLogHoldsNoCodesTokensOrQueries) {
  TempDir dir;
  make_web_root(dir.path());
  std::ostringstream log;
  ServerOptions o;
  o.web_root = dir.path();
  o.access_log = &log;
  auto server = start_server(o, [](const Request& r) {
    Response res = json_response(200, {{"session", "SESSIONSECRET"}});
    if (r.path.find("/session") != std::string::npos) res.route = "/api/v1/elections/{id}/session";
    return res;
  });
  HttpClient c(kHost, server->port());
  EXPECT_EQ(c.request("POST", "/api/v1/elections/e1/session?code=QUERYSECRET", R"({"code":"BODYSECRET"})",
                      {{"Authorization", "Bearer HEADERSECRET"},
                       {"Cookie", "sid=COOKIESECRET"},
                       {"X-Voting-Code", "CODESECRET"}})
                .status,
            200);
  EXPECT_EQ(c.request("GET", "/api/v1/elections/e1/receipts/LEAFSECRET?code=QUERYSECRET").status, 200);
  EXPECT_EQ(c.request("GET", "/app.js?code=QUERYSECRET").status, 200);
  EXPECT_EQ(c.request("GET", "/healthz").status, 200);
  expect_json_error(c.request("GET", "/api/v1/%zz?code=QUERYSECRET"), 400);
  EXPECT_EQ(c.request("GET", "/vote/PATHSECRET").status, 200);  // a client-side route (QR link)
  server->stop();  // every line is written once the server has stopped

  const std::string text = log.str();
  EXPECT_EQ(text.find("SECRET"), std::string::npos) << text;
  EXPECT_EQ(text.find("/e1/"), std::string::npos) << text;
  const auto lines = log_lines(text);
  ASSERT_EQ(lines.size(), 6u) << text;
  const std::regex rfc3339(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  for (const json& l : lines) {
    EXPECT_TRUE(std::regex_match(l["time"].get<std::string>(), rfc3339)) << l;
    EXPECT_EQ(l["client"], "127.0.0.1");
    EXPECT_TRUE(l["ms"].is_number()) << l;
    EXPECT_TRUE(l["bytes"].is_number_unsigned()) << l;
    EXPECT_EQ(l.size(), 7u) << l;
  }
  EXPECT_EQ(lines[0]["method"], "POST");
  EXPECT_EQ(lines[0]["route"], "/api/v1/elections/{id}/session");
  EXPECT_EQ(lines[0]["status"], 200);
  EXPECT_EQ(lines[0]["bytes"], json({{"session", "SESSIONSECRET"}}).dump().size());
  EXPECT_EQ(lines[1]["route"], "/api/");
  EXPECT_EQ(lines[2]["route"], "/app.js");
  EXPECT_EQ(lines[3]["route"], "/healthz");
  EXPECT_EQ(lines[4]["route"], "/api/");
  EXPECT_EQ(lines[4]["status"], 400);
  EXPECT_EQ(lines[5]["route"], "(spa)");
}

// An access log that counts its writes (flushes) and wakes a waiting test on each.
class WatchedLog : public std::stringbuf {
 public:
  // The text once at least `lines` lines are written, waiting at most `limit`.
  std::string wait_for_lines(std::size_t lines, std::chrono::seconds limit) {
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, limit, [&] { return static_cast<std::size_t>(std::count(text_.begin(), text_.end(), '\n')) >= lines; });
    return text_;
  }
  int writes() {
    std::lock_guard lk(mu_);
    return writes_;
  }

 protected:
  int sync() override {  // the server flushes after each block it writes
    {
      std::lock_guard lk(mu_);
      text_ = str();
      ++writes_;
    }
    cv_.notify_all();
    return 0;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string text_;
  int writes_ = 0;
};

// The access log is written in blocks, yet no line waits long: a lone request's line
// appears without a stop, and a run of requests is written in far fewer writes than
// lines.
TEST(ServerTest, AccessLogIsWrittenInBlocksSoonAfterEachRequest) {
  TempDir dir;
  make_web_root(dir.path());
  WatchedLog buffer;
  std::ostream log(&buffer);
  ServerOptions o;
  o.web_root = dir.path();
  o.access_log = &log;
  auto server = start_server(o, [](const Request&) { return json_response(200, {{"ok", true}}); });
  HttpClient c(kHost, server->port());
  ASSERT_EQ(c.request("GET", "/healthz").status, 200);
  // At most a quarter of a second later (the limit here only guards against a hang).
  EXPECT_EQ(log_lines(buffer.wait_for_lines(1, std::chrono::seconds(30))).size(), 1u);
  const int before = buffer.writes();
  constexpr int kRequests = 200;
  for (int i = 0; i < kRequests; ++i) ASSERT_EQ(c.request("GET", "/healthz").status, 200);
  server->stop();
  EXPECT_EQ(log_lines(buffer.wait_for_lines(1 + kRequests, std::chrono::seconds(0))).size(), 1u + kRequests);
  EXPECT_LT(buffer.writes() - before, kRequests / 4) << "lines are written in blocks";
}

// ---- shutdown ---------------------------------------------------------------------------------

// ---- responses that come later ---------------------------------------------------------

// A handler returns Response::later; its work finishes on a thread of its own (as the
// store's writer does for a ballot) and the server makes and writes the answer: for a
// handler run on the I/O thread and on the handler pool, with what make() throws
// answered as a JSON 500 (or the ApiError's status), and a later() that throws too.
TEST(ServerTest, AResponseThatComesLaterIsMadeAndWritten) {
  std::vector<std::thread> workers;
  std::mutex workers_mu;
  ServerOptions o;
  o.run_inline = [](const std::string&, const std::string& path) { return path == "/api/inline"; };
  auto server = start_server(o, [&](const Request& r) {
    Response res;
    res.route = "/api/" + r.path.substr(5);
    const std::string path = r.path;
    if (path == "/api/now") return json_response(200, {{"now", true}});
    if (path == "/api/start-fails") {
      res.later = [](Response::Finish) { throw std::runtime_error("internal detail"); };
      return res;
    }
    res.later = [&, path](Response::Finish finish) {
      std::lock_guard lk(workers_mu);
      workers.emplace_back([finish, path] {
        if (path == "/api/make-fails") return finish([]() -> Response { throw std::runtime_error("internal detail"); });
        if (path == "/api/refused") return finish([]() -> Response { throw ApiError(409, "taken", "already taken"); });
        finish([path] { return json_response(201, {{"made", path}}); });
        finish([] { return json_response(200, {{"twice", true}}); });  // ignored: once only
      });
    };
    return res;
  });
  HttpClient c(kHost, server->port());
  for (const std::string path : {"/api/inline", "/api/pool"}) {
    const Reply r = c.request("POST", path, "{}", {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 201) << path;
    EXPECT_EQ(r.json(), json({{"made", path}}));
    expect_security_headers(r);
  }
  EXPECT_EQ(c.request("GET", "/api/now").status, 200);  // the connection goes on
  for (const std::string path : {"/api/make-fails", "/api/start-fails"}) {
    const Reply r = c.request("GET", path);
    expect_json_error(r, 500);
    EXPECT_EQ(r.body.find("internal detail"), std::string::npos) << r.body;
  }
  expect_json_error(c.request("GET", "/api/refused"), 409);
  server->stop();
  for (auto& t : workers) t.join();
}

// stop() waits for a response that comes later and writes it before the I/O
// threads stop (a ballot waiting for its commit when the server is asked to stop).
TEST(ServerTest, StopWaitsForAResponseThatComesLater) {
  std::promise<Response::Finish> started;
  auto server = start_server({}, [&](const Request&) {
    Response res;
    res.route = "/api/later";
    res.later = [&](Response::Finish finish) { started.set_value(std::move(finish)); };
    return res;
  });
  RawSocket inflight(kHost, server->port());
  inflight.send("POST /api/later HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  auto finish_future = started.get_future();
  ASSERT_EQ(finish_future.wait_for(10s), std::future_status::ready);
  Response::Finish finish = finish_future.get();
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    server->stop(std::chrono::seconds(0));
    stopped = true;
  });
  // stop() closes the listener first, and cannot return before the answer is written.
  while (RawSocket::can_connect(kHost, server->port())) {
  }
  EXPECT_FALSE(stopped.load());
  finish([] { return json_response(201, {{"stored", true}}); });
  stopper.join();
  const auto r = inflight.read_reply(10s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->json(), json({{"stored", true}}));
}

TEST(ServerTest, GracefulShutdownFinishesInFlightRequests) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  const std::string pad(200 * 1024, 'p');
  ServerOptions o;
  o.io_threads = 2;
  auto server = start_server(o, [&](const Request& r) {
    if (r.path != "/api/slow") return json_response(200, json::object());
    entered.set_value();
    released.wait();
    return json_response(200, {{"done", true}, {"pad", pad}});
  });
  const std::uint16_t port = server->port();

  HttpClient idle(kHost, port);  // a kept-alive connection with nothing to do
  EXPECT_EQ(idle.request("GET", "/healthz").status, 200);
  RawSocket inflight(kHost, port);
  inflight.send("GET /api/slow HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(entered.get_future().wait_for(10s), std::future_status::ready);

  const auto t0 = std::chrono::steady_clock::now();
  std::thread stopper([&] { server->stop(std::chrono::seconds(20)); });
  // stop() closes the listener first: wait until a connect is refused.
  const auto until = t0 + 10s;
  while (RawSocket::can_connect(kHost, port) && std::chrono::steady_clock::now() < until) {
  }
  EXPECT_FALSE(RawSocket::can_connect(kHost, port));
  release.set_value();

  const auto r = inflight.read_reply(10s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  const json j = r->json();
  EXPECT_EQ(j["done"], true);
  EXPECT_EQ(j["pad"].get<std::string>().size(), pad.size());
  EXPECT_TRUE(idle.wait_closed(10s));
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);  // did not wait for the grace period
  EXPECT_FALSE(RawSocket::can_connect(kHost, port));
  server->wait();  // returns at once: stopped
  server->stop();  // again: nothing to do
}

TEST(ServerTest, StopGivesUpAfterGrace) {
  ServerOptions o;
  o.read_timeout = 60s;
  auto server = start_server(o);
  RawSocket stalled(kHost, server->port());  // mid-request: stop() lets it finish...
  stalled.send("POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n");
  const auto cont = stalled.read_reply(10s);  // the server is now reading the body
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  stalled.send("abc");
  const auto t0 = std::chrono::steady_clock::now();
  server->stop(std::chrono::seconds(1));  // ...but only for the grace period
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 10s);
  EXPECT_FALSE(RawSocket::can_connect(kHost, server->port()));
}

TEST(ServerTest, SignalStopsTheServer) {
  auto server = start_server({});
  const std::uint16_t port = server->port();
  server->handle_signals();
  std::raise(SIGTERM);
  server->wait();
  EXPECT_FALSE(RawSocket::can_connect(kHost, port));
}

TEST(ServerTest, DestructorStopsARunningServer) {
  std::uint16_t port = 0;
  {
    auto server = start_server({});
    port = server->port();
    HttpClient c(kHost, port);
    EXPECT_EQ(c.request("GET", "/healthz").status, 200);
  }
  EXPECT_FALSE(RawSocket::can_connect(kHost, port));
}

}  // namespace
}  // namespace allot::http
