// A test-side forger of election records: it holds the signing key and makes a
// small but complete, valid record (docs/record-format.md) from a manifest, a list
// of ballots and a list of officer actions, with the same functions the store uses
// (crypto, merkle, record, manifest). Tests change its inputs (or the files it
// made, then re-sign) to show that each check of the verifier catches one forgery
// on its own.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "allot/storage/canonical.hpp"
#include "allot/storage/codes.hpp"
#include "allot/storage/crypto.hpp"
#include "allot/storage/manifest.hpp"
#include "allot/storage/merkle.hpp"
#include "allot/storage/receipt.hpp"
#include "allot/storage/record.hpp"

namespace allot::testing {

using nlohmann::json;

struct OfficerStep {
  std::string action;
  json details = json::object();
  std::string actor = "alice";
};

class RecordForger {
 public:
  crypto::SigningKey key = crypto::SigningKey::generate();
  std::string election = "borough-2026";
  std::string seed = "2026-12-01 lottery 4 8 15 16 23 42";
  std::string tally_seed;  // when set, the contests are counted with it (a forgery)
  json manifest;
  // Ballots in arrival order, without their "manifest" field (build() binds them to
  // the manifest hash unless they already carry one).
  std::vector<json> ballots;
  std::vector<std::uint64_t> checkpoint_sizes = {0, 7, 14, 20};
  bool sort_batches = true;

  // Hooks for forgeries, each applied where its name says.
  std::function<void(std::vector<json>&)> edit_ballots;       // bound ballots, before batches are sorted
  std::function<void(std::vector<json>&)> after_sort;         // bound ballots, after sorting
  std::function<void(json&)> edit_counts;                      // the close entry's (and result's) counts
  std::function<void(std::vector<OfficerStep>&)> edit_officer; // the officer actions
  std::function<void(json&)> edit_result;                      // before signing
  std::function<void(json&)> edit_signed_result;               // after signing, before hashing

  // Filled by build(): the officer checkpoints up to the tally entry.
  std::vector<json> officer_checkpoints_before_tally;

  RecordForger() {
    manifest = default_manifest();
    ballots = default_ballots();
  }

  std::string key_hex() const { return crypto::to_hex(key.public_key()); }

  json default_manifest() const {
    auto texts = [](const std::string& en) { return json{{"en", en}}; };
    auto option = [&](const std::string& id, std::int64_t cost, const std::string& district = "") {
      return json{{"id", id},         {"title", texts("Project " + id)}, {"description", texts("About " + id)},
                  {"cost", cost},     {"categories", json::array({"green"})}, {"district", district},
                  {"picture", ""}};
    };
    json city = {{"id", "city"},
                 {"kind", "budget"},
                 {"format", "approval"},
                 {"district", ""},
                 {"title", texts("City-wide projects")},
                 {"description", texts("Choose projects for the whole borough")},
                 {"budget", 100000},
                 {"currency", "GBP"},
                 {"money_decimals", 2},
                 {"seats", 1},
                 {"limits", {{"max_cost", 100000}}},
                 {"rule", "greedy"},
                 {"rule_options", json::object()},
                 {"options", json::array({option("P1", 40000), option("P2", 30000), option("P3", 25000),
                                          option("P4", 20000), option("P5", 10000)})}};
    json north = {{"id", "north"},
                  {"kind", "budget"},
                  {"format", "approval"},
                  {"district", "north"},
                  {"title", texts("North projects")},
                  {"budget", 50000},
                  {"currency", "GBP"},
                  {"money_decimals", 2},
                  {"seats", 1},
                  {"limits", {{"max_choices", 3}}},
                  {"rule", "mes-add1"},
                  {"rule_options", json::object()},
                  {"options", json::array({option("N1", 20000, "north"), option("N2", 15000, "north"),
                                           option("N3", 10000, "north"), option("N4", 25000, "north")})}};
    json council = {{"id", "council"},
                    {"kind", "selection"},
                    {"format", "ranked"},
                    {"district", ""},
                    {"title", texts("Youth council")},
                    {"budget", 0},
                    {"seats", 2},
                    {"limits", {{"max_choices", 4}}},
                    {"rule", "stv"},
                    {"rule_options", json::object()},
                    {"options", json::array()}};
    for (const char* c : {"C1", "C2", "C3", "C4"}) {
      json o = option(c, 0);
      o["categories"] = json::array();
      council["options"].push_back(o);
    }
    return {{"allot", "manifest/1"},
            {"election", election},
            {"title", texts("Borough budget 2026")},
            {"description", texts("Participatory budget")},
            {"languages", json::array({"en"})},
            {"window", {{"opens", "2026-11-23T09:00:00Z"}, {"closes", "2026-11-30T18:00:00Z"}}},
            {"tie_break", "ticket"},
            {"districts", json::array({{{"id", "north"}, {"name", texts("North")}},
                                       {{"id", "south"}, {"name", texts("South")}}})},
            {"categories", json::array({{{"id", "green"}, {"name", texts("Green spaces")}}})},
            {"contests", json::array({city, north, council})},
            {"credentials",
             {{"codes", 30},
              {"by_district", {{"", 10}, {"north", 10}, {"south", 10}}},
              {"commitment", crypto::sha256_hex("the codes")}}},
            {"keys", {{"signing", key_hex()}}}};
  }

  // 20 ballots: 14 online (north 7, south 5, no district 2), 4 kiosk, 2 paper.
  std::vector<json> default_ballots() const {
    std::mt19937 rng(20261123);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    struct Voter {
      const char* channel;
      const char* district;
    };
    std::vector<Voter> voters;
    for (int i = 0; i < 7; ++i) voters.push_back({"online", "north"});
    for (int i = 0; i < 5; ++i) voters.push_back({"online", "south"});
    for (int i = 0; i < 2; ++i) voters.push_back({"online", ""});
    for (int i = 0; i < 4; ++i) voters.push_back({"kiosk", i % 2 ? "north" : "south"});
    for (int i = 0; i < 2; ++i) voters.push_back({"paper", "north"});
    std::shuffle(voters.begin(), voters.end(), rng);
    const std::vector<std::pair<std::string, std::int64_t>> city = {
        {"P1", 40000}, {"P2", 30000}, {"P3", 25000}, {"P4", 20000}, {"P5", 10000}};
    std::vector<json> out;
    for (std::size_t v = 0; v < voters.size(); ++v) {
      json answers = json::object();
      json chosen = json::array();
      std::int64_t cost = 0;
      for (const auto& [id, c] : city)
        if (pick(2) && cost + c <= 100000) {
          chosen.push_back(id);
          cost += c;
        }
      answers["city"] = {{"options", chosen}};
      if (std::string(voters[v].district) == "north") {
        json n = json::array();
        for (const char* id : {"N1", "N2", "N3", "N4"})
          if (pick(2) && n.size() < 3) n.push_back(id);
        answers["north"] = {{"options", n}};
      }
      std::vector<std::string> ranking = {"C1", "C2", "C3", "C4"};
      std::shuffle(ranking.begin(), ranking.end(), rng);
      ranking.resize(static_cast<std::size_t>(1 + pick(4)));
      answers["council"] = {{"options", ranking}};
      out.push_back({{"allot", "ballot/1"},
                     {"answers", answers},
                     {"channel", voters[v].channel},
                     {"district", voters[v].district},
                     {"nonce", crypto::sha256_hex("nonce " + std::to_string(v)).substr(0, 32)}});
    }
    return out;
  }

  std::string manifest_hash() const { return crypto::sha256_hex(canonical::dump(manifest)); }

  json sign(const json& doc) const { return record::sign(doc, key); }

  static std::vector<json> lines(const std::string& jsonl) {
    std::vector<json> out;
    std::size_t start = 0;
    while (start < jsonl.size()) {
      const std::size_t end = jsonl.find('\n', start);
      out.push_back(canonical::parse(jsonl.substr(start, end - start)));
      start = end + 1;
    }
    return out;
  }

  json checkpoint(const std::string& log, const std::vector<crypto::Hash>& leaves, std::uint64_t size) const {
    json c = {{"allot", "checkpoint/1"},
              {"election", election},
              {"log", log},
              {"root", crypto::to_hex(merkle::root(leaves, std::min<std::uint64_t>(size, leaves.size())))},
              {"size", size}};
    if (log == "ballots") c["manifest"] = manifest_hash();
    return sign(c);
  }

  static json counts_of(const std::vector<json>& bound, const json& manifest) {
    json counts = {{"ballots", bound.size()},
                   {"by_channel", {{"online", 0}, {"kiosk", 0}, {"paper", 0}}},
                   {"codes_used", json::object()},
                   {"kiosk_tokens_used", 0},
                   {"paper_accepted", 0}};
    for (const auto& [d, n] : manifest["credentials"]["by_district"].items()) {
      (void)n;
      counts["codes_used"][d] = 0;
    }
    for (const auto& b : bound) {
      const std::string ch = b["channel"];
      counts["by_channel"][ch] = counts["by_channel"][ch].get<int>() + 1;
      if (ch == "online") {
        const std::string d = b["district"];
        counts["codes_used"][d] = counts["codes_used"].value(d, 0) + 1;
      }
    }
    counts["kiosk_tokens_used"] = counts["by_channel"]["kiosk"];
    counts["paper_accepted"] = counts["by_channel"]["paper"];
    return counts;
  }

  // The full record, index.json included.
  record::Files build() {
    record::Files files;
    const std::string mhash = manifest_hash();
    files["manifest.json"] = record::document(manifest);
    files["public-keys.json"] = record::document({{"allot", "keys/1"}, {"signing", key_hex()}});

    // Ballots, bound to the manifest, each batch sorted by leaf hash.
    std::vector<json> bound = ballots;
    for (auto& b : bound)
      if (!b.contains("manifest")) b["manifest"] = mhash;
    if (edit_ballots) edit_ballots(bound);
    auto leaf = [](const json& b) { return merkle::leaf_hash(canonical::dump(b)); };
    if (sort_batches)
      for (std::size_t k = 0; k + 1 < checkpoint_sizes.size(); ++k) {
        const auto from = std::min<std::uint64_t>(checkpoint_sizes[k], bound.size());
        const auto to = std::min<std::uint64_t>(checkpoint_sizes[k + 1], bound.size());
        if (from < to)
          std::sort(bound.begin() + static_cast<std::ptrdiff_t>(from), bound.begin() + static_cast<std::ptrdiff_t>(to),
                    [&](const json& a, const json& b) { return leaf(a) < leaf(b); });
      }
    if (after_sort) after_sort(bound);
    files["ballots.jsonl"] = record::jsonl(bound);
    std::vector<crypto::Hash> leaves;
    for (const auto& b : bound) leaves.push_back(leaf(b));
    std::vector<json> bcps;
    for (auto s : checkpoint_sizes) bcps.push_back(checkpoint("ballots", leaves, s));
    files["ballot-checkpoints.jsonl"] = record::jsonl(bcps);
    const json last_cp = bcps.empty() ? json::object() : bcps.back();

    json counts = counts_of(bound, manifest);
    if (edit_counts) edit_counts(counts);

    // The officer actions.
    std::vector<OfficerStep> steps;
    steps.push_back({"election.create", json::object()});
    steps.push_back({"election.update", {{"what", "title"}}, "bob"});
    for (const auto& [d, n] : manifest["credentials"]["by_district"].items())
      steps.push_back({"codes.generate", {{"count", n}, {"district", d}}});
    steps.push_back({"election.open", {{"manifest", mhash}}});
    int serial = 0;
    for (const auto& b : bound) {
      if (b["channel"] == "kiosk") steps.push_back({"kiosk.token", {{"district", b["district"]}}, "kiosk-1"});
      if (b["channel"] == "paper")
        steps.push_back({"paper.enter", {{"batch", 1}, {"serial", ++serial}, {"keyed_by", "carol"}}, "carol"});
    }
    steps.push_back({"election.close",
                     {{"checkpoint", {{"root", last_cp.value("root", "")}, {"size", last_cp.value("size", 0)}}},
                      {"counts", counts}}});
    steps.push_back({"election.tally", {{"seed", seed}, {"result", "<result>"}}});
    steps.push_back({"election.publish", {{"result", "<result>"}}});
    if (edit_officer) edit_officer(steps);

    auto entries_of = [&](const std::vector<OfficerStep>& s, std::vector<crypto::Hash>& oleaves) {
      std::vector<json> out;
      std::string prev(64, '0');
      oleaves.clear();
      for (std::size_t i = 0; i < s.size(); ++i) {
        json e = {{"action", s[i].action},
                  {"actor", s[i].actor},
                  {"allot", "officer-entry/1"},
                  {"at", "2026-11-2" + std::to_string(3 + i % 7) + "T09:00:00Z"},
                  {"details", s[i].details},
                  {"election", election},
                  {"prev", prev},
                  {"seq", i}};
        const std::string line = canonical::dump(e);
        oleaves.push_back(merkle::leaf_hash(line));
        prev = crypto::to_hex(oleaves.back());
        out.push_back(e);
      }
      return out;
    };
    std::size_t tally_at = steps.size();
    for (std::size_t i = 0; i < steps.size(); ++i)
      if (steps[i].action == "election.tally") {
        tally_at = i;
        break;
      }
    std::vector<crypto::Hash> oleaves;
    entries_of(steps, oleaves);
    officer_checkpoints_before_tally.clear();
    for (std::size_t s = 1; s <= tally_at; ++s) officer_checkpoints_before_tally.push_back(checkpoint("officer", oleaves, s));

    // The result.
    json result = {{"allot", "result/1"},
                   {"election", election},
                   {"manifest", mhash},
                   {"seed", seed},
                   {"tie_break", manifest.value("tie_break", "ticket")},
                   {"ballot_checkpoint", last_cp},
                   {"officer_checkpoint", officer_checkpoints_before_tally.empty()
                                              ? json::object()
                                              : officer_checkpoints_before_tally.back()},
                   {"counts", counts},
                   {"contests", json::array()}};
    for (std::size_t i = 0; i < manifest["contests"].size(); ++i)
      result["contests"].push_back(manifest::tally_contest(manifest, i, bound, tally_seed.empty() ? seed : tally_seed));
    if (edit_result) edit_result(result);
    result = sign(result);
    if (edit_signed_result) edit_signed_result(result);
    const std::string result_bytes = canonical::dump(result);
    files["result.json"] = result_bytes + "\n";
    const std::string rhash = crypto::sha256_hex(result_bytes);

    for (auto& s : steps)
      for (auto& [k, v] : s.details.items())
        if (v == "<result>") v = rhash;
    const auto entries = entries_of(steps, oleaves);
    files["officer-log.jsonl"] = record::jsonl(entries);
    std::vector<json> ocps;
    for (std::size_t s = 1; s <= entries.size(); ++s) ocps.push_back(checkpoint("officer", oleaves, s));
    files["officer-checkpoints.jsonl"] = record::jsonl(ocps);

    for (std::size_t i = 0; i < manifest["contests"].size(); ++i) {
      const auto ex = manifest::export_contest(manifest, i, bound);
      if (!ex.file_name.empty()) files["exports/" + ex.file_name] = ex.bytes;
    }
    reindex(files);
    return files;
  }

  // Re-signs index.json over the other files (a forger covering its tracks).
  void reindex(record::Files& files) const {
    files.erase("index.json");
    const std::string ix = record::make_index(files, election, manifest_hash(), key);
    files["index.json"] = ix;
  }

  // The receipt/2 statement for the ballot on line `line` (0-based) of ballots.jsonl.
  json receipt_statement(const record::Files& files, std::size_t line) const {
    const auto docs = lines(files.at("ballots.jsonl"));
    const auto leaf = merkle::leaf_hash(canonical::dump(docs.at(line)));
    const std::string leaf_bytes(reinterpret_cast<const char*>(leaf.data()), leaf.size());
    const std::string code = codes::base32_prefix(leaf_bytes, 10);
    return receipt::statement(code.substr(0, 5) + "-" + code.substr(5), election, crypto::to_hex(leaf),
                              manifest_hash());
  }

  // The voter's receipt/1 (one signature each, as earlier versions issued) for the
  // ballot on line `line` (0-based) of ballots.jsonl.
  json receipt(const record::Files& files, std::size_t line) const {
    json r = receipt_statement(files, line);
    r["allot"] = "receipt/1";
    return sign(r);
  }

  // The receipt/2 documents of the ballots on `lines_`, signed as one batch.
  std::vector<json> batched_receipts(const record::Files& files, const std::vector<std::size_t>& lines_) const {
    std::vector<json> st;
    for (auto l : lines_) st.push_back(receipt_statement(files, l));
    return receipt::sign_batch(st, key);
  }
};

// Edits line `line` (0-based) of a .jsonl file (or the document of a .json file
// when `line` is 0), optionally re-signing it with the forger's key.
inline void edit_document(record::Files& files, const std::string& path, std::size_t line,
                          const std::function<void(json&)>& fn, const RecordForger* resign = nullptr) {
  auto docs = RecordForger::lines(files.at(path));
  fn(docs.at(line));
  if (resign) docs.at(line) = resign->sign(docs.at(line));
  files[path] = record::jsonl(docs);
}

}  // namespace allot::testing
