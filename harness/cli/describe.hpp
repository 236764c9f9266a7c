// Text and JSON renderings of codes, values and formats, shared by every CLI command.
#pragma once

#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace fpc::cli {

using nlohmann::json;

// "0x4248": hex padded to the format's width.
std::string code_hex(const Format& f, uint64_t code);
// "0.10000.1001001000" for floats (sign.exponent.mantissa), plain binary otherwise.
std::string code_fields(const Format& f, uint64_t code);
// Parses a code of the format: hex with or without 0x, or 0b binary. InputError if malformed
// or wider than the format.
uint64_t parse_code(const Format& f, const std::string& text);
// Parses a hex code, `0x` optional: "0b03ffff" and "0BDE" are hex here (TestFloat writes bare
// hex), so this is what reads codes from files and stdin. InputError as parse_code.
uint64_t parse_hex_code(const Format& f, const std::string& text);

// An operand of `f`: a code ("0x3c00", "0b...") or a value the format represents exactly
// ("1.5", "-0", "inf", "0x1.8p3"). InputError naming the nearest code otherwise.
uint64_t parse_operand(const Format& f, const std::string& text);

// The shortest decimal (up to 17 significant digits, %g style) that rounds back to the same
// code under rne; the exact expansion for values that need more.
std::string short_decimal(const Format& f, uint64_t code);

// The exact value, followed by "(~shortest)" when the shortest round-trip decimal differs.
std::string decode_text(const Format& f, uint64_t code);

// {"code","fields","class","exact","decimal"} for one code.
json describe_code(const Format& f, uint64_t code);
json flags_to_json(unsigned flags);

// "  [inexact|overflow]" and "  implementation-defined" after a result, as convert and eval print it.
std::string flag_suffix(const RoundResult& r);
// "0x4248  0.10000.1001001000  3.140625": hex, fields and value of one code.
std::string code_line(const Format& f, uint64_t code);

// Every property `info` shows: layout, range, torch.finfo fields, NaN/inf encodings.
json format_info(const Format& f);
// One row of `formats`.
json format_summary(const Format& f);

}  // namespace fpc::cli
