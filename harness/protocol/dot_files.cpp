// The dot file protocol: 'fpconform cases --dot' writes a dot cases directory, 'fpconform check'
// checks the d.bin a program wrote (protocol/dot_files.hpp).
#include "protocol/dot_files.hpp"

#include "protocol/file_protocol.hpp"
#include "protocol/mapped_file.hpp"
#include "protocol/sidecar.hpp"
#include "report/report.hpp"

#include <filesystem>
#include <fstream>
#include <set>

namespace fpc {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kAFile = "a.bin";
constexpr const char* kBFile = "b.bin";
constexpr const char* kCFile = "c.bin";
constexpr const char* kDFile = "d.bin";
constexpr const char* kAScalesFile = "a_scales.bin";
constexpr const char* kBScalesFile = "b_scales.bin";
constexpr uint64_t kMaxDotCodes = uint64_t{1} << 28;  // codes per file, as the other protocols

json kinds_json(const std::vector<DotCase>& cases) {
  json j = json::array();
  for (uint64_t i = 0; i < cases.size(); ++i) {
    if (j.empty() || j.back()["kind"] != cases[i].kind) j.push_back({{"kind", cases[i].kind}, {"first", i}, {"count", 0}});
    j.back()["count"] = j.back()["count"].get<uint64_t>() + 1;
  }
  return j;
}

json file_entry(const char* name, const Format& f) { return {{"file", name}, {"format", f.name}, {"width", code_width(f.bits())}}; }

json claim_json(const DotClaim& c) {
  json j = {{"model", c.model}, {"input", c.input}, {"output", c.output}, {"promotion_interval", c.gemm.promotion_interval},
            {"split_k", c.gemm.split_k}};
  if (c.scales) j["scales"] = {{"format", c.scales->format}, {"block", c.scales->block}};
  return j;
}

}  // namespace

json write_dot_cases(const std::string& dir, const DotClaim& claim, size_t K, const DotCaseSet& set, uint64_t seed) {
  const DotSetup s = dot_setup(claim);
  if (set.kind != "exhaustive" && (K == 0 || K > 4096)) throw InputError("--k takes 1..4096, got " + std::to_string(K));
  if (set.kind == "exhaustive") K = 2;
  if (set.random * K > kMaxDotCodes) throw InputError("dot cases " + set.label() + " of K=" + std::to_string(K) + " exceed 2^28 codes per file");
  const size_t ks[] = {K};
  const std::vector<DotCase> cases = dot_cases(claim, ks, set, seed);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) throw InputError("cannot create directory " + dir);
  fs::remove(fs::path(dir) / kDFile, ec);  // never check a stale answer against new cases
  std::vector<uint64_t> a, b, c, sa, sb;
  for (const DotCase& d : cases) {
    a.insert(a.end(), d.a.begin(), d.a.end());
    b.insert(b.end(), d.b.begin(), d.b.end());
    c.push_back(d.c);
    sa.insert(sa.end(), d.a_scales.begin(), d.a_scales.end());
    sb.insert(sb.end(), d.b_scales.begin(), d.b_scales.end());
  }
  write_code_file((fs::path(dir) / kAFile).string(), a.data(), a.size(), code_width(s.in->bits()));
  write_code_file((fs::path(dir) / kBFile).string(), b.data(), b.size(), code_width(s.in->bits()));
  write_code_file((fs::path(dir) / kCFile).string(), c.data(), c.size(), code_width(s.out->bits()));
  fs::remove(fs::path(dir) / kAScalesFile, ec);
  fs::remove(fs::path(dir) / kBScalesFile, ec);
  if (s.scale) {
    write_code_file((fs::path(dir) / kAScalesFile).string(), sa.data(), sa.size(), code_width(s.scale->bits()));
    write_code_file((fs::path(dir) / kBScalesFile).string(), sb.data(), sb.size(), code_width(s.scale->bits()));
  }
  json sidecar = {{"schema", kCasesSchema},
                        {"kind", kDotCasesKind},
                        {"tool", {{"name", "fpconform"}, {"version", this_tool_version()}, {"revision", this_tool_revision()}}},
                        {"claim", claim_json(claim)},
                        {"K", K},
                        {"cases", {{"kind", set.kind}, {"label", set.label()}, {"seed", seed}, {"count", cases.size()},
                                   {"dot_kinds", kinds_json(cases)}}},
                        {"byte_order", "little"},
                        {"a", file_entry(kAFile, *s.in)},
                        {"b", file_entry(kBFile, *s.in)},
                        {"c", file_entry(kCFile, *s.out)},
                        {"d", file_entry(kDFile, *s.out)}};
  if (s.scale) {
    sidecar["a_scales"] = file_entry(kAScalesFile, *s.scale);
    sidecar["b_scales"] = file_entry(kBScalesFile, *s.scale);
  }
  std::ofstream f(fs::path(dir) / kSidecarName);
  f << sidecar.dump(2) << "\n";
  if (!f.flush()) throw InputError("failed writing " + (fs::path(dir) / kSidecarName).string());
  return sidecar;
}

bool is_dot_cases_dir(const std::string& dir) { return sidecar_kind(dir) == kDotCasesKind; }

DotCasesDirectory::DotCasesDirectory(const std::string& dir) {
  const SidecarReader sc((fs::path(dir) / kSidecarName).string());
  const json j = load_sidecar(dir, sc);
  sc.only(j, "", {"schema", "kind", "tool", "claim", "K", "cases", "byte_order", "a", "b", "c", "d", "a_scales", "b_scales"});
  const json& cl = sc.object(j, "", "claim");
  sc.only(cl, "claim.", {"model", "input", "output", "promotion_interval", "split_k", "scales"});
  claim_.model = sc.string(cl, "claim.", "model");
  claim_.input = sc.string(cl, "claim.", "input");
  claim_.output = sc.string(cl, "claim.", "output");
  claim_.gemm.promotion_interval = static_cast<int>(std::min<uint64_t>(sc.unsigned_number(cl, "claim.", "promotion_interval"), 1 << 20));
  claim_.gemm.split_k = static_cast<int>(std::min<uint64_t>(sc.unsigned_number(cl, "claim.", "split_k"), 1 << 20));
  if (cl.contains("scales")) {
    const json& r = sc.object(cl, "claim.", "scales");
    sc.only(r, "claim.scales.", {"format", "block"});
    claim_.scales = BlockScaleRule{sc.string(r, "claim.scales.", "format"),
                                   static_cast<int>(std::min<uint64_t>(sc.unsigned_number(r, "claim.scales.", "block"), 1 << 20))};
  }
  DotSetup s;
  try {
    s = dot_setup(claim_);
  } catch (const InputError& e) {
    sc.fail(std::string("claim: ") + e.what());
  }
  K_ = sc.unsigned_number(j, "", "K");
  if (K_ == 0 || K_ > 4096) sc.fail("K must be 1..4096");
  const json& c = sc.object(j, "", "cases");
  sc.only(c, "cases.", {"kind", "label", "seed", "count", "dot_kinds"});
  const std::string label = sc.string(c, "cases.", "label");
  try {
    set_ = DotCaseSet::parse(label);
  } catch (const InputError& e) {
    sc.fail(std::string("cases.label: ") + e.what());
  }
  if (sc.string(c, "cases.", "kind") != set_.kind) sc.fail("cases.kind is not the kind of label '" + one_line(label.substr(0, 40)) + "'");
  seed_ = sc.unsigned_number(c, "cases.", "seed");
  const uint64_t count = sc.unsigned_number(c, "cases.", "count");
  // Checked before anything is regenerated, so that a sidecar asking for 2^20 dots costs what the files hold.
  if (count < set_.random || count * K_ > kMaxDotCodes) sc.fail("cases.count does not fit the label and K");

  std::set<std::string> names;
  auto data_file = [&](const char* key, const Format& f) {
    return sc.data_file(j, key, f.name, code_width(f.bits()), dir, names, "the claim's");
  };
  const std::string a_path = data_file("a", *s.in), b_path = data_file("b", *s.in), c_path = data_file("c", *s.out);
  d_path_ = data_file("d", *s.out);
  const std::vector<uint64_t> a = MappedCodeFile(a_path, count * K_, code_width(s.in->bits())).all();
  const std::vector<uint64_t> b = MappedCodeFile(b_path, count * K_, code_width(s.in->bits())).all();
  const std::vector<uint64_t> cc = MappedCodeFile(c_path, count, code_width(s.out->bits())).all();
  std::vector<uint64_t> sa, sb;  // the scale files, exactly where the claim has scales
  if (s.scale) {
    const uint64_t n = count * (K_ / static_cast<uint64_t>(s.block));
    sa = MappedCodeFile(data_file("a_scales", *s.scale), n, code_width(s.scale->bits())).all();
    sb = MappedCodeFile(data_file("b_scales", *s.scale), n, code_width(s.scale->bits())).all();
  } else if (j.contains("a_scales") || j.contains("b_scales")) {
    sc.fail("a_scales/b_scales given, but the claim has no scales");
  }

  const size_t ks[] = {K_};
  try {
    cases_ = dot_cases(claim_, ks, set_, seed_);
  } catch (const InputError& e) {
    sc.fail(e.what());
  }
  if (cases_.size() != count) sc.fail("cases.count is " + std::to_string(count) + ", but the label gives " + std::to_string(cases_.size()) + " dots");
  if (sc.member(c, "cases.", "dot_kinds") != kinds_json(cases_)) sc.fail("cases.dot_kinds differ from the kinds of the regenerated dots");
  // a.bin, b.bin and c.bin must hold the very dots the sidecar describes: the check regenerates them.
  for (size_t i = 0; i < cases_.size(); ++i) {
    const DotCase& d = cases_[i];
    for (size_t k = 0; k < K_; ++k)
      if (a[i * K_ + k] != d.a[k] || b[i * K_ + k] != d.b[k])
        throw InputError(dir + ": a.bin/b.bin dot " + std::to_string(i) + " differs from the sidecar's dots (changed, or written by another fpconform version)");
    if (cc[i] != d.c)
      throw InputError(c_path + ": dot " + std::to_string(i) + " differs from the sidecar's dots (changed, or written by another fpconform version)");
    const size_t S = d.a_scales.size();
    for (size_t k = 0; k < S; ++k)
      if (sa[i * S + k] != d.a_scales[k] || sb[i * S + k] != d.b_scales[k])
        throw InputError(dir + ": a_scales.bin/b_scales.bin dot " + std::to_string(i) + " differs from the sidecar's dots (changed, or written by another fpconform version)");
  }
  d_ = MappedCodeFile(d_path_, count, code_width(s.out->bits())).all();
}

DotOp DotCasesDirectory::op(const std::string& entry) const {
  return {claim_.input + "_to_" + claim_.output + "_k" + std::to_string(K_), entry, claim_, {K_}, {}};
}

DotAnswers DotCasesDirectory::answers() const {
  return [this](uint64_t first, const DotBatch& batch) {
    for (size_t i = 0; i < batch.count; ++i) batch.d[i] = d_[first + i];
  };
}

}  // namespace fpc
