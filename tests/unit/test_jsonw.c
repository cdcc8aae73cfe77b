/* The streaming JSON writer (src/base/jsonw.c): its text must be the one
 * json-c writes with JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE
 * followed by json_fputs, byte for byte (explain-oom --json's contract).
 * Expected texts are written by hand from json-c 0.16's printer
 * (json_object.c: "{\n", two spaces a level, "," "\n" between members, the
 * closing bracket at the parent's indent; json_escape_str) and json_fputs's
 * rule; then the same trees, and many hostile strings, against json-c. */
#include "base/format.h"
#include "base/jsonw.h"
#include "base/util.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>

/* What w holds (a writer without a stream), as a C string. */
static char *text_of(struct jsonw *w)
{
	char *s = xmalloc(w->len + 1);
	memcpy(s, w->buf, w->len);
	s[w->len] = '\0';
	return s;
}

/* json-c's text for o, through json_fputs: what --json wrote before. */
static char *jsonc_text(struct json_object *o)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	json_fputs(f, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	fclose(f);
	return mem;
}

/* One tree, written both ways. */
static void tree_jsonw(struct jsonw *w)
{
	jsonw_object(w, NULL);
	jsonw_array(w, "empty_array");
	jsonw_end(w);
	jsonw_object(w, "empty_object");
	jsonw_end(w);
	jsonw_null(w, "null");
	jsonw_bool(w, "t", true);
	jsonw_bool(w, "f", false);
	jsonw_i64(w, "min", INT64_MIN);
	jsonw_i64(w, "max", INT64_MAX);
	jsonw_u64(w, "umax", UINT64_MAX);
	jsonw_i64(w, "zero", 0);
	jsonw_opt_u64(w, "unknown", OPT_U64_UNKNOWN);
	jsonw_opt_u64(w, "known", opt_u64(42));
	jsonw_number(w, "pct", "12.5");
	jsonw_str(w, "nostr", NULL);
	jsonw_str(w, "s", "a/b");
	jsonw_array(w, "a");
	jsonw_u64(w, NULL, 1);
	jsonw_null(w, NULL);
	jsonw_object(w, NULL);
	jsonw_array(w, "in");
	jsonw_end(w);
	jsonw_object(w, "deep");
	jsonw_str(w, "k", "");
	jsonw_end(w);
	jsonw_end(w);
	jsonw_object(w, NULL);
	jsonw_end(w);
	jsonw_end(w);
	jsonw_end(w);
}

static struct json_object *tree_jsonc(void)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array(), *x = json_object_new_object(),
			   *deep = json_object_new_object();
	json_object_object_add(o, "empty_array", json_object_new_array());
	json_object_object_add(o, "empty_object", json_object_new_object());
	json_object_object_add(o, "null", NULL);
	json_object_object_add(o, "t", json_object_new_boolean(1));
	json_object_object_add(o, "f", json_object_new_boolean(0));
	json_object_object_add(o, "min", json_object_new_int64(INT64_MIN));
	json_object_object_add(o, "max", json_object_new_int64(INT64_MAX));
	json_object_object_add(o, "umax", json_object_new_uint64(UINT64_MAX));
	json_object_object_add(o, "zero", json_object_new_int(0));
	json_object_object_add(o, "unknown", json_opt_u64(OPT_U64_UNKNOWN));
	json_object_object_add(o, "known", json_opt_u64(opt_u64(42)));
	json_object_object_add(o, "pct", json_object_new_double_s(12.5, "12.5"));
	json_object_object_add(o, "nostr", NULL);
	json_object_object_add(o, "s", json_object_new_string("a/b"));
	json_object_array_add(a, json_object_new_uint64(1));
	json_object_array_add(a, NULL);
	json_object_object_add(x, "in", json_object_new_array());
	json_object_object_add(deep, "k", json_object_new_string(""));
	json_object_object_add(x, "deep", deep);
	json_object_array_add(a, x);
	json_object_array_add(a, json_object_new_object());
	json_object_object_add(o, "a", a);
	return o;
}

static const char tree_text[] = "{\n"
				"  \"empty_array\":[\n"
				"  ],\n"
				"  \"empty_object\":{\n"
				"  },\n"
				"  \"null\":null,\n"
				"  \"t\":true,\n"
				"  \"f\":false,\n"
				"  \"min\":-9223372036854775808,\n"
				"  \"max\":9223372036854775807,\n"
				"  \"umax\":18446744073709551615,\n"
				"  \"zero\":0,\n"
				"  \"unknown\":null,\n"
				"  \"known\":42,\n"
				"  \"pct\":12.5,\n"
				"  \"nostr\":null,\n"
				"  \"s\":\"a/b\",\n"
				"  \"a\":[\n"
				"    1,\n"
				"    null,\n"
				"    {\n"
				"      \"in\":[\n"
				"      ],\n"
				"      \"deep\":{\n"
				"        \"k\":\"\"\n"
				"      }\n"
				"    },\n"
				"    {\n"
				"    }\n"
				"  ]\n"
				"}";

/* One string value alone (at the top) with jsonw. */
static char *str_jsonw(const char *s, size_t n)
{
	struct jsonw w;
	jsonw_init(&w, NULL);
	jsonw_strn(&w, NULL, s, n);
	char *t = text_of(&w);
	jsonw_finish(&w);
	return t;
}

static char *str_jsonc(const char *s, size_t n)
{
	struct json_object *o = json_object_new_string_len(s, (int)n);
	char *t = jsonc_text(o);
	json_object_put(o);
	return t;
}

static void escapes(void)
{
	static const struct {
		const char *in, *want, *what;
	} cases[] = {
		{ "plain text", "\"plain text\"", "ASCII as it is" },
		{ "\x01\x1f\x1b", "\"\\u0001\\u001f\\u001b\"", "C0 as \\u00xx, lowercase hex" },
		{ "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"", "C0 short escapes" },
		{ "\"q\" \\b", "\"\\\"q\\\" \\\\b\"", "quote and backslash" },
		{ "/usr/bin", "\"/usr/bin\"", "slash not escaped (NOSLASHESCAPE)" },
		{ "a\x7f" "b", "\"a\\u007fb\"", "DEL" },
		{ "\xc2\x80\xc2\x85\xc2\x9f", "\"\\u0080\\u0085\\u009f\"", "UTF-8 C1 controls" },
		{ "\xc2\xa0\xc3\xa9", "\"\xc2\xa0\xc3\xa9\"", "U+00A0 and e-acute stay" },
		{ "\xe2\x82\xac \xf0\x9f\x90\xb3", "\"\xe2\x82\xac \xf0\x9f\x90\xb3\"", "3- and 4-byte UTF-8 stay" },
		{ "\x9b\xff\xfe", "\"???\"", "raw C1 and never-UTF-8 bytes" },
		{ "\xe2\x82", "\"??\"", "a sequence cut by the string's end" },
		{ "\xe2\x82\n", "\"??\\n\"", "a sequence cut by an escaped byte" },
		{ "\xc2\"", "\"?\\\"\"", "a lead byte before a quote" },
		{ "\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80", "\"?????????\"", "overlong, surrogate, past U+10FFFF" },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char *got = str_jsonw(cases[k].in, strlen(cases[k].in));
		is_str(got, cases[k].want, "string: %s", cases[k].what);
		char *old = str_jsonc(cases[k].in, strlen(cases[k].in));
		is_str(got, old, "string as json-c + json_fputs: %s", cases[k].what);
		free(got);
		free(old);
	}
	/* each special after 0 to 17 plain bytes, then plain bytes again:
	 * every place of the eight-byte fast path */
	static const char *const specials[] = { "\x01", "\"", "\\", "\x7f", "\xc2\x85", "\xff", "\xf0\x9f\x90\xb3", "\x1f" };
	bool all = true;
	for (size_t at = 0; at <= 17; at++)
		for (size_t k = 0; k < sizeof(specials) / sizeof(specials[0]); k++) {
			char in[64];
			memset(in, 'x', at);
			snprintf(in + at, sizeof(in) - at, "%sabcdefghij", specials[k]);
			char *got = str_jsonw(in, strlen(in)), *old = str_jsonc(in, strlen(in));
			if (strcmp(got, old) != 0) {
				all = false;
				printf("# after %zu bytes: got '%s', json-c '%s'\n", at, got, old);
			}
			free(got);
			free(old);
		}
	ok(all, "every special at every place of a word equals json-c");

	/* random strings from a hostile alphabet, against json-c */
	static const char *const alphabet[] = { "a", "/", "\"", "\\", "\n", "\x01", "\x7f", "\xc2", "\x80", "\x85",
						"\x9f", "\xa0", "\xe2", "\x82", "\xac", "\xf0", "\x9f", "\xff", "\xed",
						"\xc3\xa9", "0123456789abcdef" };
	uint64_t seed = 88172645463325252u;
	size_t differ = 0;
	for (int t = 0; t < 5000; t++) {
		char in[256];
		size_t n = 0;
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		size_t parts = seed % 24;
		for (size_t p = 0; p < parts; p++) {
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			const char *a = alphabet[seed % (sizeof(alphabet) / sizeof(alphabet[0]))];
			size_t l = strlen(a);
			memcpy(in + n, a, l);
			n += l;
		}
		char *got = str_jsonw(in, n), *old = str_jsonc(in, n);
		if (strcmp(got, old) != 0 && differ++ < 3)
			printf("# got '%s', json-c '%s'\n", got, old);
		free(got);
		free(old);
	}
	is_u64(differ, 0, "5000 random hostile strings equal json-c + json_fputs");

	/* every byte 1-255 as a key and as a string */
	char every[256];
	for (int c = 1; c < 256; c++)
		every[c - 1] = (char)c;
	every[255] = '\0';
	struct jsonw w;
	jsonw_init(&w, NULL);
	jsonw_object(&w, NULL);
	jsonw_str(&w, every, every);
	jsonw_end(&w);
	char *got = text_of(&w);
	jsonw_finish(&w);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, every, json_object_new_string(every));
	char *old = jsonc_text(o);
	json_object_put(o);
	is_str(got, old, "every byte in a key and a value equals json-c");
	free(got);
	free(old);
}

int main(void)
{
	struct jsonw w;
	jsonw_init(&w, NULL);
	tree_jsonw(&w);
	char *got = text_of(&w);
	ok(jsonw_finish(&w), "a tree: no error");
	is_str(got, tree_text, "a tree: nesting, indent, empty containers, null, bool, INT64_MIN, UINT64_MAX");
	struct json_object *o = tree_jsonc();
	char *old = jsonc_text(o);
	is_str(got, old, "a tree: as json-c writes it");
	json_object_put(o);
	free(got);
	free(old);

	/* a scalar and an empty container at the top */
	jsonw_init(&w, NULL);
	jsonw_array(&w, NULL);
	jsonw_end(&w);
	got = text_of(&w);
	is_str(got, "[\n]", "empty array at the top");
	free(got);
	jsonw_finish(&w);

	escapes();

	/* through a stream, past the buffer's chunk: the same text */
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	struct jsonw m;
	jsonw_init(&w, f);
	jsonw_init(&m, NULL);
	jsonw_array(&w, NULL);
	jsonw_array(&m, NULL);
	char big[3000];
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int k = 0; k < 100; k++) {
		jsonw_str(&w, NULL, big);
		jsonw_str(&m, NULL, big);
		jsonw_u64(&w, NULL, (uint64_t)k);
		jsonw_u64(&m, NULL, (uint64_t)k);
	}
	jsonw_end(&w);
	jsonw_end(&m);
	fflush(f);
	ok(len > 200000 && w.cap <= 128 * 1024, "300 kB through a stream: written in pieces, the buffer stays small");
	ok(jsonw_finish(&w), "300 kB through a stream: no error");
	fclose(f);
	got = text_of(&m);
	ok(len == m.len && memcmp(mem, got, len) == 0, "300 kB through a stream: the same text as in memory");
	jsonw_finish(&m);
	free(got);
	free(mem);

	/* json_fputs: json-c's text cleaned the same way */
	mem = NULL;
	f = open_memstream(&mem, &len);
	jsonw_init(&w, f);
	jsonw_text(&w, "[\"\x7f\xc2\x85\xff\x01\"]", 9);
	ok(jsonw_finish(&w), "jsonw_text writes");
	fclose(f);
	is_str(mem, "[\"\\u007f\\u0085?\x01\"]", "jsonw_text: DEL, C1 and bad bytes, C0 left to json-c");
	free(mem);

	/* errors are sticky and reported */
	f = fopen("/dev/full", "w");
	if (f) {
		setvbuf(f, NULL, _IONBF, 0);
		jsonw_init(&w, f);
		jsonw_str(&w, NULL, "x");
		ok(!jsonw_finish(&w), "a write error makes jsonw_finish false");
		fclose(f);
	} else {
		ok(1, "# SKIP no /dev/full");
	}
	jsonw_init(&w, NULL);
	jsonw_array(&w, NULL);
	jsonw_u64(&w, "key", 1);
	ok(!jsonw_finish(&w), "a key inside an array is misuse");
	jsonw_init(&w, NULL);
	jsonw_object(&w, NULL);
	jsonw_u64(&w, NULL, 1);
	ok(!jsonw_finish(&w), "no key inside an object is misuse");
	jsonw_init(&w, NULL);
	jsonw_end(&w);
	ok(!jsonw_finish(&w), "closing nothing is misuse");
	jsonw_init(&w, NULL);
	for (int k = 0; k <= JSONW_DEPTH_MAX; k++)
		jsonw_array(&w, NULL);
	ok(!jsonw_finish(&w), "more than JSONW_DEPTH_MAX levels is an error");
	return tap_done();
}
