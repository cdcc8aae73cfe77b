/* Loading and applying `top -b --json` recordings (replay.h). The frame's
 * names are the contract of top_frame_json (top/json.c). */
#include "top/replay.h"
#include "top/hostframe.h"
#include "oom/input.h"
#include "base/parse.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REPLAY_LINE_MAX (1 << 20)   /* one frame is a few kB */
#define REPLAY_FRAMES_MAX (1 << 20) /* a week at one frame per second */

/* Checks the frame's shape: what apply() reads must have the right types. */
static const char *frame_invalid(struct json_object *o)
{
	struct json_object *v;
	if (!json_object_is_type(o, json_type_object))
		return "not a JSON object (is this a `vbtool top -b --json` recording?)";
	if (!json_object_object_get_ex(o, "frame", &v) || !json_object_is_type(v, json_type_int))
		return "no \"frame\" number (is this a `vbtool top -b --json` recording?)";
	static const struct {
		const char *key;
		json_type t;
	} want[] = { { "system", json_type_object }, { "balloons", json_type_array }, { "memory", json_type_object },
		     { "findings", json_type_array }, { "now", json_type_object }, { "events", json_type_array } };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		if (!json_object_object_get_ex(o, want[i].key, &v) || !json_object_is_type(v, want[i].t))
			return want[i].t == json_type_array ? "a frame without its arrays (balloons, findings, events)"
							    : "a frame without system, memory or now";
	return NULL;
}

static bool add_line(struct top_replay *rp, const char *path, size_t lineno, const char *s, size_t n)
{
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return true; /* blank lines are no frames */
	const char *why = NULL;
	enum json_tokener_error jerr;
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = json_tokener_parse_ex(tok, s, (int)n);
	jerr = json_tokener_get_error(tok);
	if (!o && jerr == json_tokener_continue)
		why = "the line ends inside a JSON value (a truncated recording?)";
	else if (!o)
		why = json_tokener_error_desc(jerr);
	else if (tok->char_offset < (int)n)
		why = "text after the JSON value";
	json_tokener_free(tok);
	if (!why) {
		/* the first frame says which kind of recording this is */
		bool host = top_host_frame_is(o);
		if (rp->nframes == 0)
			rp->host = host;
		if (host != rp->host)
			why = host ? "a host frame (top --qmp/--libvirt) in a guest recording"
				   : "not a host frame (top --qmp/--libvirt -b --json), in a host recording";
		else
			why = host ? top_host_frame_invalid(o) : frame_invalid(o);
	}
	if (why) {
		json_object_put(o);
		rp->error = xasprintf("%s:%zu: %s%s", path, lineno, o || jerr == json_tokener_continue ? "" : "not JSON: ", why);
		return false;
	}
	if (rp->nframes >= REPLAY_FRAMES_MAX) {
		json_object_put(o);
		rp->error = xasprintf("%s:%zu: more than %d frames: the rest is not read", path, lineno, REPLAY_FRAMES_MAX);
		return false;
	}
	rp->frames = xgrow(rp->frames, &rp->cap, rp->nframes + 1, sizeof(*rp->frames));
	rp->frames[rp->nframes++] = o;
	return true;
}

bool top_replay_load(struct top_replay *rp, const char *path)
{
	memset(rp, 0, sizeof(*rp));
	struct oom_input *in;
	int err = oom_input_open(path, &in);
	if (err < 0) {
		vb_err("top --replay: %s: %s", path, oom_input_strerror(-err));
		return false;
	}
	struct strbuf line;
	sb_init(&line);
	char buf[65536];
	size_t lineno = 1;
	bool ok = true;
	ssize_t got;
	while (ok && (got = oom_input_read(in, buf, sizeof(buf))) > 0) {
		const char *p = buf, *end = buf + got;
		while (ok && p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			if (line.len + n > REPLAY_LINE_MAX) {
				rp->error = xasprintf("%s:%zu: a line longer than %d bytes is no frame", path, lineno, REPLAY_LINE_MAX);
				ok = false;
				break;
			}
			sb_add(&line, p, n);
			p += n;
			if (nl) {
				p++;
				ok = add_line(rp, path, lineno, line.buf ? line.buf : "", line.len);
				lineno++;
				line.len = 0;
			}
		}
	}
	if (ok && got < 0) {
		rp->error = xasprintf("%s:%zu: %s", path, lineno, oom_input_strerror((int)-got));
		ok = false;
	}
	/* the last line without its newline: a recording cut while written */
	if (ok && line.len)
		add_line(rp, path, lineno, line.buf, line.len);
	sb_free(&line);
	oom_input_close(in);
	if (rp->nframes == 0) {
		if (rp->error)
			vb_err("top --replay: %s", rp->error);
		else
			vb_err("top --replay: %s: no frame in it", path);
		top_replay_free(rp);
		return false;
	}
	return true;
}

void top_replay_free(struct top_replay *rp)
{
	for (size_t i = 0; i < rp->nframes; i++)
		json_object_put(rp->frames[i]);
	free(rp->frames);
	free(rp->error);
	top_host_log_free(&rp->log);
	memset(rp, 0, sizeof(*rp));
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* A non-negative whole number, or unknown (null, absent, anything else). */
static struct opt_u64 num(struct json_object *o, const char *key)
{
	struct json_object *v = rec_get(o, key);
	if (!v || !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
		return OPT_U64_UNKNOWN;
	double d = json_object_get_double(v);
	if (!(d >= 0) || d > 1e18)
		return OPT_U64_UNKNOWN;
	return opt_u64((uint64_t)d);
}

static double real(struct json_object *o, const char *key)
{
	struct json_object *v = rec_get(o, key);
	if (!v || !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
		return NAN;
	double d = json_object_get_double(v);
	return isfinite(d) ? d : NAN;
}

static enum accounting accounting_of(const char *s)
{
	const enum accounting all[] = { ACCT_SUBTRACTED, ACCT_USED };
	for (size_t i = 0; s && i < ARRAY_SIZE(all); i++)
		if (strcmp(accounting_name(all[i]), s) == 0)
			return all[i];
	return ACCT_UNKNOWN;
}

static void device_from(struct virtio_device *d, struct json_object *b)
{
	memset(d, 0, sizeof(*d));
	d->name = xstrdup(rec_str(b, "name") ? rec_str(b, "name") : "?");
	d->driver = dup_or_null(rec_str(b, "driver"));
	d->device_id = opt_u64(VIRTIO_ID_BALLOON);
	struct json_object *f = rec_get(b, "features");
	if (!f || !json_object_is_type(f, json_type_array))
		return;
	d->features.valid = true;
	d->features.nbits = 64;
	for (size_t i = 0; i < json_object_array_length(f); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(f, i));
		unsigned bit;
		bool found = false;
		for (size_t k = 0; name && k < balloon_feature_bits_count && !found; k++)
			if (strcmp(balloon_feature_bits[k].name, name) == 0) {
				bit = balloon_feature_bits[k].bit;
				found = true;
			}
		/* "bitN": a bit no table names */
		uint64_t v;
		if (!found && name && strncmp(name, "bit", 3) == 0 && parse_u64(name + 3, strlen(name + 3), 10, &v) &&
		    v < 24) {
			bit = (unsigned)v;
			found = true;
		}
		if (found)
			d->features.bits[bit / 64] |= UINT64_C(1) << (bit % 64);
	}
}

static enum top_event_kind event_kind(const char *s)
{
	for (int k = TE_STARTED; k <= TE_OOM_KILL; k++)
		if (s && strcmp(top_event_kind_name((enum top_event_kind)k), s) == 0)
			return (enum top_event_kind)k;
	return TE_STARTED;
}

static void apply(struct top_model *m, struct json_object *o)
{
	struct balloon_report *r = &m->r;
	if (m->have_report)
		report_free(r);
	memset(r, 0, sizeof(*r));
	m->have_report = true;
	struct json_object *sys = rec_get(o, "system");
	r->sys.hostname = dup_or_null(rec_str(sys, "hostname"));
	r->sys.kernel = dup_or_null(rec_str(sys, "kernel"));
	r->sys.uptime_s = num(sys, "uptime_s");
	r->sys.page_size = 4096;

	struct json_object *bs = rec_get(o, "balloons");
	size_t nb = json_object_array_length(bs);
	r->devices = xcalloc(nb ? nb : 1, sizeof(*r->devices));
	for (size_t i = 0; i < nb; i++) {
		struct json_object *b = json_object_array_get_idx(bs, i);
		const char *drv = rec_str(b, "driver");
		if (i == 0) {
			r->balloon.size_kb = num(b, "size_kb");
			r->balloon.accounting = accounting_of(rec_str(b, "mode"));
			r->dvirtio_module.target_kb = num(b, "target_kb");
		}
		if (drv && strcmp(drv, "vmw_balloon") == 0)
			r->vmw_driver = true;
		else if (drv && strcmp(drv, "hv_balloon") == 0)
			r->hv_driver = true;
		else
			device_from(&r->devices[r->ndevices++], b);
	}

	struct json_object *mem = rec_get(o, "memory");
	r->mem.status = SRC_OK;
	r->mem.mem_total_kb = num(mem, "mem_total_kb");
	r->mem.mem_available_kb = num(mem, "mem_available_kb");
	r->mem.swap_total_kb = num(mem, "swap_total_kb");
	r->mem.swap_free_kb = num(mem, "swap_free_kb");
	r->balloon.ram_kb = num(mem, "ram_kb");
	struct top_ram *ram = &m->ram;
	struct opt_u64 t = num(mem, "ram_kb"), u = num(mem, "used_kb"), c = num(mem, "cache_kb"),
		       f = num(mem, "free_kb"), b = num(mem, "balloon_kb");
	ram->known = t.known && u.known && c.known && f.known && b.known;
	ram->total = t.v;
	ram->used = u.v;
	ram->cache = c.v;
	ram->free = f.v;
	ram->balloon = b.v;

	struct json_object *fs = rec_get(o, "findings");
	size_t nf = json_object_array_length(fs);
	r->findings = xcalloc(nf ? nf : 1, sizeof(*r->findings));
	for (size_t i = 0; i < nf; i++) {
		struct json_object *x = json_object_array_get_idx(fs, i);
		/* severity and code point into the frame, which outlives the model's use */
		const char *sev = rec_str(x, "severity"), *code = rec_str(x, "code");
		if (!sev || !code)
			continue;
		struct finding *fi = &r->findings[r->nfindings++];
		fi->severity = sev;
		fi->code = code;
		fi->message = xstrdup(rec_str(x, "message") ? rec_str(x, "message") : "");
	}

	struct json_object *now = rec_get(o, "now");
	for (int s = 0; s < TS_COUNT; s++) {
		double v = real(now, top_series_info[s].key);
		m->rate[s] = v;
		m->hist[s][m->hist_head] = v;
	}
	r->psi.status = isnan(m->rate[TS_PSI_SOME]) ? SRC_ABSENT : SRC_OK;
	m->hist_head = (m->hist_head + 1) % TOP_HISTORY;
	if (m->hist_len < TOP_HISTORY)
		m->hist_len++;

	struct json_object *evs = rec_get(o, "events");
	for (size_t i = 0; i < json_object_array_length(evs); i++) {
		struct json_object *e = json_object_array_get_idx(evs, i);
		const char *when = rec_str(e, "when");
		struct top_event *te = top_model_add_event(m, event_kind(rec_str(e, "kind")), when ? when : "--:--:--", "%s",
							   rec_str(e, "message") ? rec_str(e, "message") : "");
		struct json_object *v = rec_get(e, "verdict");
		if (rec_str(v, "code"))
			top_event_set_verdict(te, rec_str(v, "code"), rec_str(v, "summary") ? rec_str(v, "summary") : "");
	}
	struct opt_u64 fr = num(o, "frame");
	m->samples = fr.known ? fr.v : m->samples + 1;
}

bool top_replay_step(struct top_replay *rp, struct top_model *m)
{
	if (rp->next >= rp->nframes)
		return false;
	if (rp->host)
		top_host_log_frame(&rp->log, rp->frames[rp->next++]);
	else
		apply(m, rp->frames[rp->next++]);
	return true;
}

bool top_replay_has_event(const struct top_replay *rp, size_t i)
{
	struct json_object *e = i < rp->nframes ? rec_get(rp->frames[i], "events") : NULL;
	return e && json_object_array_length(e) > 0;
}

double top_replay_interval(const struct top_replay *rp)
{
	double d = rp->next ? real(rp->frames[rp->next - 1], "interval_s") : NAN;
	return isnan(d) || d <= 0 || d > 86400 ? 1 : d;
}

struct json_object *top_replay_host_frame(const struct top_replay *rp)
{
	return rp->host && rp->next ? rp->frames[rp->next - 1] : NULL;
}
