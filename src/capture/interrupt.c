/* collect and the signals that end a session (SIGINT, SIGTERM, SIGHUP): the
 * staging tree and the temporary output hold customer data, so a signal only
 * sets a flag; collect stops at the next step, removes both, stops tar, and
 * then dies of the same signal so that its exit status still says so. */
#include "capture/capture.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const int end_signals[] = { SIGINT, SIGTERM, SIGHUP };
static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	if (!caught)
		caught = sig;
}

void capture_catch_signals(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(end_signals); i++) {
		struct sigaction old, sa;
		/* A signal ignored when vbtool started (nohup, `cmd &`) stays ignored. */
		if (sigaction(end_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		/* No SA_RESTART: a read that blocks returns EINTR and the copy moves on. */
		sigaction(end_signals[i], &sa, NULL);
	}
	/* An inherited SIGCHLD ignore would reap tar before waitpid() sees it. */
	signal(SIGCHLD, SIG_DFL);
}

int capture_interrupted(void)
{
	return caught;
}

/* Stops the child: SIGTERM, then SIGKILL if it is still there after 5 s. */
static void stop_child(pid_t pid, int *status)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return;
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

int capture_spawn_wait(pid_t (*spawn)(void *ctx, const sigset_t *child_mask), void *ctx, int *status)
{
	/* Block the signals from before the spawn until the child is reaped:
	 * one that arrives meanwhile waits in sigtimedwait() instead of being
	 * missed between a check and a blocking waitpid(). */
	sigset_t set, old;
	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(end_signals); i++)
		sigaddset(&set, end_signals[i]);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	if (caught) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	pid_t pid = spawn(ctx, &old);
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		siginfo_t si;
		int sig = sigtimedwait(&set, &si, &(struct timespec){ .tv_nsec = 200 * 1000 * 1000 });
		if (sig > 0 && sig != SIGCHLD) {
			if (!caught)
				caught = sig;
			stop_child(pid, status);
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

void capture_die_of_signal(int sig)
{
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}
