// Private helper of the reference-case runners: collects what differs between our
// count and a reference, keeping the first few for the message.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace allot::detail {

class Differences {
 public:
  static constexpr std::size_t kMax = 10;

  void add(const std::string& what) {
    ++count_;
    if (list_.size() < kMax) list_.push_back(what);
  }
  bool empty() const { return count_ == 0; }
  std::string text() const {
    std::string s;
    for (const auto& d : list_) s += (s.empty() ? "" : "; ") + d;
    if (count_ > list_.size()) s += "; and " + std::to_string(count_ - list_.size()) + " more difference(s)";
    return s;
  }

 private:
  std::vector<std::string> list_;
  std::size_t count_ = 0;
};

}  // namespace allot::detail
