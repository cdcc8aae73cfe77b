/* QMP framing: messages split anywhere, several per read, garbage, size bound. */
#include "host/framing.h"
#include "host/values.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Feeds text in pieces of chunk bytes; returns the number of messages, or
 * -1 on a framing error (*why set). Each message's "n" member is summed. */
static int feed_all(const char *text, size_t len, size_t chunk, size_t max, long long *sum, const char **why)
{
	struct qmp_framer f;
	int msgs = 0;
	qmp_framer_init(&f, max);
	*sum = 0;
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = off + chunk > len ? len - off : chunk, pos = 0;
		while (pos < n) {
			size_t used;
			struct json_object *o;
			enum qmp_frame_result r = qmp_framer_feed(&f, text + off + pos, n - pos, &used, &o, why);
			if (r == QMP_FRAME_ERROR) {
				qmp_framer_free(&f);
				return -1;
			}
			if (r == QMP_FRAME_MESSAGE) {
				struct json_object *v;
				if (json_object_object_get_ex(o, "n", &v))
					*sum += json_object_get_int64(v);
				json_object_put(o);
				msgs++;
			}
			pos += used;
		}
	}
	qmp_framer_free(&f);
	return msgs;
}

int main(void)
{
	/* Three messages as QEMU sends them (CRLF after each), one with a nested
	 * string holding braces and an escaped quote. */
	const char *three = "{\"n\": 1, \"s\": \"}{\\\"\"}\r\n"
			    "{\"event\": \"BALLOON_CHANGE\", \"data\": {\"actual\": 268435456}, \"n\": 2}\r\n"
			    "{\"return\": {}, \"id\": 7, \"n\": 4}\r\n";
	size_t len = strlen(three);
	long long sum;
	const char *why = NULL;
	static const size_t chunks[] = { 1, 2, 3, 7, 16, 64, 4096 };
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		int n = feed_all(three, len, chunks[i], 0, &sum, &why);
		ok(n == 3 && sum == 7, "three messages in pieces of %zu bytes (got %d, sum %lld)", chunks[i], n, sum);
	}

	ok(feed_all("\r\n\r\n  ", 6, 4096, 0, &sum, &why) == 0, "blank lines alone are no message");
	ok(feed_all("{\"n\":1}{\"n\":2}", 14, 4096, 0, &sum, &why) == 2 && sum == 3,
	   "messages without a separator");

	ok(feed_all("hello\r\n", 7, 4096, 0, &sum, &why) == -1, "text that is not JSON is an error");
	ok(feed_all("[1,2]\r\n", 7, 4096, 0, &sum, &why) == -1 && strcmp(why, "not a JSON object") == 0,
	   "a JSON array is not a QMP message");
	ok(feed_all("{\"a\": tru}\r\n", 12, 3, 0, &sum, &why) == -1, "a broken literal is an error");
	ok(feed_all("{\"a\": 1,}\r\n", 11, 4096, 0, &sum, &why) == -1, "a trailing comma is an error (strict)");
	ok(feed_all("{\"n\":1}\r\n}", 10, 4096, 0, &sum, &why) == -1, "a stray brace after a message is an error");

	/* The size bound: a 100-byte limit. */
	char big[300];
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"s\": \"", 7);
	memset(big + 7, 'A', 200);
	memcpy(big + 207, "\"}", 3);
	ok(feed_all(big, 209, 4096, 100, &sum, &why) == -1 && strstr(why, "larger"),
	   "a message past the bound is refused (one read)");
	ok(feed_all(big, 209, 10, 100, &sum, &why) == -1 && strstr(why, "larger"),
	   "a message past the bound is refused (many reads)");
	ok(feed_all(big, 209, 4096, 300, &sum, &why) == 1, "the same message fits a larger bound");
	ok(feed_all("{\"n\":1}\r\n{\"n\":2}\r\n", 18, 4096, 10, &sum, &why) == 2,
	   "the bound is per message, not per stream");

	/* partial: true inside a message, false between messages. */
	struct qmp_framer f;
	size_t used;
	struct json_object *o;
	qmp_framer_init(&f, 0);
	ok(qmp_framer_feed(&f, "\r\n", 2, &used, &o, &why) == QMP_FRAME_MORE && !qmp_framer_partial(&f),
	   "blanks: not inside a message");
	ok(qmp_framer_feed(&f, "{\"return\": {\"na", 15, &used, &o, &why) == QMP_FRAME_MORE && qmp_framer_partial(&f),
	   "half a reply: inside a message");
	ok(qmp_framer_feed(&f, "me\": \"x\"}}", 10, &used, &o, &why) == QMP_FRAME_MESSAGE && !qmp_framer_partial(&f),
	   "the rest completes it");
	json_object_put(o);
	qmp_framer_free(&f);

	/* Big numbers survive the tokenizer: QEMU's "not reported". */
	qmp_framer_init(&f, 0);
	const char *stats = "{\"a\": 18446744073709551615, \"b\": -1, \"c\": 180035584}";
	ok(qmp_framer_feed(&f, stats, strlen(stats), &used, &o, &why) == QMP_FRAME_MESSAGE, "stats parse");
	struct json_object *a, *b, *c;
	json_object_object_get_ex(o, "a", &a);
	json_object_object_get_ex(o, "b", &b);
	json_object_object_get_ex(o, "c", &c);
	ok(!qmp_stat_value(a).known, "18446744073709551615 is 'not reported'");
	ok(!qmp_stat_value(b).known, "-1 is 'not reported'");
	is_u64(qmp_stat_value(c).v, 180035584, "a real value is kept");
	json_object_put(o);
	qmp_framer_free(&f);
	return tap_done();
}
