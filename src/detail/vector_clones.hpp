#pragma once
// W2V_VECTOR_CLONES before a function built from plain loops: GCC builds it for baseline
// x86-64 (SSE2), x86-64-v3 (AVX2, FMA) and x86-64-v4 (AVX-512) and picks one when the
// program loads, so a portable build still runs the wide code on a machine that has it.
// The choice is an ifunc, which needs GCC on x86-64 glibc; AddressSanitizer builds (tests)
// keep the one baseline version, whose resolver would otherwise run before ASan starts.
// W2V_HAS_VECTOR_CLONES says which: 1 where the clones are built.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__gnu_linux__) && \
    !defined(__SANITIZE_ADDRESS__)
#define W2V_VECTOR_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define W2V_HAS_VECTOR_CLONES 1
#else
#define W2V_VECTOR_CLONES
#define W2V_HAS_VECTOR_CLONES 0
#endif
