// The verifier (allot verify) against a forger: a valid record verifies, and each
// forgery, re-signed wherever a signature would otherwise hide it, fails the one
// check that is meant to catch it.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <thread>

#include "allot/storage/verify.hpp"
#include "mutation.hpp"
#include "record_builder.hpp"

namespace {

using allot::record::Files;
using allot::testing::edit_document;
using allot::testing::OfficerStep;
using allot::testing::RecordForger;
using nlohmann::json;
namespace fs = std::filesystem;
namespace verify = allot::verify;

std::vector<std::string> failures(const verify::Report& r) {
  std::vector<std::string> out;
  for (const auto& c : r.checks)
    if (!c.ok) out.push_back(c.name + ": " + c.detail);
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "  " + x + "\n";
  return s;
}

// Builds the default record once (the tallies take a moment under sanitizers).
const Files& valid_files() {
  static const Files files = [] {
    RecordForger f;
    return f.build();
  }();
  return files;
}

std::size_t index_of(const std::vector<OfficerStep>& steps, const std::string& action) {
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (steps[i].action == action) return i;
  throw std::runtime_error("no step " + action);
}

OfficerStep kiosk_register(const std::string& id, const std::string& district) {
  return {"kiosk.register", {{"district", district}, {"kiosk", id}, {"name", "Kiosk " + id}}, "kim"};
}

// Inserts officer steps right after election.open.
void insert_after_open(std::vector<OfficerStep>& s, const std::vector<OfficerStep>& steps) {
  s.insert(s.begin() + static_cast<long>(index_of(s, "election.open")) + 1, steps.begin(), steps.end());
}

// Registered kiosks, their pools and their retirement replay as allowed.
TEST(VerifyTest, KioskActionsWhileOpenVerify) {
  RecordForger f;
  f.edit_officer = [](std::vector<OfficerStep>& s) {
    insert_after_open(s, {kiosk_register("library", "north"),
                          {"kiosk.tokens", {{"count", 50}, {"kiosk", "library"}}, "kim"},
                          kiosk_register("hall", ""),
                          {"kiosk.retire", {{"kiosk", "library"}}, "olga"},
                          {"kiosk.tokens", {{"count", 1}, {"kiosk", "hall"}}, "kim"}});
  };
  const auto report = verify::verify_files(f.build());
  EXPECT_TRUE(report.ok()) << report.text();
}

TEST(VerifyTest, ValidRecordVerifies) {
  RecordForger f;
  const Files files = f.build();
  const auto report = verify::verify_files(files);
  EXPECT_TRUE(report.ok()) << report.text();
  EXPECT_GE(report.checks.size(), 30u);
  const std::string text = report.text();
  EXPECT_NE(text.find("VERIFIED: all"), std::string::npos) << text;
  EXPECT_EQ(text.find("FAIL"), std::string::npos) << text;
  // Every contest of the default election has an export but none other.
  EXPECT_TRUE(files.count("exports/city.pb"));
  EXPECT_TRUE(files.count("exports/north.pb"));
  EXPECT_TRUE(files.count("exports/council.blt"));
}

TEST(VerifyTest, ReportTextNamesFailuresAndVerdict) {
  Files files = valid_files();
  files.erase("officer-checkpoints.jsonl");
  const auto report = verify::verify_files(files);
  ASSERT_FALSE(report.ok());
  const std::string text = report.text();
  EXPECT_NE(text.find("FAIL index contents: officer-checkpoints.jsonl is listed in index.json but missing"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ok   ballot log roots: "), std::string::npos) << text;
  EXPECT_NE(text.find("NOT VERIFIED: "), std::string::npos) << text;
  EXPECT_EQ(report.failed("index contents"), true);
  EXPECT_EQ(report.failed("ballot log roots"), false);
}

// --- the table of forgeries -------------------------------------------------------

struct Mutation {
  std::string name;
  std::string check;  // the check that must fail
  std::function<Files(RecordForger&)> make;
  std::string detail = {};  // a piece of the failure's detail, when given
};

Files edited(RecordForger& f, const std::function<void(Files&)>& fn, bool reindex = true) {
  Files files = f.build();
  fn(files);
  if (reindex) f.reindex(files);
  return files;
}

std::string flip_hex(std::string s, std::size_t at) {
  s[at] = s[at] == '0' ? '1' : '0';
  return s;
}

std::vector<Mutation> mutations() {
  std::vector<Mutation> m;
  auto edit = [](const std::string& path, std::size_t line, std::function<void(json&)> fn, bool resign = false,
                 bool reindex = true) {
    return [=](RecordForger& f) {
      return edited(
          f, [&](Files& files) { edit_document(files, path, line, fn, resign ? &f : nullptr); }, reindex);
    };
  };

  // Files and index.
  m.push_back({"extra file, listed in the index", "record files", [](RecordForger& f) {
                 return edited(f, [](Files& x) { x["notes.txt"] = "hello\n"; });
               }, "notes.txt is not a file a record may hold"});
  m.push_back({"extra file, not in the index", "index contents", [](RecordForger& f) {
                 return edited(f, [](Files& x) { x["notes.txt"] = "hello\n"; }, false);
               }, "notes.txt is in the record but not listed"});
  m.push_back({"missing file, index re-signed", "record files", [](RecordForger& f) {
                 return edited(f, [](Files& x) { x.erase("officer-checkpoints.jsonl"); });
               }, "officer-checkpoints.jsonl is missing"});
  m.push_back({"missing file", "index contents", [](RecordForger& f) {
                 return edited(f, [](Files& x) { x.erase("result.json"); }, false);
               }, "result.json is listed in index.json but missing"});
  m.push_back({"file changed after indexing", "index contents",
               edit("ballots.jsonl", 3, [](json& b) { b["nonce"] = std::string(32, 'a'); }, false, false),
               "ballots.jsonl: index.json lists"});
  m.push_back({"index of another election", "index contents", [](RecordForger& f) {
                 Files x = f.build();
                 edit_document(x, "index.json", 0, [](json& ix) { ix["election"] = "elsewhere"; }, &f);
                 return x;
               }, "index.json election"});
  m.push_back({"index signature broken", "index signature", [](RecordForger& f) {
                 Files x = f.build();
                 edit_document(x, "index.json", 0, [](json& ix) { ix["signature"] = flip_hex(ix["signature"], 5); });
                 return x;
               }});
  m.push_back({"non-canonical document", "canonical form", [](RecordForger& f) {
                 return edited(f, [](Files& x) {
                   std::string& r = x["result.json"];
                   r.insert(r.find(',') + 1, " ");
                 });
               }, "result.json: not in canonical form at byte"});
  m.push_back({"non-canonical line", "canonical form", [](RecordForger& f) {
                 return edited(f, [](Files& x) {
                   std::string& r = x["officer-log.jsonl"];
                   const auto second = r.find('\n') + 1;
                   r.insert(r.find(':', second) + 1, " ");
                 });
               }, "officer-log.jsonl line 2"});
  m.push_back({"public key replaced", "signing key", [](RecordForger& f) {
                 Files x = f.build();
                 const auto other = allot::crypto::SigningKey::generate();
                 x["public-keys.json"] = allot::record::document(
                     {{"allot", "keys/1"}, {"signing", allot::crypto::to_hex(other.public_key())}});
                 x.erase("index.json");
                 x["index.json"] = allot::record::make_index(x, f.election, f.manifest_hash(), other);
                 return x;
               }});

  // Manifest.
  m.push_back({"cost changed in the manifest", "manifest hash",
               edit("manifest.json", 0, [](json& mf) { mf["contests"][0]["options"][0]["cost"] = 39999; })});
  m.push_back({"manifest unsound", "manifest definition",
               edit("manifest.json", 0, [](json& mf) { mf["contests"][0]["options"][0]["cost"] = -5; }),
               "contests[0].options[0].cost"});
  m.push_back({"manifest without credentials", "manifest definition",
               edit("manifest.json", 0, [](json& mf) { mf.erase("credentials"); })});

  // Ballots.
  m.push_back({"ballot with an unknown option", "valid ballots",
               edit("ballots.jsonl", 2, [](json& b) { b["answers"]["city"]["options"] = json::array({"P9"}); }),
               "ballots.jsonl line 3"});
  m.push_back({"ballot over the cost limit", "valid ballots",
               edit("ballots.jsonl", 4,
                    [](json& b) { b["answers"]["city"]["options"] = json::array({"P1", "P2", "P3", "P4", "P5"}); })});
  m.push_back({"ballot bound to another manifest", "valid ballots",
               edit("ballots.jsonl", 0, [](json& b) { b["manifest"] = allot::crypto::sha256_hex("other"); })});
  m.push_back({"ballot option changed", "ballot log roots", edit("ballots.jsonl", 2, [](json& b) {
                 auto& o = b["answers"]["city"]["options"];
                 o = o == json::array({"P5"}) ? json::array({"P4"}) : json::array({"P5"});
               })});
  m.push_back({"ballots swapped inside a batch", "batch order", [](RecordForger& f) {
                 return edited(f, [](Files& x) {
                   auto docs = RecordForger::lines(x["ballots.jsonl"]);
                   std::swap(docs[1], docs[2]);
                   x["ballots.jsonl"] = allot::record::jsonl(docs);
                 });
               }});
  m.push_back({"ballots swapped inside a batch, log re-sealed", "batch order", [](RecordForger& f) {
                 f.after_sort = [](std::vector<json>& b) { std::swap(b[8], b[9]); };
                 return f.build();
               }, "ballots.jsonl lines 9 and 10"});
  m.push_back({"ballots swapped across batches", "ballot log roots", [](RecordForger& f) {
                 return edited(f, [](Files& x) {
                   auto docs = RecordForger::lines(x["ballots.jsonl"]);
                   std::swap(docs[0], docs[15]);
                   x["ballots.jsonl"] = allot::record::jsonl(docs);
                 });
               }, "ballot-checkpoints.jsonl line 2 root"});
  m.push_back({"ballot removed", "ballot checkpoint sizes", [](RecordForger& f) {
                 return edited(f, [](Files& x) {
                   auto docs = RecordForger::lines(x["ballots.jsonl"]);
                   docs.erase(docs.begin() + 16);
                   x["ballots.jsonl"] = allot::record::jsonl(docs);
                 });
               }, "expected 19, found 20"});
  m.push_back({"ballot removed, log re-sealed, counts kept", "ballot counts", [](RecordForger& f) {
                 const json before = RecordForger::counts_of(f.ballots, f.manifest);
                 f.edit_ballots = [](std::vector<json>& b) { b.erase(b.begin() + 3); };
                 f.checkpoint_sizes = {0, 7, 14, 19};
                 f.edit_counts = [before](json& c) { c = before; };
                 return f.build();
               }, "counts.ballots: the ballots give 19, found 20"});
  m.push_back({"ballot duplicated, log re-sealed and re-counted", "unique ballots", [](RecordForger& f) {
                 f.edit_ballots = [](std::vector<json>& b) { b.push_back(b[2]); };
                 f.checkpoint_sizes = {0, 7, 14, 21};
                 return f.build();
               }});

  // Ballot checkpoints.
  m.push_back({"checkpoint root wrong, re-signed", "ballot log roots",
               edit("ballot-checkpoints.jsonl", 2,
                    [](json& c) { c["root"] = allot::crypto::sha256_hex("forged"); }, true)});
  m.push_back({"checkpoint sizes decrease", "ballot checkpoint sizes", [](RecordForger& f) {
                 f.checkpoint_sizes = {0, 14, 7, 20};
                 return f.build();
               }, "is smaller than the previous size 14"});
  m.push_back({"no checkpoint at open", "ballot checkpoint sizes", [](RecordForger& f) {
                 f.checkpoint_sizes = {7, 14, 20};
                 return f.build();
               }});
  m.push_back({"last checkpoint short of the ballots", "ballot checkpoint sizes", [](RecordForger& f) {
                 f.checkpoint_sizes = {0, 7, 14};
                 return f.build();
               }});
  m.push_back({"checkpoint signature broken", "ballot checkpoint signatures",
               edit("ballot-checkpoints.jsonl", 1, [](json& c) { c["signature"] = flip_hex(c["signature"], 0); }),
               "ballot-checkpoints.jsonl line 2"});
  m.push_back({"checkpoint of another election, re-signed", "ballot checkpoint fields",
               edit("ballot-checkpoints.jsonl", 1, [](json& c) { c["election"] = "elsewhere"; }, true)});

  // Officer log.
  m.push_back({"officer entry removed", "officer log chain", [](RecordForger& f) {
                 return edited(f, [](Files& x) {
                   auto docs = RecordForger::lines(x["officer-log.jsonl"]);
                   docs.erase(docs.begin() + 1);
                   x["officer-log.jsonl"] = allot::record::jsonl(docs);
                 });
               }, "officer-log.jsonl line 2 seq"});
  m.push_back({"officer entries reordered", "officer log chain", [](RecordForger& f) {
                 return edited(f, [](Files& x) {
                   auto docs = RecordForger::lines(x["officer-log.jsonl"]);
                   std::swap(docs[2], docs[3]);
                   x["officer-log.jsonl"] = allot::record::jsonl(docs);
                 });
               }});
  m.push_back({"officer entry edited", "officer log chain",
               edit("officer-log.jsonl", 1, [](json& e) { e["actor"] = "mallory"; }),
               "officer-log.jsonl line 3 prev"});
  m.push_back({"officer checkpoint root wrong, re-signed", "officer checkpoint roots",
               edit("officer-checkpoints.jsonl", 3, [](json& c) { c["root"] = allot::crypto::sha256_hex("x"); },
                    true)});
  m.push_back({"officer checkpoint dropped", "officer checkpoint roots", [](RecordForger& f) {
                 return edited(f, [](Files& x) {
                   auto docs = RecordForger::lines(x["officer-checkpoints.jsonl"]);
                   docs.pop_back();
                   x["officer-checkpoints.jsonl"] = allot::record::jsonl(docs);
                 });
               }});
  m.push_back({"officer checkpoint signature broken", "officer checkpoint signatures",
               edit("officer-checkpoints.jsonl", 0, [](json& c) { c["signature"] = flip_hex(c["signature"], 9); })});
  m.push_back({"officer checkpoint with a manifest field, re-signed", "officer checkpoint fields",
               edit("officer-checkpoints.jsonl", 2, [](json& c) { c["manifest"] = "x"; }, true)});
  m.push_back({"open removed from a consistent log", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) { s.erase(s.begin() + index_of(s, "election.open")); };
                 return f.build();
               }});
  m.push_back({"open with another manifest hash", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   s[index_of(s, "election.open")].details["manifest"] = allot::crypto::sha256_hex("other");
                 };
                 return f.build();
               }, "details.manifest"});
  m.push_back({"codes generated after open", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   const auto open = index_of(s, "election.open");
                   std::swap(s[open], s[open - 1]);
                 };
                 return f.build();
               }, "codes.generate: allowed only before open"});
  m.push_back({"update while open", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   s.insert(s.begin() + static_cast<long>(index_of(s, "election.close")),
                            OfficerStep{"election.update", {{"what", "title"}}});
                 };
                 return f.build();
               }});
  m.push_back({"tally before close", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   const auto close = index_of(s, "election.close");
                   std::swap(s[close], s[close + 1]);
                 };
                 return f.build();
               }, "election.tally: allowed once, after election.close"});
  m.push_back({"closed twice", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   const auto close = index_of(s, "election.close");
                   s.insert(s.begin() + static_cast<long>(close), s[close]);
                 };
                 return f.build();
               }});
  m.push_back({"kiosk token after close", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   s.insert(s.begin() + static_cast<long>(index_of(s, "election.close")) + 1,
                            OfficerStep{"kiosk.token", {{"district", "north"}}});
                 };
                 return f.build();
               }});
  m.push_back({"kiosk tokens on a kiosk never registered", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   insert_after_open(s, {{"kiosk.tokens", {{"count", 5}, {"kiosk", "ghost"}}}});
                 };
                 return f.build();
               }, "kiosk.tokens: the kiosk 'ghost' was never registered"});
  m.push_back({"kiosk tokens after the kiosk retired", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   insert_after_open(s, {kiosk_register("library", "north"),
                                         {"kiosk.retire", {{"kiosk", "library"}}},
                                         {"kiosk.tokens", {{"count", 5}, {"kiosk", "library"}}}});
                 };
                 return f.build();
               }, "kiosk.tokens: the kiosk 'library' was retired before this"});
  m.push_back({"kiosk retired twice", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   insert_after_open(s, {kiosk_register("library", "north"),
                                         {"kiosk.retire", {{"kiosk", "library"}}},
                                         {"kiosk.retire", {{"kiosk", "library"}}}});
                 };
                 return f.build();
               }, "kiosk.retire: the kiosk 'library' was retired before this"});
  m.push_back({"kiosk registered twice", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   insert_after_open(s, {kiosk_register("library", "north"), kiosk_register("library", "south")});
                 };
                 return f.build();
               }, "kiosk.register: the kiosk 'library' is registered twice"});
  m.push_back({"kiosk in a district the manifest lacks", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   insert_after_open(s, {kiosk_register("library", "west")});
                 };
                 return f.build();
               }, "kiosk.register details.district"});
  m.push_back({"a pool of 51 kiosk tokens", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   insert_after_open(s, {kiosk_register("library", "north"),
                                         {"kiosk.tokens", {{"count", 51}, {"kiosk", "library"}}}});
                 };
                 return f.build();
               }, "kiosk.tokens details.count"});
  m.push_back({"a kiosk registered before open", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   s.insert(s.begin() + static_cast<long>(index_of(s, "election.open")),
                            kiosk_register("library", "north"));
                 };
                 return f.build();
               }, "kiosk.register: allowed only while voting is open"});
  m.push_back({"unknown officer action", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   s.insert(s.begin() + 1, OfficerStep{"ballots.delete", json::object()});
                 };
                 return f.build();
               }});
  m.push_back({"never tallied", "officer actions", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   s.resize(index_of(s, "election.tally"));
                 };
                 return f.build();
               }});
  m.push_back({"more codes generated than the manifest says", "codes issued", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   s.insert(s.begin() + 2, OfficerStep{"codes.generate", {{"count", 1}, {"district", "north"}}});
                 };
                 return f.build();
               }, "district north"});
  m.push_back({"close names an earlier checkpoint", "close checkpoint", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   s[index_of(s, "election.close")].details["checkpoint"]["size"] = 14;
                 };
                 return f.build();
               }, "details.checkpoint.size: expected 20, found 14"});

  // Counts.
  m.push_back({"wrong counts", "ballot counts", [](RecordForger& f) {
                 f.edit_counts = [](json& c) {
                   c["by_channel"]["online"] = c["by_channel"]["online"].get<int>() + 1;
                   c["by_channel"]["paper"] = c["by_channel"]["paper"].get<int>() - 1;
                 };
                 return f.build();
               }, "by_channel.online"});
  m.push_back({"more online ballots than codes issued", "ballot counts", [](RecordForger& f) {
                 f.manifest["credentials"]["by_district"]["north"] = 3;
                 f.manifest["credentials"]["codes"] = 23;
                 return f.build();
               }, "only 3 codes were issued there"});

  // Result.
  m.push_back({"result signature broken", "result signature", [](RecordForger& f) {
                 f.edit_signed_result = [](json& r) { r["signature"] = flip_hex(r["signature"], 3); };
                 return f.build();
               }});
  m.push_back({"result seed differs from the tally entry", "result fields", [](RecordForger& f) {
                 f.edit_result = [](json& r) { r["seed"] = "another seed"; };
                 return f.build();
               }, "result.json seed"});
  m.push_back({"result tie-break differs from the manifest", "result fields", [](RecordForger& f) {
                 f.edit_result = [](json& r) { r["tie_break"] = "id-order"; };
                 return f.build();
               }});
  m.push_back({"counted with another seed", "re-tally", [](RecordForger& f) {
                 f.tally_seed = "a seed nobody saw";
                 return f.build();
               }, "result.json contests[0].result"});
  m.push_back({"result figure changed", "re-tally", [](RecordForger& f) {
                 f.edit_result = [](json& r) {
                   auto& figs = r["contests"][1]["result"]["rounds"][0]["figures"];
                   figs.begin().value() = "12345";
                 };
                 return f.build();
               }, "contests[1].result.rounds[0].figures"});
  m.push_back({"result winner changed", "re-tally", [](RecordForger& f) {
                 f.edit_result = [](json& r) { r["contests"][2]["result"]["winners"][0] = "C9"; };
                 return f.build();
               }, "contests[2].result.winners[0]"});
  m.push_back({"contest missing from the result", "re-tally", [](RecordForger& f) {
                 f.edit_result = [](json& r) { r["contests"].erase(1); };
                 return f.build();
               }});
  m.push_back({"result names an earlier ballot checkpoint", "result ballot checkpoint", [](RecordForger& f) {
                 f.edit_result = [](json& r) { r["ballot_checkpoint"]["size"] = 14; };
                 return f.build();
               }, "ballot_checkpoint.size"});
  m.push_back({"result names an earlier officer checkpoint", "result officer checkpoint", [](RecordForger& f) {
                 f.edit_result = [&f](json& r) {
                   const auto& cps = f.officer_checkpoints_before_tally;
                   r["officer_checkpoint"] = cps[cps.size() - 2];
                 };
                 return f.build();
               }, "it must be the checkpoint just before the tally"});
  m.push_back({"result counts differ from the close entry", "result counts", [](RecordForger& f) {
                 f.edit_result = [](json& r) { r["counts"]["ballots"] = 21; };
                 return f.build();
               }});
  m.push_back({"result replaced after the tally, re-signed", "result hash", [](RecordForger& f) {
                 Files x = f.build();
                 edit_document(x, "result.json", 0, [](json& r) { r["contests"][0]["ballots"] = 19; }, &f);
                 f.reindex(x);
                 return x;
               }, "election.tally details.result"});
  m.push_back({"publish names another result", "result hash", [](RecordForger& f) {
                 f.edit_officer = [](std::vector<OfficerStep>& s) {
                   s[index_of(s, "election.publish")].details["result"] = allot::crypto::sha256_hex("x");
                 };
                 return f.build();
               }, "election.publish details.result"});

  // Exports.
  m.push_back({"export differs from the ballots", "exports", [](RecordForger& f) {
                 return edited(f, [](Files& x) {
                   std::string& pb = x["exports/city.pb"];
                   const auto votes = pb.find("VOTES");
                   const auto line = pb.find('\n', pb.find('\n', votes) + 1) + 1;  // the first vote line
                   const auto semi = pb.find(';', line);
                   pb.insert(semi, "7");
                 });
               }, "exports/city.pb line"});
  m.push_back({"export missing", "exports",
               [](RecordForger& f) { return edited(f, [](Files& x) { x.erase("exports/council.blt"); }); },
               "exports/council.blt is missing"});
  m.push_back({"export no contest makes", "exports", [](RecordForger& f) {
                 return edited(f, [](Files& x) { x["exports/south.pb"] = x["exports/north.pb"]; });
               }, "exports/south.pb is not the export of any contest"});
  return m;
}

TEST(VerifyTest, EachForgeryFailsItsCheck) {
  for (const auto& mutation : mutations()) {
    SCOPED_TRACE(mutation.name);
    RecordForger f;
    Files files;
    try {
      files = mutation.make(f);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "the forger could not make '" << mutation.name << "': " << e.what();
      continue;
    }
    const auto report = verify::verify_files(files);
    EXPECT_FALSE(report.ok()) << mutation.name;
    EXPECT_TRUE(report.failed(mutation.check))
        << mutation.name << ": expected check '" << mutation.check << "' to fail; failures:\n"
        << joined(failures(report));
    if (!mutation.detail.empty()) {
      bool found = false;
      for (const auto& c : report.checks)
        if (!c.ok && c.name == mutation.check && c.detail.find(mutation.detail) != std::string::npos) found = true;
      EXPECT_TRUE(found) << mutation.name << ": expected '" << mutation.detail << "' in the detail of '"
                         << mutation.check << "'; failures:\n"
                         << joined(failures(report));
    }
  }
}

// Each named check of the record is shown to fail by some forgery of the table.
TEST(VerifyTest, EveryCheckIsReachable) {
  std::set<std::string> covered;
  for (const auto& m : mutations()) covered.insert(m.check);
  const auto report = verify::verify_files(valid_files());
  for (const auto& c : report.checks) EXPECT_TRUE(covered.count(c.name)) << "no forgery fails '" << c.name << "'";
}

// Forgeries that rewrite one thing consistently fail few checks: the report points
// at the cause, not at everything downstream.
TEST(VerifyTest, ConsistentForgeriesFailOnlyTheirCheck) {
  {
    RecordForger f;
    f.after_sort = [](std::vector<json>& b) { std::swap(b[8], b[9]); };
    const auto r = verify::verify_files(f.build());
    EXPECT_EQ(failures(r).size(), 1u) << joined(failures(r));
  }
  {
    RecordForger f;
    f.edit_ballots = [](std::vector<json>& b) { b.push_back(b[2]); };
    f.checkpoint_sizes = {0, 7, 14, 21};
    const auto r = verify::verify_files(f.build());
    EXPECT_EQ(failures(r).size(), 1u) << joined(failures(r));
  }
  {
    RecordForger f;
    f.edit_result = [](json& r) { r["contests"][0]["result"]["winners"] = json::array({"P1"}); };
    const auto r = verify::verify_files(f.build());
    EXPECT_EQ(failures(r).size(), 1u) << joined(failures(r));
  }
}

TEST(VerifyTest, EverySingleBitFlipIsDetected) {
  std::size_t files_hit = 0;
  const auto missed = allot::testing::unnoticed_byte_changes(
      valid_files(), 300, 7, [](char c) { return static_cast<char>(c ^ 1); }, &files_hit);
  EXPECT_TRUE(missed.empty()) << "flipping the low bit went unnoticed at " << missed.size()
                              << " positions, e.g. " << (missed.empty() ? "" : missed.front());
  EXPECT_GE(files_hit, 8u);
}

TEST(VerifyTest, GarbageFilesAreReportedNotThrown) {
  Files files = valid_files();
  for (auto& [path, bytes] : files) bytes = "\xff{not json";
  const auto report = verify::verify_files(files);
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(report.failed("canonical form"));
  // Fields of the wrong type anywhere are reported, never thrown.
  const std::vector<std::pair<std::string, std::function<void(json&)>>> odd = {
      {"manifest.json", [](json& m) { m["election"] = 5; }},
      {"manifest.json", [](json& m) { m["contests"] = "none"; }},
      {"manifest.json", [](json& m) { m["credentials"]["by_district"] = json::array(); }},
      {"public-keys.json", [](json& k) { k["signing"] = json::array(); }},
      {"index.json", [](json& ix) { ix["files"][0] = 7; }},
      {"result.json", [](json& r) { r["contests"] = json::object(); }},
      {"result.json", [](json& r) { r["counts"] = 3; }},
      {"officer-log.jsonl", [](json& e) { e["details"] = "x"; }},
      {"ballot-checkpoints.jsonl", [](json& c) { c["size"] = "seven"; }},
      {"ballots.jsonl", [](json& b) { b["answers"] = json::array(); }},
  };
  for (const auto& [path, fn] : odd) {
    Files x = valid_files();
    edit_document(x, path, 0, fn);
    verify::Report r;
    EXPECT_NO_THROW(r = verify::verify_files(x)) << path;
    EXPECT_FALSE(r.ok()) << path;
    RecordForger f;
    EXPECT_NO_THROW(verify::verify_receipt(x, f.receipt(valid_files(), 0))) << path;
  }
  const auto empty = verify::verify_files({});
  EXPECT_FALSE(empty.ok());
  EXPECT_TRUE(empty.failed("record files"));
}

// --- receipts -----------------------------------------------------------------------

TEST(VerifyTest, ValidReceiptVerifies) {
  RecordForger f;
  const Files files = f.build();
  for (std::size_t line : {0u, 7u, 19u}) {
    const json receipt = f.receipt(files, line);
    const auto report = verify::verify_receipt(files, receipt);
    EXPECT_TRUE(report.ok()) << report.text();
    // A browser may pretty-print it: the signature is over the canonical bytes.
    const auto pretty = verify::verify_receipt(files, json::parse(receipt.dump(2)));
    EXPECT_TRUE(pretty.ok()) << pretty.text();
  }
}

TEST(VerifyTest, ForgedReceiptsFail) {
  RecordForger f;
  const Files files = f.build();
  const json good = f.receipt(files, 4);
  {
    json r = good;  // a leaf no ballot has, signed by the real key
    const auto leaf = allot::crypto::sha256(std::string("\0not a ballot", 13));
    const std::string leaf_bytes(reinterpret_cast<const char*>(leaf.data()), leaf.size());
    const std::string code = allot::codes::base32_prefix(leaf_bytes, 10);
    r["leaf"] = allot::crypto::to_hex(leaf);
    r["code"] = code.substr(0, 5) + "-" + code.substr(5);
    r = f.sign(r);
    const auto report = verify::verify_receipt(files, r);
    EXPECT_TRUE(report.failed("receipt ballot in log")) << report.text();
    EXPECT_FALSE(report.failed("receipt code")) << report.text();
    EXPECT_FALSE(report.failed("receipt signature")) << report.text();
  }
  {
    json r = good;
    r["signature"] = flip_hex(r["signature"], 10);
    const auto report = verify::verify_receipt(files, r);
    EXPECT_TRUE(report.failed("receipt signature")) << report.text();
  }
  {
    RecordForger other;  // signed by someone else's key
    json r = good;
    r = other.sign(r);
    const auto report = verify::verify_receipt(files, r);
    EXPECT_TRUE(report.failed("receipt signature")) << report.text();
  }
  {
    json r = good;
    r["code"] = "00000-00000";
    r = f.sign(r);
    const auto report = verify::verify_receipt(files, r);
    EXPECT_TRUE(report.failed("receipt code")) << report.text();
    EXPECT_FALSE(report.failed("receipt ballot in log")) << report.text();
  }
  {
    json r = good;
    r["election"] = "elsewhere";
    r = f.sign(r);
    const auto report = verify::verify_receipt(files, r);
    EXPECT_TRUE(report.failed("receipt election and manifest")) << report.text();
  }
  {
    // The ballot was dropped and the log re-sealed: its receipt no longer matches.
    Files x = files;
    auto docs = RecordForger::lines(x["ballots.jsonl"]);
    docs.erase(docs.begin() + 4);
    x["ballots.jsonl"] = allot::record::jsonl(docs);
    const auto report = verify::verify_receipt(x, good);
    EXPECT_TRUE(report.failed("receipt ballot in log")) << report.text();
  }
  {
    // The final checkpoint does not cover the ballot's leaf.
    Files x = files;
    edit_document(x, "ballot-checkpoints.jsonl", 3, [](json& c) { c["root"] = allot::crypto::sha256_hex("x"); }, &f);
    const auto report = verify::verify_receipt(x, good);
    EXPECT_TRUE(report.failed("receipt inclusion proof")) << report.text();
  }
  {
    const auto report = verify::verify_receipt(files, json::array());
    EXPECT_TRUE(report.failed("receipt fields")) << report.text();
  }
}

TEST(VerifyTest, BatchedReceiptsVerify) {
  RecordForger f;
  const Files files = f.build();
  const auto receipts = f.batched_receipts(files, {0, 7, 19, 3, 11});
  for (const auto& r : receipts) {
    const auto report = verify::verify_receipt(files, r);
    EXPECT_TRUE(report.ok()) << report.text();
    EXPECT_NE(report.text().find("in a batch of 5 receipts"), std::string::npos) << report.text();
    const auto pretty = verify::verify_receipt(files, json::parse(r.dump(2)));
    EXPECT_TRUE(pretty.ok()) << pretty.text();
  }
}

TEST(VerifyTest, ForgedBatchedReceiptsFail) {
  RecordForger f;
  const Files files = f.build();
  const auto receipts = f.batched_receipts(files, {2, 4, 6});
  const json good = receipts[1];
  auto check = [&](const json& r) { return verify::verify_receipt(files, r); };
  {
    json r = good;  // another ballot's leaf and code put into a genuine receipt
    r["leaf"] = receipts[0]["leaf"];
    r["code"] = receipts[0]["code"];
    const auto report = check(r);
    EXPECT_TRUE(report.failed("receipt signature")) << report.text();
    EXPECT_NE(report.text().find("not in its batch"), std::string::npos) << report.text();
  }
  {
    json r = good;
    r["batch"]["path"][0] = flip_hex(r["batch"]["path"][0], 3);
    EXPECT_TRUE(check(r).failed("receipt signature"));
  }
  {
    json r = good;
    r["signature"] = flip_hex(r["signature"], 10);
    EXPECT_TRUE(check(r).failed("receipt signature"));
  }
  {
    RecordForger other;  // a batch signed by someone else's key
    const auto forged = other.batched_receipts(files, {2, 4, 6});
    const auto report = check(forged[1]);
    EXPECT_TRUE(report.failed("receipt signature")) << report.text();
    EXPECT_FALSE(report.failed("receipt ballot in log")) << report.text();
  }
  {
    json r = good;
    r.erase("batch");
    const auto report = check(r);
    EXPECT_TRUE(report.failed("receipt fields")) << report.text();
    EXPECT_TRUE(report.failed("receipt signature")) << report.text();
  }
  {
    json r = good;  // a receipt/1 may not carry a batch
    r["allot"] = "receipt/1";
    EXPECT_TRUE(check(r).failed("receipt fields"));
  }
  {
    json r = good;
    r["allot"] = "receipt/3";
    EXPECT_TRUE(check(r).failed("receipt fields"));
  }
}

// --- the record directory -------------------------------------------------------------

class RecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("allot-record-test-" + allot::crypto::to_hex(allot::crypto::random_bytes(6)));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

TEST_F(RecordTest, WriteThenReadRoundTrips) {
  // A record written by write_record from the files without index.json.
  RecordForger f;
  Files in = f.build();
  in.erase("index.json");
  const fs::path rec = dir_ / "record";
  allot::record::write_record(rec, in, f.election, f.manifest_hash(), f.key);
  const Files back = allot::record::read_files(rec);
  EXPECT_EQ(back.size(), in.size() + 1);
  for (const auto& [path, bytes] : in) EXPECT_EQ(back.at(path), bytes) << path;
  EXPECT_TRUE(back.count("exports/city.pb"));
  const auto report = verify::verify_record(rec);
  EXPECT_TRUE(report.ok()) << report.text();
  // No temporary directory is left next to it.
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
}

TEST_F(RecordTest, WriteRefusesAnExistingDirectory) {
  RecordForger f;
  Files in = f.build();
  in.erase("index.json");
  const fs::path rec = dir_ / "record";
  fs::create_directory(rec);
  EXPECT_THROW(allot::record::write_record(rec, in, f.election, f.manifest_hash(), f.key), std::runtime_error);
  EXPECT_TRUE(fs::is_empty(rec));
  Files bad = {{"../escape.json", "{}\n"}};
  EXPECT_ANY_THROW(allot::record::write_record(dir_ / "other", bad, f.election, f.manifest_hash(), f.key));
  EXPECT_FALSE(fs::exists(dir_ / "other"));
  EXPECT_FALSE(fs::exists(dir_ / "escape.json"));
}

TEST_F(RecordTest, ReadRefusesSymlinksAndSpecialFiles) {
  fs::create_directories(dir_ / "r" / "exports");
  std::ofstream(dir_ / "r" / "manifest.json") << "{}\n";
  std::ofstream(dir_ / "r" / "exports" / "city.pb") << "META\n";
  const Files files = allot::record::read_files(dir_ / "r");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_TRUE(files.count("exports/city.pb"));

  fs::create_symlink(dir_ / "r" / "manifest.json", dir_ / "r" / "link.json");
  try {
    allot::record::read_files(dir_ / "r");
    ADD_FAILURE() << "a symbolic link was read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("symbolic link, link.json"), std::string::npos) << e.what();
  }
  fs::remove(dir_ / "r" / "link.json");
  ASSERT_EQ(::mkfifo((dir_ / "r" / "pipe").c_str(), 0600), 0);
  try {
    allot::record::read_files(dir_ / "r");
    ADD_FAILURE() << "a fifo was read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("pipe, which is not a regular file"), std::string::npos) << e.what();
  }
  EXPECT_THROW(allot::record::read_files(dir_ / "missing"), std::runtime_error);
  const auto report = verify::verify_record(dir_ / "missing");
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(report.failed("record files"));
}

TEST(RecordDocumentsTest, SignAndCheck) {
  RecordForger f;
  const json doc = f.sign({{"allot", "x/1"}, {"n", 1}});
  EXPECT_TRUE(allot::record::signature_ok(doc, f.key_hex()));
  json changed = doc;
  changed["n"] = 2;
  EXPECT_FALSE(allot::record::signature_ok(changed, f.key_hex()));
  EXPECT_FALSE(allot::record::signature_ok(json::object(), f.key_hex()));
  EXPECT_FALSE(allot::record::signature_ok(doc, "zz"));
  EXPECT_EQ(allot::record::document({{"b", 1}, {"a", "x"}}), "{\"a\":\"x\",\"b\":1}\n");
  EXPECT_EQ(allot::record::jsonl({json{{"a", 1}}, json{{"a", 2}}}), "{\"a\":1}\n{\"a\":2}\n");
}

}  // namespace
