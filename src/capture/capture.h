/* collect's machinery: a staging tree of every file status reads (stage.c),
 * the tarball made from it (archive.c), the output file it goes to
 * (output.c) and cleaning up when a signal ends collect (interrupt.c). It
 * reads through src/sources/ and may include base/, model/ and sources/;
 * only cmd_collect.c calls it. */
#ifndef VBTOOL_CAPTURE_H
#define VBTOOL_CAPTURE_H

#include <json-c/json.h>
#include <signal.h>
#include <sys/types.h>

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

/* tar -C TMP -czf - -- NAME with its stdout on OUT_FD; 0 or -1 (the error,
 * naming LABEL, is printed; none when a signal stopped it). */
int run_tar(const char *tmp, const char *name, int out_fd, const char *label);
/* rm -rf DIR, without following links. */
void remove_tree(const char *dir);

/* --sysroot FILE (unpack.c): a collect tarball (.tar, .tar.gz/.xz/.zst)
 * unpacked safely into a private temporary folder, removed at exit. Returns
 * the tree to read (the tarball's one top-level folder), or NULL after
 * printing why, naming WHO ("status"). */
char *capture_unpack(const char *tarball, const char *who);

/* The output file (output.c): a new 0600 file next to PATH, renamed onto
 * PATH by commit; discard removes it. Errors are printed; -1. */
struct capture_output {
	const char *path;
	const char *who; /* the command its errors name ("collect") */
	int dirfd, fd;
	char *base, *tmpname;
};
int capture_output_open(struct capture_output *o, const char *path);
/* The same for another command's file (explain-oom --html), MODE before umask. */
int capture_output_open_as(struct capture_output *o, const char *path, const char *who, mode_t mode);
int capture_output_commit(struct capture_output *o);
void capture_output_discard(struct capture_output *o);

/* SIGINT, SIGTERM, SIGHUP during collect (interrupt.c): they set a flag
 * that capture_interrupted() returns (the signal, or 0). */
void capture_catch_signals(void);
int capture_interrupted(void);
/* Runs spawn() (which returns a pid, or -1 after printing why) with those
 * signals blocked, CHILD_MASK being the mask the child must get, and waits
 * for the child; on a signal the child is stopped. 0 once reaped (STATUS
 * set), -1 if not started. */
int capture_spawn_wait(pid_t (*spawn)(void *ctx, const sigset_t *child_mask), void *ctx, int *status);
/* Ends vbtool by SIG, as if it had not been caught. */
void capture_die_of_signal(int sig) __attribute__((noreturn));

#endif
