# explain-oom: the log pipeline (src/oom/) and its command.
# input.c (plain/gz/xz/zst) -> scan.c (lines, fast key filter) -> prefix.c
# (any log prefix -> time, message) -> event.c (state machine: events;
# kill.c, meminfo.c, tasks.c: the report's sections)
# -> verdict.c (facts, rule table) -> view_text.c / view_json.c.
libvbtool_a_SOURCES += \
	src/cmd_explain_oom.c \
	src/oom/input.c src/oom/input.h \
	src/oom/scan.c src/oom/scan.h src/oom/reverse.c src/oom/reverse.h \
	src/oom/prefix.c src/oom/prefix.h \
	src/oom/timeparse.c src/oom/timeparse.h src/oom/timenames.c \
	src/oom/event.c src/oom/event.h src/oom/parser.h \
	src/oom/text.c src/oom/kill.c src/oom/meminfo.c src/oom/tasks.c src/oom/platform.c src/oom/memcg.c src/oom/vmsign.c \
	src/oom/gfp.c src/oom/gfp.h \
	src/oom/verdict.c src/oom/verdict.h \
	src/oom/zones.c src/oom/zones.h src/oom/advice.c src/oom/advice.h src/oom/view_alloc.c \
	src/oom/report.c \
	src/oom/view_text.c src/oom/view_json.c src/oom/view_detail.c src/oom/view_brief.c src/oom/view_html.c src/oom/view.h

OOM_UNIT_TESTS = tests/unit/test_oom_prefix tests/unit/test_oom_events
check_PROGRAMS += $(OOM_UNIT_TESTS)
TESTS += $(OOM_UNIT_TESTS)
tests_unit_test_oom_prefix_SOURCES = tests/unit/test_oom_prefix.c tests/unit/tap.h
tests_unit_test_oom_prefix_LDADD = $(VBTOOL_LIBS)
tests_unit_test_oom_events_SOURCES = tests/unit/test_oom_events.c tests/unit/tap.h
tests_unit_test_oom_events_LDADD = $(VBTOOL_LIBS)

TESTS += tests/explain-oom-deaths.bats
TESTS += tests/explain-oom-why.bats
TESTS += tests/explain-oom.bats tests/explain-oom-bad-input.bats tests/explain-oom-field.bats tests/explain-oom-time.bats tests/explain-oom-brief.bats tests/explain-oom-html.bats
TESTS += tests/explain-oom-depth.bats
TESTS += tests/explain-oom-scan.bats
TESTS += tests/explain-oom-estimate.bats
man_MANS += man8/vbtool-explain-oom.8
BENCHES += bench/explain-oom.sh
# tests/data (the corpus, synthetic logs and make-logs.py) and bench/ are
# already in EXTRA_DIST as whole directories.
