// Request metrics (Prometheus text format) and access-log lines for the Server
// (private to server.cpp).
//
// Label values come from a bounded set: route patterns set by handlers, "/api/",
// "/healthz", "/metrics", "static" and "-" (transport errors), so a scanner walking
// random paths cannot grow the metrics without bound. Methods outside the usual
// verbs count as "OTHER".
//
// The access log never sees a query string, a body, a header or a concrete API path:
// its caller passes only the route (see Server), and this file writes only the fields
// of AccessEntry.
#pragma once

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <ostream>
#include <sstream>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

namespace allot::http::detail {

class Metrics {
 public:
  static constexpr std::array<double, 8> kBuckets = {0.001, 0.005, 0.025, 0.1, 0.25, 1.0, 2.5, 10.0};

  void record(const std::string& route, const std::string& method, int status, double seconds) {
    std::lock_guard lock(mu_);
    ++requests_[{route, bounded_method(method), status}];
    Histogram& h = durations_[route];
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      if (seconds <= kBuckets[i]) ++h.buckets[i];
    ++h.count;
    h.sum += seconds;
  }

  void connection_rejected() {
    std::lock_guard lock(mu_);
    ++rejected_;
  }

  std::string render(std::size_t open_connections) const {
    std::ostringstream out;
    out.precision(9);
    std::lock_guard lock(mu_);
    out << "# HELP allot_http_requests_total HTTP requests by route, method and status.\n"
        << "# TYPE allot_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      const auto& [route, method, status] = key;
      out << "allot_http_requests_total{route=\"" << escape(route) << "\",method=\"" << method
          << "\",status=\"" << status << "\"} " << n << "\n";
    }
    out << "# HELP allot_http_request_duration_seconds Time from a complete request to its written response.\n"
        << "# TYPE allot_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : durations_) {
      const std::string r = escape(route);
      for (std::size_t i = 0; i < kBuckets.size(); ++i)
        out << "allot_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"" << kBuckets[i] << "\"} "
            << h.buckets[i] << "\n";
      out << "allot_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"+Inf\"} " << h.count << "\n"
          << "allot_http_request_duration_seconds_sum{route=\"" << r << "\"} " << h.sum << "\n"
          << "allot_http_request_duration_seconds_count{route=\"" << r << "\"} " << h.count << "\n";
    }
    out << "# HELP allot_http_open_connections Client connections open now.\n"
        << "# TYPE allot_http_open_connections gauge\n"
        << "allot_http_open_connections " << open_connections << "\n"
        << "# HELP allot_http_rejected_connections_total Connections refused at max_connections.\n"
        << "# TYPE allot_http_rejected_connections_total counter\n"
        << "allot_http_rejected_connections_total " << rejected_ << "\n";
    return out.str();
  }

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  static std::string bounded_method(const std::string& m) {
    for (const char* known : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
      if (m == known) return m;
    return m == "-" ? m : "OTHER";
  }

  // Prometheus label value escaping: backslash, double quote, newline.
  static std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '\\' || c == '"') out.push_back('\\');
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out.push_back(c);
    }
    return out;
  }

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> durations_;
  std::uint64_t rejected_ = 0;
};

// One access-log record. Only these fields are ever written.
struct AccessEntry {
  std::string client;
  std::string method;
  std::string route;  // a route pattern, "/api/", a static path, or "-"
  int status = 0;
  double ms = 0;
  std::size_t bytes = 0;
};

// RFC 3339 UTC with milliseconds, e.g. "2026-03-01T12:00:00.125Z".
inline std::string rfc3339_utc(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms % 1000));
  return std::string(buf, n) + frac;
}

// `text` as a JSON string: plain printable ASCII (the usual client address, method
// and route) is written as is; anything else goes through the JSON library, which
// escapes it and replaces invalid UTF-8.
inline void append_json_string(std::string& out, const std::string& text) {
  bool plain = true;
  for (unsigned char c : text)
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  if (plain) {
    out += '"';
    out += text;
    out += '"';
  } else {
    out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

// One JSON line, fields in a fixed order. Written by hand: building a JSON object
// per request cost several times more than the request's own routing.
inline std::string access_log_line(const AccessEntry& e, std::chrono::system_clock::time_point now) {
  std::string out;
  out.reserve(160);
  out += "{\"time\":\"";
  out += rfc3339_utc(now);
  out += "\",\"client\":";
  append_json_string(out, e.client);
  out += ",\"method\":";
  append_json_string(out, e.method);
  out += ",\"route\":";
  append_json_string(out, e.route);
  out += ",\"status\":";
  out += std::to_string(e.status);
  // Milliseconds rounded to 3 decimals, in the shortest fixed form that reads back
  // the same, as the JSON library writes such numbers (12.5, 3.0, 1000000000.0).
  const double ms = static_cast<double>(static_cast<long long>(e.ms * 1000.0 + 0.5)) / 1000.0;
  char num[400];
  const auto r = std::to_chars(num, num + sizeof num, ms, std::chars_format::fixed);
  std::string ms_text(num, r.ptr);
  if (ms_text.find('.') == std::string::npos) ms_text += ".0";
  out += ",\"ms\":";
  out += ms_text;
  out += ",\"bytes\":";
  out += std::to_string(e.bytes);
  out += '}';
  return out;
}

}  // namespace allot::http::detail
