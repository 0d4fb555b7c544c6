// libFuzzer's driver entry point, for `ringmq-fuzz` built with `-sanitize=fuzzer`.
//
// Declared only: a normal build never calls it (the caller is compiled under
// RINGMQ_LIBFUZZER), and a fuzzer build links it from the toolchain's libclang_rt.fuzzer.
#ifndef CLIBFUZZER_H
#define CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer with the command line `*argc`, `*argv`, calling `callback` for each input.
/// Returns the process exit code libFuzzer would have returned from its own main.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
