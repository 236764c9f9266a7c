#include "protocol/sidecar.hpp"

#include "fpconform/exact.hpp"
#include "protocol/file_protocol.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fpc {

using nlohmann::json;
namespace fs = std::filesystem;

void SidecarReader::fail(const std::string& problem) const { throw InputError(path_ + ": " + problem); }

const json& SidecarReader::member(const json& obj, const std::string& where, const char* key) const {
  if (!obj.is_object()) fail((where.empty() ? std::string("the sidecar") : where.substr(0, where.size() - 1)) + " must be an object");
  auto it = obj.find(key);
  if (it == obj.end()) fail("missing field " + where + key);
  return *it;
}

const json& SidecarReader::array(const json& obj, const std::string& where, const char* key) const {
  const json& v = member(obj, where, key);
  if (!v.is_array()) fail(where + key + " must be an array");
  return v;
}

const json& SidecarReader::object(const json& obj, const std::string& where, const char* key) const {
  const json& v = member(obj, where, key);
  if (!v.is_object()) fail(where + key + " must be an object");
  return v;
}

std::string SidecarReader::string(const json& obj, const std::string& where, const char* key) const {
  const json& v = member(obj, where, key);
  if (!v.is_string()) fail(where + key + " must be a string");
  return v.get<std::string>();
}

uint64_t SidecarReader::unsigned_number(const json& obj, const std::string& where, const char* key) const {
  const json& v = member(obj, where, key);
  if (!v.is_number_unsigned()) fail(where + key + " must be a non-negative integer");
  return v.get<uint64_t>();
}

void SidecarReader::boolean(const json& obj, const std::string& where, const char* key) const {
  if (!member(obj, where, key).is_boolean()) fail(where + key + " must be true or false");
}

void SidecarReader::only(const json& obj, const std::string& where, const std::set<std::string>& known) const {
  if (!obj.is_object()) fail((where.empty() ? std::string("the sidecar") : where.substr(0, where.size() - 1)) + " must be an object");
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (!known.count(it.key())) fail("unknown field " + where + one_line(it.key().substr(0, 40)));
}

std::string SidecarReader::data_file(const json& obj, const char* key, const std::string& format, int width,
                                     const std::string& dir, std::set<std::string>& names, const char* whose) const {
  const json& e = object(obj, "", key);
  const std::string where = std::string(key) + ".";
  only(e, where, {"file", "format", "width"});
  const std::string name = string(e, where, "file");
  if (!plain_file_name(name)) fail(where + "file '" + one_line(name.substr(0, 40)) + "' must be a plain file name in " + dir);
  if (!names.insert(name).second) fail(where + "file '" + name + "' names a file twice");
  if (string(e, where, "format") != format) fail(where + "format must be " + format + " (" + whose + ")");
  if (unsigned_number(e, where, "width") != static_cast<uint64_t>(width))
    fail(where + "width must be " + std::to_string(width) + " (" + format + " codes)");
  return (fs::path(dir) / name).string();
}

json load_sidecar(const std::string& dir, const SidecarReader& sc) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw InputError(dir + ": no such directory");
  if (!fs::is_directory(dir, ec)) throw InputError(dir + " is not a directory (expected a cases directory written by 'fpconform cases')");
  std::ifstream in(sc.path());
  if (!in) throw InputError(sc.path() + ": no such file (write the cases with 'fpconform cases ... -o " + dir + "')");
  std::stringstream text;
  text << in.rdbuf();
  json j;
  try {
    j = json::parse(text.str());
  } catch (const json::exception& e) {
    sc.fail("not valid JSON (" + one_line(e.what()) + ")");
  }
  if (!j.is_object()) sc.fail("not a JSON object (the sidecar must be an object)");
  const std::string schema = sc.string(j, "", "schema");
  if (schema != kCasesSchema) sc.fail("schema is '" + one_line(schema.substr(0, 40)) + "', this fpconform reads " + kCasesSchema);
  if (sc.string(j, "", "byte_order") != "little") sc.fail("byte_order must be \"little\"");
  return j;
}

std::string sidecar_kind(const std::string& dir) {
  std::error_code ec;
  const fs::path path = fs::path(dir) / kSidecarName;
  if (!fs::is_regular_file(path, ec)) return "";
  std::ifstream in(path);
  const json j = json::parse(in, nullptr, false);
  return j.is_object() && j.contains("kind") && j["kind"].is_string() ? j["kind"].get<std::string>() : "";
}

}  // namespace fpc
