/* An example fpconform plugin (ABI version 1, fpconform/plugin.h): two conversions done with
 * integer arithmetic on the codes, checked by `fpconform run --plugin libfpc_example_plugin.so`.
 *
 *   float32_to_bfloat16_rne  round to nearest, ties to even, by the usual integer trick
 *   float32_to_float16_rtz   truncation, by bit manipulation (overflow gives the largest finite)
 *
 * With FPC_EXAMPLE_PLANT_BUG=1 in the environment when the plugin is loaded, the first op
 * (still declared "rne") rounds ties away from zero instead: a planted bug, which the checker
 * must catch and diagnose as "rna".
 */
#include "fpconform/plugin.h"

#include <stdlib.h>
#include <string.h>

/* float32 -> bfloat16, to nearest. ties_away: the planted bug (ties away from zero). */
static uint64_t f32_to_bf16(uint32_t x, int ties_away) {
  if ((x & 0x7fffffffu) > 0x7f800000u) return (uint64_t)((x >> 16) | 0x0040u); /* NaN: keep it quiet */
  /* Adding just under half an ulp (plus the lsb for ties to even) carries exactly when the
     discarded half is above the midpoint, or at it with an odd lsb; overflow carries into inf. */
  const uint32_t bias = ties_away ? 0x8000u : 0x7fffu + ((x >> 16) & 1u);
  return (uint64_t)((x + bias) >> 16);
}

/* float32 -> float16, toward zero. */
static uint64_t f32_to_f16_rtz(uint32_t x) {
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t exponent = (x >> 23) & 0xffu;
  const uint32_t mantissa = x & 0x7fffffu;
  if (exponent == 0xffu) return sign | (mantissa ? 0x7e00u : 0x7c00u); /* NaN, inf */
  const int e = (int)exponent - 127 + 15; /* float16's biased exponent */
  if (e >= 31) return sign | 0x7bffu;     /* beyond the range: toward zero is the largest finite */
  if (e >= 1) return sign | ((uint32_t)e << 10) | (mantissa >> 13);
  if (e < -10) return sign; /* below half the smallest subnormal (and float32 subnormals): +-0 */
  /* Subnormal float16: value / 2^-24, truncated. */
  return sign | ((mantissa | 0x800000u) >> (14 - e));
}

static int run_bf16(const uint64_t *const *in, uint64_t *out, size_t n, void *ctx) {
  const int ties_away = *(const int *)ctx;
  for (size_t i = 0; i < n; ++i) out[i] = f32_to_bf16((uint32_t)in[0][i], ties_away);
  return 0;
}

static int run_f16_rtz(const uint64_t *const *in, uint64_t *out, size_t n, void *ctx) {
  (void)ctx;
  for (size_t i = 0; i < n; ++i) out[i] = f32_to_f16_rtz((uint32_t)in[0][i]);
  return 0;
}

static int kTiesToEven = 0; /* the ctx of each variant (never written) */
static int kTiesAway = 1;

/* The declarations, in static storage: valid for as long as the library is loaded. */
static const fpc_op kOps[] = {
    {"float32_to_bfloat16_rne", "convert", "float32", "bfloat16", "rne", 0, 0, run_bf16, &kTiesToEven},
    {"float32_to_float16_rtz", "convert", "float32", "float16", "rtz", 0, 0, run_f16_rtz, NULL},
};
static const fpc_op kOpsPlanted[] = {
    {"float32_to_bfloat16_rne", "convert", "float32", "bfloat16", "rne", 0, 0, run_bf16, &kTiesAway},
    {"float32_to_float16_rtz", "convert", "float32", "float16", "rtz", 0, 0, run_f16_rtz, NULL},
};

int fpc_plugin_v1(const fpc_op **ops, size_t *count) {
  const char *plant = getenv("FPC_EXAMPLE_PLANT_BUG");
  *ops = (plant && strcmp(plant, "1") == 0) ? kOpsPlanted : kOps;
  *count = sizeof kOps / sizeof kOps[0];
  return FPC_PLUGIN_ABI_VERSION;
}
