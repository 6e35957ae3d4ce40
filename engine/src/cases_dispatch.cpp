// Dispatches a reference case to the runner of its corpus.
#include <nlohmann/json.hpp>

#include "allot/engine/cases.hpp"

namespace allot {

CaseOutcome run_reference_case(const nlohmann::json& doc) {
  try {
    const std::string m = doc.at("method").get<std::string>();
    if (m == "irv" || m == "stv_rctab" || m == "bottoms_up" || m == "bottoms_up_percentage" || m == "irv_multipass" ||
        m == "irv_condorcet_php" || m == "stv_condorcet_php")
      return run_rcv_case(doc);
    if (m.rfind("stv_", 0) == 0 || m == "qpq") return run_stv_case(doc);
    if (m.rfind("schulze_", 0) == 0 || m.rfind("ranked_pairs_", 0) == 0) return run_condorcet_case(doc);
    return {false, "unknown method '" + m + "'"};
  } catch (const std::exception& e) {
    return {false, std::string("cannot run the case: ") + e.what()};
  }
}

}  // namespace allot
