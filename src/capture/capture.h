/* collect's machinery: a staging tree of every file status reads (stage.c)
 * and the tarball made from it (archive.c). It reads through src/sources/
 * and may include base/, model/ and sources/; only cmd_collect.c calls it. */
#ifndef VBTOOL_CAPTURE_H
#define VBTOOL_CAPTURE_H

#include <json-c/json.h>

#include "base/util.h"

struct capture {
	char *stage; /* staging dir/NAME */
	struct strbuf manifest;
	unsigned copied, missing, failed;
	struct json_object *unreadable; /* [{path, why}] */
};

/* Creates the stage directory. */
void capture_begin(struct capture *c);
/* Copies every source status reads, then writes vbtool/MANIFEST. */
void capture_all(struct capture *c);

/* tar -C TMP -czf OUT NAME; 0 or -1 (the error is printed). */
int run_tar(const char *tmp, const char *name, const char *out);
/* rm -rf DIR, without following links. */
void remove_tree(const char *dir);

#endif
