/* Replacing a file atomically, as node_exporter's textfile collector wants
 * it: write a temporary file in the same directory, then rename it over the
 * old one, so a scrape sees the old file or the new one, never half. */
#ifndef VBTOOL_TEXTFILE_H
#define VBTOOL_TEXTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct textfile {
	FILE *fp;
	char *tmp;   /* DIR/.NAME.XXXXXX */
	char *final; /* DIR/NAME */
};

/* Opens the temporary file; false after printing an error. */
bool textfile_open(struct textfile *t, const char *dir, const char *name);
/* Flushes, syncs, makes it mode 0644 and renames it into place (ok: the
 * content was written without error); otherwise removes it. False after
 * printing an error. Frees t either way. */
bool textfile_close(struct textfile *t, bool ok);

#endif
