// Mutation tests on a real record: an election run through the Store (codes, a
// kiosk token, a registered kiosk's pool and its retirement, paper ballots keyed
// twice and one resolved), exported, then changed
// byte by byte and field by field. Every change must make the verifier fail.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>
#include <thread>

#include "allot/storage/canonical.hpp"
#include "allot/storage/record.hpp"
#include "allot/storage/verify.hpp"
#include "mutation.hpp"
#include "store_fixture.hpp"

namespace allot::testing {
namespace {

using record::Files;

// One exported record, made once for all tests of this file.
const Files& real_record(json* receipt_out = nullptr) {
  static Files files;
  static json receipt;
  static bool made = false;
  if (!made) {
    TempDir dir("record");
    FakeClock clock;
    auto opts = store_options(dir.path(), clock, /*batch_min=*/3);
    store::Store s(opts);
    auto e = prepare_election(s, 8, 4);  // 8 codes without district, 4 for north
    const std::string id = kE;
    std::size_t v = 0;
    for (const auto& code : e.codes) s.cast(id, code, answers_for("", static_cast<unsigned>(v++)));
    for (const auto& code : e.north_codes) s.cast(id, code, answers_for("north", static_cast<unsigned>(v++)));
    const auto token = s.issue_kiosk_token("staff", id, "south");
    receipt = s.cast(id, token, answers_for("south", 2)).document;
    const auto kiosk = s.register_kiosk("staff", id, "Library", "north");
    const auto pool = s.issue_kiosk_tokens("staff", id, kiosk.id, 2, std::chrono::hours(12));
    s.cast_kiosk(id, pool.tokens[0], answers_for("north", 3), "queue-0000-0001");
    s.retire_kiosk("staff", id, kiosk.id);
    s.paper_enter("alice", id, "box1", "1", "", answers_for("", 1));
    s.paper_enter("bob", id, "box1", "1", "", answers_for("", 1));       // matched
    s.paper_enter("alice", id, "box1", "2", "north", answers_for("north", 0));
    s.paper_enter("bob", id, "box1", "2", "north", answers_for("north", 1));  // disputed
    s.paper_resolve("carol", id, "box1", "2", "north", answers_for("north", 0));
    s.close("admin", id);
    s.tally("admin", id, "public draw 3 14 15");
    s.publish("admin", id);
    s.export_record(id, dir / "record");
    files = record::read_files(dir / "record");
    made = true;
  }
  if (receipt_out) *receipt_out = receipt;
  return files;
}

std::vector<std::string> lines_of(const std::string& bytes) {
  std::vector<std::string> out;
  std::istringstream in(bytes);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(StoreRecordMutation, RealRecordVerifiesWithEveryChannel) {
  const Files& files = real_record();
  const auto report = verify::verify_files(files);
  EXPECT_TRUE(report.ok()) << report.text();
  const std::string ballots = files.at("ballots.jsonl");
  EXPECT_NE(ballots.find("\"channel\":\"kiosk\""), std::string::npos);
  EXPECT_NE(ballots.find("\"channel\":\"paper\""), std::string::npos);
  EXPECT_NE(ballots.find("\"channel\":\"online\""), std::string::npos);
  EXPECT_EQ(lines_of(ballots).size(), 12u + 2u + 2u);
  const std::string log = files.at("officer-log.jsonl");
  for (const char* action : {"kiosk.register", "kiosk.tokens", "kiosk.retire"})
    EXPECT_NE(log.find(std::string("\"action\":\"") + action + "\""), std::string::npos) << action;
}

TEST(StoreRecordMutation, KioskReceiptChecksAgainstTheRecord) {
  json receipt;
  const Files& files = real_record(&receipt);
  EXPECT_TRUE(verify::verify_receipt(files, receipt).ok()) << verify::verify_receipt(files, receipt).text();
  json forged = receipt;
  forged["leaf"] = std::string(64, 'a');
  EXPECT_FALSE(verify::verify_receipt(files, forged).ok());
}

TEST(StoreRecordMutation, EverySingleByteChangeFails) {
  const auto missed = unnoticed_byte_changes(real_record(), 200, 20261123,
                                             [](char c) { return static_cast<char>(c == '7' ? '8' : '7'); });
  EXPECT_TRUE(missed.empty()) << "a changed byte went unnoticed at " << missed.size() << " positions, e.g. "
                              << (missed.empty() ? "" : missed.front());
}

// Field-level changes of a real record, each leaving valid canonical JSON.
TEST(StoreRecordMutation, FieldChangesFail) {
  const Files& valid = real_record();
  auto edit_line = [&](const std::string& file, std::size_t line, const std::function<void(json&)>& f) {
    Files copy = valid;
    auto lines = lines_of(copy.at(file));
    json doc = canonical::parse(lines.at(line));
    f(doc);
    lines[line] = canonical::dump(doc);
    copy[file] = join_lines(lines);
    return copy;
  };
  auto edit_doc = [&](const std::string& file, const std::function<void(json&)>& f) {
    Files copy = valid;
    json doc = canonical::parse(copy.at(file).substr(0, copy.at(file).size() - 1));
    f(doc);
    copy[file] = record::document(doc);
    return copy;
  };
  struct Case {
    std::string name;
    Files files;
  };
  std::vector<Case> cases;
  cases.push_back({"a ballot's choice", edit_line("ballots.jsonl", 0, [](json& b) {
                     b["answers"]["city"]["options"] = json::array({"P4"});
                   })});
  cases.push_back({"a ballot's channel", edit_line("ballots.jsonl", 1, [](json& b) {
                     b["channel"] = b["channel"] == "paper" ? "online" : "paper";
                   })});
  cases.push_back({"a ballot's nonce", edit_line("ballots.jsonl", 2, [](json& b) {
                     b["nonce"] = std::string(32, '0');
                   })});
  cases.push_back({"a project's cost", edit_doc("manifest.json", [](json& m) {
                     m["contests"][0]["options"][0]["cost"] = 101;
                   })});
  cases.push_back({"a checkpoint size", edit_line("ballot-checkpoints.jsonl", 1, [](json& c) {
                     c["size"] = c["size"].get<int>() + 1;
                   })});
  cases.push_back({"a checkpoint signature", edit_line("ballot-checkpoints.jsonl", 1, [](json& c) {
                     std::string sig = c["signature"];
                     sig[0] = sig[0] == 'a' ? 'b' : 'a';
                     c["signature"] = sig;
                   })});
  cases.push_back({"an officer entry's actor", edit_line("officer-log.jsonl", 0, [](json& e) {
                     e["actor"] = "mallory";
                   })});
  cases.push_back({"a result figure", edit_doc("result.json", [](json& r) {
                     r["contests"][0]["ballots"] = r["contests"][0]["ballots"].get<int>() + 1;
                   })});
  cases.push_back({"the seed", edit_doc("result.json", [](json& r) { r["seed"] = "another draw"; })});
  {
    Files copy = valid;
    auto lines = lines_of(copy.at("ballots.jsonl"));
    std::swap(lines.front(), lines.back());
    copy["ballots.jsonl"] = join_lines(lines);
    cases.push_back({"the order of ballots", copy});
  }
  {
    Files copy = valid;
    auto lines = lines_of(copy.at("ballots.jsonl"));
    lines.pop_back();
    copy["ballots.jsonl"] = join_lines(lines);
    cases.push_back({"a ballot removed", copy});
  }
  {
    Files copy = valid;
    for (auto& [path, bytes] : copy)
      if (path.size() > 3 && path.substr(path.size() - 3) == ".pb") {
        bytes += "\n";
        break;
      }
    cases.push_back({"an export", copy});
  }
  for (const auto& c : cases) {
    const auto report = verify::verify_files(c.files);
    EXPECT_FALSE(report.ok()) << "changing " << c.name << " went unnoticed";
  }
}

}  // namespace
}  // namespace allot::testing
