/* The hot path: splits a byte stream into lines (a large file mapped a
 * window at a time, anything else read into one fixed buffer) and hands the
 * parser only the lines that matter. Outside an event a line reaches the
 * parser only if it holds a key ("oom", "alloon", "Kill", and the headerless
 * deaths: "Kernel panic - not syncing: ", "Out of memory and no killable",
 * "Manual OOM", and a syslogd wall broadcast's "Message from syslogd"
 * header, which dates the death line after it), found with a vector scan
 * for their first bytes;
 * inside an event every line does until its body goes quiet (the rule is at
 * the top of scan.c). */
#ifndef VBTOOL_OOM_SCAN_H
#define VBTOOL_OOM_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "oom/event.h"
#include "oom/input.h"

#define OOM_SCAN_BUF ((size_t)1024 * 1024) /* longer lines are cut for parsing */

/* Does s[0..n) hold a key? */
bool oom_has_key(const char *s, size_t n);
#define OOM_SCAN_PAD 128 /* readable bytes oom_scan_memory needs after the text */

/* Reads the whole input through the parser. Returns 0 or a negative errno. */
int oom_scan_input(struct oom_input *in, struct oom_parser *p);
/* The same for text already in memory, buf[len .. len + OOM_SCAN_PAD)
 * readable. */
void oom_scan_memory(struct oom_parser *p, const char *buf, size_t len);

#endif
