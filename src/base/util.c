#include "base/util.h"
#include "base/term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom_abort(void)
{
	fputs("vbtool: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom_abort();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom_abort();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom_abort();
	return p;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap;
	if (need <= c)
		return p;
	if (c < 8)
		c = 8;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			oom_abort();
		c *= 2;
	}
	if (elem && c > SIZE_MAX / elem)
		oom_abort();
	*cap = c;
	return xrealloc(p, c * elem);
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom_abort();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		oom_abort();
	return p;
}

char *xstrndup_printable(const char *s, size_t n)
{
	return term_ndup(s, strnlen(s, n));
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		oom_abort();
	va_end(ap);
	return p;
}

/* One line on stderr: messages name files, sockets and values that come
 * from customers, so the message is cleaned like any printed value. */
static void err_line(const char *prefix, const char *msg)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_adds(&sb, prefix);
	term_clean(&sb, msg, strlen(msg), TERM_VALUE);
	sb_add(&sb, "\n", 1);
	fputs(sb.buf, stderr);
	sb_free(&sb);
}

static void err_linev(const char *fmt, va_list ap)
{
	char *msg;
	if (vasprintf(&msg, fmt, ap) < 0)
		oom_abort();
	err_line("vbtool: ", msg);
	free(msg);
}

void vb_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_linev(fmt, ap);
	va_end(ap);
}

void vb_err_hint(const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_linev(fmt, ap);
	va_end(ap);
	if (hint)
		err_line("vbtool: hint: ", hint);
}

void sb_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->cap = 0;
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb_init(sb);
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	if (n > SIZE_MAX - sb->len - 1)
		oom_abort();
	sb->buf = xgrow(sb->buf, &sb->cap, sb->len + n + 1, 1);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;
	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom_abort();
	sb_add(sb, p, (size_t)n);
	free(p);
}

char *sb_detach(struct strbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");
	sb_init(sb);
	return p;
}
