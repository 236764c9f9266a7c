// The block file protocol (docs/file-protocol.md, "Block quantizers"): 'fpconform cases --scheme'
// writes a block cases directory, 'fpconform check' checks the codes and scales a program wrote.
#include "protocol/block_files.hpp"
#include "protocol/mapped_file.hpp"

#include "cli/args.hpp"
#include "protocol/file_protocol.hpp"
#include "protocol/sidecar.hpp"
#include "cli/quantize_command.hpp"
#include "report/report.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>

namespace fpc {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSidecar = kSidecarName;
constexpr const char* kValuesFile = "values.bin";
constexpr const char* kCodesFile = "codes.bin";
constexpr const char* kScalesFile = "scales.bin";
constexpr const char* kZeroPointsFile = "zero_points.bin";  // schemes with zero points only
// Zero points are written as int32, little-endian (no Format of the table: they are plain integers).
constexpr const char* kZeroPointFormat = "int32";
constexpr int kZeroPointWidth = 4;
// At most this many values per directory, as the element protocol's cases (1 GiB of float32).
constexpr uint64_t kMaxBlockValues = uint64_t{1} << 28;

const std::set<std::string> kClaimKeys = {"scheme", "reference", "blocksize", "scale_rule", "rounding", "tensor_amax"};

json kinds_json(const std::vector<BlockKindRange>& kinds) {
  json j = json::array();
  for (const BlockKindRange& k : kinds) j.push_back({{"kind", k.kind}, {"first", k.first}, {"count", k.count}});
  return j;
}

json file_entry(const char* name, const std::string& format, int width) {
  return {{"file", name}, {"format", format}, {"width", width}};
}
json file_entry(const char* name, const Format& f) { return file_entry(name, f.name, code_width(f.bits())); }

// The whole of a data file of exactly count x width bytes, as codes; InputError otherwise.
std::vector<uint64_t> read_codes(const std::string& path, uint64_t count, int width) {
  return MappedCodeFile(path, count, width).all();
}


}  // namespace

json write_block_cases(const std::string& dir, const QuantOptions& requested, const BlockCaseSet& set, uint64_t seed) {
  QuantOptions claims = requested;
  claims.blocksize = check_blocksize(claims);
  const BlockLayout layout = block_layout(claims);
  if (static_cast<uint64_t>(set.random + 64) * layout.blocksize > kMaxBlockValues)
    throw InputError("block cases " + set.label() + " of " + std::to_string(layout.blocksize) +
                     " values exceed the file protocol's 2^28 values per directory");
  const std::vector<BlockCase> cases = block_cases(claims, set, seed);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) throw InputError("cannot create directory " + dir);
  // Answers left from earlier cases in this directory would be checked against the new ones.
  for (const char* stale : {kCodesFile, kScalesFile, kZeroPointsFile}) fs::remove(fs::path(dir) / stale, ec);

  std::vector<uint64_t> values;
  for (const BlockCase& c : cases) values.insert(values.end(), c.bits.begin(), c.bits.end());
  write_code_file((fs::path(dir) / kValuesFile).string(), values.data(), values.size(), 4);

  json sidecar = claims_to_json(claims);
  sidecar.update(json{{"schema", kCasesSchema},
                      {"kind", kBlockCasesKind},
                      {"tool", {{"name", "fpconform"}, {"version", this_tool_version()}, {"revision", this_tool_revision()}}},
                      {"cases", {{"kind", set.kind()},
                                 {"label", set.label()},
                                 {"seed", seed},
                                 {"blocks", cases.size()},
                                 {"values", values.size()},
                                 {"block_kinds", kinds_json(kind_ranges(cases))}}},
                      {"byte_order", "little"},
                      {"values", file_entry(kValuesFile, format_by_name("float32"))},
                      {"codes", file_entry(kCodesFile, *layout.element)},
                      {"scales", file_entry(kScalesFile, *layout.scale)}});
  if (layout.zero_points) sidecar["zero_points"] = file_entry(kZeroPointsFile, kZeroPointFormat, kZeroPointWidth);
  std::ofstream f(fs::path(dir) / kSidecar);
  f << sidecar.dump(2) << "\n";
  if (!f.flush()) throw InputError("failed writing " + (fs::path(dir) / kSidecar).string());
  return sidecar;
}

bool is_block_cases_dir(const std::string& dir) {
  return sidecar_kind(dir) == kBlockCasesKind;
}

BlockCasesDirectory::BlockCasesDirectory(const std::string& dir) {
  const SidecarReader sc((fs::path(dir) / kSidecar).string());
  const json j = load_sidecar(dir, sc);
  std::set<std::string> known = {"schema", "kind", "tool", "cases", "byte_order", "values", "codes", "scales"};
  known.insert(kClaimKeys.begin(), kClaimKeys.end());
  json claims = json::object();
  for (const std::string& key : kClaimKeys)
    if (j.contains(key)) claims[key] = j[key];
  try {
    claims_ = claims_from_json(claims);
  } catch (const InputError& e) {
    sc.fail(e.what());
  }
  const BlockLayout layout = block_layout(claims_);
  if (layout.zero_points) known.insert("zero_points");
  sc.only(j, "", known);

  const json& c = sc.member(j, "", "cases");
  sc.only(c, "cases.", {"kind", "label", "seed", "blocks", "values", "block_kinds"});
  const std::string label = sc.string(c, "cases.", "label");
  try {
    set_ = BlockCaseSet::parse(label);
  } catch (const InputError& e) {
    sc.fail(std::string("cases.label: ") + e.what());
  }
  if (sc.string(c, "cases.", "kind") != set_.kind()) sc.fail("cases.kind is not the kind of label '" + one_line(label.substr(0, 40)) + "'");
  seed_ = sc.unsigned_number(c, "cases.", "seed");
  const uint64_t blocks = sc.unsigned_number(c, "cases.", "blocks"), values = sc.unsigned_number(c, "cases.", "values");
  if ((set_.random + 64) * claims_.blocksize > kMaxBlockValues) sc.fail("cases.label asks for more than 2^28 values");
  const uint64_t blocksize = claims_.blocksize;
  auto counts_differ = [&](const std::string& expected) {
    sc.fail("cases.blocks and cases.values are " + std::to_string(blocks) + " and " + std::to_string(values) + ", but " +
            one_line(label.substr(0, 40)) + " blocks of " + std::to_string(blocksize) + " values are " + expected +
            " (written by another fpconform version?)");
  };
  // Every label gives at least its random blocks: checked before anything is regenerated, like
  // values.bin's size below, so that a sidecar asking for 2^20 blocks costs what the files hold.
  if (blocks < set_.random || blocks > kMaxBlockValues || values != blocks * blocksize)
    counts_differ("at least " + std::to_string(set_.random) + " blocks, cases.values cases.blocks x " + std::to_string(blocksize));

  std::set<std::string> names;
  auto data_file = [&](const char* key, const std::string& format, int width) {
    return sc.data_file(j, key, format, width, dir, names, "the scheme's");
  };
  auto format_file = [&](const char* key, const Format& f) { return data_file(key, f.name, code_width(f.bits())); };
  const std::string values_path = format_file("values", format_by_name("float32"));
  codes_path_ = format_file("codes", *layout.element);
  const std::string scales_path = format_file("scales", *layout.scale);
  const std::string zero_points_path = layout.zero_points ? data_file("zero_points", kZeroPointFormat, kZeroPointWidth) : "";
  const std::vector<uint64_t> written = read_codes(values_path, values, 4);  // exactly `values` float32 values

  cases_ = block_cases(claims_, set_, seed_);
  if (blocks != cases_.size()) counts_differ(std::to_string(cases_.size()));
  if (sc.member(c, "cases.", "block_kinds") != kinds_json(kind_ranges(cases_)))
    sc.fail("cases.block_kinds differ from the kinds of the regenerated blocks");

  // values.bin must hold the very blocks the sidecar describes: the check regenerates them.
  for (size_t b = 0, i = 0; b < cases_.size(); ++b)
    for (uint32_t bits : cases_[b].bits) {
      if (written[i] != bits) {
        std::ostringstream msg;
        msg << values_path << ": value " << i << " (block " << b << ") holds 0x" << std::hex << written[i]
            << ", but the sidecar's blocks give 0x" << bits << " (values changed, or written by another fpconform version)";
        throw InputError(msg.str());
      }
      ++i;
    }
  codes_ = read_codes(codes_path_, values, code_width(layout.element->bits()));
  scales_ = read_codes(scales_path, blocks, code_width(layout.scale->bits()));
  if (layout.zero_points)
    for (uint64_t z : read_codes(zero_points_path, blocks, kZeroPointWidth))
      zero_points_.push_back(static_cast<int32_t>(static_cast<uint32_t>(z)));  // two's complement
}

BlockOutput BlockCasesDirectory::answer(size_t index) const {
  const size_t n = claims_.blocksize;
  BlockOutput out;
  out.codes.assign(codes_.begin() + static_cast<std::ptrdiff_t>(index * n), codes_.begin() + static_cast<std::ptrdiff_t>((index + 1) * n));
  out.scale_codes = {scales_[index]};
  if (!zero_points_.empty()) out.zero_points = {zero_points_[index]};
  return out;
}

}  // namespace fpc
