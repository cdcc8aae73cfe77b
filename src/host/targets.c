/* --qmp arguments -> the monitors to ask. */
#include "host/host.h"
#include "host/transport.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void add(struct host_target **t, size_t *n, size_t *cap, char *address, char *domain)
{
	*t = xgrow(*t, cap, *n + 1, sizeof(**t));
	(*t)[*n].address = address;
	(*t)[*n].domain = domain;
	(*n)++;
}

static bool is_socket(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* Natural order (glibc's strverscmp): q2 before q10. */
static int cmp_str(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_target(const void *a, const void *b)
{
	const struct host_target *x = a, *y = b;
	return strverscmp(x->address, y->address);
}

/* Every socket directly in dir, sorted by name. */
static bool expand_dir(const char *dir, struct host_target **t, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	if (!d) {
		vb_err("--qmp %s: %s", dir, strerror(errno));
		return false;
	}
	char **names = NULL;
	size_t nn = 0, ncap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *p = xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
		if (!is_socket(p)) {
			free(p);
			continue;
		}
		names = xgrow(names, &ncap, nn + 1, sizeof(*names));
		names[nn++] = p;
	}
	closedir(d);
	if (nn == 0) {
		vb_err_hint("give the socket itself, or a directory holding QEMU's -qmp sockets",
			    "--qmp %s: no sockets in this directory", dir);
		free(names);
		return false;
	}
	qsort(names, nn, sizeof(*names), cmp_str);
	for (size_t i = 0; i < nn; i++)
		add(t, n, cap, names[i], NULL);
	free(names);
	return true;
}

static bool expand_glob(const char *pattern, struct host_target **t, size_t *n, size_t *cap)
{
	glob_t g;
	int r = glob(pattern, 0, NULL, &g);
	size_t found = 0;
	if (r == 0 && g.gl_pathc > 1)
		qsort(g.gl_pathv, g.gl_pathc, sizeof(*g.gl_pathv), cmp_str); /* natural, not glob's order */
	if (r == 0)
		for (size_t i = 0; i < g.gl_pathc; i++)
			if (is_socket(g.gl_pathv[i])) {
				add(t, n, cap, xstrdup(g.gl_pathv[i]), NULL);
				found++;
			}
	if (r == 0 || r == GLOB_NOMATCH)
		globfree(&g);
	if (found == 0) {
		vb_err("--qmp %s: no socket matches", pattern);
		return false;
	}
	return true;
}

bool host_targets_expand(char *const *qmp, size_t nqmp, bool natural, struct host_target **out, size_t *nout)
{
	struct host_target *t = NULL;
	size_t n = 0, cap = 0;
	struct stat st;
	for (size_t i = 0; i < nqmp; i++) {
		const char *a = qmp[i];
		bool ok = true;
		if (qmp_address_is_tcp(a, NULL, NULL) || strncmp(a, "unix:", 5) == 0)
			add(&t, &n, &cap, xstrdup(a), NULL);
		else if (stat(a, &st) == 0 && S_ISDIR(st.st_mode))
			ok = expand_dir(a, &t, &n, &cap);
		else if (strpbrk(a, "*?[") && stat(a, &st) != 0)
			ok = expand_glob(a, &t, &n, &cap);
		else
			add(&t, &n, &cap, xstrdup(a), NULL); /* a missing path fails later, per VM */
		if (!ok) {
			host_targets_free(t, n);
			return false;
		}
	}
	/* An unquoted shell glob arrives in the shell's order (q10 before q2). */
	if (natural && n > 1)
		qsort(t, n, sizeof(*t), cmp_target);
	*out = t;
	*nout = n;
	return true;
}

void host_targets_free(struct host_target *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].address);
		free(t[i].domain);
	}
	free(t);
}
