/* Packing the staging tree with tar(1), and removing it afterwards. */
#include "capture/capture.h"
#include "base/util.h"

#include <errno.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int run_tar(const char *tmp, const char *name, const char *out)
{
	char *argv[] = { (char *)"tar", (char *)"-C", (char *)tmp, (char *)"-czf", (char *)out, (char *)name, NULL };
	pid_t pid;
	int e = posix_spawnp(&pid, "tar", NULL, NULL, argv, environ);
	if (e) {
		vb_err_hint("install tar", "collect: cannot run tar: %s", strerror(e));
		return -1;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		vb_err("collect: tar failed writing %s", out);
		return -1;
	}
	return 0;
}

void remove_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
