// Errors that end an operation on bad input. Expected outcomes (an invalid ballot,
// a rule that does not apply) are values, not exceptions.
#pragma once

#include <stdexcept>
#include <string>

namespace allot {

// Bad input text (a .pb, .blt or CSV file). `line` is 1-based; 0 when the problem
// concerns the file as a whole (e.g. a missing section). what() reads
// "line 12: cost must be a number, got 'abc'".
class FormatError : public std::runtime_error {
 public:
  FormatError(int line, const std::string& message)
      : std::runtime_error(line > 0 ? "line " + std::to_string(line) + ": " + message : message),
        line_(line), message_(message) {}
  int line() const { return line_; }
  const std::string& message() const { return message_; }

 private:
  int line_;
  std::string message_;
};

// A request the engine cannot satisfy (unknown rule, rule not applicable to the
// contest, bad parameter). what() is a sentence a person understands.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace allot
