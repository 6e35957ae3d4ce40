// What a manifest means (docs/record-format.md): the engine contests it defines,
// which contests a voter sees, whether a ballot document answers them validly, and
// the official tally of a contest. The store (when accepting ballots and tallying)
// and the verifier (when re-checking a record) both use exactly these functions.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "allot/engine/model.hpp"

namespace allot::manifest {

// Every structural or semantic problem of a manifest document (or of a draft
// definition, which is a manifest without "credentials" and "keys"), each naming
// the field, e.g. "contests[1].options[3].cost: must be a whole number >= 0".
// Empty when sound.
std::vector<std::string> check_definition(const nlohmann::json& definition);

// The text of a language map in the given language, else the default language
// (first of `languages`), else any.
std::string text_in(const nlohmann::json& texts, const std::string& language);

// The engine contest for manifest.contests[index] (titles in the default language).
// Assumes check_definition passed.
Contest contest_at(const nlohmann::json& manifest, std::size_t index);
std::vector<Contest> contests_of(const nlohmann::json& manifest);

// Indices of the contests a voter of `district` ("" = no district) sees: every
// city-wide contest and every contest of that district, in manifest order.
std::vector<std::size_t> visible_contests(const nlohmann::json& manifest,
                                          const std::string& district);

bool has_district(const nlohmann::json& manifest, const std::string& district);

struct AnswersCheck {
  bool ok = false;
  // Normalized answers (approval options in manifest order), valid when ok.
  nlohmann::json answers;
  // contest id -> the engine ballot, valid when ok.
  std::map<std::string, Ballot> ballots;
  std::vector<std::string> problems;  // "city: choose at most 3 projects; ..." when !ok
};

// Checks a voter's answers (object: contest id -> {"options": [...], "points": [...]})
// for a voter of `district`: every visible contest answered, no other contest,
// each answer valid under its contest's limits.
AnswersCheck check_answers(const nlohmann::json& manifest, const std::vector<Contest>& contests,
                           const std::string& district, const nlohmann::json& answers);

// The ballot document (ballot/1) for normalized answers.
nlohmann::json make_ballot(const std::string& manifest_hash, const std::string& channel,
                           const std::string& district, const nlohmann::json& answers,
                           const std::string& nonce_hex);

// Checks a ballot document against the manifest: fields, manifest hash, channel,
// district, canonical answers (as check_answers would normalize them). Problems are
// sentences; empty when valid.
std::vector<std::string> check_ballot_document(const nlohmann::json& manifest,
                                               const std::string& manifest_hash,
                                               const std::vector<Contest>& contests,
                                               const nlohmann::json& ballot);

// The engine profile of a contest: the answers of the ballots that have it, in log
// order. Throws std::runtime_error for an answer the contest's rules refuse.
Profile profile_of(const Contest& contest, const std::vector<nlohmann::json>& ballots);

// The official tally of manifest.contests[index] over ballot documents in log order
// (only ballots that answer that contest count). Returns
// {"contest": id, "ballots": n, "rule": name, "result": result_to_json(...)}.
// `seed` is used when the manifest's tie_break is "ticket".
nlohmann::json tally_contest(const nlohmann::json& manifest, std::size_t index,
                             const std::vector<nlohmann::json>& ballots, const std::string& seed);

// Same, with another rule and options (previews and comparisons; never signed).
nlohmann::json tally_contest_with(const nlohmann::json& manifest, std::size_t index,
                                  const std::vector<nlohmann::json>& ballots,
                                  const std::string& rule,
                                  const std::map<std::string, std::string>& rule_options,
                                  const std::string& seed);

// The exports of one contest, from the ballots in log order: a .pb for budget
// contests, a .blt for ranked selection contests, or "" (no export) otherwise.
struct Export {
  std::string file_name;  // "<contest>.pb" / "<contest>.blt", or "" for none
  std::string bytes;
};
Export export_contest(const nlohmann::json& manifest, std::size_t index,
                      const std::vector<nlohmann::json>& ballots);

}  // namespace allot::manifest
