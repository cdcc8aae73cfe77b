/* The terminal sanitizer (src/base/term.c): what it keeps, what becomes '?',
 * and that a cut never splits a character. */
#include "base/format.h"
#include "base/term.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void value(const char *in, const char *want, const char *what)
{
	char *got = term_dup(in);
	is_str(got, want, "value: %s", what);
	free(got);
}

static void text(const char *in, const char *want, const char *what)
{
	struct strbuf sb;
	sb_init(&sb);
	term_clean(&sb, in, strlen(in), TERM_TEXT);
	is_str(sb.buf ? sb.buf : "", want, "text: %s", what);
	sb_free(&sb);
}

int main(void)
{
	value("plain host-1", "plain host-1", "ASCII stays");
	value("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x90\xb3", "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x90\xb3", "UTF-8 stays");
	value("a\x1b[2Jb", "a?[2Jb", "ESC");
	value("a\a\r\n\tb", "a????b", "BEL CR LF TAB in a value");
	value("a\x7f" "b", "a?b", "DEL");
	value("a\x9b" "b", "a?b", "raw C1 byte");
	value("a\xc2\x9b" "b\xc2\x85" "c\xc2\x80\xc2\x9f", "a?b?c??", "C1 as UTF-8 is one '?' each");
	value("\xc2\xa0nbsp", "\xc2\xa0nbsp", "U+00A0 is no control");
	value("\xc0\xaf", "??", "overlong '/'");
	value("\xe0\x80\x80", "???", "overlong 3-byte");
	value("\xed\xa0\x80", "???", "surrogate");
	value("\xf4\x90\x80\x80", "????", "past U+10FFFF");
	value("\xe2\x82", "??", "cut sequence");
	value("\xff\xfe", "??", "never UTF-8");
	is_str(term_dup(NULL), NULL, "NULL stays NULL");
	text("line 1\n\tline 2\x1b]0;x\a\n", "line 1\n\tline 2?]0;x?\n", "text keeps newline and tab");

	char buf[6];
	is_u64(term_clean_buf(buf, sizeof(buf), "ab\xe2\x82\xac" "cd", 7, TERM_VALUE), 5, "fits 5 bytes");
	is_str(buf, "ab\xe2\x82\xac", "cut after a whole character");
	is_u64(term_clean_buf(buf, sizeof(buf), "abcd\xe2\x82\xac", 7, TERM_VALUE), 4, "a character that does not fit");
	is_str(buf, "abcd", "is left out whole");
	term_clean_buf(buf, sizeof(buf), "\x1b\x1b\x1b\x1b\x1b\x1b\x1b", 7, TERM_VALUE);
	is_str(buf, "?????", "replacements count against the cap");

	/* a view's stream: a character cut between two writes stays whole */
	char *vm = NULL;
	size_t vlen = 0;
	FILE *dst = open_memstream(&vm, &vlen);
	struct term_view tv;
	FILE *vf = term_view_begin(&tv, dst);
	setvbuf(vf, NULL, _IONBF, 0); /* every fputs is a write of its own */
	fputs("a\xc3", vf);
	fputs("\xa9\xc2", vf);
	fputs("\x85" "b\n\x1b", vf);
	fputs("[1m\xe2\x82", vf);
	ok(term_view_end(&tv), "view closes");
	fclose(dst);
	is_str(vm, "a\xc3\xa9?b\n?[1m??", "view: cut UTF-8 joined, cut C1 and a cut at the end replaced");
	free(vm);

	/* term_write takes printable ASCII eight bytes at a time: a C0, DEL, a
	 * raw C1 byte, the edges of the range (' ', '~') and the newline and
	 * tab it keeps, each alone among plain bytes, at every place of a
	 * word (after 0 to 16 plain bytes) */
	for (size_t at = 0; at <= 16; at++) {
		char in[128], want[128];
		memset(in, 'x', at);
		snprintf(in + at, sizeof(in) - at, "\x1f" "yyyyyyyy\x7f" "yyyyyyyy\x9b" "yyyyyyyy ~yyyyyyyy\nyyyyyyyy\tyyyyyyyy");
		memset(want, 'x', at);
		snprintf(want + at, sizeof(want) - at, "?yyyyyyyy?yyyyyyyy?yyyyyyyy ~yyyyyyyy\nyyyyyyyy\tyyyyyyyy");
		vm = NULL;
		dst = open_memstream(&vm, &vlen);
		ok(term_write(dst, in, strlen(in)), "term_write writes");
		fclose(dst);
		is_str(vm, want, "term_write: controls after %zu plain bytes", at);
		free(vm);
	}

	/* JSON: DEL and C1 become \u escapes, C0 is json-c's, invalid bytes '?' */
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	struct json_object *o = json_object_new_string("a\x7f" "b\xc2\x85" "c\x1b" "d\xc3\xa9");
	ok(json_fputs(f, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)), "json_fputs writes");
	fclose(f);
	is_str(mem, "\"a\\u007fb\\u0085c\\u001bd\xc3\xa9\"", "JSON escapes DEL and C1");
	json_object_put(o);
	free(mem);
	f = open_memstream(&mem, &len);
	ok(json_fputs(f, "[\"\x9b\xff\", \"\xc2\x9f\"]"), "json_fputs writes raw bytes");
	fclose(f);
	is_str(mem, "[\"??\", \"\\u009f\"]", "bytes that are not UTF-8 become '?'");
	free(mem);
	/* ASCII goes eight bytes at a time: DEL, a C1 and an invalid byte at
	 * every place of a word, after 0 to 16 plain bytes, and at the end */
	for (size_t at = 0; at <= 16; at++) {
		char in[40], want[64];
		memset(in, 'x', at);
		snprintf(in + at, sizeof(in) - at, "\x7f" "y\xc2\x85" "z\xff");
		memset(want, 'x', at);
		snprintf(want + at, sizeof(want) - at, "\\u007fy\\u0085z?");
		f = open_memstream(&mem, &len);
		json_fputs(f, in);
		fclose(f);
		is_str(mem, want, "DEL, C1 and a bad byte after %zu plain bytes", at);
		free(mem);
	}
	return tap_done();
}
