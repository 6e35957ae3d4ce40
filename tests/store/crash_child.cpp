// The child of the crash test (crash_test.cpp): opens the store in DATA_DIR and
// casts one ballot for every code of CODES_FILE (one code a line) in ELECTION,
// printing "ACK <leaf hex> <code>" and flushing after each cast has returned, i.e.
// after its commit is durable. Codes refused as already used (cast by an earlier,
// killed run) are skipped. Prints "DONE" when every code is used.
//
//   allot_crash_child DATA_DIR ELECTION CODES_FILE
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "allot/storage/store.hpp"
#include "store_fixture.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DATA_DIR ELECTION CODES_FILE\n", argv[0]);
    return 64;
  }
  const std::string election = argv[2];
  std::vector<std::string> codes;
  {
    std::ifstream in(argv[3]);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) codes.push_back(line);
  }
  try {
    allot::store::Options o;
    o.data_dir = argv[1];
    o.batch_min = 8;
    allot::store::Store s(o);
    for (std::size_t i = 0; i < codes.size(); ++i) {
      try {
        const auto r = s.cast(election, codes[i], allot::testing::answers_for("", static_cast<unsigned>(i)));
        std::printf("ACK %s %s\n", r.leaf.c_str(), codes[i].c_str());
        std::fflush(stdout);
      } catch (const allot::store::StoreError& e) {
        if (e.code == "already_used") continue;
        std::fprintf(stderr, "crash child: code %s refused: %s (%s)\n", codes[i].c_str(), e.what(), e.code.c_str());
        return 2;
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crash child: %s\n", e.what());
    return 1;
  }
  std::printf("DONE\n");
  std::fflush(stdout);
  return 0;
}
