/* Writing Prometheus' text exposition format 0.0.4: a family's HELP and
 * TYPE lines, then its samples. Shared by the guest view (prometheus.c) and
 * the host's (host/prometheus.c). No timestamps: node_exporter's textfile
 * collector rejects them. */
#ifndef VBTOOL_PROM_H
#define VBTOOL_PROM_H

#include <stdint.h>
#include <stdio.h>

#include "base/util.h"

/* HELP and TYPE ("gauge", "counter") of one family. */
void prom_family(FILE *out, const char *name, const char *type, const char *help);

/* A sample's labels: prom_label appends name="value" (value cleaned and
 * escaped); prom_sample_* print name{labels} value and clear the labels. */
struct prom_labels {
	struct strbuf sb;
};
void prom_labels_init(struct prom_labels *l);
void prom_labels_free(struct prom_labels *l);
void prom_label(struct prom_labels *l, const char *name, const char *value);
void prom_sample_u64(FILE *out, const char *name, struct prom_labels *l, uint64_t v);
void prom_sample_double(FILE *out, const char *name, struct prom_labels *l, double v);

#endif
