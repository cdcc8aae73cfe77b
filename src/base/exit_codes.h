#ifndef VBTOOL_EXIT_CODES_H
#define VBTOOL_EXIT_CODES_H

/* Exit status, documented in vbtool(8). */
#define VB_EXIT_OK 0
#define VB_EXIT_FAILURE 1    /* something failed: nothing trustworthy to report */
#define VB_EXIT_USAGE 2      /* bad command line */
#define VB_EXIT_NO_BALLOON 3 /* the report ran, and found no balloon (status), no OOM event (explain-oom) */
#define VB_EXIT_NOT_REACHED 4 /* target --wait: the balloon did not reach the size in time */
#define VB_EXIT_REFUSED 5     /* target: below the safe floor, refused without --force */

#endif
