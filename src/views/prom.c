/* The text exposition format's syntax (see prom.h). */
#include "views/prom.h"
#include "base/term.h"

#include <stdlib.h>

void prom_family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void prom_labels_init(struct prom_labels *l)
{
	sb_init(&l->sb);
}

void prom_labels_free(struct prom_labels *l)
{
	sb_free(&l->sb);
}

void prom_label(struct prom_labels *l, const char *name, const char *value)
{
	/* Cleaned first (valid UTF-8, no control characters: the value comes
	 * from a customer's tree or a VM), then escaped as the format says. */
	char *clean = term_dup(value ? value : "");
	sb_adds(&l->sb, l->sb.len ? "," : "{");
	sb_adds(&l->sb, name);
	sb_adds(&l->sb, "=\"");
	for (const char *p = clean; *p; p++) {
		if (*p == '\\')
			sb_adds(&l->sb, "\\\\");
		else if (*p == '"')
			sb_adds(&l->sb, "\\\"");
		else if (*p == '\n')
			sb_adds(&l->sb, "\\n");
		else
			sb_add(&l->sb, p, 1);
	}
	sb_adds(&l->sb, "\"");
	free(clean);
}

static void sample_name(FILE *out, const char *name, struct prom_labels *l)
{
	fputs(name, out);
	if (l && l->sb.len) {
		fwrite(l->sb.buf, 1, l->sb.len, out);
		fputc('}', out);
		l->sb.len = 0;
		l->sb.buf[0] = '\0';
	}
	fputc(' ', out);
}

void prom_sample_u64(FILE *out, const char *name, struct prom_labels *l, uint64_t v)
{
	sample_name(out, name, l);
	fprintf(out, "%llu\n", (unsigned long long)v);
}

void prom_sample_double(FILE *out, const char *name, struct prom_labels *l, double v)
{
	sample_name(out, name, l);
	fprintf(out, "%.17g\n", v);
}
