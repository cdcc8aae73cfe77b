/* "did you mean ...?" for a mistyped command or option name: the one known
 * name close to the user's word, or none. Used by the commands' usage errors. */
#ifndef VBTOOL_SUGGEST_H
#define VBTOOL_SUGGEST_H

#include <stddef.h>

struct suggestion {
	const char *word; /* what the user typed: len bytes, not a C string */
	size_t len;
	const char *best; /* the closest name so far */
	unsigned score;   /* its score: lower is closer */
	int ties;         /* other names as close as best */
};

void suggest_init(struct suggestion *s, const char *word, size_t len);
/* Offers one known name. */
void suggest_consider(struct suggestion *s, const char *name);
/* The name to suggest: the only closest one, or NULL when none is close
 * enough or two are equally close. */
const char *suggest_result(const struct suggestion *s);

/* Optimal string alignment distance (Damerau-Levenshtein without
 * repeated edits of a substring); words longer than SUGGEST_MAX_LEN count as
 * far from everything. */
#define SUGGEST_MAX_LEN 64
unsigned suggest_distance(const char *a, size_t alen, const char *b, size_t blen);

#endif
