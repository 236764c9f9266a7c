#include "check/check_record.hpp"

#include <algorithm>
#include <cctype>

namespace fpc {

std::string check_status(const CheckVerdict& v) {
  if (v.skipped) return "skipped";
  if (v.error) return "error";
  if (!v.differs) return "pass";
  return v.known_deviation ? "known_deviation" : "fail";
}

// interrupted: a check an interrupted run did not finish (fpconform run --resume finishes it).
bool failing_status(const std::string& status) { return status == "fail" || status == "error" || status == "interrupted"; }

std::string check_line(const std::string& status, const std::string& id, const std::string& tail) {
  std::string word = status;
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return word + "  " + id + "  " + tail;
}

nlohmann::json common_to_json(const CheckCommon& c, const std::string& id, uint64_t case_count) {
  nlohmann::json j = {{"id", id},
                      {"subject", c.subject},
                      {"entry", c.entry},
                      {"status", c.status},
                      {"cases", {{"kind", c.case_label.substr(0, c.case_label.find(':'))},
                                 {"label", c.case_label},
                                 {"count", case_count},
                                 {"seed", c.seed},
                                 {"range", {c.range_begin, c.range_end}}}},
                      {"timing", {{"seconds", c.seconds}}}};
  if (c.status == "skipped") j["skipped_reason"] = c.skipped_reason;
  return j;
}

void common_from_json(const nlohmann::json& j, CheckCommon& c) {
  c.subject = j.at("subject").get<std::string>();
  c.entry = j.at("entry").get<std::string>();
  const nlohmann::json& cases = j.at("cases");
  c.case_label = cases.at("label").get<std::string>();
  c.seed = cases.at("seed").get<uint64_t>();
  c.range_begin = cases.at("range").at(0).get<uint64_t>();
  c.range_end = cases.at("range").at(1).get<uint64_t>();
  c.status = j.at("status").get<std::string>();
  if (j.contains("skipped_reason")) c.skipped_reason = j["skipped_reason"].get<std::string>();
  c.seconds = j.at("timing").at("seconds").get<double>();
}

void StatusCounts::add(const std::string& status) {
  ++checks;
  passed += status == "pass";
  failed += status == "fail";
  known_deviations += status == "known_deviation";
  skipped += status == "skipped";
  errors += status == "error";
  interrupted += status == "interrupted";
}

}  // namespace fpc
