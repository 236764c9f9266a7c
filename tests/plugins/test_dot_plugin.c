/* Test dot plugins (ABI version 2), one MODULE per variant (tests/CMakeLists.txt): the FP32 fma
 * loop over FP16 inputs (sequential_fp32), and variants that claim the wrong model, declare bad
 * fields, crash on one dot, or export version 1 as well. */
#include "fpconform/plugin.h"
#include "fpconform/plugin_v2.h"

#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>

#ifndef FPC_TEST_DOT_MODEL
#define FPC_TEST_DOT_MODEL "sequential_fp32"
#endif
#ifndef FPC_TEST_DOT_K
#define FPC_TEST_DOT_K 16
#endif
#ifndef FPC_TEST_DOT_OP
#define FPC_TEST_DOT_OP "dot"
#endif

static float fp16(uint64_t code) {
  const uint32_t man = (uint32_t)(code & 0x3ff), exp = (uint32_t)((code >> 10) & 0x1f);
  float v = exp == 31 ? (man ? NAN : INFINITY) : exp == 0 ? ldexpf((float)man, -24) : ldexpf((float)(man | 0x400), (int)exp - 25);
  return (code & 0x8000) ? -v : v;
}

#ifdef FPC_TEST_DOT_NULL_RUN
__attribute__((unused))
#endif
static int loop(const uint64_t *a, const uint64_t *b, const uint64_t *c, uint64_t *d, size_t count, size_t k, void *ctx) {
  (void)ctx;
  for (size_t i = 0; i < count; ++i) {
    uint32_t u = (uint32_t)c[i];
    float acc;
#ifdef FPC_TEST_DOT_CRASH
    /* The planted crash: a NaN addend. */
    if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x7fffffu)) raise(SIGSEGV);
#endif
#ifdef FPC_TEST_DOT_HANG
    /* The planted hang: an infinite addend. */
    if ((u & 0x7fffffffu) == 0x7f800000u)
      for (volatile int spin = 1; spin;) {
      }
#endif
    memcpy(&acc, &u, sizeof acc);
    for (size_t j = 0; j < k; ++j) acc = fmaf(fp16(a[i * k + j]), fp16(b[i * k + j]), acc);
    memcpy(&u, &acc, sizeof u);
    d[i] = u;
  }
  return 0;
}

static const fpc_op_v2 dot_ops[] = {
#ifdef FPC_TEST_DOT_NULL_RUN
    {"float16_loop", FPC_TEST_DOT_OP, FPC_TEST_DOT_MODEL, "float16", "float32", FPC_TEST_DOT_K, 0, 1, NULL, NULL},
#else
    {"float16_loop", FPC_TEST_DOT_OP, FPC_TEST_DOT_MODEL, "float16", "float32", FPC_TEST_DOT_K, 0, 1, loop, NULL},
#endif
};

int fpc_plugin_v2(const fpc_op_v2 **ops, size_t *count) {
  *ops = dot_ops;
  *count = sizeof dot_ops / sizeof dot_ops[0];
  return FPC_PLUGIN_ABI_VERSION_2;
}

#ifdef FPC_TEST_DOT_ALSO_V1
/* Version 1 beside it: float16 -> float32 (exact), by the fields. */
static int widen(const uint64_t *const *in, uint64_t *out, size_t n, void *ctx) {
  (void)ctx;
  for (size_t i = 0; i < n; ++i) {
    const float f = fp16(in[0][i]);
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if (f != f) u = (uint32_t)((in[0][i] & 0x8000) << 16) | 0x7f800000u | (uint32_t)((in[0][i] & 0x3ff) << 13);
    out[i] = u;
  }
  return 0;
}
static const fpc_op element_ops[] = {{"float16_to_float32", "convert", "float16", "float32", "rne", 0, 0, widen, NULL}};
int fpc_plugin_v1(const fpc_op **ops, size_t *count) {
  *ops = element_ops;
  *count = 1;
  return FPC_PLUGIN_ABI_VERSION;
}
#endif
