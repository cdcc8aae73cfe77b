/* The closest known name to a mistyped one (see suggest.h). */
#include "suggest.h"

#include <string.h>

#define FAR (~0u)

unsigned suggest_distance(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen > SUGGEST_MAX_LEN || blen > SUGGEST_MAX_LEN)
		return FAR;
	unsigned d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];
	for (size_t i = 0; i <= alen; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= blen; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= alen; i++) {
		for (size_t j = 1; j <= blen; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			/* "stauts": two neighbours swapped is one edit, not two */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[alen][blen];
}

void suggest_init(struct suggestion *s, const char *word, size_t len)
{
	s->word = word;
	s->len = len;
	s->best = NULL;
	s->score = FAR;
	s->ties = 0;
}

void suggest_consider(struct suggestion *s, const char *name)
{
	size_t len = s->len, nlen = strlen(name);
	if (len == 0)
		return;
	/* Scores in half edits: a prefix ("expl" for explain-oom) is closer
	 * than any edit. Short words allow one edit, longer ones two, so
	 * "ab" is not "top". */
	unsigned score;
	if (len < nlen && strncmp(s->word, name, len) == 0) {
		score = 1;
	} else {
		unsigned dist = suggest_distance(s->word, len, name, nlen);
		if (dist == 0 || dist > (len <= 3 ? 1u : 2u))
			return;
		score = 2 * dist;
	}
	if (score < s->score) {
		s->best = name;
		s->score = score;
		s->ties = 0;
	} else if (score == s->score && strcmp(name, s->best) != 0) {
		s->ties++;
	}
}

const char *suggest_result(const struct suggestion *s)
{
	return s->ties ? NULL : s->best;
}
