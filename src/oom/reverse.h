/* Reading a reverse-order paste again, oldest line first (reverse.c). */
#ifndef VBTOOL_OOM_REVERSE_H
#define VBTOOL_OOM_REVERSE_H

#include "oom/event.h"
#include "oom/input.h"

#define OOM_REVERSE_MAX ((size_t)16 << 20) /* larger inputs are left as read */

/* After a file read forward for which oom_parser_file_reversed() is true:
 * in is that input opened again. Forgets the file's events and reads it
 * last line first (oom_parser_begin_file .. end_file). Returns 0, 1 when
 * the input is larger than OOM_REVERSE_MAX (the events stay as they were),
 * or a negative errno of oom_input_read. */
int oom_scan_reversed(struct oom_input *in, struct oom_parser *p, unsigned file_index);

#endif
