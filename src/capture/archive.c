/* Packing the staging tree with tar(1), and removing it afterwards. */
#include "capture/capture.h"
#include "base/util.h"

#include <errno.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

struct tar_job {
	const char *tmp, *name;
	int out_fd;
};

static pid_t spawn_tar(void *ctx, const sigset_t *child_mask)
{
	struct tar_job *j = ctx;
	/* No name reaches tar where it could be an option or a remote archive
	 * (HOST:FILE): tar writes to its standard output, which is the output
	 * file's descriptor, and the folder comes after "--". */
	char *argv[] = { (char *)"tar", (char *)"-C", (char *)j->tmp, (char *)"-czf", (char *)"-",
			 (char *)"--", (char *)j->name, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	/* Also when out_fd is 1: a dup2 onto itself clears close-on-exec. */
	posix_spawn_file_actions_adddup2(&fa, j->out_fd, STDOUT_FILENO);
	posix_spawnattr_setsigmask(&at, child_mask);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	pid_t pid;
	int e = posix_spawnp(&pid, "tar", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (e) {
		vb_err_hint("install tar", "collect: cannot run tar: %s", strerror(e));
		return -1;
	}
	return pid;
}

int run_tar(const char *tmp, const char *name, int out_fd, const char *label)
{
	struct tar_job j = { .tmp = tmp, .name = name, .out_fd = out_fd };
	int st = -1;
	if (capture_spawn_wait(spawn_tar, &j, &st) < 0 || capture_interrupted())
		return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		vb_err("collect: tar failed writing %s", label);
		return -1;
	}
	return 0;
}

void remove_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
