# top: the live view.
libvbtool_a_SOURCES += src/cmd_top.c \
	src/ui/top.h \
	src/ui/top_model.c src/ui/top_model.h \
	src/ui/top_watch.c src/ui/top_watch.h \
	src/ui/top_oom.c src/ui/top_oom.h \
	src/ui/top_canvas.c src/ui/top_canvas.h \
	src/ui/top_frame.c src/ui/top_frame.h \
	src/ui/top_json.c src/ui/top_json.h \
	src/ui/tui.c
TESTS += tests/top.bats
dist_man_MANS += man/vbtool-top.8
BENCHES += bench/top.sh
