/* The kernel log as records: live from /dev/kmsg (read without blocking),
 * or, under --sysroot, from DIR/vbtool/kmsg, which `vbtool collect` writes
 * in the same record format ("PRI,SEQ,USEC,FLAGS;message"). */
#ifndef VBTOOL_KLOG_H
#define VBTOOL_KLOG_H

#include <stddef.h>
#include <stdint.h>

#define KLOG_CAPTURE_PATH "/vbtool/kmsg"
#define KLOG_RECORD_MAX 8192 /* /dev/kmsg never returns more per read */
#define KLOG_CAPTURE_MAX ((uint64_t)256 * 1024 * 1024) /* a larger capture is refused */

/* Called with each record as /dev/kmsg returns it, without the trailing
 * newline and without the " KEY=value" dictionary lines. A non-zero return
 * stops the walk. */
typedef int (*klog_record_fn)(void *ctx, const char *rec, size_t len);

/* Returns 0, or a negative errno (-EACCES/-EPERM: not permitted,
 * -ENOENT: no kernel log here). */
int klog_foreach_record(klog_record_fn fn, void *ctx);
/* The path klog_foreach_record reads (live or captured). */
const char *klog_source(void);

/* Splits a record into its fields; false when it is not a record. */
struct klog_record {
	unsigned level, facility;
	uint64_t seq, usec;
	const char *msg;
	size_t msglen;
};
int klog_parse_record(const char *rec, size_t len, struct klog_record *out);

#endif
