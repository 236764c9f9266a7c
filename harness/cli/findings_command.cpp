#include "cli/findings_command.hpp"

#include "cli/args.hpp"
#include "fpconform/exact.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#ifndef FPC_SOURCE_DIR
#define FPC_SOURCE_DIR "."
#endif

namespace fpc {

namespace fs = std::filesystem;

namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

Finding read_finding(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot read " + path.string());
  Finding f;
  f.file = path.filename().string();
  std::string line;
  int line_no = 0;
  if (!std::getline(in, line) || trim(line) != "---")
    throw InputError(path.string() + ": a finding starts with a '---' line, then its fields");
  ++line_no;
  bool closed = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line) == "---") {
      closed = true;
      break;
    }
    if (trim(line).empty()) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0)
      throw InputError(path.string() + ":" + std::to_string(line_no) + ": expected 'key: value'");
    const std::string key = trim(line.substr(0, colon));
    if (f.fields.count(key)) throw InputError(path.string() + ":" + std::to_string(line_no) + ": field '" + key + "' twice");
    f.fields[key] = trim(line.substr(colon + 1));
  }
  if (!closed) throw InputError(path.string() + ": the fields are not closed by a '---' line");
  for (const std::string& key : required_finding_fields())
    if (f.field(key).empty()) throw InputError(path.string() + ": missing field '" + key + "'");
  const std::string& status = f.field("status");
  if (status != "open" && status.rfind("fixed-in ", 0) != 0)
    throw InputError(path.string() + ": status must be 'open' or 'fixed-in VERSION', not '" + status + "'");
  if (f.field("id") + ".md" != f.file) throw InputError(path.string() + ": id '" + f.field("id") + "' is not the file's name");
  return f;
}

}  // namespace

const std::string& Finding::field(const std::string& key) const {
  static const std::string empty;
  const auto it = fields.find(key);
  return it == fields.end() ? empty : it->second;
}

std::vector<std::string> Finding::known_deviations() const {
  std::vector<std::string> out;
  std::stringstream ss(field("known_deviations"));
  std::string item;
  while (std::getline(ss, item, ','))
    if (!trim(item).empty() && trim(item) != "none") out.push_back(trim(item));
  return out;
}

const std::vector<std::string>& required_finding_fields() {
  static const std::vector<std::string> keys = {"id", "title", "library", "affected", "op", "class", "kind",
                                                "status", "counterexample", "reproduction", "found_by", "upstream"};
  return keys;
}

std::vector<Finding> read_findings(const std::string& dir) {
  if (!fs::is_directory(dir)) throw InputError("no findings directory " + dir);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".md" && e.path().filename() != "README.md") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<Finding> out;
  for (const auto& p : files) out.push_back(read_finding(p));
  return out;
}

std::string default_findings_dir() {
  if (fs::is_directory("findings") && fs::exists("findings/README.md")) return "findings";
  return std::string(FPC_SOURCE_DIR) + "/findings";
}

}  // namespace fpc

namespace fpc::cli {

int cmd_findings(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, {"dir", "library", "status"}, {"json"});
  if (!a.positional().empty()) throw InputError("findings takes no operands: fpconform findings [--library NAME] [--status open|fixed] [--json]");
  const std::string status = a.value("status").value_or("");
  if (!status.empty() && status != "open" && status != "fixed") throw InputError("--status must be open or fixed");
  const std::string library = a.value("library").value_or("");
  std::vector<Finding> list = read_findings(a.value("dir").value_or(default_findings_dir()));
  std::erase_if(list, [&](const Finding& f) {
    const bool open = f.field("status") == "open";
    return (!library.empty() && f.field("library") != library) || (status == "open" && !open) || (status == "fixed" && open);
  });
  if (a.flag("json")) {
    nlohmann::json j = nlohmann::json::array();
    for (const Finding& f : list) j.push_back(f.fields);
    out << j.dump(2) << "\n";
    return 0;
  }
  for (const Finding& f : list) {
    out << f.field("id") << "\n  " << f.field("title") << "\n  library " << f.field("library") << " " << f.field("affected")
        << "; " << f.field("status") << "; " << f.field("kind") << "; class " << f.field("class") << "\n  op "
        << f.field("op") << "\n  smallest counterexample: " << f.field("counterexample") << "\n  reproduce: "
        << f.field("reproduction") << "\n";
  }
  const auto open = std::count_if(list.begin(), list.end(), [](const Finding& f) { return f.field("status") == "open"; });
  out << list.size() << " findings, " << open << " open\n";
  return 0;
}

}  // namespace fpc::cli
