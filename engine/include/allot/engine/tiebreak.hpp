// Tie-breaking: a published, recorded total order of a contest's options.
//
// Two methods:
//  - IdOrder: option ids compared as byte strings, smallest first ("10" < "9").
//    This is what the reference implementation (pabutools) does.
//  - Ticket (SPEC section 4, Rivest's consistent sampler): from a public seed set
//    after voting closes,
//        ticket(id) = SHA256hex( SHA256hex( SHA256hex(seed) + ":id:" + id ) + "0" )
//    (lower-case hex), and the lowest ticket wins a tie. Ties between equal tickets
//    (impossible in practice) fall back to id order.
// A rule asks `TieOrder::before(a, b)`: does option a win a tie against option b?
#pragma once

#include <string>
#include <vector>

#include "allot/engine/model.hpp"

namespace allot {

struct TieBreak {
  enum class Method { IdOrder, Ticket };
  Method method = Method::IdOrder;
  std::string seed;  // Ticket only

  static TieBreak id_order() { return {}; }
  static TieBreak ticket(std::string seed) { return {Method::Ticket, std::move(seed)}; }
  const char* method_name() const { return method == Method::IdOrder ? "id-order" : "ticket"; }
};

// SHA-256 of a byte string as 64 lower-case hex characters.
std::string sha256_hex(const std::string& bytes);

// The ticket of one option id under a seed (SPEC section 4).
std::string tie_ticket(const std::string& seed, const std::string& option_id);

class TieOrder {
 public:
  TieOrder(const Contest& contest, const TieBreak& method);
  // rank 0 wins every tie.
  int rank(int option) const { return rank_[static_cast<std::size_t>(option)]; }
  bool before(int a, int b) const { return rank(a) < rank(b); }
  // Options from the first to the last in tie order.
  const std::vector<int>& order() const { return order_; }
  // Ticket per option (empty strings for IdOrder).
  const std::vector<std::string>& tickets() const { return tickets_; }
  const TieBreak& method() const { return method_; }

 private:
  TieBreak method_;
  std::vector<int> rank_;
  std::vector<int> order_;
  std::vector<std::string> tickets_;
};

}  // namespace allot
