/* Test plugins for tests/test_plugin.cpp: one tiny source, compiled once per variant (see
 * tests/CMakeLists.txt). Without definitions it is a correct plugin with two ops,
 * bfloat16 -> float32 (exact: the code shifted left by 16), under the names FPC_TEST_NAME_A and
 * FPC_TEST_NAME_B. Each definition breaks one thing:
 *   FPC_TEST_VERSION N         fpc_plugin_v1 returns N
 *   FPC_TEST_NO_SYMBOL         exports fpc_plugin_v0 instead of fpc_plugin_v1
 *   FPC_TEST_OP / _IN / _OUT / _ROUNDING "..."   the second op's declaration
 *   FPC_TEST_NAME_B "..."      the second op's name (equal to the first: a duplicate)
 *   FPC_TEST_NULL_RUN          the second op has no run function
 *   FPC_TEST_RUN_FAILS N       the second op's run returns N
 *   FPC_TEST_SR_BITS N         the second op's sr_bits
 * and FPC_TEST_SR makes the second op a correct float32 -> bfloat16 stochastic rounding with 16
 * random bits (reading in[1]). These make the second op misbehave on the one input code
 * FPC_TEST_BAD_CODE (0x4321 unless defined) and widen correctly elsewhere (tests/test_isolation.cpp):
 *   FPC_TEST_CRASH             writes through a null pointer (SIGSEGV)
 *   FPC_TEST_ABORT             calls abort() (SIGABRT)
 *   FPC_TEST_HANG              sleeps forever
 *   FPC_TEST_WIDE              sets bit 40 of the result: not a float32 code
 *   FPC_TEST_SCRIBBLE          writes 0 over its (const) operand, after a correct result for it
 *   FPC_TEST_SLOW              creates the file named by $FPC_TEST_MARKER, then sleeps 1 s
 */
#define _POSIX_C_SOURCE 200809L
#include "fpconform/plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef FPC_TEST_BAD_CODE
#define FPC_TEST_BAD_CODE 0x4321u
#endif

#ifndef FPC_TEST_VERSION
#define FPC_TEST_VERSION FPC_PLUGIN_ABI_VERSION
#endif
#ifndef FPC_TEST_OP
#define FPC_TEST_OP "convert"
#endif
#ifndef FPC_TEST_IN
#define FPC_TEST_IN "bfloat16"
#endif
#ifndef FPC_TEST_OUT
#define FPC_TEST_OUT "float32"
#endif
#ifndef FPC_TEST_ROUNDING
#define FPC_TEST_ROUNDING "rne"
#endif
#ifndef FPC_TEST_SR_BITS
#define FPC_TEST_SR_BITS 0
#endif
#define FPC_TEST_NAME_A "bfloat16_to_float32"
#ifndef FPC_TEST_NAME_B
#define FPC_TEST_NAME_B "bfloat16_to_float32_again"
#endif

static int widen(const uint64_t *const *in, uint64_t *out, size_t n, void *ctx) {
  (void)ctx;
  for (size_t i = 0; i < n; ++i) out[i] = in[0][i] << 16;
  return 0;
}

#if defined(FPC_TEST_SR)
/* The magnitude rounds up exactly when (low 16 bits) + random >= 2^16: a carry out of them. */
static int stochastic(const uint64_t *const *in, uint64_t *out, size_t n, void *ctx) {
  (void)ctx;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t x = in[0][i];
    out[i] = (x & 0x7fffffffu) > 0x7f800000u ? (x >> 16) | 0x40u : (x + in[1][i]) >> 16;
  }
  return 0;
}
#undef FPC_TEST_NAME_B
#define FPC_TEST_NAME_B "float32_to_bfloat16_sr16"
#define FPC_TEST_RUN_B stochastic
#undef FPC_TEST_IN
#define FPC_TEST_IN "float32"
#undef FPC_TEST_OUT
#define FPC_TEST_OUT "bfloat16"
#undef FPC_TEST_ROUNDING
#define FPC_TEST_ROUNDING "sr"
#undef FPC_TEST_SR_BITS
#define FPC_TEST_SR_BITS 16
#elif defined(FPC_TEST_CRASH) || defined(FPC_TEST_ABORT) || defined(FPC_TEST_HANG) || defined(FPC_TEST_WIDE) || \
    defined(FPC_TEST_SLOW) || defined(FPC_TEST_SCRIBBLE)
static void misbehave(uint64_t *result, const uint64_t *operand) {
#if !defined(FPC_TEST_SCRIBBLE)
  (void)operand;
#endif
#if defined(FPC_TEST_SCRIBBLE)
  /* Were the write to go through, a checker reading this operand afterwards would judge the
     result 0x43210000 against input 0. */
  (void)result;
  *(volatile uint64_t *)(uintptr_t)operand = 0;
#elif defined(FPC_TEST_CRASH)
  /* An unmapped address that is not null, so that UBSan's null check (preset asan) lets the
     store fault for real. */
  volatile uintptr_t nowhere = 64;
  *(volatile int *)nowhere = 1;
  (void)result;
#elif defined(FPC_TEST_ABORT)
  (void)result;
  abort();
#elif defined(FPC_TEST_HANG)
  struct timespec second = {1, 0};
  (void)result;
  for (;;) nanosleep(&second, NULL);
#elif defined(FPC_TEST_WIDE)
  *result |= (uint64_t)1 << 40;
#else
  struct timespec second = {1, 0};
  const char *marker = getenv("FPC_TEST_MARKER");
  FILE *f = marker ? fopen(marker, "w") : NULL;
  (void)result;
  if (f) fclose(f);
  nanosleep(&second, NULL);
#endif
}
static int widen_but_one(const uint64_t *const *in, uint64_t *out, size_t n, void *ctx) {
  (void)ctx;
  for (size_t i = 0; i < n; ++i) {
    out[i] = in[0][i] << 16;
    if (in[0][i] == FPC_TEST_BAD_CODE) misbehave(&out[i], &in[0][i]);
  }
  return 0;
}
#define FPC_TEST_RUN_B widen_but_one
#elif defined(FPC_TEST_RUN_FAILS)
static int fails(const uint64_t *const *in, uint64_t *out, size_t n, void *ctx) {
  (void)in, (void)out, (void)n, (void)ctx;
  return FPC_TEST_RUN_FAILS;
}
#define FPC_TEST_RUN_B fails
#elif defined(FPC_TEST_NULL_RUN)
#define FPC_TEST_RUN_B NULL
#else
#define FPC_TEST_RUN_B widen
#endif

static const fpc_op kOps[] = {
    {FPC_TEST_NAME_A, "convert", "bfloat16", "float32", "rne", 0, 0, widen, NULL},
    {FPC_TEST_NAME_B, FPC_TEST_OP, FPC_TEST_IN, FPC_TEST_OUT, FPC_TEST_ROUNDING, 0, FPC_TEST_SR_BITS, FPC_TEST_RUN_B, NULL},
};

#ifdef FPC_TEST_NO_SYMBOL
int fpc_plugin_v0(const fpc_op **ops, size_t *count);
int fpc_plugin_v0(const fpc_op **ops, size_t *count) {
#else
int fpc_plugin_v1(const fpc_op **ops, size_t *count) {
#endif
  *ops = kOps;
  *count = sizeof kOps / sizeof kOps[0];
  return FPC_TEST_VERSION;
}
