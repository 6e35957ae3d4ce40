// A voter's answers as the API receives them: bytes -> canonical::parse ->
// manifest::check_answers against a fixed election (tests/support/store_fixture.hpp:
// an approval contest with choice and cost limits, a cumulative contest of district
// "north" with a points limit, and a ranked contest; districts north and south).
// The first byte picks the voter's district ("", "north", "south" or one the election
// does not have); the rest is the JSON. For any bytes:
//  - canonical::parse returns a value or throws CanonicalError, nothing else;
//  - what it returns dumps canonically and that dump parses back to the same value,
//    whose dump is the same bytes (the round trip is stable);
//  - check_answers returns (never throws); when it accepts, its normalized answers
//    are accepted again unchanged, and the ballot document made of them passes
//    check_ballot_document.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "allot/storage/canonical.hpp"
#include "allot/storage/manifest.hpp"
#include "fuzz_check.hpp"
#include "store_fixture.hpp"

using namespace allot;
using nlohmann::json;

namespace {

struct Election {
  json manifest = testing::store_definition();
  std::vector<Contest> contests = manifest::contests_of(manifest);
  std::string hash = std::string(64, 'a');  // any hash: the document is checked against this one
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Election election;
  if (size == 0) return 0;
  static const char* const kDistricts[] = {"", "north", "south", "west"};
  const std::string district = kDistricts[data[0] % 4];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

  json answers;
  try {
    answers = canonical::parse(bytes);
  } catch (const canonical::CanonicalError&) {
    return 0;
  }
  std::string dumped;
  try {
    dumped = canonical::dump(answers);
  } catch (const canonical::CanonicalError& e) {
    fuzz::require(false, "a parsed value does not dump", e.what());
  }
  json again;
  try {
    again = canonical::parse(dumped);
  } catch (const canonical::CanonicalError& e) {
    fuzz::require(false, "a canonical dump does not parse", std::string(e.what()) + "\n" + dumped);
  }
  fuzz::require(again == answers, "the round trip changed the value", dumped);
  fuzz::require(canonical::dump(again) == dumped, "the round trip changed the bytes", dumped);
  fuzz::require(canonical::is_canonical(dumped), "a canonical dump is not canonical", dumped);

  const auto check = manifest::check_answers(election.manifest, election.contests, district, answers);
  if (!check.ok) {
    fuzz::require(!check.problems.empty(), "answers refused without a problem named");
    return 0;
  }
  const auto recheck = manifest::check_answers(election.manifest, election.contests, district, check.answers);
  fuzz::require(recheck.ok, "normalized answers are refused", check.answers.dump());
  fuzz::require(recheck.answers == check.answers, "normalizing is not idempotent", check.answers.dump());
  const json ballot = manifest::make_ballot(election.hash, "online", district, check.answers, std::string(32, '0'));
  std::string problems;
  for (const auto& p : manifest::check_ballot_document(election.manifest, election.hash, election.contests, ballot))
    problems += p + "\n";
  fuzz::require(problems.empty(), "the ballot of accepted answers is refused", problems + ballot.dump());
  return 0;
}
