// Store commands: demo, codes, export. Thin: every decision is the store's.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "allot/engine/errors.hpp"
#include "allot/storage/canonical.hpp"
#include "allot/storage/codes.hpp"
#include "allot/storage/crypto.hpp"
#include "allot/storage/manifest.hpp"
#include "allot/storage/store.hpp"
#include "cli.hpp"
#include "demo_elections.hpp"

namespace allot::cli {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* kCodesHelp =
    "Usage: allot codes --data DIR --election ID --count N [--district D] --out FILE.csv [--actor NAME]\n"
    "\n"
    "Generates N voting codes for an election that has not opened yet and writes the\n"
    "printable list to FILE.csv (columns: code, election, district), readable by its\n"
    "owner only. The store keeps only a keyed hash of each code; the list is not\n"
    "stored anywhere else, so keep the file safe and delete it after the mail-out.\n";

const char* kExportHelp =
    "Usage: allot export --data DIR --election ID --out RECORD\n"
    "\n"
    "Writes the election record of a tallied or published election to the new\n"
    "directory RECORD: manifest, ballots in log order, checkpoints, officer log,\n"
    "result, public keys and .pb/.blt exports, with a signed index.\n"
    "Check it with: allot verify RECORD\n";

const char* kElectionHelp =
    "Usage:\n"
    "  allot election list    --data DIR\n"
    "  allot election create  --data DIR FILE.json       (a definition: docs/record-format.md)\n"
    "  allot election update  --data DIR FILE.json       (draft only)\n"
    "  allot election show    --data DIR --election ID   (definition, or the manifest once open)\n"
    "  allot election open    --data DIR --election ID\n"
    "  allot election close   --data DIR --election ID\n"
    "  allot election tally   --data DIR --election ID --seed TEXT\n"
    "  allot election publish --data DIR --election ID\n"
    "Every change is written to the election's officer log under --actor NAME (default: cli).\n";

const char* kDemoHelp =
    "Usage: allot demo --data DIR [--ballots N] [--publish]\n"
    "       allot demo --data DIR --show     (the demo's codes and login again)\n"
    "\n"
    "Creates two ready demo elections in DIR and opens them:\n"
    "  riverside-budget-2026  a borough budget (12 borough-wide projects, two ward\n"
    "                         contests; approval ballots; Method of Equal Shares)\n"
    "  riverside-pilots-2026  choose 2 of 7 services to pilot (ranked ballots; STV)\n"
    "Writes DIR/demo.json with unused voting codes and an officer login.\n"
    "  --ballots N   casts N random valid ballots in each election, through the\n"
    "                same acceptance path voters use (seeded: the same every time)\n"
    "  --publish     then closes, tallies and publishes both elections\n";

std::string require(Args& a, const char* name, const char* help) {
  auto v = a.value(std::string("--") + name);
  if (!v || v->empty()) throw UsageError(std::string("--") + name + " is required\n\n" + help);
  return *v;
}

void check_no_more(Args& a, const char* help) {
  if (auto f = a.unknown_flag()) throw UsageError("unknown option " + *f + "\n\n" + help);
  auto rest = a.positional();
  if (!rest.empty()) throw UsageError("unexpected argument '" + rest.front() + "'\n\n" + help);
}

void write_private_file(const fs::path& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

store::Options store_options(const std::string& data) {
  store::Options o;
  o.data_dir = data;
  return o;
}

int store_error(const store::StoreError& e) {
  std::cerr << "allot: " << e.what() << "\n";
  for (std::size_t i = 1; i < e.problems.size(); ++i) std::cerr << "  - " << e.problems[i] << "\n";
  return kUsage;
}

// Random valid answers for a demo voter, from a seeded generator.
json random_answers(const json& manifest, const std::vector<Contest>& contests, const std::string& district,
                    std::mt19937_64& rng) {
  json answers = json::object();
  for (auto i : manifest::visible_contests(manifest, district)) {
    const Contest& c = contests[i];
    const std::size_t n = c.options.size();
    // Popularity falls with the option's position, so results are not uniform.
    std::vector<double> weight(n);
    for (std::size_t k = 0; k < n; ++k) weight[k] = 1.0 / (1.0 + 0.35 * static_cast<double>((k * 7 + i * 3) % n));
    json ids = json::array();
    if (c.format == BallotFormat::Ranked) {
      std::vector<std::size_t> left(n);
      for (std::size_t k = 0; k < n; ++k) left[k] = k;
      const std::size_t ranks = 1 + rng() % std::min<std::size_t>(n, 4);
      for (std::size_t r = 0; r < ranks; ++r) {
        double total = 0;
        for (auto k : left) total += weight[k];
        double x = std::uniform_real_distribution<double>(0, total)(rng);
        std::size_t pick = 0;
        for (; pick + 1 < left.size(); ++pick) {
          x -= weight[left[pick]];
          if (x <= 0) break;
        }
        ids.push_back(c.options[left[pick]].id);
        left.erase(left.begin() + static_cast<std::ptrdiff_t>(pick));
      }
    } else {
      Money spent = 0;
      std::vector<std::size_t> order(n);
      for (std::size_t k = 0; k < n; ++k) order[k] = k;
      std::shuffle(order.begin(), order.end(), rng);
      for (auto k : order) {
        if (std::uniform_real_distribution<double>(0, 1)(rng) > 0.55 * weight[k]) continue;
        const Money cost = c.options[k].cost;
        if (c.rules.max_cost && spent + cost > *c.rules.max_cost) continue;
        spent += cost;
        ids.push_back(c.options[k].id);
      }
    }
    answers[c.id] = json{{"options", ids}};
  }
  return answers;
}

void print_demo(const json& out, const std::string& data) {
  const fs::path demo_file = fs::path(data) / "demo.json";
  std::cout << "Demo in " << data << "\n\n"
            << "Officer login: officer / " << out["officer"]["password"].get<std::string>() << "\n\n";
  for (const auto& e : out["elections"]) {
    std::cout << e["title"].get<std::string>() << " (" << e["id"].get<std::string>() << "), "
              << e["state"].get<std::string>() << ", " << e["ballots"].get<std::size_t>() << " demo ballots cast\n";
    if (e["state"] != "open") continue;
    std::cout << "  voting codes you can use:";
    int shown = 0;
    for (const auto& c : e["codes"]) {
      if (shown++ == 4) break;
      std::cout << "\n    " << c["code"].get<std::string>();
      if (!c["district"].get<std::string>().empty()) std::cout << "  (" << c["district"].get<std::string>() << ")";
    }
    std::cout << "\n";
  }
  std::cout << "\nAll unused codes and the login are in " << demo_file.string() << " (readable by you only).\n";
}

}  // namespace

int codes_main(std::vector<std::string> argv) {
  Args a(std::move(argv));
  if (a.flag("--help")) {
    std::cout << kCodesHelp;
    return kOk;
  }
  try {
    const std::string data = require(a, "data", kCodesHelp);
    const std::string election = require(a, "election", kCodesHelp);
    const std::string count_text = require(a, "count", kCodesHelp);
    const std::string out = require(a, "out", kCodesHelp);
    const std::string district = a.value("--district").value_or("");
    const std::string actor = a.value("--actor").value_or("cli");
    check_no_more(a, kCodesHelp);
    std::size_t count = 0;
    try {
      count = std::stoul(count_text);
    } catch (const std::exception&) {
      throw UsageError("--count must be a whole number");
    }
    if (fs::exists(out)) throw UsageError(out + " already exists: choose a new file for the codes");
    store::Store st(store_options(data));
    const auto list = st.generate_codes(actor, election, count, district);
    std::string csv = "code,election,district\n";
    for (const auto& c : list) csv += c + "," + csv_field(election) + "," + csv_field(district) + "\n";
    write_private_file(out, csv);
    std::cout << "wrote " << list.size() << " voting codes for " << election
              << (district.empty() ? "" : " (district " + district + ")") << " to " << out << "\n";
    return kOk;
  } catch (const store::StoreError& e) {
    return store_error(e);
  } catch (const UsageError& e) {
    std::cerr << "allot codes: " << e.what() << "\n";
    return kUsage;
  } catch (const std::exception& e) {
    std::cerr << "allot codes: " << e.what() << "\n";
    return kUsage;
  }
}

int export_main(std::vector<std::string> argv) {
  Args a(std::move(argv));
  if (a.flag("--help")) {
    std::cout << kExportHelp;
    return kOk;
  }
  try {
    const std::string data = require(a, "data", kExportHelp);
    const std::string election = require(a, "election", kExportHelp);
    const std::string out = require(a, "out", kExportHelp);
    check_no_more(a, kExportHelp);
    if (fs::exists(out)) throw UsageError(out + " already exists: the record goes to a new directory");
    store::Store st(store_options(data));
    st.export_record(election, out);
    std::cout << "wrote the election record of " << election << " to " << out << "\n"
              << "check it with: allot verify " << out << "\n";
    return kOk;
  } catch (const store::StoreError& e) {
    return store_error(e);
  } catch (const std::exception& e) {
    std::cerr << "allot export: " << e.what() << "\n";
    return kUsage;
  }
}

int election_main(std::vector<std::string> argv) {
  if (argv.empty() || argv.front() == "--help" || argv.front() == "help") {
    std::cout << kElectionHelp;
    return argv.empty() ? kUsage : kOk;
  }
  const std::string action = argv.front();
  argv.erase(argv.begin());
  Args a(std::move(argv));
  try {
    const std::string data = require(a, "data", kElectionHelp);
    const std::string actor = a.value("--actor").value_or("cli");
    if (action == "list") {
      check_no_more(a, kElectionHelp);
      store::Store st(store_options(data));
      for (const auto& e : st.list_elections())
        std::cout << e.id << "\t" << e.state << "\t" << manifest::text_in(e.title, "en") << "\n";
      return kOk;
    }
    if (action == "create" || action == "update") {
      auto files = a.positional();
      if (files.size() != 1) throw UsageError("give one definition file\n\n" + std::string(kElectionHelp));
      if (auto f = a.unknown_flag()) throw UsageError("unknown option " + *f);
      json def;
      try {
        def = json::parse(read_file(files.front()));
      } catch (const json::parse_error& e) {
        throw UsageError(files.front() + ": not valid JSON: " + e.what());
      }
      store::Store st(store_options(data));
      if (action == "create") st.create_election(actor, def);
      else st.update_election(actor, def.value("election", std::string()), def);
      std::cout << (action == "create" ? "created " : "updated ") << def.value("election", std::string()) << "\n";
      return kOk;
    }
    const std::string election = require(a, "election", kElectionHelp);
    std::string seed;
    if (action == "tally") seed = require(a, "seed", kElectionHelp);
    check_no_more(a, kElectionHelp);
    store::Store st(store_options(data));
    if (action == "show") {
      const std::string state = st.state(election);
      std::cout << (state == "draft" ? st.definition(election) : st.manifest(election)).dump(2) << "\n";
      return kOk;
    }
    if (action == "open") st.open(actor, election);
    else if (action == "close") st.close(actor, election);
    else if (action == "tally") st.tally(actor, election, seed);
    else if (action == "publish") st.publish(actor, election);
    else throw UsageError("unknown action '" + action + "'\n\n" + std::string(kElectionHelp));
    std::cout << election << " is now " << st.state(election) << "\n";
    return kOk;
  } catch (const store::StoreError& e) {
    return store_error(e);
  } catch (const std::exception& e) {
    std::cerr << "allot election: " << e.what() << "\n";
    return kUsage;
  }
}

int backup_main(std::vector<std::string> argv) {
  static const char* help =
      "Usage: allot backup --data DIR --out FILE\n"
      "\n"
      "Copies the database of DIR to FILE while the server may keep running (a\n"
      "consistent snapshot). Back up DIR/keys separately and keep it safe: the\n"
      "signing key proves the records are yours and the code key checks voting codes.\n";
  Args a(std::move(argv));
  if (a.flag("--help")) {
    std::cout << help;
    return kOk;
  }
  try {
    const std::string data = require(a, "data", help);
    const std::string out = require(a, "out", help);
    check_no_more(a, help);
    store::Store st(store_options(data));
    st.backup(out);
    std::cout << "backed up the database of " << data << " to " << out << "\n";
    return kOk;
  } catch (const store::StoreError& e) {
    return store_error(e);
  } catch (const std::exception& e) {
    std::cerr << "allot backup: " << e.what() << "\n";
    return kUsage;
  }
}

int demo_main(std::vector<std::string> argv) {
  Args a(std::move(argv));
  if (a.flag("--help")) {
    std::cout << kDemoHelp;
    return kOk;
  }
  try {
    const std::string data = require(a, "data", kDemoHelp);
    if (a.flag("--show")) {
      check_no_more(a, kDemoHelp);
      const fs::path demo_file = fs::path(data) / "demo.json";
      if (!fs::exists(demo_file)) throw UsageError("there is no demo in " + data);
      json out = json::parse(read_file(demo_file.string()));
      store::Store st(store_options(data));
      for (auto& e : out["elections"]) e["state"] = st.state(e["id"].get<std::string>());
      print_demo(out, data);
      return kOk;
    }
    const bool publish = a.flag("--publish");
    std::size_t ballots = 0;
    if (auto b = a.value("--ballots")) {
      try {
        ballots = std::stoul(*b);
      } catch (const std::exception&) {
        throw UsageError("--ballots must be a whole number");
      }
      if (ballots > 1'000'000) throw UsageError("--ballots is at most 1000000");
    }
    check_no_more(a, kDemoHelp);
    const fs::path demo_file = fs::path(data) / "demo.json";
    if (fs::exists(demo_file))
      throw UsageError("a demo already exists in " + data + " (" + demo_file.string() +
                       "); use another directory or remove this one");

    store::Store st(store_options(data));
    const std::string password = codes::format_code(codes::base32_prefix(crypto::random_bytes(10), 16));
    st.create_user("demo", "officer", password, store::Role::Admin);
    const std::string actor = "officer";

    json out = {{"officer", {{"username", "officer"}, {"password", password}, {"role", "admin"}}},
                {"elections", json::array()}};
    const std::size_t spare = 20;
    std::mt19937_64 rng(2026);
    for (const char* text : {kDemoBudget, kDemoPilots}) {
      const json def = json::parse(text);
      const std::string id = def.at("election").get<std::string>();
      st.create_election(actor, def);
      std::vector<std::string> districts;
      if (def.contains("districts"))
        for (const auto& d : def["districts"]) districts.push_back(d.at("id").get<std::string>());
      if (districts.empty()) districts.push_back("");
      std::vector<std::pair<std::string, std::string>> issued;  // code, district
      for (std::size_t k = 0; k < districts.size(); ++k) {
        const std::size_t share = ballots / districts.size() + (k < ballots % districts.size() ? 1 : 0);
        for (const auto& c : st.generate_codes(actor, id, share + spare, districts[k]))
          issued.emplace_back(c, districts[k]);
      }
      st.open(actor, id);
      const json m = st.manifest(id);
      const auto contests = manifest::contests_of(m);

      // Cast through the voters' path, several at a time (so the writer groups them).
      std::vector<std::pair<std::string, json>> todo;
      std::vector<std::pair<std::string, std::string>> unused;
      std::map<std::string, std::size_t> cast_in;
      for (const auto& [code, district] : issued) {
        const std::size_t k = static_cast<std::size_t>(
            std::find(districts.begin(), districts.end(), district) - districts.begin());
        const std::size_t share = ballots / districts.size() + (k < ballots % districts.size() ? 1 : 0);
        if (cast_in[district] < share) {
          ++cast_in[district];
          todo.emplace_back(code, random_answers(m, contests, district, rng));
        } else {
          unused.emplace_back(code, district);
        }
      }
      std::atomic<std::size_t> next{0};
      std::atomic<std::size_t> failed{0};
      std::vector<std::thread> workers;
      for (int t = 0; t < 8; ++t)
        workers.emplace_back([&] {
          for (std::size_t i = next++; i < todo.size(); i = next++) {
            try {
              st.cast(id, todo[i].first, todo[i].second);
            } catch (const std::exception&) {
              ++failed;
            }
          }
        });
      for (auto& w : workers) w.join();
      if (failed) throw std::runtime_error(std::to_string(failed.load()) + " demo ballots were refused");

      if (publish) {
        st.close(actor, id);
        st.tally(actor, id, "riverside-demo-seed");
        st.publish(actor, id);
      }
      json codes_json = json::array();
      for (const auto& [code, district] : unused) codes_json.push_back({{"code", code}, {"district", district}});
      out["elections"].push_back({{"id", id},
                                  {"title", def.at("title").at("en")},
                                  {"state", st.state(id)},
                                  {"ballots", todo.size()},
                                  {"codes", codes_json}});
    }
    write_private_file(demo_file, out.dump(2) + "\n");

    print_demo(out, data);
    return kOk;
  } catch (const store::StoreError& e) {
    return store_error(e);
  } catch (const UsageError& e) {
    std::cerr << "allot demo: " << e.what() << "\n";
    return kUsage;
  } catch (const std::exception& e) {
    std::cerr << "allot demo: " << e.what() << "\n";
    return kUsage;
  }
}

}  // namespace allot::cli
