/* An example dot plugin (ABI version 2, fpconform/plugin_v2.h): the plain C loop
 *   d = c; for k in 0..K-1: d = fmaf(a[k], b[k], d)
 * over FP16 and BF16 inputs with an FP32 accumulator, which is what the model sequential_fp32
 * says. Inputs are decoded from their codes by bit arithmetic. With FPC_EXAMPLE_PLANT_BUG=1 in
 * the environment it sums the products in float first and adds c last (a planted bug that
 * `fpconform run` fails and diagnoses). */
#include "fpconform/plugin_v2.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The value of an FP16 (man_bits 10, bias 15) or BF16 (7, 127) code. */
static float decode(uint64_t code, int man_bits, int exp_bits, int bias) {
  const uint32_t man = (uint32_t)(code & ((1u << man_bits) - 1));
  const uint32_t exp = (uint32_t)((code >> man_bits) & ((1u << exp_bits) - 1));
  const int negative = (int)((code >> (man_bits + exp_bits)) & 1);
  float v;
  if (exp == (1u << exp_bits) - 1) v = man ? NAN : INFINITY;
  else if (exp == 0) v = ldexpf((float)man, 1 - bias - man_bits);
  else v = ldexpf((float)(man | (1u << man_bits)), (int)exp - bias - man_bits);
  return negative ? -v : v;
}

static uint64_t encode_float32(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static float float32_of(uint64_t code) {
  const uint32_t u = (uint32_t)code;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

struct format {
  int man_bits, exp_bits, bias;
};
static const struct format fp16 = {10, 5, 15}, bf16 = {7, 8, 127};

static int loop(const uint64_t *a, const uint64_t *b, const uint64_t *c, uint64_t *d, size_t count, size_t k, void *ctx) {
  const struct format *f = (const struct format *)ctx;
  const int planted = getenv("FPC_EXAMPLE_PLANT_BUG") && strcmp(getenv("FPC_EXAMPLE_PLANT_BUG"), "1") == 0;
  for (size_t i = 0; i < count; ++i) {
    float acc = planted ? 0.0f : float32_of(c[i]);
    for (size_t j = 0; j < k; ++j)
      acc = fmaf(decode(a[i * k + j], f->man_bits, f->exp_bits, f->bias), decode(b[i * k + j], f->man_bits, f->exp_bits, f->bias), acc);
    d[i] = encode_float32(planted ? acc + float32_of(c[i]) : acc);
  }
  return 0;
}

static const fpc_op_v2 ops[] = {
    /* name                  op     model              in          out        k   promotion split_k run   ctx */
    {"float16_loop_k16", "dot", "sequential_fp32", "float16", "float32", 16, 0, 1, loop, (void *)&fp16},
    {"bfloat16_loop_k32", "dot", "sequential_fp32", "bfloat16", "float32", 32, 0, 1, loop, (void *)&bf16},
};

int fpc_plugin_v2(const fpc_op_v2 **o, size_t *count) {
  *o = ops;
  *count = sizeof ops / sizeof ops[0];
  return FPC_PLUGIN_ABI_VERSION_2;
}
