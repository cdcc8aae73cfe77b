/* Shared by the libFuzzer targets: splitting one input into several files,
 * and a private scratch sysroot for targets that go through sysroot_read(). */
#ifndef VBTOOL_FUZZ_H
#define VBTOOL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Sections of one input are separated by this line; the dictionaries
 * (tests/fuzz/fuzz_*.dict) teach it to the fuzzer. */
#define FUZZ_SEP "\n%%\n"
#define FUZZ_SEP_LEN 4

/* The next section of [*p, end): returns 0 when there is none left. */
int fuzz_next_section(const uint8_t **p, const uint8_t *end, const uint8_t **sec, size_t *len);

/* A fresh empty directory, the same one for the life of the process
 * (emptied on each call). */
const char *fuzz_scratch_root(void);
/* Writes DIR/rel (creating parent directories). */
void fuzz_write_file(const char *root, const char *rel, const uint8_t *data, size_t len);
void fuzz_symlink(const char *root, const char *rel, const char *target);

/* A copy of data with a NUL after it (the parsers get what sysroot_read gives). */
char *fuzz_dup(const uint8_t *data, size_t len);

#endif
