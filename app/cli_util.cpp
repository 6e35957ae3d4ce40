#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "allot/engine/errors.hpp"
#include "cli.hpp"

namespace allot::cli {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw std::runtime_error("cannot read " + path);
  return ss.str();
}

PabulibElection load_pabulib(const std::string& path) { return parse_pabulib(read_file(path)); }

bool Args::flag(const std::string& name) {
  for (auto it = args_.begin(); it != args_.end(); ++it)
    if (*it == name) {
      args_.erase(it);
      return true;
    }
  return false;
}

std::optional<std::string> Args::value(const std::string& name) {
  for (auto it = args_.begin(); it != args_.end(); ++it) {
    if (*it == name) {
      if (it + 1 == args_.end()) throw UsageError(name + " needs a value");
      std::string v = *(it + 1);
      args_.erase(it, it + 2);
      return v;
    }
    if (it->rfind(name + "=", 0) == 0) {
      std::string v = it->substr(name.size() + 1);
      args_.erase(it);
      return v;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Args::positional() {
  std::vector<std::string> out;
  for (const auto& a : args_)
    if (a.rfind("--", 0) != 0) out.push_back(a);
  return out;
}

std::optional<std::string> Args::unknown_flag() const {
  for (const auto& a : args_)
    if (a.rfind("--", 0) == 0) return a;
  return std::nullopt;
}

TieBreak tie_break_from(Args& args) {
  auto method = args.value("--tie-break");
  auto seed = args.value("--seed");
  if (!method || *method == "id-order") {
    if (seed && !method) return TieBreak::ticket(*seed);
    if (seed) throw UsageError("--seed goes with --tie-break ticket, not id-order");
    return TieBreak::id_order();
  }
  if (*method == "ticket") {
    if (!seed || seed->empty()) throw UsageError("--tie-break ticket needs --seed TEXT (the public seed)");
    return TieBreak::ticket(*seed);
  }
  throw UsageError("--tie-break must be id-order or ticket, got '" + *method + "'");
}

}  // namespace allot::cli
