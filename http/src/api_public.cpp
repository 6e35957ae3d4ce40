// Public routes (no sign-in): elections that have opened, their manifests,
// turnout, published results, checkpoints, proofs and the record archive. A draft
// is invisible here: every route answers 404 for it, as for an unknown id.
#include <filesystem>
#include <system_error>

#include "allot/storage/crypto.hpp"
#include "allot/storage/record.hpp"
#include "api_internal.hpp"

namespace allot::http {

using nlohmann::json;
using detail::reply;

Response Api::Impl::elections_list(Ctx&) {
  json out = json::array();
  for (const auto& s : store.list_elections()) {
    if (s.state == "draft") continue;
    out.push_back({{"id", s.id}, {"state", s.state}, {"title", s.title}, {"manifest_hash", s.manifest_hash}});
  }
  return reply(200, json{{"elections", out}});
}

Response Api::Impl::election_get(Ctx& c) {
  const std::string state = public_state(c.id());
  const json m = store.manifest(c.id());
  return reply(200, json{{"id", c.id()},
                         {"state", state},
                         {"title", m.value("title", json::object())},
                         {"manifest", m},
                         {"manifest_hash", store.manifest_hash(c.id())}});
}

Response Api::Impl::turnout(Ctx& c) {
  const std::string state = public_state(c.id());
  const auto by_channel = store.turnout_by_channel(c.id());
  std::int64_t total = 0;
  for (const auto& [channel, n] : by_channel) total += n;
  return reply(200, json{{"election", c.id()}, {"state", state}, {"ballots", total}, {"by_channel", by_channel}});
}

Response Api::Impl::public_result(Ctx& c) {
  const std::string state = public_state(c.id());
  if (state != "published")
    throw ApiError(409, "wrong_state", "the result of '" + c.id() + "' is not published yet (the election is " +
                                           state + ")");
  return reply(200, store.result(c.id()));
}

Response Api::Impl::checkpoints(Ctx& c) {
  public_state(c.id());
  const std::string log = detail::query(c.req, "log", 16).value_or("ballots");
  if (log != "ballots" && log != "officer")
    detail::bad_request("the query parameter 'log' is \"ballots\" or \"officer\"");
  json list = json::array();
  for (auto& cp : store.checkpoints(c.id(), log)) list.push_back(std::move(cp));
  return reply(200, json{{"election", c.id()}, {"log", log}, {"checkpoints", list}});
}

Response Api::Impl::inclusion(Ctx& c) {
  public_state(c.id());
  const auto leaf = detail::query(c.req, "leaf", 128);
  if (!leaf) detail::bad_request("the query parameter 'leaf' (the receipt's leaf hash, 64 hex digits) is missing");
  const auto hex = detail::hex64(*leaf);
  if (!hex) detail::bad_request("the query parameter 'leaf' must be 64 hex digits (the receipt's leaf hash)");
  return reply(200, store.inclusion_proof(c.id(), *hex));
}

Response Api::Impl::consistency(Ctx& c) {
  public_state(c.id());
  const auto old_size = detail::query_count(c.req, "old");
  const auto new_size = detail::query_count(c.req, "new");
  return reply(200, store.consistency_proof(c.id(), old_size, new_size));
}

Response Api::Impl::record(Ctx& c) {
  const std::string state = public_state(c.id());
  if (state != "published")
    throw ApiError(404, "not_found", "the record of '" + c.id() + "' is published with its result (it is " + state +
                                         ")");
  std::string tar;
  {
    std::lock_guard lk(mu);
    if (auto it = records.find(c.id()); it != records.end()) tar = it->second;
  }
  if (tar.empty()) {
    // The store writes the record with its signed index.json (the index needs the
    // signing key, which only the store holds); read it back and archive it. A
    // published record never changes, so it is kept for the next download.
    namespace fs = std::filesystem;
    const fs::path tmp =
        fs::temp_directory_path() / ("allot-record-" + crypto::to_hex(crypto::random_bytes(12)));
    struct Cleanup {
      fs::path p;
      ~Cleanup() {
        std::error_code ec;
        fs::remove_all(p, ec);
      }
    } cleanup{tmp};
    fs::create_directories(tmp);
    store.export_record(c.id(), tmp / "record");
    tar = record::to_tar(record::read_files(tmp / "record"), c.id() + "-record");
    std::lock_guard lk(mu);
    if (records.size() >= 8) records.erase(records.begin());
    records[c.id()] = tar;
  }
  Response r;
  r.status = 200;
  r.content_type = "application/x-tar";
  r.body = std::move(tar);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + c.id() + "-record.tar\"");
  return r;
}

}  // namespace allot::http
