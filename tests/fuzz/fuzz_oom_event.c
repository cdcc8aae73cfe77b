/* explain-oom end to end, as the command runs it: each section of the input
 * (up to three, separated by FUZZ_SEP) is a log file (plain, or gzip/xz/zstd
 * when it starts with their magic), read through the line scanner into the
 * event parser; then the facts, the verdicts and both views. */
#include "fuzz.h"
#include "oom/event.h"
#include "oom/input.h"
#include "oom/scan.h"
#include "oom/verdict.h"
#include "oom/view.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILES 3

static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sink)
		sink = fopen("/dev/null", "w");
	const char *root = fuzz_scratch_root();
	struct oom_parser *p = oom_parser_new();
	struct oom_input_info info[MAX_FILES];
	char names[MAX_FILES][PATH_MAX];
	size_t ninputs = 0;
	const uint8_t *cur = data, *sec;
	size_t len;
	while (ninputs < MAX_FILES && fuzz_next_section(&cur, data + size, &sec, &len)) {
		char rel[16];
		snprintf(rel, sizeof(rel), "log%zu", ninputs);
		fuzz_write_file(root, rel, sec, len);
		snprintf(names[ninputs], sizeof(names[ninputs]), "%s/%s", root, rel);
		struct oom_input_info *in_info = &info[ninputs];
		memset(in_info, 0, sizeof(*in_info));
		in_info->name = names[ninputs];
		struct oom_input *in;
		if (oom_input_open(in_info->name, &in) < 0) {
			in_info->error = "open failed";
		} else {
			in_info->format = oom_input_format(in);
			oom_parser_begin_file(p, (unsigned)ninputs);
			if (oom_scan_input(in, p) < 0)
				in_info->error = "read failed";
			oom_parser_end_file(p);
			oom_input_close(in);
		}
		ninputs++;
	}
	oom_parser_finish(p);

	struct oom_report rep;
	oom_report_build(&rep, p, NULL, info, ninputs);
	if (rep.nev > OOM_MAX_EVENTS || (rep.nev && !rep.ev))
		abort();
	for (size_t i = 0; i < rep.nev; i++) {
		const struct oom_event *e = &rep.ev[i];
		const struct oom_verdict *v = &rep.verdicts[i];
		if (e->nzones > OOM_MAX_ZONES || e->ntop > OOM_TOP_TASKS || e->balloon.nevidence > OOM_MAX_EVIDENCE)
			abort();
		if (strnlen(e->inv.comm, OOM_COMM_MAX) >= OOM_COMM_MAX || strnlen(e->vic.comm, OOM_COMM_MAX) >= OOM_COMM_MAX)
			abort();
		if (!v->code || strnlen(v->summary, sizeof(v->summary)) >= sizeof(v->summary))
			abort();
	}
	oom_view_text(sink, &rep);
	if (!oom_view_json(sink, &rep))
		abort();
	if (!oom_view_html(sink, &rep))
		abort();
	oom_report_free(&rep);
	oom_parser_free(p);
	return 0;
}
