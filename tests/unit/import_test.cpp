// Importing a contest from an officer's file (storage/include/allot/storage/import.hpp):
// CSV project lists, Pabulib .pb files and BLT files, their errors with line numbers,
// and that every imported contest passes manifest::check_definition.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "allot/storage/import.hpp"
#include "allot/storage/manifest.hpp"
#include "shared_data.hpp"

using namespace allot;
using namespace allot::importer;
using nlohmann::json;

namespace {

std::string fixture(const std::string& name) {
  return allot::testing::read_file(allot::testing::fixtures_dir() / "import" / name);
}

// A minimal definition holding the imported contest, its categories and districts.
json definition_of(const json& imported, const std::string& language = "en") {
  return {{"election", "import-2026"},
          {"languages", json::array({language})},
          {"title", {{language, "Import test"}}},
          {"tie_break", "ticket"},
          {"districts", imported.at("districts")},
          {"categories", imported.at("categories")},
          {"contests", json::array({imported.at("contest")})}};
}

std::string problems_of(const json& imported, const std::string& language = "en") {
  std::string out;
  for (const auto& p : manifest::check_definition(definition_of(imported, language))) out += p + "\n";
  return out;
}

// The ImportError of an import, or a failure when none is thrown.
ImportError error_of(const std::string& format, std::string_view text, const ContestDefaults& defaults = {}) {
  try {
    import_file(format, text, "city", "en", defaults);
  } catch (const ImportError& e) {
    return e;
  }
  ADD_FAILURE() << "no ImportError for:\n" << text;
  return ImportError(-1, "none");
}

std::vector<std::string> ids_of(const json& contest) {
  std::vector<std::string> out;
  for (const auto& o : contest.at("options")) out.push_back(o.at("id"));
  return out;
}

bool notes_mention(const json& imported, const std::string& words) {
  for (const auto& n : imported.at("notes"))
    if (n.get<std::string>().find(words) != std::string::npos) return true;
  return false;
}

}  // namespace

// ---------------------------------------------------------------- slugs

TEST(ImportSlugTest, MakesLowerCaseAsciiIds) {
  EXPECT_EQ(slug("Green spaces"), "green-spaces");
  EXPECT_EQ(slug("  Zieleń  "), "zielen");
  EXPECT_EQ(slug("Łódź -- Żółć!"), "lodz-zolc");
  EXPECT_EQ(slug("Straße Æbleø"), "strasse-aebleo");
  EXPECT_EQ(slug("Şcoală Ţară Ș"), "scoala-tara-s");
  EXPECT_EQ(slug("e\xCC\x81te"), "ete");  // a combining accent is dropped, not a separator
  EXPECT_EQ(slug("Ωμέγα"), "");
  EXPECT_EQ(slug("---"), "");
  const std::string long_text(100, 'x');
  EXPECT_EQ(slug(long_text).size(), 64u);
  EXPECT_EQ(slug(std::string(63, 'a') + " b"), std::string(63, 'a'));  // no trailing '-'
}

// ---------------------------------------------------------------- CSV

TEST(ImportCsvTest, ReadsAProjectList) {
  const json r = import_file("csv", fixture("projects.csv"), "city", "en");
  const json& c = r.at("contest");
  EXPECT_EQ(c.at("id"), "city");
  EXPECT_EQ(c.at("kind"), "budget");
  EXPECT_EQ(c.at("format"), "approval");
  EXPECT_EQ(c.at("rule"), "mes-add1");
  EXPECT_EQ(c.at("money_decimals"), 2);  // the most decimals a cost is written with
  EXPECT_EQ(c.at("budget"), 1200050 + 800000 + 2500000 + 150050);  // the total, as no budget was given
  EXPECT_TRUE(notes_mention(r, "budget is the total cost"));
  EXPECT_EQ(ids_of(c), (std::vector<std::string>{"P1", "P2", "P3", "P4"}));
  const json& p1 = c.at("options")[0];
  EXPECT_EQ(p1.at("title"), json({{"en", "Benches in the park"}}));
  EXPECT_EQ(p1.at("cost"), 1200050);
  EXPECT_EQ(p1.at("description"), json({{"en", "Ten new benches, painted green."}}));
  EXPECT_EQ(p1.at("categories"), json({"green-spaces", "seating"}));
  EXPECT_EQ(p1.at("district"), "north");
  EXPECT_EQ(p1.at("picture"), "https://example.org/p1.jpg");
  const json& p2 = c.at("options")[1];
  EXPECT_EQ(p2.at("title"), json({{"en", "Lights on \"Long\" Street"}}));
  EXPECT_EQ(p2.at("description"), json({{"en", "Twenty LED lights.\nSaves energy at night."}}));
  EXPECT_EQ(p2.at("cost"), 800000);
  EXPECT_FALSE(c.at("options")[2].contains("description"));
  EXPECT_EQ(c.at("options")[2].at("categories"), json({"green-spaces", "children"}));
  EXPECT_EQ(c.at("options")[3].at("district"), "south-side");
  EXPECT_EQ(r.at("categories"), json::parse(R"([{"id":"green-spaces","name":{"en":"Green spaces"}},
      {"id":"seating","name":{"en":"Seating"}},{"id":"safety","name":{"en":"Safety"}},
      {"id":"children","name":{"en":"Children"}}])"));
  EXPECT_EQ(r.at("districts"), json::parse(R"([{"id":"north","name":{"en":"North"}},
      {"id":"south-side","name":{"en":"South Side"}}])"));
  EXPECT_EQ(problems_of(r), "");
}

TEST(ImportCsvTest, ContestFromFileIsTheContestOfImportFile) {
  const std::string text = fixture("projects.csv");
  EXPECT_EQ(contest_from_file("csv", text, "city", "en"), import_file("csv", text, "city", "en").at("contest"));
  EXPECT_EQ(contest_from_file(".CSV", text, "city", "en"), contest_from_file("csv", text, "city", "en"));
}

TEST(ImportCsvTest, UsesTheDefaultsGiven) {
  ContestDefaults d;
  d.budget = 5000000;
  d.currency = "GBP";
  d.money_decimals = 2;
  d.rule = "greedy";
  d.title = "City-wide projects";
  const json r = import_file("csv", fixture("projects.csv"), "city", "pl", d);
  const json& c = r.at("contest");
  EXPECT_EQ(c.at("budget"), 5000000);
  EXPECT_EQ(c.at("currency"), "GBP");
  EXPECT_EQ(c.at("money_decimals"), 2);
  EXPECT_EQ(c.at("rule"), "greedy");
  EXPECT_EQ(c.at("title"), json({{"pl", "City-wide projects"}}));
  EXPECT_EQ(c.at("options")[0].at("title"), json({{"pl", "Benches in the park"}}));
  EXPECT_TRUE(r.at("notes").empty());
  EXPECT_EQ(problems_of(r, "pl"), "");

  d.money_decimals = 4;  // costs are scaled to the currency's decimals
  EXPECT_EQ(import_file("csv", fixture("projects.csv"), "city", "en", d).at("contest").at("options")[0].at("cost"),
            120005000);
  d.money_decimals = 1;  // "12000.50" is 12000.5: it fits
  EXPECT_EQ(import_file("csv", fixture("projects.csv"), "city", "en", d).at("contest").at("options")[0].at("cost"),
            120005);
  d.money_decimals = 0;  // a cost may not use more decimals than the currency
  const ImportError e = error_of("csv", fixture("projects.csv"), d);
  EXPECT_EQ(e.line, 2);
  EXPECT_STREQ(e.what(), "line 2: cost '12000.50' has more decimals than the currency's 0");
}

TEST(ImportCsvTest, ReadsSemicolonsCrlfAndABom) {
  const json r = import_file("csv", fixture("projects-semicolon.csv"), "district-a", "pl");
  const json& c = r.at("contest");
  EXPECT_EQ(ids_of(c), (std::vector<std::string>{"A-1", "A-2"}));
  EXPECT_EQ(c.at("options")[1].at("title"), json({{"pl", "Ławki; nowe"}}));
  EXPECT_EQ(c.at("options")[1].at("cost"), 25025);
  EXPECT_EQ(c.at("options")[0].at("cost"), 100000);
  EXPECT_EQ(c.at("options")[1].at("categories"), json({"zielen", "sport"}));
  EXPECT_EQ(r.at("categories")[0], json::parse(R"({"id":"zielen","name":{"pl":"Zieleń"}})"));
  EXPECT_TRUE(notes_mention(r, "columns not imported: 'Notes'"));
  EXPECT_EQ(problems_of(r, "pl"), "");
}

TEST(ImportCsvTest, NamesTheLineOfEachError) {
  struct Case {
    const char* file;
    int line;
    const char* what;
  };
  const Case cases[] = {
      {"bad-cost.csv", 7, "line 7: cost 'abc' is not a number (write the amount alone, e.g. 12000.50)"},
      {"duplicate-id.csv", 3, "line 3: project id 'P1' is used twice (first on line 2)"},
      {"no-cost.csv", 1, "line 1: no 'cost' column (the header row needs id, title and cost; found id, title, price)"},
      {"unterminated.csv", 3, "line 3: a quoted field starts on this line but its closing quote (\") is missing"},
      {"thousands.csv", 2,
       "line 2: cost '12,000' has a thousands separator or a decimal comma: write amounts with digits only and '.' "
       "before the decimals, e.g. 12000.50"},
      {"wrong-fields.csv", 3,
       "line 3: 4 fields, but the header row has 3 (a field holding ',' must be in double quotes)"},
  };
  for (const auto& k : cases) {
    const ImportError e = error_of("csv", fixture(k.file));
    EXPECT_EQ(e.line, k.line) << k.file;
    EXPECT_STREQ(e.what(), k.what) << k.file;
  }
}

TEST(ImportCsvTest, RefusesBadFilesAndFields) {
  struct Case {
    std::string text;
    int line;
    std::string part;  // of what()
  };
  const std::vector<Case> cases = {
      {"", 0, "the file is empty"},
      {"\xEF\xBB\xBF\r\n\r\n", 0, "the file is empty"},
      {"id,title,cost\n", 0, "a header row but no projects"},
      {"id,title,cost\r\n\r\n", 0, "a header row but no projects"},
      {"id;title\n", 1, "no 'cost' column"},
      {"title,cost\nA,1\n", 1, "no 'id' column"},
      {"id title cost\nA 1\n", 1, "a single column: separate columns with ',' or ';'"},
      {"id,title,name,cost\n", 1, "the columns 'title' and 'name' both give the title"},
      {"id,title,cost\nP1,One,-5\n", 2, "cost '-5' is negative"},
      {"id,title,cost\nP1,One,£12\n", 2, "cost '£12' is not a number"},
      {"id,title,cost\nP1,One,1e5\n", 2, "is not a number"},
      {"id,title,cost\nP1,One,12.\n", 2, "is not a number"},
      {"id,title,cost\nP1,One,\n", 2, "cost is empty"},
      {"id,title,cost\nP1,One,12 000\n", 2, "thousands separator"},
      {"id;title;cost\nP1;One;12000,50\n", 2, "decimal comma"},
      {"id,title,cost\nP1,One,1.23456\n", 2, "has more than 4 decimals"},
      {"id,title,cost\nP1,One,9999999999999999999999\n", 2, "is too large"},
      {"id,title,cost\nP 1,One,1\n", 2, "project id 'P 1' may hold only letters"},
      {"id,title,cost\n,One,1\n", 2, "the project id is empty"},
      {"id,title,cost\nP1,,1\n", 2, "project 'P1' has no title"},
      {"id,title,cost\nP1,One\n", 2, "2 fields, but the header row has 3"},
      {"id,title,cost\nP1,\"One\"x,1\n", 2, "text follows a closing quote"},
      {"id,title,cost\nP1,\"One\nTwo\",1\nP2,Three,x\n", 4, "cost 'x'"},  // lines counted inside quotes
      {"id,title,cost\rP1,One,1\rP2,Two,y\r", 3, "cost 'y'"},            // old Mac line ends
      {"id,title,cost\nP1,One,1\nP2,Tw\xC3o,2\n", 3, "not UTF-8"},
      {"id,title,cost\nP1,One,0\n", 0, "every project costs 0"},
  };
  for (const auto& k : cases) {
    const ImportError e = error_of("csv", k.text);
    EXPECT_EQ(e.line, k.line) << k.text;
    EXPECT_NE(std::string(e.what()).find(k.part), std::string::npos) << k.text << " -> " << e.what();
  }
}

TEST(ImportCsvTest, AcceptsQuirksOfSpreadsheets) {
  // Trailing empty fields, blank lines, blanks around fields and quotes, aliases.
  const json r = import_file("csv",
                             "Project_ID , NAME ,Cost,Category,\n"
                             "\n"
                             " P1 , \"Benches\" , 100 ,Green | Play,,\n"
                             ",,,,\n"
                             "P2,Trees,200,green,\n",
                             "city", "en");
  const json& c = r.at("contest");
  EXPECT_EQ(ids_of(c), (std::vector<std::string>{"P1", "P2"}));
  EXPECT_EQ(c.at("options")[0].at("title"), json({{"en", "Benches"}}));
  EXPECT_EQ(c.at("money_decimals"), 0);
  EXPECT_EQ(c.at("options")[1].at("cost"), 200);
  EXPECT_EQ(c.at("options")[0].at("categories"), json({"green", "play"}));
  EXPECT_EQ(c.at("options")[1].at("categories"), json({"green"}));  // "green" and "Green": one category
  EXPECT_EQ(r.at("categories").size(), 2u);
  EXPECT_EQ(problems_of(r), "");
}

TEST(ImportCsvTest, RefusesBadArguments) {
  EXPECT_THROW(import_file("xlsx", "id,title,cost\nA,B,1\n", "city", "en"), ImportError);
  EXPECT_THROW(import_file("csv", "id,title,cost\nA,B,1\n", "City!", "en"), ImportError);
  EXPECT_THROW(import_file("csv", "id,title,cost\nA,B,1\n", "city", "English"), ImportError);
  ContestDefaults d;
  d.money_decimals = 5;
  EXPECT_THROW(import_file("csv", "id,title,cost\nA,B,1\n", "city", "en", d), ImportError);
  d = {};
  d.budget = -1;
  EXPECT_THROW(import_file("csv", "id,title,cost\nA,B,1\n", "city", "en", d), ImportError);
}

// ---------------------------------------------------------------- Pabulib

TEST(ImportPbTest, ReadsProjectsBudgetAndLimits) {
  const json r = import_file("pb", fixture("city.pb"), "old-town", "en");
  const json& c = r.at("contest");
  EXPECT_EQ(c.at("kind"), "budget");
  EXPECT_EQ(c.at("format"), "approval");
  EXPECT_EQ(c.at("rule"), "mes-add1");
  EXPECT_EQ(c.at("district"), "");
  EXPECT_EQ(c.at("title"), json({{"en", "Small city test"}}));
  EXPECT_EQ(c.at("budget"), 100050);
  EXPECT_EQ(c.at("money_decimals"), 2);
  EXPECT_EQ(c.at("currency"), "EUR");
  EXPECT_EQ(c.at("limits"), json({{"min_choices", 1}, {"max_choices", 3}, {"max_cost", 100050}}));
  EXPECT_EQ(ids_of(c), (std::vector<std::string>{"1", "2", "BO.D18.22-23", "4"}));
  const json& o = c.at("options");
  EXPECT_EQ(o[0].at("title"), json({{"en", "Benches"}}));
  EXPECT_EQ(o[0].at("cost"), 40000);
  EXPECT_EQ(o[0].at("description"), json({{"en", "Ten benches"}}));
  EXPECT_EQ(o[0].at("categories"), json({"green-spaces", "seating"}));
  EXPECT_EQ(o[0].at("district"), "old-town");
  EXPECT_EQ(o[1].at("title"), json({{"en", "Lights; LED"}}));
  EXPECT_EQ(o[1].at("cost"), 30025);
  EXPECT_EQ(o[2].at("title"), json({{"en", "BO.D18.22/23"}}));  // no name: the id as written
  EXPECT_FALSE(o[2].contains("description"));                     // "None"
  EXPECT_EQ(o[3].at("categories"), json::array());
  EXPECT_EQ(r.at("categories").size(), 3u);
  EXPECT_EQ(r.at("districts"), json::parse(R"([{"id":"old-town","name":{"en":"Old Town"}}])"));
  EXPECT_TRUE(notes_mention(r, "'BO.D18.22/23' -> 'BO.D18.22-23'"));
  EXPECT_TRUE(notes_mention(r, "for the district 'Old Town'"));
  EXPECT_EQ(problems_of(r), "");
}

TEST(ImportPbTest, MapsEveryVoteType) {
  {
    const json r = import_file("pb", fixture("choose1.pb"), "c", "en");
    EXPECT_EQ(r.at("contest").at("format"), "approval");
    EXPECT_EQ(r.at("contest").at("limits"), json({{"max_choices", 1}}));
    EXPECT_EQ(r.at("contest").at("money_decimals"), 0);
    EXPECT_EQ(problems_of(r), "");
  }
  {
    const json r = import_file("pb", fixture("cumulative.pb"), "c", "en");
    EXPECT_EQ(r.at("contest").at("format"), "cumulative");
    EXPECT_EQ(r.at("contest").at("limits"), json({{"max_points_per_option", 5}, {"max_points_total", 10}}));
    EXPECT_EQ(r.at("contest").at("rule"), "mes-add1");
    EXPECT_EQ(problems_of(r), "");
  }
  {
    const json r = import_file("pb", fixture("ordinal.pb"), "c", "en");
    EXPECT_EQ(r.at("contest").at("format"), "approval");  // no rule counts a ranked budget contest
    EXPECT_EQ(r.at("contest").at("limits"), json({{"max_choices", 2}}));
    EXPECT_TRUE(notes_mention(r, "ordinal"));
    EXPECT_EQ(problems_of(r), "");
  }
}

TEST(ImportPbTest, UsesDefaultsForWhatTheFileLacks) {
  ContestDefaults d;
  d.currency = "PLN";
  d.rule = "greedy";
  d.title = "Budżet";
  const json c = import_file("pb", fixture("choose1.pb"), "c", "pl", d).at("contest");
  EXPECT_EQ(c.at("currency"), "PLN");
  EXPECT_EQ(c.at("rule"), "greedy");
  EXPECT_EQ(c.at("title"), json({{"pl", "Budżet"}}));
  // The file's currency wins over the default.
  EXPECT_EQ(import_file("pb", fixture("city.pb"), "c", "en", d).at("contest").at("currency"), "EUR");
}

TEST(ImportPbTest, ErrorsKeepTheFileLine) {
  const ImportError e = error_of("pb", fixture("bad-cost.pb"));
  EXPECT_EQ(e.line, 11);
  EXPECT_EQ(std::string(e.what()).rfind("line 11: ", 0), 0u) << e.what();
  EXPECT_EQ(error_of("pb", "").line, 0);
  EXPECT_NE(std::string(error_of("pb", "META\nkey;value\nbudget;0\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
                                       "a;1\nVOTES\nvoter_id;vote\n")
                            .what())
                .find("budget"),
            std::string::npos);
  EXPECT_NE(std::string(error_of("pb", "META\nkey;value\nbudget;1.00001\nvote_type;approval\nPROJECTS\n"
                                       "project_id;cost\na;1\nVOTES\nvoter_id;vote\n")
                            .what())
                .find("at most 4"),
            std::string::npos);
}

// ---------------------------------------------------------------- BLT

TEST(ImportBltTest, ReadsCandidatesAndSeats) {
  const json r = import_file("blt", fixture("council.blt"), "council", "en");
  const json& c = r.at("contest");
  EXPECT_EQ(c.at("kind"), "selection");
  EXPECT_EQ(c.at("format"), "ranked");
  EXPECT_EQ(c.at("rule"), "stv");
  EXPECT_EQ(c.at("seats"), 2);
  EXPECT_EQ(c.at("budget"), 0);
  EXPECT_EQ(c.at("title"), json({{"en", "Youth council 2026"}}));
  // Withdrawn candidate 4 is left out; ids are unique slugs ("c5": no Latin letters).
  EXPECT_EQ(ids_of(c), (std::vector<std::string>{"anna-nowak", "lukasz-zolc", "anna-nowak-2", "c5"}));
  EXPECT_EQ(c.at("options")[1].at("title"), json({{"en", "Łukasz Żółć"}}));
  EXPECT_EQ(c.at("options")[3].at("title"), json({{"en", "Ωμέγα"}}));
  for (const auto& o : c.at("options")) EXPECT_EQ(o.at("cost"), 0);
  EXPECT_TRUE(notes_mention(r, "1 withdrawn candidate left out: Bob Withdrawn"));
  EXPECT_EQ(problems_of(r), "");
}

TEST(ImportBltTest, RefusesBadFiles) {
  const ImportError bad = error_of("blt", fixture("bad.blt"));
  EXPECT_EQ(bad.line, 2);
  const ImportError seats = error_of("blt", fixture("too-many-seats.blt"));
  EXPECT_EQ(seats.line, 1);
  EXPECT_STREQ(seats.what(), "line 1: the file asks for 3 seats but only 2 candidates stand");
  EXPECT_EQ(error_of("blt", "  \n").line, 0);
}

TEST(ImportBltTest, ReadsTheRepositoryExamples) {
  for (const char* name : {"example.blt", "extensions.blt"}) {
    const std::string text = allot::testing::read_file(allot::testing::fixtures_dir() / "blt" / name);
    const json r = import_file("blt", text, "council", "en");
    EXPECT_EQ(problems_of(r), "") << name;
  }
}
