// Run-time choice of the vector width for the float loops the compiler vectorizes. The build
// targets baseline x86-64 (SSE2, four float lanes) so that an engine runs on any CPU; a function
// marked KILN_SIMD_CLONES is compiled three times more, for x86-64-v4 (AVX-512) and x86-64-v3
// (AVX2, FMA), and the loader picks the widest the CPU has (GNU ifunc). Results do not depend on
// the clone: the kernels are built with -ffp-contract=off (no a * b + c becomes an FMA) and
// the reductions fix their lane count in the source.
#pragma once

// ThreadSanitizer builds get one baseline copy: an ifunc resolver runs while the loader
// relocates, before the TSan runtime is up, and the instrumented resolver crashes there.
#if defined(__SANITIZE_THREAD__)
#define KILN_SIMD_CLONES
#elif defined(__x86_64__) && defined(__GNUC__) && defined(__linux__)
#define KILN_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define KILN_SIMD_CLONES
#endif
