/* The interactive top: ncurses, a refresh timer through wtimeout() (as htop
 * uses halfdelay), KEY_RESIZE, and the terminal restored on every way out. */
#define NCURSES_WIDECHAR 1
#include "top/top.h"
#include "base/exit_codes.h"
#include "top/canvas.h"
#include "top/frame.h"
#include "top/model.h"
#include "top/replay.h"
#include "top/hostframe.h"
#include "top/watch.h"
#include "base/util.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

static volatile sig_atomic_t quit_signal;
static bool screen_active;

static void on_signal(int sig)
{
	quit_signal = sig;
}

/* Whatever path leaves the program (an allocation failure included), the
 * terminal is given back. */
static void restore_terminal(void)
{
	if (screen_active) {
		endwin();
		screen_active = false;
	}
}

/* A crash (abort() on out of memory included) must not leave the terminal
 * in raw mode on the alternate screen: as htop does, put it back, then die
 * of the same signal. endwin() is not async-signal-safe; this is the best
 * a dying process can do. */
static void on_fatal(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void set_fatal_handlers(void)
{
	static const int fatal[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL };
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
}

static attr_t attr_for[TA_COUNT];

static void setup_attrs(bool color)
{
	attr_for[TA_NORMAL] = A_NORMAL;
	attr_for[TA_TITLE] = A_BOLD;
	attr_for[TA_ALERT] = A_BOLD;
	attr_for[TA_BALLOON] = A_BOLD;
	attr_for[TA_BAR] = A_REVERSE;
	if (!color)
		return;
	/* pair, foreground, attribute */
	static const struct {
		enum top_attr a;
		short fg;
		attr_t extra;
	} scheme[] = {
		{ TA_LABEL, COLOR_CYAN, A_NORMAL }, { TA_USED, COLOR_GREEN, A_NORMAL },
		{ TA_CACHE, COLOR_YELLOW, A_NORMAL }, { TA_FREE, COLOR_BLUE, A_NORMAL },
		{ TA_BALLOON, COLOR_MAGENTA, A_BOLD }, { TA_GRAPH, COLOR_CYAN, A_NORMAL },
		{ TA_ALERT, COLOR_RED, A_BOLD },
	};
	start_color();
	use_default_colors();
	for (size_t i = 0; i < ARRAY_SIZE(scheme); i++) {
		init_pair((short)(i + 1), scheme[i].fg, -1);
		attr_for[scheme[i].a] = COLOR_PAIR((int)(i + 1)) | scheme[i].extra;
	}
}

static void blit(const struct top_canvas *c)
{
	erase();
	for (int row = 0; row < c->rows && row < LINES; row++) {
		for (int col = 0; col < c->cols && col < COLS; col++) {
			const struct top_cell *cell = &c->cells[(size_t)row * (size_t)c->cols + (size_t)col];
			wchar_t wc[2] = { cell->ch ? (wchar_t)cell->ch : L' ', 0 };
			cchar_t cc;
			attr_t a = attr_for[cell->attr];
			/* setcchar takes the colour pair apart from the attributes */
			if (setcchar(&cc, wc, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL) == OK)
				mvadd_wch(row, col, &cc); /* the bottom-right cell returns ERR, yet is drawn */
		}
	}
	wnoutrefresh(stdscr);
	doupdate();
}

/* The live host view: the frame on screen, the event log of every frame
 * seen, and the error of the last refresh that failed (the frame before
 * it stays). */
struct host_live {
	struct json_object *frame;
	struct top_host_log log;
	char *error;
};

static bool host_refresh(struct host_live *h, const struct top_host_source *src, const char *sort)
{
	char *err = NULL;
	struct json_object *f = src->frame(src->ctx, sort, &err);
	free(h->error);
	h->error = NULL;
	if (!f) {
		h->error = err ? err : xstrdup("no frame");
		return false;
	}
	json_object_put(h->frame);
	h->frame = f;
	top_host_log_frame(&h->log, f);
	return true;
}

static void set_signals(void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a signal must end the wait in getch() */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int top_run_tui(const struct top_options *o)
{
	/* a recording is read before the screen starts: its errors go to a
	 * plain terminal */
	struct top_replay rp = { 0 };
	if (o->replay && !top_replay_load(&rp, o->replay))
		return VB_EXIT_FAILURE;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		vb_err_hint("use -b for batch mode in pipes and scripts", "top: the interactive view needs a terminal");
		top_replay_free(&rp);
		return VB_EXIT_FAILURE;
	}
	/* the host's first frame, too: a host that cannot be asked is an error
	 * on a plain terminal */
	struct host_live hl = { 0 };
	size_t sort_i = 0;
	for (size_t i = 0; o->host_sort && i < o->nhost_sort_keys; i++)
		if (strcmp(o->host_sort_keys[i], o->host_sort) == 0)
			sort_i = i;
	const char *sort = o->nhost_sort_keys ? o->host_sort_keys[sort_i] : NULL;
	bool resort = false; /* s was pressed: frames (a recording's too) are put in its order */
	if (o->host && !host_refresh(&hl, o->host, sort)) {
		vb_err("%s: %s", o->host->what, hl.error);
		free(hl.error);
		return VB_EXIT_FAILURE;
	}
	setlocale(LC_CTYPE, "");
	bool unicode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	double interval = o->interval_s < TOP_MIN_INTERACTIVE_S ? TOP_MIN_INTERACTIVE_S : o->interval_s;

	/* our handlers first: ncurses installs its own only over SIG_DFL */
	set_signals(on_signal);
	set_fatal_handlers();
	atexit(restore_terminal);
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		vb_err_hint("is TERM set to a terminal this system knows?", "top: cannot start the terminal interface");
		top_replay_free(&rp);
		json_object_put(hl.frame);
		top_host_log_free(&hl.log);
		return VB_EXIT_FAILURE;
	}
	screen_active = true;
	/* Esc quits: wait 25 ms, not ncurses' default second, for the rest of
	 * an escape sequence before taking the byte as the Esc key (F1, F10
	 * and the arrows arrive as sequences starting with ESC, at once) */
	set_escdelay(25);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	const char *no_color = getenv("NO_COLOR");
	setup_attrs(!o->mono && !(no_color && *no_color) && has_colors());

	struct top_model *m = xmalloc(sizeof(*m));
	top_model_init(m);
	struct top_watch w = { 0 };
	double speed = 1; /* replay: recorded intervals divided by this */
	char status[512];
	if (o->replay) {
		top_replay_step(&rp, m);
		interval = top_replay_interval(&rp);
	} else if (!o->host) {
		top_watch_open(&w, m);
		top_model_sample(m);
	}
	struct top_canvas canvas = { 0 };
	top_canvas_resize(&canvas, COLS, LINES);
	struct top_frame_opts fo = { .unicode = unicode, .key_line = true };
	bool paused = false, help = false;
	uint64_t refreshes = 1;
	double next = top_now() + interval;

	while (!quit_signal) {
		fo.interval_s = interval;
		fo.paused = paused;
		fo.help = help;
		if (o->replay && !fo.message) {
			/* where the replay is, and its error once the frames before it ran out */
			snprintf(status, sizeof(status), "replay %zu/%zu %gx%s%s  q quit  space pause  . step  e event  +/- speed",
				 rp.next, rp.nframes, speed, rp.next == rp.nframes ? " end" : "",
				 rp.next == rp.nframes && rp.error ? ": the rest is unreadable" : "");
			fo.message = status;
		}
		if (o->host && !fo.message) {
			if (hl.error)
				snprintf(status, sizeof(status), "%s: %s (the last frame stays)  q quit", o->host->what,
					 hl.error);
			else
				snprintf(status, sizeof(status), "q quit  space pause  s sort: %s  +/- interval %gs  h help",
					 sort ? sort : "name", interval);
			fo.message = status;
		}
		struct json_object *hf = o->host ? hl.frame : top_replay_host_frame(&rp);
		if (hf && resort)
			o->host_sort_frame(hf, sort); /* s changes the order at once, paused or not */
		if (hf)
			top_host_frame_draw(&canvas, hf, o->host ? hl.log.lines : rp.log.lines,
					    o->host ? hl.log.n : rp.log.n, &fo);
		else
			top_frame_draw(&canvas, m, &fo);
		blit(&canvas);
		fo.message = NULL;
		if (o->iterations && refreshes >= o->iterations)
			break;
		if (o->replay && rp.next == rp.nframes)
			paused = true; /* the end: the last frame stays */
		double wait = paused ? 0.25 : next - top_now();
		timeout(wait > 0 ? (int)(wait * 1000 + 0.5) : 0);
		int ch = getch();
		if (ch == ERR) {
			if (paused || top_now() < next)
				continue;
			if (o->replay) {
				top_replay_step(&rp, m);
				interval = top_replay_interval(&rp) / speed;
			} else if (o->host) {
				host_refresh(&hl, o->host, sort);
			} else {
				top_watch_drain(&w, m);
				top_model_sample(m);
			}
			refreshes++;
			next += interval;
			if (next < top_now())
				next = top_now() + interval; /* fell behind: do not catch up in a burst */
			continue;
		}
		if (ch == KEY_RESIZE) {
			top_canvas_resize(&canvas, COLS, LINES);
			continue;
		}
		if (help) { /* any key closes the help */
			help = false;
			continue;
		}
		switch (ch) {
		case 'q':
		case 'Q':
		case KEY_F(10): /* as htop */
		case 27:	/* Esc, alone: see set_escdelay() above */
			goto done;
		case ' ':
			paused = !paused;
			next = top_now() + interval;
			break;
		case '.':
		case 'n':
			if (!o->replay)
				goto unknown;
			paused = true;
			top_replay_step(&rp, m);
			break;
		case 'e': /* to the next frame that reports an event */
			if (!o->replay)
				goto unknown;
			while (rp.next < rp.nframes && !top_replay_has_event(&rp, rp.next))
				top_replay_step(&rp, m);
			top_replay_step(&rp, m);
			paused = true;
			break;
		case '+':
		case '=':
			if (o->replay) { /* faster */
				speed = speed < 64 ? speed * 2 : speed;
				interval = top_replay_interval(&rp) / speed;
				next = top_now() + interval;
				break;
			}
			interval = top_interval_step(interval, +1);
			next = top_now() + interval;
			break;
		case '-':
		case '_':
			if (o->replay) { /* slower */
				speed = speed > 1.0 / 8 ? speed / 2 : speed;
				interval = top_replay_interval(&rp) / speed;
				next = top_now() + interval;
				break;
			}
			interval = top_interval_step(interval, -1);
			next = top_now() + interval;
			break;
		case 's':
		case 'S': /* host rows: the next order */
			if (!o->host_sort_frame || !o->nhost_sort_keys || !(o->host || top_replay_host_frame(&rp)))
				goto unknown;
			sort_i = (sort_i + 1) % o->nhost_sort_keys;
			sort = o->host_sort_keys[sort_i];
			resort = true;
			if (o->replay) {
				snprintf(status, sizeof(status), "sort: %s", sort);
				fo.message = status;
			}
			break;
		case 'h':
		case 'H':
		case '?':
		case KEY_F(1):
			help = true;
			break;
		case 12: /* ^L */
			clearok(curscr, TRUE);
			break;
		default:
		unknown:
			fo.message = "unknown key: h for help, q to quit";
			break;
		}
	}
done:
	restore_terminal();
	delscreen(scr);
	top_canvas_free(&canvas);
	if (!o->replay && !o->host)
		top_watch_close(&w);
	json_object_put(hl.frame);
	top_host_log_free(&hl.log);
	free(hl.error);
	top_model_free(m);
	free(m);
	int ret = VB_EXIT_OK;
	if (rp.error) {
		/* after the screen is gone, so it stays readable */
		vb_err("top --replay: %s (the %zu frames before it were shown)", rp.error, rp.nframes);
		ret = VB_EXIT_FAILURE;
	}
	top_replay_free(&rp);
	if (quit_signal) {
		/* die of the signal, as the shell expects, now the terminal is back */
		int sig = quit_signal;
		set_signals(SIG_DFL);
		raise(sig);
	}
	return ret;
}
