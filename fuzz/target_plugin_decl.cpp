// Fuzz target "plugin_decl": the declaration checks a plugin's fpc_op table passes when it loads
// (plugin_subject, the part of load_plugin after fpc_plugin_v1 returned). The input decodes into
// the table: an op count, then per op each string (null, a plausible value, or raw bytes), the
// saturate and sr_bits integers and whether run is null. Any table must give a subject or an
// InputError; a subject has one op per declared op, each with formats.
#include "fuzz_input.hpp"
#include "plugin_loader.hpp"

#include <deque>
#include <string>

namespace {

int stub_run(const uint64_t* const*, uint64_t*, size_t, void*) { return 0; }

constexpr const char* kPlausible[] = {
    "convert", "add", "sub", "mul", "div", "fma", "sqrt", "pow", "float32", "bfloat16", "float16", "float8_e4m3fn",
    "fp32", "e5m2", "e5m2:bias=16:nan=fnuz", "e4m3:bias=7", "rne", "rna", "rtz", "rup", "rdn", "rod", "sr", "op", "op",
    "", "a b", "x.y+z-1"};

// null, a plausible string, or raw bytes (NUL-terminated by std::string).
const char* field(fpc::fuzz::ByteReader& r, std::deque<std::string>& storage) {
  const uint8_t sel = r.u8();
  if (sel == 0) return nullptr;
  if (sel < 128) return kPlausible[sel % std::size(kPlausible)];
  return storage.emplace_back(r.str(80)).c_str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fpc::fuzz::ByteReader r(data, size);
  const size_t count = r.u8() % 6;
  const bool null_array = count > 0 && r.u8() == 0xFF;
  std::deque<std::string> storage;
  std::vector<fpc_op> ops(count);
  for (fpc_op& op : ops) {
    op.name = field(r, storage);
    op.op = field(r, storage);
    op.in_format = field(r, storage);
    op.out_format = field(r, storage);
    op.rounding = field(r, storage);
    op.saturate = static_cast<int8_t>(r.u8()) % 3;
    op.sr_bits = static_cast<int8_t>(r.u8());
    op.run = r.u8() == 0 ? nullptr : &stub_run;
    op.ctx = nullptr;
  }
  fpc::Subject s;
  try {
    s = fpc::plugin_subject("fuzz.so", null_array ? nullptr : ops.data(), count);
  } catch (const fpc::InputError&) {
    return 0;
  }
  if (s.ops.size() != count) fpc::fuzz::finding("plugin_decl: " + std::to_string(count) + " ops declared, " +
                                                std::to_string(s.ops.size()) + " in the subject");
  for (const fpc::SubjectOp& op : s.ops)
    if (!op.semantics.in || !op.semantics.out || !op.run) fpc::fuzz::finding("plugin_decl: op " + op.name + " lacks a format or run");
  return 0;
}
