/* The hot path: splits a byte stream into lines over one fixed buffer and
 * hands the parser only the lines that matter. Outside an event a line
 * reaches the parser only if it holds a key ("oom", "alloon", "Kill"),
 * found with a vector scan for the byte pairs "oo" and "Ki"; inside an
 * event every line does. */
#ifndef VBTOOL_OOM_SCAN_H
#define VBTOOL_OOM_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "oom/event.h"
#include "oom/input.h"

#define OOM_SCAN_BUF ((size_t)1024 * 1024) /* longer lines are cut for parsing */

/* Does s[0..n) hold a key? */
bool oom_has_key(const char *s, size_t n);
/* Reads the whole input through the parser. Returns 0 or a negative errno. */
int oom_scan_input(struct oom_input *in, struct oom_parser *p);

#endif
