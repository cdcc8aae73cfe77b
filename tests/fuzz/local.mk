# Hardening (issue 7): fuzz targets, regression tests for what they found,
# static analysis (make lint) and memcheck runs (make valgrind).

# --- regression tests for bugs the fuzzers found ----------------------------
REGRESS_TESTS = \
	tests/unit/test_regress_leading_blank \
	tests/unit/test_regress_parse_i64
check_PROGRAMS += $(REGRESS_TESTS)
TESTS += $(REGRESS_TESTS)
tests_unit_test_regress_leading_blank_SOURCES = tests/unit/test_regress_leading_blank.c tests/unit/tap.h
tests_unit_test_regress_leading_blank_LDADD = $(VBTOOL_LIBS)
tests_unit_test_regress_parse_i64_SOURCES = tests/unit/test_regress_parse_i64.c tests/unit/tap.h
tests_unit_test_regress_parse_i64_LDADD = $(VBTOOL_LIBS)

TESTS += tests/bad-input.bats tests/unprivileged.bats

# --- fuzzing (clang, libFuzzer, ASan+UBSan) ---------------------------------
# make fuzz          builds tests/fuzz/fuzz_* in the build directory
# make fuzz-run      runs each FUZZ_TIME seconds, FUZZ_JOBS at a time
# make fuzz-regress  replays tests/fuzz/regress/<target>/* (every past crash)
FUZZ_CC = clang
FUZZ_TIME = 600
FUZZ_JOBS = 2
FUZZ_ENV = TOP_SRCDIR='$(abs_top_srcdir)' TOP_BUILDDIR='$(abs_top_builddir)' FUZZ_CC='$(FUZZ_CC)' \
	FUZZ_CPPFLAGS='$(JSONC_CFLAGS) $(UDEV_CFLAGS)' FUZZ_LIBS='$(JSONC_LIBS) $(UDEV_LIBS) $(ZLIB_LIBS) $(LZMA_LIBS) $(ZSTD_LIBS)'

fuzz:
	$(AM_V_at)$(FUZZ_ENV) $(SHELL) $(top_srcdir)/tests/fuzz/build.sh

fuzz-run: fuzz
	FUZZ_TIME=$(FUZZ_TIME) FUZZ_JOBS=$(FUZZ_JOBS) \
	  $(SHELL) $(top_srcdir)/tests/fuzz/run.sh '$(abs_top_builddir)/tests/fuzz' '$(abs_top_srcdir)/tests/fuzz'

fuzz-regress: fuzz
	@fail=0; for d in $(top_srcdir)/tests/fuzz/regress/fuzz_*; do \
	  t=$$(basename $$d); \
	  if [ ! -x tests/fuzz/$$t ]; then echo "SKIP $$t (not built)"; continue; fi; \
	  for f in $$d/*; do \
	    if tests/fuzz/$$t $$f >/dev/null 2>&1; then echo "PASS $$t $$(basename $$f)"; \
	    else echo "FAIL $$t $$f"; fail=1; fi; \
	  done; \
	done; exit $$fail

fuzz-clean:
	rm -rf tests/fuzz/obj tests/fuzz/work tests/fuzz/libvbtool-fuzz.a tests/fuzz/fuzz_*

EXTRA_DIST += tests/fuzz/local.mk tests/fuzz/README.md tests/fuzz/build.sh tests/fuzz/run.sh tests/fuzz/mkseed-tree.sh \
	tests/fuzz/fuzz.h tests/fuzz/fuzz_util.c tests/fuzz/vbtool.dict \
	$(FUZZ_TARGET_FILES) tests/fuzz/corpus tests/fuzz/regress
FUZZ_TARGET_FILES = \
	tests/fuzz/fuzz_features.c tests/fuzz/fuzz_meminfo.c tests/fuzz/fuzz_vmstat.c \
	tests/fuzz/fuzz_pressure.c tests/fuzz/fuzz_dbg_virtio.c tests/fuzz/fuzz_dbg_vmw.c \
	tests/fuzz/fuzz_dbg_hv.c tests/fuzz/fuzz_kmsg.c tests/fuzz/fuzz_numbers.c \
	tests/fuzz/fuzz_status_tree.c tests/fuzz/fuzz_oom_prefix.c tests/fuzz/fuzz_oom_event.c tests/fuzz/fuzz_qmp.c \
	tests/fuzz/fuzz_sysroot.c tests/fuzz/fuzz_iomem.c

# --- static analysis ---------------------------------------------------------
# Every C file of the program; the configuration is checked in (.clang-tidy,
# tests/lint/cppcheck.supp).
LINT_FILES = $(addprefix $(top_srcdir)/,$(filter %.c,$(vbtool_SOURCES) $(libvbtool_a_SOURCES)))
LINT_CPPFLAGS = -I$(top_srcdir)/src -I$(top_builddir) -include $(top_builddir)/config.h \
	$(UDEV_CFLAGS) $(JSONC_CFLAGS) $(NCURSES_CFLAGS)
CPPCHECK = cppcheck
CLANG_TIDY = clang-tidy

lint:
	$(SHELL) $(top_srcdir)/tests/lint/layers.sh $(top_srcdir)/src
	$(CPPCHECK) --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
	  --inline-suppr --suppressions-list=$(top_srcdir)/tests/lint/cppcheck.supp \
	  -D__GNUC__ -I$(top_srcdir)/src --include=$(top_builddir)/config.h $(LINT_FILES)
	@# one file per run: clang-tidy 14 given several files at once reports
	@# va_list false positives (valist.Uninitialized) that each file alone has not
	@fail=0; for f in $(LINT_FILES); do \
	  $(CLANG_TIDY) --quiet --warnings-as-errors='*' $$f -- -std=gnu11 $(LINT_CPPFLAGS) 2>/dev/null || fail=1; \
	done; test $$fail = 0
	@echo "lint: clean"

EXTRA_DIST += .clang-tidy tests/lint/cppcheck.supp tests/lint/layers.sh

# --- memcheck ----------------------------------------------------------------
# status (text and JSON), explain-oom on a real log and two rounds of top,
# each under valgrind: no errors, nothing definitely lost.
VALGRIND = valgrind
VALGRIND_FLAGS = --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --track-origins=yes

valgrind: vbtool$(EXEEXT)
	@$(SHELL) $(top_srcdir)/tests/lint/valgrind.sh '$(VALGRIND) $(VALGRIND_FLAGS)' ./vbtool '$(abs_top_srcdir)'

EXTRA_DIST += tests/lint/valgrind.sh

.PHONY: fuzz fuzz-run fuzz-regress fuzz-clean lint valgrind
