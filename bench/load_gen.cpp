// allot_load: voters against a running `allot serve` over N keep-alive connections
// (load_client.hpp): each exchanges its voting code for a ballot session and casts
// one ballot. Prints accepted ballots per second (over the wall time of the run),
// the latency percentiles of both requests, refusals by status and error, and
// transport errors; the last line is machine-readable:
//   ballots/s=N p50_ms=A p95_ms=B p99_ms=C      (latencies of the ballot request)
// Exit status: 0 when every voter's ballot was accepted, 1 otherwise, 2 on bad usage.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "load_client.hpp"

namespace {

using nlohmann::json;

const char* kUsage =
    "Usage: allot_load --url URL --election ID --codes FILE.csv --answers JSON\n"
    "                  [--connections N] [--voters M] [--tls] [--ca FILE] [--json OUT]\n"
    "\n"
    "  --url URL          http://HOST:PORT or https://HOST:PORT (https implies --tls)\n"
    "  --election ID      the open election the codes belong to\n"
    "  --codes FILE.csv   voting codes, as `allot codes` writes them (first column)\n"
    "  --answers JSON     every voter's answers, e.g. '{\"city\":{\"options\":[\"p1\"]}}'\n"
    "  --connections N    keep-alive connections, each one voter at a time (default 128)\n"
    "  --voters M         use the first M codes (default: all)\n"
    "  --tls              HTTPS; the certificate is not checked unless --ca is given\n"
    "  --ca FILE          TLS: verify the server's certificate against this PEM file\n"
    "  --json OUT         also write the figures as JSON to OUT\n";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::size_t count_of(const std::string& flag, const std::string& text) {
  try {
    std::size_t used = 0;
    const unsigned long n = std::stoul(text, &used);
    if (used == text.size() && n > 0) return n;
  } catch (const std::exception&) {
  }
  throw UsageError(flag + " must be a whole number of at least 1, not '" + text + "'");
}

// The first column of each line, skipping the header `allot codes` writes.
std::vector<std::string> read_codes(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw UsageError("cannot read the codes file " + file);
  std::vector<std::string> codes;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string code = line.substr(0, line.find(','));
    if (code.empty() || code == "code") continue;
    codes.push_back(code);
  }
  if (codes.empty()) throw UsageError(file + " holds no voting codes");
  return codes;
}

json latency(const std::vector<double>& ms) {
  return {{"count", ms.size()},
          {"p50_ms", allot::load::percentile(ms, 0.50)},
          {"p95_ms", allot::load::percentile(ms, 0.95)},
          {"p99_ms", allot::load::percentile(ms, 0.99)},
          {"max_ms", allot::load::percentile(ms, 1.0)}};
}

void print_latency(const char* name, const json& l) {
  std::printf("  %-18s %8zu %10.2f %10.2f %10.2f %10.2f\n", name, l["count"].get<std::size_t>(),
              l["p50_ms"].get<double>(), l["p95_ms"].get<double>(), l["p99_ms"].get<double>(),
              l["max_ms"].get<double>());
}

int run(int argc, char** argv) {
  allot::load::Options o;
  std::string url, codes_file, json_out;
  std::size_t voters = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw UsageError(a + " needs a value");
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--url") url = value();
    else if (a == "--election") o.election = value();
    else if (a == "--codes") codes_file = value();
    else if (a == "--answers") o.answers = value();
    else if (a == "--connections") o.connections = count_of(a, value());
    else if (a == "--voters") voters = count_of(a, value());
    else if (a == "--tls") o.tls = true;
    else if (a == "--ca") o.ca_file = value();
    else if (a == "--json") json_out = value();
    else throw UsageError("unknown argument '" + a + "'");
  }
  if (url.empty() || o.election.empty() || codes_file.empty() || o.answers.empty())
    throw UsageError("--url, --election, --codes and --answers are required");
  {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) throw UsageError("--url must look like http://HOST:PORT, not '" + url + "'");
    const std::string s = url.substr(0, scheme);
    if (s == "https") o.tls = true;
    else if (s != "http") throw UsageError("--url: the scheme must be http or https, not '" + s + "'");
    std::string hostport = url.substr(scheme + 3);
    if (const auto slash = hostport.find('/'); slash != std::string::npos) hostport.erase(slash);
    const auto colon = hostport.rfind(':');
    o.host = hostport.substr(0, colon);
    o.port = colon == std::string::npos ? (o.tls ? "443" : "80") : hostport.substr(colon + 1);
    if (o.host.empty() || o.port.empty()) throw UsageError("--url must look like http://HOST:PORT, not '" + url + "'");
  }
  try {
    if (!json::parse(o.answers).is_object()) throw UsageError("--answers must be a JSON object");
  } catch (const json::parse_error& e) {
    throw UsageError(std::string("--answers is not valid JSON: ") + e.what());
  }
  if (!o.ca_file.empty() && !o.tls) throw UsageError("--ca is for TLS: give an https URL or --tls");
  std::vector<std::string> codes = read_codes(codes_file);
  if (voters > codes.size())
    throw UsageError("--voters " + std::to_string(voters) + ": " + codes_file + " holds only " +
                     std::to_string(codes.size()) + " codes");
  if (voters > 0) codes.resize(voters);

  std::unique_ptr<allot::load::Client> client;
  try {
    client = std::make_unique<allot::load::Client>(o);
  } catch (const std::exception& e) {
    throw UsageError("--ca " + o.ca_file + ": " + e.what());
  }
  const auto result = client->run(codes);
  const double secs = client->seconds();

  std::vector<double> exchange_ms, ballot_ms;
  std::map<std::string, std::size_t> refused, errors;
  std::size_t accepted = 0;
  for (const auto& v : result) {
    if (v.exchange_status != 0) exchange_ms.push_back(v.exchange_ms);
    if (v.ballot_status != 0) ballot_ms.push_back(v.ballot_ms);
    if (v.acknowledged()) ++accepted;
    if (!v.refusal.empty())
      ++refused[std::to_string(v.ballot_status ? v.ballot_status : v.exchange_status) + " " + v.refusal];
    if (!v.error.empty()) ++errors[v.error];
  }
  const double rate = secs > 0 ? static_cast<double>(accepted) / secs : 0;
  json report = {{"url", url},
                 {"tls", o.tls},
                 {"voters", codes.size()},
                 {"connections", std::min(o.connections, codes.size())},
                 {"seconds", secs},
                 {"accepted", accepted},
                 {"ballots_per_second", rate},
                 {"exchange", latency(exchange_ms)},
                 {"ballot", latency(ballot_ms)},
                 {"refused", refused},
                 {"errors", errors},
                 {"connect_failures", client->connect_failures()}};

  std::printf("allot_load: %zu voters over %zu connections to %s (%s), %.2f s\n", codes.size(),
              report["connections"].get<std::size_t>(), url.c_str(), o.tls ? "TLS" : "plain HTTP", secs);
  std::printf("  %-18s %8s %10s %10s %10s %10s\n", "request", "answers", "p50 ms", "p95 ms", "p99 ms", "max ms");
  print_latency("session exchange", report["exchange"]);
  print_latency("ballot", report["ballot"]);
  std::printf("  accepted ballots   %8zu   %.0f ballots/s\n", accepted, rate);
  for (const auto& [what, n] : refused) std::printf("  refused            %8zu   %s\n", n, what.c_str());
  for (const auto& [what, n] : errors) std::printf("  transport error    %8zu   %s\n", n, what.c_str());
  if (!json_out.empty()) {
    std::ofstream out(json_out);
    out << report.dump(2) << "\n";
    if (!out) throw UsageError("cannot write " + json_out);
  }
  const json& b = report["ballot"];
  std::printf("ballots/s=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f\n", rate, b["p50_ms"].get<double>(),
              b["p95_ms"].get<double>(), b["p99_ms"].get<double>());
  return accepted == codes.size() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "allot_load: %s\n\n%s", e.what(), kUsage);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "allot_load: %s\n", e.what());
    return 1;
  }
}
