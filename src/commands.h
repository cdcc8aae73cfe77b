/* The subcommands. Each takes argc/argv starting at its own name, handles its
 * own --help, and returns one of the exit codes below. */
#ifndef VBTOOL_COMMANDS_H
#define VBTOOL_COMMANDS_H

#include "base/exit_codes.h"

int cmd_status(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_explain_oom(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_target(int argc, char **argv);

/* "vbtool: CMD: unrecognized option 'X'" plus the pointer to --help. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The usage error for getopt_long's ':' (missing argument) or '?' (unknown
 * option); opts, the command's table, gives an unknown long option's
 * "did you mean" hint (may be NULL). */
struct option;
int option_error(const char *cmd, int c, char **argv, const struct option *opts);
/* When --sysroot names no readable directory: says so in one line and
 * returns VB_EXIT_FAILURE, before anything is read or printed; else 0. */
int sysroot_unusable(const char *cmd);

#endif
