/* The kernel log: one /dev/kmsg record ("PRI,SEQ,USEC,FLAGS;message"), and
 * the captured file (DIR/vbtool/kmsg) through the line reader that
 * klog_foreach_record uses under --sysroot. */
#include "fuzz.h"
#include "sources/klog.h"
#include "sources/sysroot.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The capture reader's buffer is twice the largest record; a longer line
 * is dropped whole. */
#define LINE_LIMIT (2 * KLOG_RECORD_MAX)

struct expect {
	const uint8_t *p, *end;
	size_t seen;
};

/* The next line the reader must report, computed independently. */
static bool next_expected(struct expect *e, const uint8_t **line, size_t *len)
{
	while (e->p && e->p < e->end) {
		const uint8_t *nl = memchr(e->p, '\n', (size_t)(e->end - e->p));
		const uint8_t *stop = nl ? nl : e->end;
		const uint8_t *l = e->p;
		size_t n = (size_t)(stop - l);
		e->p = nl ? nl + 1 : e->end;
		if (n == 0 || l[0] == ' ' || n >= LINE_LIMIT)
			continue;
		*line = l;
		*len = n;
		return true;
	}
	return false;
}

static int on_record(void *ctx, const char *rec, size_t len)
{
	struct expect *e = ctx;
	const uint8_t *want;
	size_t wlen;
	if (!next_expected(e, &want, &wlen) || wlen != len || memcmp(want, rec, len) != 0)
		abort();
	struct klog_record r;
	if (klog_parse_record(rec, len, &r) && (r.msg < rec || r.msg + r.msglen != rec + len || r.level > 7))
		abort();
	e->seen++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a single record, exact-size */
	if (size <= KLOG_RECORD_MAX) {
		char *rec = malloc(size ? size : 1);
		memcpy(rec, data, size);
		struct klog_record r;
		if (klog_parse_record(rec, size, &r)) {
			if (r.msg < rec || r.msg > rec + size || r.msg + r.msglen != rec + size)
				abort();
			if (r.level > 7)
				abort();
		}
		free(rec);
	}

	/* the same bytes as a captured log */
	const char *root = fuzz_scratch_root();
	fuzz_write_file(root, "vbtool/kmsg", data, size);
	sysroot_set(root);
	struct expect e = { data, data + size, 0 };
	if (klog_foreach_record(on_record, &e) != 0)
		abort();
	const uint8_t *l;
	size_t n;
	if (next_expected(&e, &l, &n)) /* a line the reader did not report */
		abort();
	sysroot_set(NULL);
	return 0;
}
