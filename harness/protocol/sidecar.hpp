// The one sidecar reader of the file protocols (docs/file-protocol.md): cases.json of an element
// cases directory (protocol/file_protocol.hpp) and of a block cases directory
// (protocol/block_files.hpp) is opened, parsed and checked field by field through these, so both
// protocols name the file and the field in the same one-line errors.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <set>
#include <string>

namespace fpc {

inline constexpr const char* kSidecarName = "cases.json";

// Field access with one-line InputErrors naming the sidecar: "DIR/cases.json: missing field
// cases.seed", "...: cases.count must be a non-negative integer".
class SidecarReader {
 public:
  explicit SidecarReader(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  [[noreturn]] void fail(const std::string& problem) const;

  const nlohmann::json& member(const nlohmann::json& obj, const std::string& where, const char* key) const;
  const nlohmann::json& array(const nlohmann::json& obj, const std::string& where, const char* key) const;
  const nlohmann::json& object(const nlohmann::json& obj, const std::string& where, const char* key) const;
  std::string string(const nlohmann::json& obj, const std::string& where, const char* key) const;
  uint64_t unsigned_number(const nlohmann::json& obj, const std::string& where, const char* key) const;
  void boolean(const nlohmann::json& obj, const std::string& where, const char* key) const;
  // Fields not in `known` are an error: a misspelt field must not be silently ignored.
  void only(const nlohmann::json& obj, const std::string& where, const std::set<std::string>& known) const;
  // A data file entry {"file", "format", "width"} under `key`: a plain file name in `dir`, named
  // once among `names`, of exactly `format` (`whose`: "the scheme's", "the claim's") and `width`.
  // Returns its path.
  std::string data_file(const nlohmann::json& obj, const char* key, const std::string& format, int width,
                        const std::string& dir, std::set<std::string>& names, const char* whose) const;

 private:
  std::string path_;
};

// DIR/cases.json of a cases directory as a JSON object whose schema is kCasesSchema and byte
// order little-endian; InputError for a missing directory or file, invalid JSON, another schema.
nlohmann::json load_sidecar(const std::string& dir, const SidecarReader& sc);

// The sidecar's "kind" ("block" for block directories; absent for element directories), or ""
// when DIR holds no readable sidecar.
std::string sidecar_kind(const std::string& dir);

}  // namespace fpc
