/* fpconform plugin ABI, version 1: how a shared object offers its own implementations ("ops")
 * to `fpconform run --plugin PATH.so`, which checks each of them bit for bit against the exact
 * oracle. Valid C (C99 and later) and C++. Later versions extend this ABI under a new symbol
 * (fpc_plugin_v2, ...); the shape of version 1 never changes.
 *
 * Build a plugin, for example:
 *   gcc -O2 -shared -fPIC -Wall -Wextra -I fpconform/kernels/include mine.c -o libmine.so
 *
 * Codes. Every value crosses this interface as the unsigned integer code of its format (the bit
 * pattern), zero-extended to uint64_t, never as a host float: a float16 value is a code in
 * [0, 2^16), a float8 value a code in [0, 2^8), and so on. Result codes must likewise be
 * zero-extended: every bit above the output format's width must be 0.
 */
#ifndef FPCONFORM_PLUGIN_H
#define FPCONFORM_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FPC_PLUGIN_ABI_VERSION 1

/* One operation the plugin implements, with the semantics it claims to implement. */
typedef struct fpc_op {
  const char *name;       /* unique within the plugin */
  const char *op;         /* "convert" "add" "sub" "mul" "div" "fma" "sqrt" */
  const char *in_format;  /* canonical format name of every operand */
  const char *out_format; /* canonical format name of the result */
  const char *rounding;   /* "rne" "rna" "rtz" "rup" "rdn" "rod" "sr" */
  int saturate;           /* 1: overflow saturates to the largest finite value */
  int sr_bits;            /* random bits per element when rounding is "sr", else 0 */
  /* in[0..arity-1]: n codes each, zero-extended; for "sr", in[arity] holds the random bits.
     Writes n result codes to out. Returns 0, or non-zero for an error of the subject. */
  int (*run)(const uint64_t *const *in, uint64_t *out, size_t n, void *ctx);
  void *ctx;
} fpc_op;

/* Every plugin exports this; it returns FPC_PLUGIN_ABI_VERSION. */
int fpc_plugin_v1(const fpc_op **ops, size_t *count);

/* The contract in detail.
 *
 * fpc_plugin_v1(ops, count)
 *   Called once, right after the harness loads the library (dlopen with RTLD_NOW | RTLD_LOCAL).
 *   Sets *ops to the plugin's array of fpc_op and *count to its length (at least 1), and returns
 *   FPC_PLUGIN_ABI_VERSION, i.e. 1. Any other return value means "this plugin does not speak
 *   ABI version 1" (or cannot work here): the harness refuses to load it and reports the value.
 *   The symbol must have C linkage (declare it through this header, or extern "C" in C++).
 *
 * Lifetime
 *   The array, every string it points to and every ctx must stay valid and unchanged for as long
 *   as the library is loaded; static storage is the simple way. The harness never writes to the
 *   array, never frees anything in it, and never unloads the library (it stays loaded until the
 *   process exits).
 *
 * Declarations (checked when the plugin loads; any problem is a load error, exit status 2)
 *   name        non-null, non-empty and unique within the plugin. The op is reported as
 *               plugin:<library file name without .so>/<name>.
 *   op          one of "convert" "add" "sub" "mul" "div" "fma" "sqrt". arity is 1 for convert
 *               and sqrt, 2 for add sub mul div, 3 for fma (a*b+c with one rounding).
 *   in_format,  canonical names exactly as `fpconform formats` prints them ("float32", "bfloat16",
 *   out_format  "float8_e4m3fn", ...; not aliases such as "fp32" or "bf16") or a user format spec
 *               in its canonical spelling (e.g. "e5m2:bias=16:nan=fnuz").
 *   rounding    one of "rne" "rna" "rtz" "rup" "rdn" "rod" "sr".
 *   saturate    0 or 1. With 1, a finite result beyond the largest finite value (and infinity)
 *               becomes +-max finite; with 0, overflow gives infinity, or NaN where the format
 *               has no infinity.
 *   sr_bits     0 unless rounding is "sr"; then 1..64, the number of random bits per element.
 *   run         non-null; ctx is passed to it unchanged and may be NULL.
 *
 * run(in, out, n, ctx)
 *   in[k][i] is operand k of element i, for k in 0..arity-1 and i in 0..n-1, as codes of
 *   in_format zero-extended to 64 bits. When rounding is "sr", in[arity][i] holds element i's
 *   random bits: a value r in [0, 2^sr_bits). The oracle rounds the magnitude up exactly when
 *   floor(f * 2^sr_bits) + r >= 2^sr_bits, f being the discarded fraction of an ulp.
 *   The plugin writes n codes of out_format to out[0..n-1] and returns 0. A non-zero return
 *   means the subject itself failed (not "the result is wrong"): the harness reports that check
 *   with status "error" and the value returned, and the run exits 1.
 *   The harness calls run concurrently from several threads (on different buffers, with the
 *   same ctx), with n between 1 and a few thousand; run must be thread-safe, must not keep the
 *   pointers after it returns, and must not modify the input arrays.
 */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FPCONFORM_PLUGIN_H */
