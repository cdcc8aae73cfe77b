/* Inputs small enough to hold, and reverse-order pastes (journalctl -r, or
 * a forum post of "newest first"): read again, last line first, so the
 * parser sees a report in the order the kernel printed it. Such pastes are
 * small: only inputs up to OOM_REVERSE_MAX are held in memory. */
#include "oom/reverse.h"

#include <stdlib.h>
#include <string.h>

#include "oom/scan.h"
#include "base/util.h"

int oom_input_slurp(struct oom_input *in, char **out, size_t *out_len)
{
	size_t cap = 64 * 1024, len = 0;
	char *buf = xmalloc(cap + OOM_SCAN_PAD);
	int whole = 1;
	for (;;) {
		if (len == cap) {
			if (cap > OOM_REVERSE_MAX) {
				whole = 0;
				break;
			}
			cap = cap * 2 > OOM_REVERSE_MAX ? OOM_REVERSE_MAX + 1 : cap * 2;
			buf = xrealloc(buf, cap + OOM_SCAN_PAD);
		}
		ssize_t r = oom_input_read(in, buf + len, cap - len);
		if (r < 0) {
			whole = (int)r;
			break;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	memset(buf + len, 0, OOM_SCAN_PAD);
	*out = buf;
	*out_len = len;
	return whole;
}

void oom_scan_backwards(struct oom_parser *p, unsigned file_index, const char *buf, size_t len)
{
	oom_parser_drop_file(p, file_index);
	oom_parser_begin_file(p, file_index);
	bool want = false;
	size_t end = len;
	if (end && buf[end - 1] == '\n')
		end--;
	/* each line [start, end), from the last to the first */
	while (len) {
		size_t start = end;
		while (start && buf[start - 1] != '\n')
			start--;
		const char *ls = buf + start;
		size_t n = end - start;
		bool key = oom_has_key(ls, n);
		if (want || key)
			want = oom_parser_line(p, ls, n, len - end, key, false); /* offsets grow as read */
		if (!start)
			break;
		end = start - 1;
	}
	oom_parser_end_file(p);
}

int oom_scan_reversed(struct oom_input *in, struct oom_parser *p, unsigned file_index)
{
	char *buf;
	size_t len;
	int r = oom_input_slurp(in, &buf, &len);
	if (r == 1)
		oom_scan_backwards(p, file_index, buf, len);
	free(buf);
	return r < 0 ? r : r == 0;
}

static void order_add(void *ctx, const struct oom_event *e)
{
	oom_order_add(ctx, e);
}

int oom_input_reversed(struct oom_input *in, unsigned file_index, bool *reversed)
{
	struct oom_parser *probe = oom_parser_new();
	struct oom_order o = { 0 };
	oom_parser_stream(probe, order_add, &o);
	oom_parser_begin_file(probe, file_index);
	int r = oom_scan_input(in, probe);
	oom_parser_end_file(probe);
	*reversed = r == 0 && oom_parser_order_reversed(probe, &o);
	oom_parser_free(probe);
	return r;
}
