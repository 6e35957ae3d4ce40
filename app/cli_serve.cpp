// `allot serve`: the store, the API and the HTTP server wired together. Thin: the
// server (http/) and the store (storage/) do the work.
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "allot/engine/errors.hpp"
#include "allot/http/api.hpp"
#include "allot/http/server.hpp"
#include "allot/storage/store.hpp"
#include "cli.hpp"

namespace allot::cli {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* kServeHelp =
    "Usage: allot serve --data DIR [--host ADDR] [--port N] [--web DIR]\n"
    "                   [--tls-cert FILE --tls-key FILE] [--behind-tls-proxy]\n"
    "                   [--access-log FILE|-] [--kiosk-pool-ttl SECONDS] [--config FILE.json]\n"
    "\n"
    "Serves the voting site and the API from the data directory DIR.\n"
    "  --host ADDR        address to listen on (default 127.0.0.1)\n"
    "  --port N           port (default 8080; 0 picks a free one)\n"
    "  --web DIR          the static front end (default: ./web when it exists)\n"
    "  --tls-cert/--tls-key  serve HTTPS only (TLS 1.2+)\n"
    "  --behind-tls-proxy the site is reached through an HTTPS proxy: mark cookies Secure\n"
    "  --access-log FILE  one JSON line per request (no bodies, codes or tokens); '-' is stderr (default)\n"
    "  --kiosk-pool-ttl SECONDS  how long the tokens of a registered kiosk's pool stay valid\n"
    "                     (default 43200 = 12 hours, at most 86400)\n"
    "  --config FILE      the same settings as a JSON object: data, host, port, web,\n"
    "                     tls_cert, tls_key, behind_tls_proxy, access_log, kiosk_pool_ttl; flags win\n"
    "The first line printed is the address the server listens on.\n"
    "SIGINT or SIGTERM stop it after the requests in flight are answered.\n";

// `text` as a whole number from min to max, or a UsageError saying `message`.
long whole_number(const std::string& text, long min, long max, const std::string& message) {
  try {
    std::size_t used = 0;
    const long n = std::stol(text, &used);
    if (used == text.size() && n >= min && n <= max) return n;
  } catch (const std::exception&) {
  }
  throw UsageError(message);
}

}  // namespace

int serve_main(std::vector<std::string> argv) {
  Args a(std::move(argv));
  if (a.flag("--help")) {
    std::cout << kServeHelp;
    return kOk;
  }
  try {
    json config = json::object();
    if (auto file = a.value("--config")) {
      try {
        config = json::parse(read_file(*file));
      } catch (const json::parse_error& e) {
        throw UsageError(*file + ": not valid JSON: " + e.what());
      }
      if (!config.is_object()) throw UsageError(*file + ": the configuration must be a JSON object");
      for (const auto& [k, v] : config.items()) {
        (void)v;
        static const std::set<std::string> known = {"data",     "host",    "port",
                                                    "web",      "tls_cert", "tls_key",
                                                    "behind_tls_proxy",     "access_log", "kiosk_pool_ttl"};
        if (!known.count(k)) throw UsageError(*file + ": unknown setting '" + k + "'");
      }
    }
    auto setting = [&](const char* flag, const char* key, const std::string& fallback) {
      if (auto v = a.value(flag)) return *v;
      if (config.contains(key)) {
        if (config[key].is_string()) return config[key].get<std::string>();
        if (config[key].is_number_integer()) return std::to_string(config[key].get<long long>());
        throw UsageError(std::string("the setting '") + key + "' must be text");
      }
      return fallback;
    };
    const std::string data = setting("--data", "data", "");
    if (data.empty()) throw UsageError(std::string("--data is required\n\n") + kServeHelp);
    http::ServerOptions so;
    so.host = setting("--host", "host", "127.0.0.1");
    so.port = static_cast<std::uint16_t>(
        whole_number(setting("--port", "port", "8080"), 0, 65535, "--port must be a number from 0 to 65535"));
    so.web_root = setting("--web", "web", fs::exists("web/index.html") ? "web" : "");
    so.tls_cert = setting("--tls-cert", "tls_cert", "");
    so.tls_key = setting("--tls-key", "tls_key", "");
    if (so.tls_cert.empty() != so.tls_key.empty()) throw UsageError("--tls-cert and --tls-key go together");
    // Officers upload whole Pabulib/BLT files (votes included, which are ignored).
    so.body_limit_for = [](const std::string& method, const std::string& path) -> std::size_t {
      return method == "POST" && path.ends_with("/import") && path != "/import" ? std::size_t{64} << 20 : 0;
    };
    // Exchanging a voting code reads one row and writes nothing, and a voter's ballot
    // goes to the store without waiting for its commit (its answer comes later): both
    // run on the I/O thread (docs/PERFORMANCE.md). Everything else may wait for a
    // commit or hash a password, and runs on the handler pool.
    so.run_inline = [](const std::string& method, const std::string& path) {
      const std::string_view head = "/api/v1/elections/";  // head {id} /session or /ballot
      if (method != "POST" || !path.starts_with(head)) return false;
      for (const std::string_view tail : {"/session", "/ballot"}) {
        if (!path.ends_with(tail)) continue;
        const std::size_t slash = path.find('/', head.size());
        return slash > head.size() && slash == path.size() - tail.size();
      }
      return false;
    };
    const bool behind_proxy = a.flag("--behind-tls-proxy") || config.value("behind_tls_proxy", false);
    const std::string access = setting("--access-log", "access_log", "-");
    const long pool_seconds = whole_number(setting("--kiosk-pool-ttl", "kiosk_pool_ttl", "43200"), 1, 86400,
                                           "--kiosk-pool-ttl must be a number of seconds from 1 to 86400 (24 hours)");
    if (auto f = a.unknown_flag()) throw UsageError("unknown option " + *f + "\n\n" + kServeHelp);
    if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional().front() + "'");

    std::ofstream access_file;
    if (access != "-") {
      access_file.open(access, std::ios::app);
      if (!access_file) throw UsageError("cannot open the access log " + access);
      so.access_log = &access_file;
    } else {
      so.access_log = &std::cerr;
    }

    store::Options sto;
    sto.data_dir = data;
    store::Store st(sto);
    http::ApiOptions ao;
    ao.secure_cookies = !so.tls_cert.empty() || behind_proxy;
    ao.kiosk_pool_ttl = std::chrono::seconds(pool_seconds);
    http::Api api(st, ao);
    http::Server server(
        so, [&api](const http::Request& r) { return api.serve(r); }, [&api] { return api.metrics_text(); });
    server.start();
    // Signals first: whoever reads "listening on" may send SIGTERM at once, and it
    // must stop the server gracefully rather than kill it.
    server.handle_signals();
    std::cout << "listening on " << server.url() << std::endl;

    // Batches that wait too long are sealed on a timer (a ballot's inclusion proof
    // should not wait for more voters forever).
    std::mutex mu;
    std::condition_variable cv;
    bool stopping = false;
    std::thread sealer([&] {
      std::unique_lock lk(mu);
      while (!cv.wait_for(lk, std::chrono::seconds(15), [&] { return stopping; })) {
        lk.unlock();
        try {
          st.seal_due();
        } catch (const std::exception& e) {
          std::cerr << "allot serve: sealing batches failed: " << e.what() << "\n";
        }
        lk.lock();
      }
    });
    server.wait();
    {
      std::lock_guard lk(mu);
      stopping = true;
    }
    cv.notify_all();
    sealer.join();
    std::cout << "stopped" << std::endl;
    return kOk;
  } catch (const store::StoreError& e) {
    std::cerr << "allot serve: " << e.what() << "\n";
    return kUsage;
  } catch (const std::exception& e) {
    std::cerr << "allot serve: " << e.what() << "\n";
    return kUsage;
  }
}

}  // namespace allot::cli
