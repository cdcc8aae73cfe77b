# explain-oom: the log pipeline (src/oom/) and its command.
# input.c (plain/gz/xz/zst) -> scan.c (lines, fast key filter) -> prefix.c
# (any log prefix -> time, message) -> event.c (state machine: events)
# -> verdict.c (facts, rule table) -> view_text.c / view_json.c.
libvbtool_a_SOURCES += \
	src/cmd_explain_oom.c \
	src/oom/input.c src/oom/input.h \
	src/oom/scan.c src/oom/scan.h \
	src/oom/prefix.c src/oom/prefix.h \
	src/oom/event.c src/oom/event.h \
	src/oom/gfp.c src/oom/gfp.h \
	src/oom/verdict.c src/oom/verdict.h \
	src/oom/view_text.c src/oom/view_json.c src/oom/view.h
