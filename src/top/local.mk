# top: the live view.
libvbtool_a_SOURCES += src/cmd_top.c \
	src/top/top.h \
	src/top/model.c src/top/model.h \
	src/top/watch.c src/top/watch.h \
	src/top/oom.c src/top/oom.h \
	src/top/canvas.c src/top/canvas.h \
	src/top/frame.c src/top/frame.h \
	src/top/json.c src/top/json.h \
	src/top/replay.c src/top/replay.h \
	src/top/hostframe.c src/top/hostframe.h \
	src/top/tui.c \
	src/top/batch.c
TESTS += tests/top.bats tests/top-keys.bats tests/top-replay.bats tests/top-replay-host.bats tests/host-top-tui.bats
man_MANS += man8/vbtool-top.8
BENCHES += bench/top.sh
