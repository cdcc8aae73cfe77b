/* vbtool: main, global options and the subcommand table. */
#include "commands.h"
#include "suggest.h"
#include "capture/capture.h"
#include "sources/sysroot.h"
#include "base/util.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "status", cmd_status, "is there a balloon, what did it negotiate, how much does the host hold" },
	{ "top", cmd_top, "the same, live" },
	{ "explain-oom", cmd_explain_oom, "explain each OOM kill in a kernel log, and the balloon's part" },
	{ "collect", cmd_collect, "capture what vbtool reads into a tarball for --sysroot" },
	{ "target", cmd_target, "host side: ask a VM's balloon for a new size over QMP" },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: vbtool [--sysroot DIR] COMMAND [options]\n"
		     "       vbtool help COMMAND | COMMAND --help\n\n"
		     "Is a memory balloon to blame for what this VM's memory does?\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nGlobal options:\n"
		     "  --sysroot DIR  read DIR/sys and DIR/proc (a captured tree) instead of this machine\n"
		     "  -h, --help     this help\n"
		     "  -V, --version  print the version\n\n"
		     "Exit status: 0 ok, 1 failure, 2 usage error, 3 nothing found (no balloon,\n"
		     "no OOM event), 4 target not reached in time. See vbtool(8).\n");
}

/* The usage error; the hint names the close known name when there is one,
 * else points to --help. */
static int usage_errorv(const char *cmd, const char *suggestion, const char *fmt, va_list ap)
{
	char *msg;
	int n = vasprintf(&msg, fmt, ap); /* names the user's words: vb_err_hint cleans them */
	char *hint = suggestion ? xasprintf("did you mean '%s'?", suggestion)
				: xasprintf("try 'vbtool %s%s--help'", cmd ? cmd : "", cmd ? " " : "");
	vb_err_hint(hint, "%s%s%s", cmd ? cmd : "", cmd ? ": " : "", n < 0 ? "usage error" : msg);
	free(hint);
	if (n >= 0)
		free(msg);
	return VB_EXIT_USAGE;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int ret = usage_errorv(cmd, NULL, fmt, ap);
	va_end(ap);
	return ret;
}

static int usage_error_suggest(const char *cmd, const char *suggestion, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int usage_error_suggest(const char *cmd, const char *suggestion, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int ret = usage_errorv(cmd, suggestion, fmt, ap);
	va_end(ap);
	return ret;
}

int option_error(const char *cmd, int c, char **argv, const struct option *opts)
{
	/* A long option is the word getopt just passed; a short one may sit
	 * inside a cluster ("-jz"), so it is named by optopt. */
	char shortopt[3] = { '-', (char)optopt, '\0' };
	const char *last = optind > 0 ? argv[optind - 1] : "";
	bool is_long = strncmp(last, "--", 2) == 0;
	const char *word = is_long || !optopt ? last : shortopt;
	if (c == ':')
		return usage_error(cmd, "option '%s' needs an argument", word);
	char *suggestion = NULL;
	if (is_long && opts) {
		/* "--sysrot=/x": the name is what comes before the '=' */
		const char *name = last + 2;
		size_t len = strcspn(name, "=");
		struct suggestion s;
		suggest_init(&s, name, len);
		for (const struct option *o = opts; o->name; o++) {
			/* getopt's '?' for "--json=x" too */
			if (name[len] == '=' && strlen(o->name) == len && strncmp(o->name, name, len) == 0)
				return usage_error(cmd, "option '--%s' takes no argument", o->name);
			suggest_consider(&s, o->name);
		}
		if (suggest_result(&s))
			suggestion = xasprintf("--%s", suggest_result(&s));
	}
	int ret = usage_error_suggest(cmd, suggestion, "unrecognized option '%s'", word);
	free(suggestion);
	return ret;
}

int sysroot_unusable(const char *cmd)
{
	int e = sysroot_error();
	if (!e)
		return 0;
	/* status and top read a collect tarball directly (issue #12) */
	if (e == ENOTDIR && strcmp(cmd, "collect") != 0) {
		char *given = xstrdup(sysroot_get());
		char *tree = capture_unpack(given, cmd);
		if (tree) {
			sysroot_set(tree);
			sysroot_set_shown(given);
			e = sysroot_error();
		}
		bool unpacked = tree != NULL;
		free(tree);
		free(given);
		if (!unpacked)
			return VB_EXIT_FAILURE;
		if (!e)
			return 0;
	}
	vb_err_hint("give the folder a collect tarball unpacks to (tar xzf FILE), or / for this machine",
		    "%s: --sysroot %s: %s", cmd, sysroot_get(), e == ENOTDIR ? "not a directory" : strerror(e));
	return VB_EXIT_FAILURE;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* "vbtool: unknown command 'stauts'", with "did you mean 'status'?" */
static int unknown_command(const char *name)
{
	struct suggestion s;
	suggest_init(&s, name, strlen(name));
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		suggest_consider(&s, commands[i].name);
	suggest_consider(&s, "help");
	return usage_error_suggest(NULL, suggest_result(&s), "unknown command '%s'", name);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	/* '+' stops at the command name: what follows belongs to the command. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sysroot_set(optarg);
			break;
		case 'h':
			usage(stdout);
			return VB_EXIT_OK;
		case 'V':
			printf("vbtool %s\n", PACKAGE_VERSION);
			return VB_EXIT_OK;
		case ':':
		default:
			return option_error(NULL, c, argv, opts);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return VB_EXIT_USAGE;
	}
	const char *name = argv[optind];
	if (strcmp(name, "help") == 0) {
		if (optind + 1 >= argc) {
			usage(stdout);
			return VB_EXIT_OK;
		}
		const struct command *cmd = find_command(argv[optind + 1]);
		if (!cmd)
			return unknown_command(argv[optind + 1]);
		char *help_argv[] = { (char *)cmd->name, (char *)"--help", NULL };
		optind = 0;
		return cmd->run(2, help_argv);
	}
	const struct command *cmd = find_command(name);
	if (!cmd)
		return unknown_command(name);
	int sub_argc = argc - optind;
	char **sub_argv = argv + optind;
	optind = 0; /* reset getopt for the command's own parsing */
	opterr = 0;
	return cmd->run(sub_argc, sub_argv);
}
