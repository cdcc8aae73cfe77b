/* The cell grid top draws into. */
#include "top/canvas.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void top_canvas_resize(struct top_canvas *c, int cols, int rows)
{
	cols = cols < 1 ? 1 : cols > TOP_CANVAS_MAX_COLS ? TOP_CANVAS_MAX_COLS : cols;
	rows = rows < 1 ? 1 : rows > TOP_CANVAS_MAX_ROWS ? TOP_CANVAS_MAX_ROWS : rows;
	if (cols != c->cols || rows != c->rows || !c->cells) {
		free(c->cells);
		c->cells = xcalloc((size_t)cols * (size_t)rows, sizeof(*c->cells));
		c->cols = cols;
		c->rows = rows;
	}
	top_canvas_clear(c);
}

void top_canvas_clear(struct top_canvas *c)
{
	memset(c->cells, 0, (size_t)c->cols * (size_t)c->rows * sizeof(*c->cells));
	c->used_rows = 0;
}

void top_canvas_free(struct top_canvas *c)
{
	free(c->cells);
	memset(c, 0, sizeof(*c));
}

void top_canvas_put(struct top_canvas *c, int row, int col, enum top_attr a, uint32_t ch)
{
	if (row < 0 || row >= c->rows || col < 0 || col >= c->cols)
		return;
	struct top_cell *cell = &c->cells[(size_t)row * (size_t)c->cols + (size_t)col];
	cell->ch = ch;
	cell->attr = (uint8_t)a;
	if (row >= c->used_rows)
		c->used_rows = row + 1;
}

int top_canvas_text(struct top_canvas *c, int row, int col, enum top_attr a, const char *s)
{
	for (; *s; s++, col++) {
		unsigned char b = (unsigned char)*s;
		if (col >= c->cols)
			return col;
		top_canvas_put(c, row, col, a, b >= 0x20 && b < 0x7f ? b : '?');
	}
	return col;
}

int top_canvas_printf(struct top_canvas *c, int row, int col, enum top_attr a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap); /* no line is wider than a screen's worth */
	va_end(ap);
	return top_canvas_text(c, row, col, a, buf);
}

void top_canvas_fill(struct top_canvas *c, int row, enum top_attr a)
{
	if (row < 0 || row >= c->rows)
		return;
	for (int col = 0; col < c->cols; col++) {
		struct top_cell *cell = &c->cells[(size_t)row * (size_t)c->cols + (size_t)col];
		cell->attr = (uint8_t)a;
	}
	if (row >= c->used_rows)
		c->used_rows = row + 1;
}

static void put_utf8(FILE *out, uint32_t ch)
{
	if (ch < 0x80) {
		fputc((int)ch, out);
	} else if (ch < 0x800) {
		fputc((int)(0xc0 | (ch >> 6)), out);
		fputc((int)(0x80 | (ch & 0x3f)), out);
	} else if (ch < 0x10000) {
		fputc((int)(0xe0 | (ch >> 12)), out);
		fputc((int)(0x80 | ((ch >> 6) & 0x3f)), out);
		fputc((int)(0x80 | (ch & 0x3f)), out);
	} else {
		fputc('?', out);
	}
}

void top_canvas_print(const struct top_canvas *c, FILE *out)
{
	for (int row = 0; row < c->used_rows; row++) {
		const struct top_cell *line = &c->cells[(size_t)row * (size_t)c->cols];
		int end = c->cols;
		while (end > 0 && (line[end - 1].ch == 0 || line[end - 1].ch == ' '))
			end--;
		for (int col = 0; col < end; col++)
			put_utf8(out, line[col].ch ? line[col].ch : ' ');
		fputc('\n', out);
	}
}
