/* A grid of character cells that top draws a frame into: the TUI copies it
 * to the screen, batch mode prints it as plain text. Drawing is clipped to
 * the grid, so no layout code can write past the terminal's width. */
#ifndef VBTOOL_TOP_CANVAS_H
#define VBTOOL_TOP_CANVAS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* What a cell means; the TUI maps it to a colour or a video attribute. */
enum top_attr {
	TA_NORMAL = 0,
	TA_TITLE,
	TA_LABEL,
	TA_USED,
	TA_CACHE,
	TA_FREE,
	TA_BALLOON,
	TA_GRAPH,
	TA_ALERT,
	TA_BAR, /* the key line at the bottom */
	TA_COUNT
};

struct top_cell {
	uint32_t ch; /* a Unicode code point; 0 is a blank */
	uint8_t attr;
};

struct top_canvas {
	int cols, rows;
	struct top_cell *cells;
	int used_rows; /* 1 + the last row drawn on */
};

#define TOP_CANVAS_MAX_COLS 1024
#define TOP_CANVAS_MAX_ROWS 512

/* Sizes are clamped to 1..MAX; the grid is cleared. */
void top_canvas_resize(struct top_canvas *c, int cols, int rows);
void top_canvas_clear(struct top_canvas *c);
void top_canvas_free(struct top_canvas *c);
void top_canvas_put(struct top_canvas *c, int row, int col, enum top_attr a, uint32_t ch);
/* Writes bytes as cells (anything outside printable ASCII becomes '?':
 * stricter than base/term.h, as a cell is one column and one byte here);
 * returns the column after the text, clipped or not. */
int top_canvas_text(struct top_canvas *c, int row, int col, enum top_attr a, const char *s);
int top_canvas_printf(struct top_canvas *c, int row, int col, enum top_attr a, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void top_canvas_fill(struct top_canvas *c, int row, enum top_attr a);
/* Prints rows 0..used_rows-1 with trailing blanks trimmed, as UTF-8. */
void top_canvas_print(const struct top_canvas *c, FILE *out);

#endif
