// The findings registry (findings/*.md, harness/cli/findings_command.hpp) and the known deviations
// table (kernels/known_deviations.cpp) must say the same thing: every table entry is explained by
// a finding that lists it with the same mismatch classes, and every entry a finding lists is in
// the table. Also: every finding parses, has its reproduction, and bad registry files are refused
// with one clear line.
#include "cli/findings_command.hpp"
#include "fpconform/exact.hpp"
#include "fpconform/known_deviations.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

namespace fs = std::filesystem;

namespace {

const std::string kFindings = std::string(FPC_SOURCE_DIR) + "/findings";

// "subject/op" -> classes, from the registry's known_deviations fields.
std::map<std::string, std::set<std::string>> registry_deviations(std::map<std::string, std::string>* owner = nullptr) {
  std::map<std::string, std::set<std::string>> out;
  for (const fpc::Finding& f : fpc::read_findings(kFindings))
    for (const std::string& entry : f.known_deviations()) {
      const size_t colon = entry.find(':');
      EXPECT_NE(colon, std::string::npos) << f.file << ": known_deviations entry '" << entry << "' is not subject/op:class";
      if (colon == std::string::npos) continue;
      const std::string key = entry.substr(0, colon);
      out[key].insert(entry.substr(colon + 1));
      if (owner) (*owner)[key] = f.file;
    }
  return out;
}

}  // namespace

TEST(Findings, EveryFindingParsesAndHasItsReproduction) {
  const auto findings = fpc::read_findings(kFindings);
  ASSERT_GE(findings.size(), 10u);
  for (const fpc::Finding& f : findings) {
    const fs::path repro = fs::path(FPC_SOURCE_DIR) / f.field("reproduction");
    EXPECT_TRUE(fs::is_regular_file(repro)) << f.file << ": reproduction " << f.field("reproduction") << " is missing";
    const std::string& kind = f.field("kind");
    EXPECT_TRUE(kind == "bug" || kind == "implementation-defined" || kind == "documented-policy") << f.file << ": kind " << kind;
    EXPECT_FALSE(f.field("verified").empty()) << f.file << ": say what was verified";
  }
}

TEST(Findings, OpenBugsCarryAnUpstreamReport) {
  for (const fpc::Finding& f : fpc::read_findings(kFindings)) {
    if (f.field("status") != "open" || f.field("kind") != "bug") continue;
    std::ifstream in(fs::path(kFindings) / f.file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const char* part : {"## Upstream report", "**Title:**", "**Versions:**", "**Reproduction:**",
                             "**Expected vs actual:**", "**Why it matters:**", "**Suggested fix:**"})
      EXPECT_NE(text.find(part), std::string::npos) << f.file << " lacks " << part;
  }
}

TEST(Findings, KnownDeviationsTableAgreesWithTheRegistry) {
  std::map<std::string, std::string> owner;
  const auto registry = registry_deviations(&owner);
  std::set<std::string> table_keys;
  for (const fpc::KnownDeviation& d : fpc::known_deviations()) {
    const std::string key = d.subject + "/" + d.op;
    table_keys.insert(key);
    const auto it = registry.find(key);
    ASSERT_NE(it, registry.end()) << "kernels/known_deviations.cpp lists " << key << " but no finding in findings/ does";
    EXPECT_EQ(it->second, std::set<std::string>(d.classes.begin(), d.classes.end()))
        << key << ": the table's classes differ from " << owner[key] << "'s";
  }
  for (const auto& [key, classes] : registry)
    EXPECT_TRUE(table_keys.count(key)) << owner[key] << " lists " << key << " but kernels/known_deviations.cpp does not";
}

TEST(Findings, MalformedRegistryFilesAreRefusedWithOneLine) {
  const fs::path dir = fs::temp_directory_path() / "fpc_findings_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
  };
  write("x.md", "no front matter\n");
  EXPECT_THROW(fpc::read_findings(dir.string()), fpc::InputError);
  write("x.md", "---\nid: x\n");
  EXPECT_THROW(fpc::read_findings(dir.string()), fpc::InputError);
  write("x.md", "---\nid: y\ntitle: t\n---\n");  // wrong id, missing fields
  try {
    fpc::read_findings(dir.string());
    FAIL() << "a finding without its fields was accepted";
  } catch (const fpc::InputError& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
  EXPECT_THROW(fpc::read_findings((dir / "absent").string()), fpc::InputError);
  fs::remove_all(dir);
}
