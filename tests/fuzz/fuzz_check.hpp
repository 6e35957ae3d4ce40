// What the fuzz targets share: a check that stops the run with a message when a
// promise of the code under test is broken. libFuzzer saves the input that broke it
// in the findings (any abort is a crash to libFuzzer, like a sanitizer report).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace allot::fuzz {

// Not assert(): it must hold in every build type.
inline void require(bool ok, const char* what, const std::string& detail = "") {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
  std::abort();
}

}  // namespace allot::fuzz
