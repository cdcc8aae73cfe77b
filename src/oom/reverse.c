/* Reverse-order pastes (journalctl -r, or a forum post of "newest first"):
 * read again, last line first, so the parser sees a report in the order
 * the kernel printed it. Only for inputs that can be opened again and are
 * small, as such pastes are: the whole input is held in memory. */
#include "oom/reverse.h"

#include <stdlib.h>
#include <string.h>

#include "oom/scan.h"
#include "base/util.h"

int oom_scan_reversed(struct oom_input *in, struct oom_parser *p, unsigned file_index)
{
	size_t cap = 64 * 1024, len = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap >= OOM_REVERSE_MAX) {
				free(buf);
				return 1;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t r = oom_input_read(in, buf + len, cap - len);
		if (r < 0) {
			free(buf);
			return (int)r;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
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
	free(buf);
	return 0;
}
