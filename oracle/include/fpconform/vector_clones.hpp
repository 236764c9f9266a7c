// FPC_VECTOR_CLONES: marks a function holding a plain, auto-vectorisable loop to be compiled
// several times, for AVX-512, AVX2 and the baseline instruction set, with the best one the CPU
// supports picked once at load time (GCC/Clang target_clones through an ELF ifunc). The source
// stays one plain loop; binaries stay portable to any x86-64. Elsewhere, or when built with
// -DFPC_NO_VECTOR_CLONES (to measure the baseline code), it expands to nothing.
#pragma once

#if !defined(FPC_NO_VECTOR_CLONES) && defined(__x86_64__) && defined(__ELF__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define FPC_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
#ifndef FPC_VECTOR_CLONES
#define FPC_VECTOR_CLONES
#endif
