/* fpconform plugin ABI, version 2: dot products. A shared object offers its own matrix products
 * (a GEMM kernel, a tensor-core wrapper, a BLAS call) as "dot ops" to `fpconform run --plugin
 * PATH.so`, which checks every result bit for bit against the model the op claims (a row of
 * `fpconform dot --list`: "h100-wgmma-fp8", "a100", "sequential_fp32", ...) and, when it
 * differs, names the models that do reproduce it (docs/mma.md). Valid C (C99 and later) and C++.
 *
 * Version 1 (fpconform/plugin.h, fpc_plugin_v1: element ops) is unchanged. A library may export
 * fpc_plugin_v1, fpc_plugin_v2 or both; each is loaded as its own subject of the same name.
 *
 * Build a plugin, for example:
 *   gcc -O2 -shared -fPIC -Wall -Wextra -I fpconform/kernels/include mydot.c -o libmydot.so
 *
 * Codes. As in version 1, every value crosses this interface as the unsigned integer code of its
 * format (the bit pattern) zero-extended to uint64_t, never as a host float.
 */
#ifndef FPCONFORM_PLUGIN_V2_H
#define FPCONFORM_PLUGIN_V2_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FPC_PLUGIN_ABI_VERSION_2 2

/* One dot op: D = A . B + C for batches of dot products of length k, computed as the model
   `model` says its GPU or loop does. */
typedef struct fpc_op_v2 {
  const char *name;       /* unique within the plugin */
  const char *op;         /* "dot" (the only op of version 2) */
  const char *model;      /* a model name of `fpconform dot --list`, e.g. "h100-wgmma-fp8" */
  const char *in_format;  /* canonical format of A and B ("float16", "float8_e4m3fn", "float32" for a tf32 row ...) */
  const char *out_format; /* format of C and D: "float32", "float16" or "bfloat16" (a row of the model) */
  size_t k;               /* the length of every dot the op is given, 1..65536 */
  int promotion_interval; /* 0, or FP8 promotion into FP32 every N products (fpconform dot --promotion) */
  int split_k;            /* 1, or K cut into this many slices reduced in FP32 (fpconform dot --split-k) */
  /* a[i*k .. i*k + k - 1] and b[i*k .. i*k + k - 1] are dot i's operands (codes of in_format),
     c[i] its addend (a code of out_format). Writes count codes of out_format to d. Returns 0,
     or non-zero for an error of the subject. */
  int (*run)(const uint64_t *a, const uint64_t *b, const uint64_t *c, uint64_t *d, size_t count, size_t k, void *ctx);
  void *ctx;
} fpc_op_v2;

/* A version 2 plugin exports this; it returns FPC_PLUGIN_ABI_VERSION_2. */
int fpc_plugin_v2(const fpc_op_v2 **ops, size_t *count);

/* The contract in detail.
 *
 * fpc_plugin_v2(ops, count)
 *   Called once after the library is loaded (dlopen, RTLD_NOW | RTLD_LOCAL). Sets *ops to the
 *   plugin's array of fpc_op_v2 and *count to its length (at least 1) and returns 2; any other
 *   value refuses the load. Lifetime and threading of the array, its strings and ctx: as in
 *   version 1 (static storage; the library is never unloaded).
 *
 * Declarations (checked when the plugin loads; a problem is one error line, exit status 2)
 *   name        non-null, 1..200 letters, digits or _ - . +, unique within the plugin. The checks
 *               are reported as plugin:<library file name without .so>/<name>/<cases>.
 *   op          "dot".
 *   model,      a row of the model table: `fpconform dot --list` prints the models with the input
 *   in_format,  and output formats each takes. in_format and out_format are canonical format
 *   out_format  names, as in version 1.
 *   k           1..65536; split_k must divide it.
 *   Block-scaled rows (b200-mxf8f6f4, b200-mxf4nvf4) need scale operands, which run() does not
 *   carry: an op claiming one is refused when the plugin loads. Check a block-scaled GEMM through
 *   the dot file protocol (fpconform cases --dot ... --scale-format FMT --scale-block N) instead.
 *   promotion_interval >= 0; split_k >= 1.
 *   run         non-null; ctx is passed to it unchanged and may be NULL.
 *
 * run(a, b, c, d, count, k, ctx)
 *   Called with 1 <= count <= 4096 dots at a time, in a separate worker process: a crash, an
 *   abort or a hang of the plugin makes that check an error naming the first dot that fails
 *   alone, and the run goes on. A non-zero return means the subject failed (not "the result is
 *   wrong"): the check is an error. Result codes must be zero-extended.
 */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FPCONFORM_PLUGIN_V2_H */
