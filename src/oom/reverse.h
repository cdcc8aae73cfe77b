/* Inputs held in memory, and reading a reverse-order paste again, oldest
 * line first (reverse.c). */
#ifndef VBTOOL_OOM_REVERSE_H
#define VBTOOL_OOM_REVERSE_H

#include "oom/event.h"
#include "oom/input.h"

#define OOM_REVERSE_MAX ((size_t)16 << 20) /* larger inputs are left as read */

/* Reads the rest of in into *buf (malloc'd, OOM_SCAN_PAD zeroed bytes
 * after *len): 1 when that is all of it, 0 when the input is larger than
 * OOM_REVERSE_MAX (*buf holds the first bytes read: give them back with
 * oom_input_unread), or a negative errno of oom_input_read (*buf holds
 * what was read before the error). */
int oom_input_slurp(struct oom_input *in, char **buf, size_t *len);
/* Forgets the file's events and reads buf last line first
 * (oom_parser_begin_file .. end_file). */
void oom_scan_backwards(struct oom_parser *p, unsigned file_index, const char *buf, size_t len);
/* After a file read forward for which oom_parser_file_reversed() is true:
 * in is that input opened again. Reads it with oom_scan_backwards. Returns
 * 0, 1 when the input is larger than OOM_REVERSE_MAX (the events stay as
 * they were), or a negative errno of oom_input_read. */
int oom_scan_reversed(struct oom_input *in, struct oom_parser *p, unsigned file_index);
/* For a parser that streams (--brief), which cannot take its events back:
 * would in, read by a streaming parser of its own (bounded memory), be a
 * reverse-order paste (oom_parser_file_reversed's rule)? Returns 0 or a
 * negative errno of oom_input_read. */
int oom_input_reversed(struct oom_input *in, unsigned file_index, bool *reversed);

#endif
