/* One frame of `vbtool top`, laid out on a canvas of any size: the TUI and
 * batch mode draw the same frame, so they never disagree. */
#ifndef VBTOOL_TOP_FRAME_H
#define VBTOOL_TOP_FRAME_H

#include <stdbool.h>

#include "top/canvas.h"
#include "top/model.h"

struct top_frame_opts {
	double interval_s;
	bool paused;
	bool unicode;   /* block characters for the graphs; ASCII otherwise */
	int graph_cols; /* bars and graphs span this many columns; 0: the canvas's width */
	bool key_line;  /* the TUI's bottom line of keys */
	bool help;      /* the help box over the frame */
	const char *message; /* a transient note in the key line, or NULL */
};

void top_frame_draw(struct top_canvas *c, const struct top_model *m, const struct top_frame_opts *o);
/* A box of lines (at most 44 columns each) over the middle of the canvas. */
void top_frame_help_box(struct top_canvas *c, const char *const *lines, size_t nlines);
/* The sparkline of series s, newest at the right, width cells wide. */
void top_frame_sparkline(struct top_canvas *c, int row, int col, int width, const struct top_model *m,
			 enum top_series s, bool unicode);

#endif
