#include "allot/storage/verify.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "allot/storage/canonical.hpp"
#include "allot/storage/codes.hpp"
#include "allot/storage/crypto.hpp"
#include "allot/storage/manifest.hpp"
#include "allot/storage/merkle.hpp"
#include "allot/storage/receipt.hpp"

namespace allot::verify {

using nlohmann::json;

// ---------------------------------------------------------------------------
// Report

bool Report::ok() const {
  return !checks.empty() && std::all_of(checks.begin(), checks.end(), [](const Check& c) { return c.ok; });
}

bool Report::failed(const std::string& name) const {
  return std::any_of(checks.begin(), checks.end(),
                     [&](const Check& c) { return !c.ok && c.name.find(name) != std::string::npos; });
}

std::string Report::text() const {
  std::string out;
  std::size_t failures = 0;
  for (const auto& c : checks) {
    out += c.ok ? "ok   " : "FAIL ";
    out += c.name + ": " + c.detail + "\n";
    if (!c.ok) ++failures;
  }
  if (checks.empty()) {
    out += "NOT VERIFIED: nothing was checked\n";
  } else if (failures == 0) {
    out += "VERIFIED: all " + std::to_string(checks.size()) + " checks passed\n";
  } else {
    out += "NOT VERIFIED: " + std::to_string(failures) + (failures == 1 ? " check" : " checks") + " failed (of " +
           std::to_string(checks.size()) + ")\n";
  }
  return out;
}

namespace {

// ---------------------------------------------------------------------------
// Small helpers

constexpr const char* kIndex = "index.json";
constexpr const char* kManifest = "manifest.json";
constexpr const char* kKeys = "public-keys.json";
constexpr const char* kBallots = "ballots.jsonl";
constexpr const char* kBallotCps = "ballot-checkpoints.jsonl";
constexpr const char* kOfficerLog = "officer-log.jsonl";
constexpr const char* kOfficerCps = "officer-checkpoints.jsonl";
constexpr const char* kResult = "result.json";
constexpr std::size_t kMaxProblems = 5;

const std::string kZeros(64, '0');

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

using canonical::is_count;
using canonical::is_hex64;

std::string num(std::size_t n) { return std::to_string(n); }

// A JSON value for a report line, cut to a readable length.
std::string brief(const json& j) {
  std::string s;
  try {
    s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  } catch (const std::exception&) {
    s = "(unprintable)";
  }
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

std::string brief_hash(const std::string& hex) { return hex.size() > 16 ? hex.substr(0, 16) + "..." : hex; }

std::string show_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  static const char* hex = "0123456789abcdef";
  return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
}

std::string path_key(const std::string& path, const std::string& key) {
  static const std::regex ident("[A-Za-z_][A-Za-z0-9_]*");
  if (std::regex_match(key, ident)) return path.empty() ? key : path + "." + key;
  return path + "[" + json(key).dump() + "]";
}

// The first place where `found` differs from `expected`, as "path: expected X, found Y".
std::optional<std::string> first_difference(const json& expected, const json& found, const std::string& path) {
  if (expected.is_object() && found.is_object()) {
    for (const auto& [k, v] : expected.items()) {
      auto it = found.find(k);
      if (it == found.end()) return path_key(path, k) + ": expected " + brief(v) + ", found nothing (field missing)";
      if (auto d = first_difference(v, *it, path_key(path, k))) return d;
    }
    for (const auto& [k, v] : found.items())
      if (!expected.contains(k)) return path_key(path, k) + ": not expected, found " + brief(v);
    return std::nullopt;
  }
  if (expected.is_array() && found.is_array()) {
    const std::size_t n = std::min(expected.size(), found.size());
    for (std::size_t i = 0; i < n; ++i)
      if (auto d = first_difference(expected[i], found[i], path + "[" + num(i) + "]")) return d;
    if (expected.size() != found.size())
      return path + ": expected " + num(expected.size()) + " entries, found " + num(found.size());
    return std::nullopt;
  }
  if (expected == found) return std::nullopt;  // (a number equals itself however it is stored)
  return path + ": expected " + brief(expected) + ", found " + brief(found);
}

// Collects the problems of one check and turns them into its outcome.
class Problems {
 public:
  void add(std::string p) { list_.push_back(std::move(p)); }
  bool empty() const { return list_.empty(); }
  std::size_t size() const { return list_.size(); }
  Check outcome(const std::string& name, const std::string& ok_detail) const {
    Check c;
    c.name = name;
    c.ok = list_.empty();
    if (c.ok) {
      c.detail = ok_detail;
      return c;
    }
    for (std::size_t i = 0; i < list_.size() && i < kMaxProblems; ++i) c.detail += (i ? "; " : "") + list_[i];
    if (list_.size() > kMaxProblems) c.detail += "; and " + num(list_.size() - kMaxProblems) + " more";
    return c;
  }

 private:
  std::vector<std::string> list_;
};

// One line of a .jsonl file (or the one document of a .json file).
struct Line {
  std::size_t number = 0;  // 1-based
  std::string bytes;       // without the newline
  std::optional<json> doc;
  std::string error;       // why it could not be parsed
  bool canonical = false;  // bytes == canonical::dump(*doc), as canonical::is_canonical
};

void parse_line(Line& l) {
  try {
    l.doc = canonical::parse(l.bytes);
  } catch (const std::exception& e) {
    l.error = e.what();
    return;
  }
  try {
    l.canonical = canonical::dump(*l.doc) == l.bytes;
  } catch (const std::exception& e) {
    l.error = e.what();
  }
}

std::string where(const std::string& file, const Line& l) { return file + " line " + num(l.number); }

std::vector<Line> split_lines(const std::string& content) {
  std::vector<Line> out;
  std::size_t start = 0, number = 1;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    Line l;
    l.number = number++;
    l.bytes = content.substr(start, end - start);
    parse_line(l);
    out.push_back(std::move(l));
    start = end + 1;
  }
  return out;
}

// The one document of a .json file: its bytes without the final newline.
Line document_line(const std::string& content) {
  Line l;
  l.number = 1;
  l.bytes = content;
  if (!l.bytes.empty() && l.bytes.back() == '\n') l.bytes.pop_back();
  parse_line(l);
  return l;
}

// Why a line is not canonical, or "" when it is.
std::string canonical_problem(const Line& l) {
  if (l.canonical) return {};
  if (!l.doc) return "not valid JSON (" + l.error + ")";
  std::string expected;
  try {
    expected = canonical::dump(*l.doc);
  } catch (const std::exception& e) {
    return std::string("not canonical JSON (") + e.what() + ")";
  }
  const std::string& bytes = l.bytes;
  std::size_t i = 0;
  while (i < expected.size() && i < bytes.size() && expected[i] == bytes[i]) ++i;
  std::string s = "not in canonical form at byte " + num(i + 1) + ": expected ";
  s += i < expected.size() ? show_byte(expected[i]) : std::string("the end of the line");
  s += ", found ";
  s += i < bytes.size() ? show_byte(bytes[i]) : std::string("the end of the line");
  return s;
}

std::string hex_of(const crypto::Hash& h) { return crypto::to_hex(h); }

std::string receipt_code_of(const std::string& leaf_bytes) {
  const std::string c = codes::base32_prefix(leaf_bytes, 10);
  return c.substr(0, 5) + "-" + c.substr(5);
}

// ---------------------------------------------------------------------------
// What the record holds, parsed once.

class Record {
 public:
  explicit Record(const record::Files& files) : files_(files) { load(); }

  const record::Files& files_;

  std::optional<json> index, manifest, keys, result;
  std::string index_error, manifest_error, keys_error, result_error;
  std::vector<Line> ballots, ballot_cps, officer, officer_cps;
  std::map<std::string, std::vector<Line>> parsed;  // every .json (one line) and .jsonl file
  std::vector<crypto::Hash> leaves, officer_leaves;

  std::string manifest_hash;  // of manifest.json's bytes without the newline
  std::string election;       // the manifest's election id
  bool manifest_sound = false;
  std::vector<std::string> manifest_problems;
  std::vector<Contest> contests;
  std::string key_hex;  // the signing key every signature is checked against
  std::string key_source;

  // First occurrence of the key officer actions (index into `officer`).
  std::optional<std::size_t> close_at, tally_at, publish_at;

  const std::string* file(const std::string& path) const {
    auto it = files_.find(path);
    return it == files_.end() ? nullptr : &it->second;
  }

  // Parsed ballots in log order (lines that are not JSON objects are left out).
  std::vector<json> ballot_docs() const {
    std::vector<json> out;
    for (const auto& l : ballots)
      if (l.doc && l.doc->is_object()) out.push_back(*l.doc);
    return out;
  }
  bool all_ballots_parsed() const {
    return std::all_of(ballots.begin(), ballots.end(), [](const Line& l) { return l.doc && l.doc->is_object(); });
  }

  std::optional<json> details_of(std::optional<std::size_t> at) const {
    if (!at || !officer[*at].doc) return std::nullopt;
    const json& e = *officer[*at].doc;
    if (!e.is_object() || !e.contains("details") || !e["details"].is_object()) return std::nullopt;
    return e["details"];
  }

  std::optional<json> last_ballot_checkpoint() const {
    if (ballot_cps.empty() || !ballot_cps.back().doc) return std::nullopt;
    return ballot_cps.back().doc;
  }

 private:
  void load() {
    for (const auto& [path, bytes] : files_) {
      if (ends_with(path, ".json")) parsed[path] = {document_line(bytes)};
      else if (ends_with(path, ".jsonl")) parsed[path] = split_lines(bytes);
    }
    auto doc = [&](const char* path, std::optional<json>& out, std::string& error) {
      auto it = parsed.find(path);
      if (it == parsed.end()) {
        error = std::string(path) + " is missing";
        return;
      }
      out = it->second.front().doc;
      if (!out) error = it->second.front().error;
    };
    doc(kIndex, index, index_error);
    doc(kManifest, manifest, manifest_error);
    doc(kKeys, keys, keys_error);
    doc(kResult, result, result_error);
    auto lines = [&](const char* path, std::vector<Line>& out) {
      if (auto it = parsed.find(path); it != parsed.end()) out = it->second;
    };
    lines(kBallots, ballots);
    lines(kBallotCps, ballot_cps);
    lines(kOfficerLog, officer);
    lines(kOfficerCps, officer_cps);
    for (const auto& l : ballots) leaves.push_back(merkle::leaf_hash(l.bytes));
    for (const auto& l : officer) officer_leaves.push_back(merkle::leaf_hash(l.bytes));

    if (const std::string* m = file(kManifest)) {
      std::string body = *m;
      if (!body.empty() && body.back() == '\n') body.pop_back();
      manifest_hash = crypto::sha256_hex(body);
    }
    if (manifest && manifest->is_object()) {
      if (auto e = manifest->find("election"); e != manifest->end() && e->is_string()) election = e->get<std::string>();
      try {
        manifest_problems = manifest::check_definition(*manifest);
        if (manifest->value("allot", json()) != "manifest/1")
          manifest_problems.push_back("allot: must be \"manifest/1\"");
        if (!manifest->contains("credentials"))
          manifest_problems.push_back("credentials: missing (a frozen manifest lists the voting codes issued)");
        if (!manifest->contains("keys"))
          manifest_problems.push_back("keys: missing (a frozen manifest names the signing key)");
        if (manifest_problems.empty()) {
          contests = manifest::contests_of(*manifest);
          manifest_sound = true;
        }
      } catch (const std::exception& e) {
        manifest_problems.push_back(std::string("cannot be read: ") + e.what());
      }
    } else if (manifest) {
      manifest_problems.push_back("must be a JSON object");
    } else {
      manifest_problems.push_back(manifest_error);
    }

    if (keys && keys->is_object() && is_hex64(keys->value("signing", json()))) {
      key_hex = (*keys)["signing"].get<std::string>();
      key_source = kKeys;
    } else if (manifest && manifest->is_object() && manifest->contains("keys") && (*manifest)["keys"].is_object() &&
               is_hex64((*manifest)["keys"].value("signing", json()))) {
      key_hex = (*manifest)["keys"]["signing"].get<std::string>();
      key_source = "manifest.json keys.signing";
    }

    for (std::size_t i = 0; i < officer.size(); ++i) {
      if (!officer[i].doc || !officer[i].doc->is_object()) continue;
      const json action = officer[i].doc->value("action", json());
      if (action == "election.close" && !close_at) close_at = i;
      if (action == "election.tally" && !tally_at) tally_at = i;
      if (action == "election.publish" && !publish_at) publish_at = i;
    }
  }
};

// ---------------------------------------------------------------------------
// Named steps: each check's problems, or the exception it threw, become one line.

class Steps {
 protected:
  using Outcome = std::pair<Problems, std::string>;  // problems, detail when ok

  Report report_;

  void step(const std::string& name, const std::function<Outcome()>& fn) {
    try {
      auto [problems, detail] = fn();
      report_.checks.push_back(problems.outcome(name, detail));
    } catch (const std::exception& e) {
      report_.checks.push_back({name, false, std::string("could not be checked: ") + e.what()});
    }
  }

  static Outcome unchecked(const std::string& why) {
    Problems p;
    p.add("not checked: " + why);
    return {p, ""};
  }
};

// ---------------------------------------------------------------------------
// The checks of a record, in the order an auditor would follow them.

class Verifier : Steps {
 public:
  explicit Verifier(const record::Files& files) : r_(files) {}

  Report run() {
    step("record files", [&] { return record_files(); });
    step("canonical form", [&] { return canonical_form(); });
    step("signing key", [&] { return signing_key(); });
    step("index signature", [&] { return index_signature(); });
    step("index contents", [&] { return index_contents(); });
    step("manifest definition", [&] { return manifest_definition(); });
    step("manifest hash", [&] { return manifest_hash(); });
    step("valid ballots", [&] { return valid_ballots(); });
    step("unique ballots", [&] { return unique_ballots(); });
    step("ballot checkpoint signatures", [&] { return checkpoint_signatures(kBallotCps, r_.ballot_cps); });
    step("ballot checkpoint fields", [&] { return ballot_checkpoint_fields(); });
    step("ballot checkpoint sizes", [&] { return ballot_checkpoint_sizes(); });
    step("ballot log roots", [&] { return ballot_log_roots(); });
    step("batch order", [&] { return batch_order(); });
    step("officer log chain", [&] { return officer_log_chain(); });
    step("officer checkpoint signatures", [&] { return checkpoint_signatures(kOfficerCps, r_.officer_cps); });
    step("officer checkpoint fields", [&] { return officer_checkpoint_fields(); });
    step("officer checkpoint roots", [&] { return officer_checkpoint_roots(); });
    step("officer actions", [&] { return officer_actions(); });
    step("codes issued", [&] { return codes_issued(); });
    step("close checkpoint", [&] { return close_checkpoint(); });
    step("ballot counts", [&] { return ballot_counts(); });
    step("result signature", [&] { return result_signature(); });
    step("result fields", [&] { return result_fields(); });
    step("result ballot checkpoint", [&] { return result_ballot_checkpoint(); });
    step("result officer checkpoint", [&] { return result_officer_checkpoint(); });
    step("result counts", [&] { return result_counts(); });
    step("result hash", [&] { return result_hash(); });
    step("re-tally", [&] { return re_tally(); });
    step("exports", [&] { return exports(); });
    return report_;
  }

 private:
  Record r_;

  // --- files ---------------------------------------------------------------

  Outcome record_files() {
    Problems p;
    static const std::vector<std::string> required = {kIndex,    kManifest,   kKeys,        kBallots,
                                                      kBallotCps, kOfficerLog, kOfficerCps, kResult};
    for (const auto& f : required)
      if (!r_.file(f)) p.add(f + " is missing");
    static const std::regex export_re("exports/[A-Za-z0-9_-]+\\.(pb|blt)");
    std::size_t exports = 0;
    for (const auto& [path, bytes] : r_.files_) {
      (void)bytes;
      if (std::find(required.begin(), required.end(), path) != required.end()) continue;
      if (std::regex_match(path, export_re)) {
        ++exports;
        continue;
      }
      p.add(path + " is not a file a record may hold");
    }
    return {p, num(r_.files_.size()) + " files: the " + num(required.size()) + " documents and " + num(exports) +
                   " export" + (exports == 1 ? "" : "s")};
  }

  Outcome canonical_form() {
    Problems p;
    std::size_t docs = 0, lines = 0;
    for (const auto& [path, bytes] : r_.files_) {
      auto it = r_.parsed.find(path);
      if (it == r_.parsed.end()) continue;
      ++docs;
      if (ends_with(path, ".json")) {
        if (bytes.empty() || bytes.back() != '\n') {
          p.add(path + ": must end with one newline after the document");
          continue;
        }
        if (auto why = canonical_problem(it->second.front()); !why.empty()) p.add(path + ": " + why);
      } else {
        if (!bytes.empty() && bytes.back() != '\n') p.add(path + ": the last line must end with a newline");
        for (const auto& l : it->second) {
          ++lines;
          if (auto why = canonical_problem(l); !why.empty()) p.add(where(path, l) + ": " + why);
        }
      }
    }
    return {p, num(docs) + " JSON files (" + num(lines) + " lines in the .jsonl files), all byte-exact canonical JSON"};
  }

  Outcome signing_key() {
    Problems p;
    if (!r_.keys) return unchecked("public-keys.json cannot be read: " + r_.keys_error);
    const json& k = *r_.keys;
    if (!k.is_object()) return unchecked("public-keys.json is not a JSON object");
    for (const auto& [key, v] : k.items()) {
      (void)v;
      if (key != "allot" && key != "signing") p.add("public-keys.json: '" + key + "' is not a field of this document");
    }
    if (k.value("allot", json()) != "keys/1")
      p.add("public-keys.json allot: expected \"keys/1\", found " + brief(k.value("allot", json())));
    const json signing = k.value("signing", json());
    if (!is_hex64(signing)) p.add("public-keys.json signing: expected 64 lower-case hex digits, found " + brief(signing));
    json in_manifest;
    if (r_.manifest && r_.manifest->is_object() && r_.manifest->contains("keys") && (*r_.manifest)["keys"].is_object())
      in_manifest = (*r_.manifest)["keys"].value("signing", json());
    if (signing != in_manifest)
      p.add("public-keys.json signing " + brief(signing) + " differs from manifest.json keys.signing " +
            brief(in_manifest));
    return {p, r_.key_hex + " (manifest.json and public-keys.json agree; compare it with the key the election "
                            "office published)"};
  }

  Outcome index_signature() {
    Problems p;
    if (!r_.index) return unchecked("index.json cannot be read: " + r_.index_error);
    std::string key;
    if (r_.keys && r_.keys->is_object() && is_hex64(r_.keys->value("signing", json())))
      key = (*r_.keys)["signing"].get<std::string>();
    if (key.empty()) return unchecked("public-keys.json holds no signing key");
    if (!record::signature_ok(*r_.index, key))
      p.add("index.json signature: does not verify with the key in public-keys.json");
    return {p, "index.json is signed by the key in public-keys.json"};
  }

  Outcome index_contents() {
    Problems p;
    if (!r_.index) return unchecked("index.json cannot be read: " + r_.index_error);
    const json& ix = *r_.index;
    if (!ix.is_object()) return unchecked("index.json is not a JSON object");
    for (const auto& [k, v] : ix.items()) {
      (void)v;
      if (k != "allot" && k != "election" && k != "manifest" && k != "files" && k != "signature")
        p.add("index.json: '" + k + "' is not a field of an index");
    }
    if (ix.value("allot", json()) != "record/1")
      p.add("index.json allot: expected \"record/1\", found " + brief(ix.value("allot", json())));
    if (ix.value("election", json()) != r_.election)
      p.add("index.json election: expected " + brief(r_.election) + " (the manifest's), found " +
            brief(ix.value("election", json())));
    const json files = ix.value("files", json());
    if (!files.is_array()) {
      p.add("index.json files: must be a list");
      return {p, ""};
    }
    std::set<std::string> listed;
    std::string previous;
    for (std::size_t i = 0; i < files.size(); ++i) {
      const json& f = files[i];
      const std::string at = "index.json files[" + num(i) + "]";
      if (!f.is_object() || !f.contains("path") || !f["path"].is_string()) {
        p.add(at + ": must be {\"path\", \"bytes\", \"sha256\"}");
        continue;
      }
      for (const auto& [k, v] : f.items()) {
        (void)v;
        if (k != "path" && k != "bytes" && k != "sha256") p.add(at + ": '" + k + "' is not a field of a file entry");
      }
      const std::string path = f["path"].get<std::string>();
      if (i > 0 && !(previous < path)) p.add(at + ": " + path + " is out of order (files must be sorted by path)");
      previous = path;
      if (!listed.insert(path).second) p.add(at + ": " + path + " is listed twice");
      if (path == kIndex) {
        p.add(at + ": index.json must not list itself");
        continue;
      }
      const std::string* bytes = r_.file(path);
      if (!bytes) {
        p.add(path + " is listed in index.json but missing from the record");
        continue;
      }
      const json size = f.value("bytes", json());
      if (!is_count(size) || size.get<std::uint64_t>() != bytes->size())
        p.add(path + ": index.json lists " + brief(size) + " bytes, found " + num(bytes->size()));
      const json sha = f.value("sha256", json());
      const std::string actual = crypto::sha256_hex(*bytes);
      if (sha != actual) p.add(path + ": index.json lists sha256 " + brief(sha) + ", found " + actual);
    }
    for (const auto& [path, bytes] : r_.files_) {
      (void)bytes;
      if (path != kIndex && !listed.count(path)) p.add(path + " is in the record but not listed in index.json");
    }
    return {p, "lists all " + num(listed.size()) + " other files with matching sizes and SHA-256"};
  }

  // --- manifest --------------------------------------------------------------

  Outcome manifest_definition() {
    Problems p;
    for (const auto& problem : r_.manifest_problems) p.add("manifest.json " + problem);
    if (!r_.manifest_sound) return {p, ""};
    const json& m = *r_.manifest;
    const auto districts = m.contains("districts") ? m["districts"].size() : 0;
    return {p, "election " + r_.election + ": " + num(r_.contests.size()) + " contests, " + num(districts) +
                   " districts, " + std::to_string(m["credentials"]["codes"].get<std::int64_t>()) + " voting codes"};
  }

  Outcome manifest_hash() {
    Problems p;
    if (!r_.file(kManifest)) return unchecked("manifest.json is missing");
    if (!r_.index || !r_.index->is_object()) return unchecked("index.json cannot be read");
    const json listed = r_.index->value("manifest", json());
    if (listed != r_.manifest_hash)
      p.add("index.json manifest: expected " + r_.manifest_hash + " (SHA-256 of manifest.json), found " +
            brief(listed));
    return {p, r_.manifest_hash + " (SHA-256 of manifest.json), as in index.json"};
  }

  // --- ballots ---------------------------------------------------------------

  Outcome valid_ballots() {
    Problems p;
    if (!r_.file(kBallots)) return unchecked("ballots.jsonl is missing");
    if (!r_.manifest_sound) return unchecked("the manifest is not sound (see manifest definition)");
    for (const auto& l : r_.ballots) {
      if (!l.doc) {
        p.add(where(kBallots, l) + ": not valid JSON (" + l.error + ")");
        continue;
      }
      const auto problems = manifest::check_ballot_document(*r_.manifest, r_.manifest_hash, r_.contests, *l.doc);
      for (const auto& problem : problems) p.add(where(kBallots, l) + ": " + problem);
    }
    return {p, num(r_.ballots.size()) + " ballots, each valid under the manifest"};
  }

  Outcome unique_ballots() {
    Problems p;
    if (!r_.file(kBallots)) return unchecked("ballots.jsonl is missing");
    std::map<crypto::Hash, std::size_t> seen;
    for (std::size_t i = 0; i < r_.leaves.size(); ++i) {
      auto [it, inserted] = seen.emplace(r_.leaves[i], i);
      if (!inserted)
        p.add(where(kBallots, r_.ballots[i]) + " repeats line " + num(it->second + 1) +
              " byte for byte (every ballot has its own random nonce)");
    }
    return {p, "no ballot appears twice"};
  }

  // --- ballot log --------------------------------------------------------------

  Outcome checkpoint_signatures(const char* file, const std::vector<Line>& cps) {
    Problems p;
    if (!r_.file(file)) return unchecked(std::string(file) + " is missing");
    if (r_.key_hex.empty()) return unchecked("the record names no signing key");
    for (const auto& l : cps) {
      if (!l.doc) {
        p.add(where(file, l) + ": not valid JSON (" + l.error + ")");
        continue;
      }
      if (!record::signature_ok(*l.doc, r_.key_hex)) p.add(where(file, l) + ": the signature does not verify");
    }
    return {p, num(cps.size()) + " checkpoints, all signed by the election's key"};
  }

  // Fields common to both kinds of checkpoint; `log` is "ballots" or "officer".
  void checkpoint_fields(Problems& p, const char* file, const Line& l, const std::string& log) {
    if (!l.doc || !l.doc->is_object()) {
      p.add(where(file, l) + ": not a JSON object");
      return;
    }
    const json& c = *l.doc;
    const bool ballots = log == "ballots";
    for (const auto& [k, v] : c.items()) {
      (void)v;
      if (k != "allot" && k != "election" && k != "log" && k != "root" && k != "size" && k != "signature" &&
          !(ballots && k == "manifest"))
        p.add(where(file, l) + ": '" + k + "' is not a field of " + (ballots ? "a ballot" : "an officer") +
              " checkpoint");
    }
    auto expect = [&](const char* field, const json& want) {
      const json got = c.value(field, json());
      if (got != want)
        p.add(where(file, l) + " " + field + ": expected " + brief(want) + ", found " +
              (c.contains(field) ? brief(got) : std::string("nothing")));
    };
    expect("allot", "checkpoint/1");
    expect("election", r_.election);
    expect("log", log);
    if (ballots) expect("manifest", r_.manifest_hash);
    if (!is_hex64(c.value("root", json()))) p.add(where(file, l) + " root: must be 64 lower-case hex digits");
    if (!is_count(c.value("size", json()))) p.add(where(file, l) + " size: must be a whole number >= 0");
  }

  Outcome ballot_checkpoint_fields() {
    Problems p;
    if (!r_.file(kBallotCps)) return unchecked("ballot-checkpoints.jsonl is missing");
    for (const auto& l : r_.ballot_cps) checkpoint_fields(p, kBallotCps, l, "ballots");
    return {p, "every checkpoint names election " + r_.election + ", the ballot log and the manifest hash"};
  }

  static std::optional<std::uint64_t> size_of(const Line& l) {
    if (!l.doc || !l.doc->is_object()) return std::nullopt;
    const json s = l.doc->value("size", json());
    if (!is_count(s)) return std::nullopt;
    return s.get<std::uint64_t>();
  }
  static std::optional<std::string> root_of(const Line& l) {
    if (!l.doc || !l.doc->is_object()) return std::nullopt;
    const json s = l.doc->value("root", json());
    if (!s.is_string()) return std::nullopt;
    return s.get<std::string>();
  }

  Outcome ballot_checkpoint_sizes() {
    Problems p;
    if (!r_.file(kBallotCps)) return unchecked("ballot-checkpoints.jsonl is missing");
    if (r_.ballot_cps.empty()) {
      p.add("ballot-checkpoints.jsonl is empty: the first checkpoint is written at open (size 0)");
      return {p, ""};
    }
    std::string sizes;
    std::optional<std::uint64_t> previous;
    for (const auto& l : r_.ballot_cps) {
      const auto s = size_of(l);
      if (!s) {
        p.add(where(kBallotCps, l) + " size: missing or not a whole number");
        continue;
      }
      sizes += (sizes.empty() ? "" : ", ") + std::to_string(*s);
      if (l.number == 1 && *s != 0) p.add(where(kBallotCps, l) + " size: expected 0 (the checkpoint at open), found " + std::to_string(*s));
      if (previous && *s < *previous)
        p.add(where(kBallotCps, l) + " size: " + std::to_string(*s) + " is smaller than the previous size " +
              std::to_string(*previous) + " (sizes never decrease)");
      previous = s;
    }
    if (previous && *previous != r_.ballots.size())
      p.add(where(kBallotCps, r_.ballot_cps.back()) + " size: the last checkpoint must count every ballot: expected " +
            num(r_.ballots.size()) + ", found " + std::to_string(*previous));
    return {p, "sizes " + sizes + ": from 0 at open, never decreasing, to the " + num(r_.ballots.size()) +
                   " ballots at close"};
  }

  Outcome ballot_log_roots() {
    Problems p;
    if (!r_.file(kBallotCps)) return unchecked("ballot-checkpoints.jsonl is missing");
    std::string last;
    for (const auto& l : r_.ballot_cps) {
      const auto s = size_of(l);
      const auto root = root_of(l);
      if (!s || !root) {
        p.add(where(kBallotCps, l) + ": no size or root to check");
        continue;
      }
      if (*s > r_.leaves.size()) {
        p.add(where(kBallotCps, l) + " size: " + std::to_string(*s) + " but ballots.jsonl holds only " +
              num(r_.leaves.size()) + " ballots");
        continue;
      }
      const std::string expected = hex_of(merkle::root(r_.leaves, *s));
      if (*root != expected)
        p.add(where(kBallotCps, l) + " root: the first " + std::to_string(*s) + " ballots give " + expected +
              ", found " + *root);
      last = expected;
    }
    return {p, "every checkpoint root is the Merkle root of the ballots before it (final root " + last + ")"};
  }

  Outcome batch_order() {
    Problems p;
    if (!r_.file(kBallotCps)) return unchecked("ballot-checkpoints.jsonl is missing");
    std::size_t batches = 0;
    std::optional<std::uint64_t> from;
    for (const auto& l : r_.ballot_cps) {
      const auto s = size_of(l);
      if (!s) continue;
      if (from && *s > *from) {
        ++batches;
        const std::uint64_t to = std::min<std::uint64_t>(*s, r_.leaves.size());
        for (std::uint64_t i = *from + 1; i < to; ++i)
          if (!(r_.leaves[i - 1] < r_.leaves[i]))
            p.add("ballots.jsonl lines " + std::to_string(i) + " and " + std::to_string(i + 1) + " (batch ending at " +
                  where(kBallotCps, l) + "): leaf hashes " + brief_hash(hex_of(r_.leaves[i - 1])) + " and " +
                  brief_hash(hex_of(r_.leaves[i])) + " are not in ascending order");
      }
      from = s;
    }
    return {p, num(batches) + " sealed batches, each sorted by leaf hash (the order says nothing about arrival)"};
  }

  // --- officer log -----------------------------------------------------------

  Outcome officer_log_chain() {
    Problems p;
    if (!r_.file(kOfficerLog)) return unchecked("officer-log.jsonl is missing");
    if (r_.officer.empty()) p.add("officer-log.jsonl is empty");
    for (std::size_t i = 0; i < r_.officer.size(); ++i) {
      const Line& l = r_.officer[i];
      const std::string at = where(kOfficerLog, l);
      if (!l.doc || !l.doc->is_object()) {
        p.add(at + ": not a JSON object" + (l.error.empty() ? "" : " (" + l.error + ")"));
        continue;
      }
      const json& e = *l.doc;
      for (const auto& [k, v] : e.items()) {
        (void)v;
        if (k != "action" && k != "actor" && k != "allot" && k != "at" && k != "details" && k != "election" &&
            k != "prev" && k != "seq")
          p.add(at + ": '" + k + "' is not a field of an officer entry");
      }
      if (e.value("allot", json()) != "officer-entry/1")
        p.add(at + " allot: expected \"officer-entry/1\", found " + brief(e.value("allot", json())));
      if (e.value("election", json()) != r_.election)
        p.add(at + " election: expected " + brief(r_.election) + ", found " + brief(e.value("election", json())));
      for (const char* f : {"action", "actor", "at"})
        if (!e.value(f, json()).is_string()) p.add(at + " " + f + ": must be text");
      if (!e.value("details", json()).is_object()) p.add(at + " details: must be an object");
      const json seq = e.value("seq", json());
      if (!is_count(seq) || seq.get<std::uint64_t>() != i)
        p.add(at + " seq: expected " + num(i) + ", found " + brief(seq));
      const std::string expected_prev = i == 0 ? kZeros : hex_of(r_.officer_leaves[i - 1]);
      const json prev = e.value("prev", json());
      if (prev != expected_prev)
        p.add(at + " prev: expected " + expected_prev + (i == 0 ? " (first entry)" : " (hash of line " + num(i) + ")") +
              ", found " + brief(prev));
    }
    return {p, num(r_.officer.size()) + " entries, seq 0 to " + num(r_.officer.empty() ? 0 : r_.officer.size() - 1) +
                   ", each linked to the one before by its hash"};
  }

  Outcome officer_checkpoint_fields() {
    Problems p;
    if (!r_.file(kOfficerCps)) return unchecked("officer-checkpoints.jsonl is missing");
    for (const auto& l : r_.officer_cps) checkpoint_fields(p, kOfficerCps, l, "officer");
    return {p, "every checkpoint names election " + r_.election + " and the officer log"};
  }

  Outcome officer_checkpoint_roots() {
    Problems p;
    if (!r_.file(kOfficerCps)) return unchecked("officer-checkpoints.jsonl is missing");
    if (r_.officer_cps.size() != r_.officer.size())
      p.add("officer-checkpoints.jsonl has " + num(r_.officer_cps.size()) + " checkpoints for " +
            num(r_.officer.size()) + " officer-log entries (one after every entry)");
    for (std::size_t i = 0; i < r_.officer_cps.size(); ++i) {
      const Line& l = r_.officer_cps[i];
      const auto s = size_of(l);
      const auto root = root_of(l);
      if (!s || !root) {
        p.add(where(kOfficerCps, l) + ": no size or root to check");
        continue;
      }
      if (*s != i + 1) {
        p.add(where(kOfficerCps, l) + " size: expected " + num(i + 1) + ", found " + std::to_string(*s));
        continue;
      }
      if (*s > r_.officer_leaves.size()) {
        p.add(where(kOfficerCps, l) + " size: " + std::to_string(*s) + " but officer-log.jsonl holds only " +
              num(r_.officer_leaves.size()) + " entries");
        continue;
      }
      const std::string expected = hex_of(merkle::root(r_.officer_leaves, *s));
      if (*root != expected)
        p.add(where(kOfficerCps, l) + " root: the first " + std::to_string(*s) + " entries give " + expected +
              ", found " + *root);
    }
    return {p, "sizes 1 to " + num(r_.officer_cps.size()) + ", each root the Merkle root of the entries so far"};
  }

  // Replays the officer log's state machine (docs/record-format.md, "Officer log").
  Outcome officer_actions() {
    Problems p;
    if (!r_.file(kOfficerLog)) return unchecked("officer-log.jsonl is missing");
    enum class State { None, Created, Open, Closed, Tallied, Published };
    auto state_name = [](State s) {
      switch (s) {
        case State::None: return "before election.create";
        case State::Created: return "before open";
        case State::Open: return "while open";
        case State::Closed: return "after close";
        case State::Tallied: return "after tally";
        case State::Published: return "after publish";
      }
      return "";
    };
    State state = State::None;
    std::vector<std::pair<std::string, std::size_t>> seen;  // action -> times, in order of first appearance
    std::string tally_result;
    std::set<std::string> districts = {""};
    std::map<std::string, bool> kiosks;  // registered kiosk -> retired
    if (r_.manifest && r_.manifest->is_object() && r_.manifest->contains("districts") &&
        (*r_.manifest)["districts"].is_array())
      for (const auto& d : (*r_.manifest)["districts"])
        if (d.is_object() && d.contains("id") && d["id"].is_string()) districts.insert(d["id"].get<std::string>());

    const std::size_t last_create = last_create_line();
    for (const auto& l : r_.officer) {
      const std::string at = where(kOfficerLog, l);
      if (!l.doc || !l.doc->is_object()) {
        p.add(at + ": cannot be replayed (not a JSON object)");
        continue;
      }
      const json& e = *l.doc;
      const json action_j = e.value("action", json());
      const json details = e.value("details", json());
      if (!action_j.is_string() || !details.is_object()) {
        p.add(at + ": cannot be replayed (no action or no details)");
        continue;
      }
      const std::string action = action_j.get<std::string>();
      const std::string who = at + " " + action;
      auto seen_it = std::find_if(seen.begin(), seen.end(), [&](const auto& x) { return x.first == action; });
      if (seen_it == seen.end()) seen.emplace_back(action, 1);
      else ++seen_it->second;
      // Exactly these detail fields (paper actions may carry more).
      auto fields = [&](std::initializer_list<const char*> names, bool more_allowed = false) {
        detail_fields(details, who, names, more_allowed, p);
      };
      auto only = [&](State allowed, const char* rule) {
        if (state != allowed) p.add(who + ": allowed only " + rule + ", but here it comes " + state_name(state));
      };

      if (l.number == 1 && action != "election.create")
        p.add(at + ": the first entry must be election.create, found " + action);
      if (action == "election.create") {
        fields({});
        if (state != State::None)
          p.add(who + ": must be the first entry, or follow election.delete, but here it comes " + state_name(state));
        else state = State::Created;
      } else if (action == "election.delete") {
        fields({});
        only(State::Created, "before open");
        if (state == State::Created) state = State::None;
      } else if (action == "election.update") {
        fields({"what"});
        if (!details.value("what", json()).is_string()) p.add(who + " details.what: must be text");
        only(State::Created, "before open");
      } else if (action == "codes.generate") {
        fields({"count", "district"});
        if (!is_count(details.value("count", json()))) p.add(who + " details.count: must be a whole number >= 0");
        const json d = details.value("district", json());
        // Codes of a deleted draft were deleted with it; only the last draft's count.
        if (l.number > last_create && (!d.is_string() || !districts.count(d.get<std::string>())))
          p.add(who + " details.district: " + brief(d) + " is not a district of the manifest");
        only(State::Created, "before open");
      } else if (action == "election.open") {
        fields({"manifest"});
        if (details.value("manifest", json()) != r_.manifest_hash)
          p.add(who + " details.manifest: expected " + r_.manifest_hash + " (the manifest's hash), found " +
                brief(details.value("manifest", json())));
        if (state != State::Created)
          p.add(who + ": allowed once, after election.create and before anything else opens it, but here it comes " +
                state_name(state));
        else state = State::Open;
      } else if (action == "kiosk.token") {
        fields({"district"});
        const json d = details.value("district", json());
        if (!d.is_string() || !districts.count(d.get<std::string>()))
          p.add(who + " details.district: " + brief(d) + " is not a district of the manifest");
        only(State::Open, "while voting is open");
      } else if (action == "kiosk.register" || action == "kiosk.tokens" || action == "kiosk.retire") {
        kiosk_action(action, details, who, kiosks, districts, p);
        only(State::Open, "while voting is open");
      } else if (action == "paper.enter" || action == "paper.dispute" || action == "paper.resolve" ||
                 action == "paper.spoil") {
        fields({"batch", "serial"}, true);
        only(State::Open, "while voting is open");
      } else if (action == "election.close") {
        fields({"checkpoint", "counts"});
        const json cp = details.value("checkpoint", json());
        if (!cp.is_object() || cp.size() != 2 || !is_hex64(cp.value("root", json())) ||
            !is_count(cp.value("size", json())))
          p.add(who + " details.checkpoint: must be {\"root\": hex, \"size\": n}, found " + brief(cp));
        if (!details.value("counts", json()).is_object()) p.add(who + " details.counts: must be an object");
        if (state != State::Open)
          p.add(who + ": allowed once, after election.open, but here it comes " + state_name(state));
        else state = State::Closed;
      } else if (action == "election.tally") {
        fields({"seed", "result"});
        if (!details.value("seed", json()).is_string()) p.add(who + " details.seed: must be text");
        if (!is_hex64(details.value("result", json()))) p.add(who + " details.result: must be a SHA-256 in hex");
        if (state != State::Closed)
          p.add(who + ": allowed once, after election.close, but here it comes " + state_name(state));
        else {
          state = State::Tallied;
          tally_result = details.value("result", json()).dump();
        }
      } else if (action == "election.publish") {
        fields({"result"});
        if (state != State::Tallied) {
          p.add(who + ": allowed once, after election.tally, but here it comes " + state_name(state));
        } else {
          state = State::Published;
          if (details.value("result", json()).dump() != tally_result)
            p.add(who + " details.result: expected " + tally_result + " (the tally's), found " +
                  brief(details.value("result", json())));
        }
      } else {
        p.add(who + ": not an officer action allot knows");
      }
    }
    if (state != State::Tallied && state != State::Published)
      p.add("officer-log.jsonl ends " + std::string(state_name(state)) +
            ", but the record holds a result: the log must show election.open, election.close and election.tally");

    std::string summary;
    for (const auto& [action, n] : seen) summary += (summary.empty() ? "" : ", ") + (n > 1 ? num(n) + " " : "") + action;
    return {p, num(r_.officer.size()) + " entries replayed (" + summary + "), each allowed when it happened" +
                   (state == State::Published ? "" : "; the result is not yet published")};
  }

  // Each of `names` is in an entry's details, and (unless more_allowed) nothing else.
  static void detail_fields(const json& details, const std::string& who, std::initializer_list<const char*> names,
                            bool more_allowed, Problems& p) {
    for (const char* n : names)
      if (!details.contains(n)) p.add(who + " details." + n + ": missing");
    if (more_allowed) return;
    for (const auto& [k, v] : details.items()) {
      (void)v;
      if (std::none_of(names.begin(), names.end(), [&k = k](const char* n) { return k == n; }))
        p.add(who + " details." + k + ": not a detail of this action");
    }
  }

  // kiosk.register {kiosk, name, district}: a new id, a district of the manifest;
  // kiosk.tokens {kiosk, count}: a kiosk registered and in service, 1 to 50 tokens;
  // kiosk.retire {kiosk}: a kiosk registered and in service.
  static void kiosk_action(const std::string& action, const json& details, const std::string& who,
                           std::map<std::string, bool>& kiosks, const std::set<std::string>& districts,
                           Problems& p) {
    auto exact = [&](std::initializer_list<const char*> names) { detail_fields(details, who, names, false, p); };
    const json id_j = details.value("kiosk", json());
    const std::string id = id_j.is_string() ? id_j.get<std::string>() : std::string();
    if (id.empty()) p.add(who + " details.kiosk: must be a kiosk id, found " + brief(id_j));
    const auto it = kiosks.find(id);
    if (action == "kiosk.register") {
      exact({"district", "kiosk", "name"});
      const json d = details.value("district", json());
      if (!d.is_string() || !districts.count(d.get<std::string>()))
        p.add(who + " details.district: " + brief(d) + " is not a district of the manifest");
      const json name = details.value("name", json());
      if (!name.is_string() || name.get<std::string>().empty())
        p.add(who + " details.name: must be text, found " + brief(name));
      if (it != kiosks.end()) p.add(who + ": the kiosk '" + id + "' is registered twice");
      else if (!id.empty()) kiosks[id] = false;
      return;
    }
    if (action == "kiosk.tokens") {
      exact({"count", "kiosk"});
      const json n = details.value("count", json());
      if (!is_count(n) || n.get<std::uint64_t>() < 1 || n.get<std::uint64_t>() > 50)
        p.add(who + " details.count: must be a whole number from 1 to 50, found " + brief(n));
    } else {
      exact({"kiosk"});
    }
    if (id.empty()) return;
    if (it == kiosks.end()) p.add(who + ": the kiosk '" + id + "' was never registered");
    else if (it->second) p.add(who + ": the kiosk '" + id + "' was retired before this");
    else if (action == "kiosk.retire") it->second = true;
  }

  // The line number of the last election.create (0 when there is none): entries
  // before it belong to a draft that was deleted.
  std::size_t last_create_line() const {
    std::size_t last = 0;
    for (const auto& l : r_.officer)
      if (l.doc && l.doc->is_object() && l.doc->value("action", json()) == "election.create") last = l.number;
    return last;
  }

  Outcome codes_issued() {
    Problems p;
    if (!r_.manifest_sound) return unchecked("the manifest is not sound (see manifest definition)");
    const json& by_district = (*r_.manifest)["credentials"]["by_district"];
    std::map<std::string, std::int64_t> generated;
    const std::size_t last_create = last_create_line();
    for (const auto& l : r_.officer) {
      if (l.number < last_create) continue;
      if (!l.doc || !l.doc->is_object() || l.doc->value("action", json()) != "codes.generate") continue;
      const json d = l.doc->value("details", json());
      if (!d.is_object() || !d.value("district", json()).is_string() || !is_count(d.value("count", json()))) {
        p.add(where(kOfficerLog, l) + " codes.generate: details need a district and a count");
        continue;
      }
      generated[d["district"].get<std::string>()] += d["count"].get<std::int64_t>();
    }
    std::string summary;
    for (const auto& [d, n] : by_district.items()) {
      const std::int64_t want = n.get<std::int64_t>();
      const std::int64_t got = generated.count(d) ? generated[d] : 0;
      const std::string name = d.empty() ? "(no district)" : d;
      summary += (summary.empty() ? "" : ", ") + name + " " + std::to_string(want);
      if (got != want)
        p.add("district " + name + ": manifest.json credentials.by_district says " + std::to_string(want) +
              " codes, the codes.generate entries of officer-log.jsonl add up to " + std::to_string(got));
    }
    for (const auto& [d, n] : generated)
      if (!by_district.contains(d))
        p.add("district " + (d.empty() ? std::string("(no district)") : d) + ": officer-log.jsonl generates " +
              std::to_string(n) + " codes, but manifest.json credentials.by_district lists none");
    return {p, "codes generated per district, as in the manifest: " + summary};
  }

  Outcome close_checkpoint() {
    Problems p;
    auto details = r_.details_of(r_.close_at);
    if (!details) return unchecked("officer-log.jsonl has no readable election.close entry");
    auto last = r_.last_ballot_checkpoint();
    if (!last || !last->is_object()) return unchecked("ballot-checkpoints.jsonl has no readable last checkpoint");
    const json want = {{"root", last->value("root", json())}, {"size", last->value("size", json())}};
    const json got = details->value("checkpoint", json());
    const std::string at = where(kOfficerLog, r_.officer[*r_.close_at]) + " election.close";
    if (auto d = first_difference(want, got, "details.checkpoint"))
      p.add(at + " " + *d + " (the last line of ballot-checkpoints.jsonl)");
    return {p, "the close entry names the last ballot checkpoint (size " + brief(want["size"]) + ", root " +
                   brief_hash(want["root"].is_string() ? want["root"].get<std::string>() : "") + ")"};
  }

  Outcome ballot_counts() {
    Problems p;
    auto details = r_.details_of(r_.close_at);
    if (!details) return unchecked("officer-log.jsonl has no readable election.close entry");
    if (!r_.manifest_sound) return unchecked("the manifest is not sound (see manifest definition)");
    const std::string at = where(kOfficerLog, r_.officer[*r_.close_at]) + " election.close details.counts";
    const json counts = details->value("counts", json());
    if (!counts.is_object()) {
      p.add(at + ": must be an object");
      return {p, ""};
    }
    // What the ballots say.
    std::map<std::string, std::int64_t> by_channel = {{"online", 0}, {"kiosk", 0}, {"paper", 0}};
    std::map<std::string, std::int64_t> online_by_district;
    for (const auto& l : r_.ballots) {
      if (!l.doc || !l.doc->is_object()) continue;
      const json ch = l.doc->value("channel", json());
      const json d = l.doc->value("district", json());
      if (!ch.is_string() || !by_channel.count(ch.get<std::string>())) continue;
      ++by_channel[ch.get<std::string>()];
      if (ch == "online" && d.is_string()) ++online_by_district[d.get<std::string>()];
    }
    auto expect = [&](const std::string& field, const json& found, std::int64_t want) {
      if (!is_count(found) || found.get<std::int64_t>() != want)
        p.add(at + "." + field + ": the ballots give " + std::to_string(want) + ", found " + brief(found));
    };
    for (const auto& [k, v] : counts.items()) {
      (void)v;
      if (k != "ballots" && k != "by_channel" && k != "codes_used" && k != "kiosk_tokens_used" && k != "paper_accepted")
        p.add(at + "." + k + ": not a field of the counts");
    }
    expect("ballots", counts.value("ballots", json()), static_cast<std::int64_t>(r_.ballots.size()));
    const json bc = counts.value("by_channel", json());
    if (!bc.is_object() || bc.size() != 3) p.add(at + ".by_channel: must hold exactly online, kiosk and paper");
    if (bc.is_object())
      for (const auto& [ch, n] : by_channel) expect("by_channel." + ch, bc.value(ch, json()), n);
    expect("kiosk_tokens_used", counts.value("kiosk_tokens_used", json()), by_channel["kiosk"]);
    expect("paper_accepted", counts.value("paper_accepted", json()), by_channel["paper"]);

    const json& issued = (*r_.manifest)["credentials"]["by_district"];
    const json used = counts.value("codes_used", json());
    std::string summary;
    if (!used.is_object()) {
      p.add(at + ".codes_used: must be an object");
    } else {
      for (const auto& [d, n] : issued.items()) {
        const std::string name = d.empty() ? "(no district)" : d;
        const std::int64_t want = online_by_district.count(d) ? online_by_district[d] : 0;
        if (!used.contains(d)) {
          p.add(at + ".codes_used: district " + name + " is missing");
          continue;
        }
        expect("codes_used." + d, used[d], want);
        if (want > n.get<std::int64_t>())
          p.add("district " + name + ": " + std::to_string(want) + " online ballots but only " +
                std::to_string(n.get<std::int64_t>()) + " codes were issued there");
        summary += (summary.empty() ? "" : ", ") + name + " " + std::to_string(want) + " of " +
                   std::to_string(n.get<std::int64_t>());
      }
      for (const auto& [d, n] : used.items())
        if (!issued.contains(d)) p.add(at + ".codes_used." + d + ": not a district with codes in the manifest");
      for (const auto& [d, n] : online_by_district)
        if (!issued.contains(d))
          p.add(std::to_string(n) + " online ballots of district " + (d.empty() ? std::string("(no district)") : d) +
                ", where the manifest issued no codes");
    }
    return {p, num(r_.ballots.size()) + " ballots: " + std::to_string(by_channel["online"]) + " online, " +
                   std::to_string(by_channel["kiosk"]) + " kiosk, " + std::to_string(by_channel["paper"]) +
                   " paper; codes used per district: " + summary};
  }

  // --- result ----------------------------------------------------------------

  Outcome result_signature() {
    Problems p;
    if (!r_.result) return unchecked("result.json cannot be read: " + r_.result_error);
    if (r_.key_hex.empty()) return unchecked("the record names no signing key");
    if (!record::signature_ok(*r_.result, r_.key_hex)) p.add("result.json signature: does not verify");
    return {p, "result.json is signed by the election's key"};
  }

  Outcome result_fields() {
    Problems p;
    if (!r_.result || !r_.result->is_object()) return unchecked("result.json cannot be read");
    const json& res = *r_.result;
    static const std::set<std::string> known = {"allot",    "election",           "manifest", "seed",
                                                "tie_break", "ballot_checkpoint", "officer_checkpoint",
                                                "counts",   "contests",           "signature"};
    for (const auto& [k, v] : res.items()) {
      (void)v;
      if (!known.count(k)) p.add("result.json: '" + k + "' is not a field of a result");
    }
    auto expect = [&](const char* field, const json& want, const std::string& why) {
      const json got = res.value(field, json());
      if (got != want)
        p.add(std::string("result.json ") + field + ": expected " + brief(want) + why + ", found " +
              (res.contains(field) ? brief(got) : std::string("nothing")));
    };
    expect("allot", "result/1", "");
    expect("election", r_.election, " (the manifest's)");
    expect("manifest", r_.manifest_hash, " (the manifest's hash)");
    json tie_break = "ticket";
    if (r_.manifest && r_.manifest->is_object() && r_.manifest->contains("tie_break"))
      tie_break = (*r_.manifest)["tie_break"];
    expect("tie_break", tie_break, " (the manifest's)");
    if (!res.value("seed", json()).is_string()) p.add("result.json seed: must be text");
    if (auto tally = r_.details_of(r_.tally_at))
      expect("seed", tally->value("seed", json()),
             " (the seed of the election.tally entry, " + where(kOfficerLog, r_.officer[*r_.tally_at]) + ")");
    else
      p.add("result.json seed: there is no readable election.tally entry to compare with");
    if (!res.value("contests", json()).is_array()) p.add("result.json contests: must be a list");
    return {p, "election, manifest hash, tie-break " + brief(tie_break) + " and seed " +
                   brief(res.value("seed", json())) + " as in the manifest and the tally entry"};
  }

  Outcome result_ballot_checkpoint() {
    Problems p;
    if (!r_.result || !r_.result->is_object()) return unchecked("result.json cannot be read");
    auto last = r_.last_ballot_checkpoint();
    if (!last) return unchecked("ballot-checkpoints.jsonl has no readable last checkpoint");
    const json got = r_.result->value("ballot_checkpoint", json());
    if (auto d = first_difference(*last, got, "result.json ballot_checkpoint"))
      p.add(*d + " (it must be the last line of ballot-checkpoints.jsonl)");
    else if (canonical::dump(*last) != canonical::dump(got))
      p.add("result.json ballot_checkpoint: not byte-identical to the last line of ballot-checkpoints.jsonl");
    return {p, "the last ballot checkpoint (size " + brief(last->value("size", json())) + "), signed"};
  }

  Outcome result_officer_checkpoint() {
    Problems p;
    if (!r_.result || !r_.result->is_object()) return unchecked("result.json cannot be read");
    if (!r_.tally_at) return unchecked("officer-log.jsonl has no election.tally entry");
    const json got = r_.result->value("officer_checkpoint", json());
    const std::size_t tally_seq = *r_.tally_at;
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < r_.officer_cps.size(); ++i)
      if (r_.officer_cps[i].doc && canonical::dump(*r_.officer_cps[i].doc) == canonical::dump(got)) found = i;
    if (!found) {
      if (tally_seq >= 1 && tally_seq <= r_.officer_cps.size() && r_.officer_cps[tally_seq - 1].doc) {
        if (auto d = first_difference(*r_.officer_cps[tally_seq - 1].doc, got, "result.json officer_checkpoint"))
          p.add(*d + " (" + where(kOfficerCps, r_.officer_cps[tally_seq - 1]) +
                ", the checkpoint just before the tally entry)");
        else
          p.add("result.json officer_checkpoint: not byte-identical to any line of officer-checkpoints.jsonl");
      } else {
        p.add("result.json officer_checkpoint: is not one of the checkpoints in officer-checkpoints.jsonl");
      }
    } else {
      const auto size = size_of(r_.officer_cps[*found]);
      if (!size || *size != tally_seq)
        p.add("result.json officer_checkpoint: has size " + brief(got.value("size", json())) +
              ", but the election.tally entry is seq " + num(tally_seq) +
              ": it must be the checkpoint just before the tally (size " + num(tally_seq) + ")");
    }
    return {p, "the officer checkpoint of size " + num(tally_seq) + ", just before the tally entry (seq " +
                   num(tally_seq) + ")"};
  }

  Outcome result_counts() {
    Problems p;
    if (!r_.result || !r_.result->is_object()) return unchecked("result.json cannot be read");
    auto details = r_.details_of(r_.close_at);
    if (!details) return unchecked("officer-log.jsonl has no readable election.close entry");
    if (auto d = first_difference(details->value("counts", json()), r_.result->value("counts", json()),
                                  "result.json counts"))
      p.add(*d + " (the election.close entry's counts)");
    return {p, "equal to the counts of the election.close entry"};
  }

  Outcome result_hash() {
    Problems p;
    const std::string* bytes = r_.file(kResult);
    if (!bytes) return unchecked("result.json is missing");
    std::string body = *bytes;
    if (!body.empty() && body.back() == '\n') body.pop_back();
    const std::string hash = crypto::sha256_hex(body);
    if (!r_.tally_at) p.add("officer-log.jsonl has no election.tally entry naming the result");
    std::string entries;
    for (auto at : {r_.tally_at, r_.publish_at}) {
      if (!at) continue;
      const std::string who = where(kOfficerLog, r_.officer[*at]) + " " +
                              r_.officer[*at].doc->value("action", json()).get<std::string>();
      auto details = r_.details_of(at);
      const json got = details ? details->value("result", json()) : json();
      if (got != hash) p.add(who + " details.result: expected " + hash + " (SHA-256 of result.json), found " + brief(got));
      entries += (entries.empty() ? "" : " and ") + who;
    }
    return {p, hash + " (SHA-256 of result.json) is the one in " + entries};
  }

  Outcome re_tally() {
    Problems p;
    if (!r_.manifest_sound) return unchecked("the manifest is not sound (see manifest definition)");
    if (!r_.result || !r_.result->is_object()) return unchecked("result.json cannot be read");
    if (!r_.all_ballots_parsed()) return unchecked("some lines of ballots.jsonl are not ballots");
    const json contests = r_.result->value("contests", json());
    if (!contests.is_array()) return unchecked("result.json contests is not a list");
    const json seed = r_.result->value("seed", json());
    if (!seed.is_string()) return unchecked("result.json has no seed");
    const auto ballots = r_.ballot_docs();
    const std::size_t n = r_.contests.size();
    if (contests.size() != n)
      p.add("result.json contests: expected " + num(n) + " contests (the manifest's), found " + num(contests.size()));
    std::string summary;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string at = "contests[" + num(i) + "]";
      json expected;
      try {
        expected = manifest::tally_contest(*r_.manifest, i, ballots, seed.get<std::string>());
      } catch (const std::exception& e) {
        p.add(at + " (" + r_.contests[i].id + "): cannot be re-counted: " + e.what());
        continue;
      }
      summary += (summary.empty() ? "" : ", ") + r_.contests[i].id + " (" + expected.value("rule", "") + ", " +
                 std::to_string(expected.value("ballots", std::int64_t{0})) + " ballots)";
      if (i >= contests.size()) continue;
      if (auto d = first_difference(expected, contests[i], at))
        p.add("result.json " + *d + " (re-counted from the ballots)");
    }
    return {p, num(n) + " contests re-counted from the ballots, every figure equal: " + summary};
  }

  Outcome exports() {
    Problems p;
    if (!r_.manifest_sound) return unchecked("the manifest is not sound (see manifest definition)");
    if (!r_.all_ballots_parsed()) return unchecked("some lines of ballots.jsonl are not ballots");
    const auto ballots = r_.ballot_docs();
    std::set<std::string> expected_files;
    std::vector<std::string> unmade;  // "exports/<contest>." of exports that could not be made
    for (std::size_t i = 0; i < r_.contests.size(); ++i) {
      manifest::Export ex;
      try {
        ex = manifest::export_contest(*r_.manifest, i, ballots);
      } catch (const std::exception& e) {
        p.add("contest " + r_.contests[i].id + ": its export cannot be made: " + e.what());
        unmade.push_back("exports/" + r_.contests[i].id + ".");
        continue;
      }
      if (ex.file_name.empty()) continue;
      const std::string path = "exports/" + ex.file_name;
      expected_files.insert(path);
      const std::string* found = r_.file(path);
      if (!found) {
        p.add(path + " is missing (contest " + r_.contests[i].id + ")");
        continue;
      }
      if (*found == ex.bytes) continue;
      // Name the first differing line.
      std::istringstream a(ex.bytes), b(*found);
      std::string la, lb;
      std::size_t line = 0;
      while (true) {
        ++line;
        const bool ga = static_cast<bool>(std::getline(a, la));
        const bool gb = static_cast<bool>(std::getline(b, lb));
        if (!ga && !gb) {
          p.add(path + ": differs from the ballots' export (in line endings)");
          break;
        }
        if (ga != gb || la != lb) {
          p.add(path + " line " + num(line) + ": the ballots give " + (ga ? brief(json(la)) : std::string("nothing")) +
                ", found " + (gb ? brief(json(lb)) : std::string("nothing")));
          break;
        }
      }
    }
    for (const auto& [path, bytes] : r_.files_) {
      (void)bytes;
      if (path.rfind("exports/", 0) != 0 || expected_files.count(path)) continue;
      if (std::any_of(unmade.begin(), unmade.end(), [&path = path](const std::string& u) { return path.rfind(u, 0) == 0; }))
        continue;  // already reported: its contest's export cannot be made
      p.add(path + " is not the export of any contest");
    }
    std::string list;
    for (const auto& f : expected_files) list += (list.empty() ? "" : ", ") + f;
    return {p, num(expected_files.size()) + " exports regenerated from the ballots, byte-identical: " + list};
  }
};

// ---------------------------------------------------------------------------
// Receipts

class ReceiptVerifier : Steps {
 public:
  ReceiptVerifier(const record::Files& files, const json& receipt) : r_(files), receipt_(receipt) {}

  Report run() {
    step("receipt fields", [&] { return fields(); });
    step("receipt signature", [&] { return signature(); });
    step("receipt election and manifest", [&] { return election(); });
    step("receipt code", [&] { return code(); });
    step("receipt ballot in log", [&] { return in_log(); });
    step("receipt inclusion proof", [&] { return inclusion(); });
    return report_;
  }

 private:
  Record r_;
  json receipt_;
  std::optional<std::size_t> index_;
  json get(const char* field) const { return receipt_.is_object() ? receipt_.value(field, json()) : json(); }

  Outcome fields() {
    Problems p;
    if (!receipt_.is_object()) {
      p.add("the receipt is not a JSON object");
      return {p, ""};
    }
    // receipt/2 carries its batch proof; receipt/1 (earlier versions) is signed alone.
    const bool batched = get("allot") == "receipt/2";
    for (const auto& [k, v] : receipt_.items()) {
      (void)v;
      if (k != "allot" && k != "code" && k != "election" && k != "leaf" && k != "manifest" && k != "signature" &&
          !(batched && k == "batch"))
        p.add("receipt: '" + k + "' is not a field of a receipt");
    }
    if (get("allot") != "receipt/1" && !batched)
      p.add("receipt allot: expected \"receipt/2\" (or \"receipt/1\"), found " + brief(get("allot")));
    if (batched && !get("batch").is_object()) p.add("receipt batch: a receipt/2 has a batch object");
    if (!is_hex64(get("leaf"))) p.add("receipt leaf: expected 64 lower-case hex digits, found " + brief(get("leaf")));
    for (const char* f : {"code", "election", "manifest", "signature"})
      if (!get(f).is_string()) p.add(std::string("receipt ") + f + ": must be text");
    return {p, std::string("a ") + (batched ? "receipt/2" : "receipt/1") + " document"};
  }

  Outcome signature() {
    Problems p;
    if (r_.key_hex.empty()) return unchecked("the record names no signing key");
    if (get("allot") == "receipt/2") {
      const std::string problem = receipt::check_batch(receipt_, r_.key_hex);
      if (!problem.empty()) {
        p.add("receipt signature: " + problem);
        return {p, ""};
      }
      return {p, "in a batch of " + num(get("batch").at("size").get<std::uint64_t>()) +
                     " receipts signed by the election's key " + brief_hash(r_.key_hex)};
    }
    if (!record::signature_ok(receipt_, r_.key_hex))
      p.add("receipt signature: does not verify with the election's key " + r_.key_hex);
    return {p, "signed by the election's key " + brief_hash(r_.key_hex)};
  }

  Outcome election() {
    Problems p;
    if (!r_.manifest) return unchecked("manifest.json cannot be read");
    if (get("election") != r_.election)
      p.add("receipt election: expected " + brief(r_.election) + " (the record's), found " + brief(get("election")));
    if (get("manifest") != r_.manifest_hash)
      p.add("receipt manifest: expected " + r_.manifest_hash + " (the record's), found " + brief(get("manifest")));
    return {p, "election " + r_.election + ", manifest " + brief_hash(r_.manifest_hash)};
  }

  Outcome code() {
    Problems p;
    if (!is_hex64(get("leaf"))) return unchecked("the receipt has no valid leaf");
    const std::string want = receipt_code_of(crypto::from_hex(get("leaf").get<std::string>()));
    if (get("code") != want)
      p.add("receipt code: the leaf gives " + want + ", found " + brief(get("code")));
    return {p, want + " (the first 50 bits of the leaf hash)"};
  }

  Outcome in_log() {
    Problems p;
    if (!r_.file(kBallots)) return unchecked("ballots.jsonl is missing");
    if (!is_hex64(get("leaf"))) return unchecked("the receipt has no valid leaf");
    const std::string leaf = get("leaf").get<std::string>();
    for (std::size_t i = 0; i < r_.leaves.size(); ++i)
      if (hex_of(r_.leaves[i]) == leaf) {
        index_ = i;
        break;
      }
    if (!index_) {
      p.add("receipt leaf " + brief_hash(leaf) + ": no ballot of ballots.jsonl has this leaf hash");
      return {p, ""};
    }
    return {p, "ballots.jsonl line " + num(*index_ + 1) + " of " + num(r_.leaves.size())};
  }

  Outcome inclusion() {
    Problems p;
    if (!index_) return unchecked("the ballot is not in the log");
    auto last = r_.last_ballot_checkpoint();
    if (!last || !last->is_object()) return unchecked("ballot-checkpoints.jsonl has no readable last checkpoint");
    if (!record::signature_ok(*last, r_.key_hex)) p.add("the final ballot checkpoint's signature does not verify");
    const json size_j = last->value("size", json());
    const json root_j = last->value("root", json());
    if (!is_count(size_j) || !is_hex64(root_j)) {
      p.add("the final ballot checkpoint has no valid size and root");
      return {p, ""};
    }
    const auto size = size_j.get<std::uint64_t>();
    if (*index_ >= size || size > r_.leaves.size()) {
      p.add("ballot " + num(*index_ + 1) + " is not covered by the final checkpoint of size " + std::to_string(size));
      return {p, ""};
    }
    const auto proof = merkle::inclusion_proof(r_.leaves, *index_, size);
    const auto leaf = crypto::hash_from_hex(get("leaf").get<std::string>());
    const std::string root = root_j.get<std::string>();
    if (!merkle::verify_inclusion(leaf, *index_, size, proof, crypto::hash_from_hex(root)))
      p.add("the inclusion proof of ballot " + num(*index_ + 1) + " does not lead to the final checkpoint's root " +
            root);
    return {p, "an inclusion proof of " + num(proof.size()) + " hashes links the ballot to the signed root " +
                   brief_hash(root) + " of the final checkpoint (size " + std::to_string(size) + ")"};
  }
};

}  // namespace

Report verify_files(const record::Files& files) { return Verifier(files).run(); }

Report verify_record(const std::filesystem::path& dir) {
  record::Files files;
  try {
    files = record::read_files(dir);
  } catch (const std::exception& e) {
    Report r;
    r.checks.push_back({"record files", false, e.what()});
    return r;
  }
  return verify_files(files);
}

Report verify_receipt(const record::Files& files, const json& receipt) {
  return ReceiptVerifier(files, receipt).run();
}

}  // namespace allot::verify
