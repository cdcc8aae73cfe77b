/* Atomic replacement of a file (textfile.h). */
#include "base/textfile.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool textfile_open(struct textfile *t, const char *dir, const char *name)
{
	t->final = xasprintf("%s/%s", dir, name);
	/* A leading dot: the collector reads only *.prom, never our temporary. */
	t->tmp = xasprintf("%s/.%s.XXXXXX", dir, name);
	int fd = mkstemp(t->tmp);
	if (fd < 0) {
		vb_err("%s: cannot create a file there: %s", dir, strerror(errno));
		free(t->tmp);
		free(t->final);
		t->tmp = t->final = NULL;
		return false;
	}
	t->fp = fdopen(fd, "w");
	if (!t->fp) {
		vb_err("%s: %s", t->tmp, strerror(errno));
		close(fd);
		unlink(t->tmp);
		free(t->tmp);
		free(t->final);
		return false;
	}
	return true;
}

bool textfile_close(struct textfile *t, bool ok)
{
	const char *why = NULL;
	if (fflush(t->fp) != 0 || ferror(t->fp))
		why = "write";
	else if (fchmod(fileno(t->fp), 0644) != 0)
		why = "chmod";
	else if (fsync(fileno(t->fp)) != 0)
		why = "fsync";
	int err = errno;
	if (fclose(t->fp) != 0 && !why) {
		why = "close";
		err = errno;
	}
	if (!why && ok && rename(t->tmp, t->final) != 0) {
		why = "rename";
		err = errno;
	}
	if (why)
		vb_err("%s: cannot %s: %s", t->final, why, strerror(err));
	if (why || !ok)
		unlink(t->tmp);
	free(t->tmp);
	free(t->final);
	return !why && ok;
}
