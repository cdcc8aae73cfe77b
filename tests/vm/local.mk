# The guest test bed (tests/vm/README): real kernels in QEMU/TCG guests.
# Part of make check (each file skips when QEMU or a kernel is missing);
# make check-vm runs only these.
VM_TESTS = \
	tests/vm/vm-deflate-off.bats \
	tests/vm/vm-deflate-on.bats \
	tests/vm/vm-reset.bats \
	tests/vm/vm-oom-estimate.bats \
	tests/vm/vm-virtio-mem.bats
TESTS += $(VM_TESTS)
EXTRA_DIST += tests/vm/README tests/vm/vm.bash tests/vm/balloon-tests.bash \
	tests/vm/mkguest.sh tests/vm/vmctl.py tests/vm/init tests/vm/memhog.c \
	tests/vm/kernels.sh tests/vm/matrix.sh
# Console and OOM logs of the last run, kept for CI artifacts.
CLEANFILES += tests/vm/*.console.log tests/vm/*.oom.log tests/vm/*.status.log

check-vm:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(VM_TESTS)'
.PHONY: check-vm

# The module's guest suite on every Debian 12 kernel with headers installed
# (tests/vm/matrix.sh; table in tests/vm/matrix/matrix.md).
KMOD_VM_TESTS = tests/vm/vm-deflate-off.bats tests/vm/vm-deflate-on.bats tests/vm/vm-reset.bats
check-vm-matrix: vbtool
	TOP_SRCDIR='$(abs_top_srcdir)' TOP_BUILDDIR='$(abs_top_builddir)' VBTOOL='$(abs_top_builddir)/vbtool' \
	  bash $(srcdir)/tests/vm/matrix.sh '$(abs_top_builddir)/tests/vm/matrix' $(KMOD_VM_TESTS)
.PHONY: check-vm-matrix
# The matrix's kernel cache (downloaded images) and its logs.
clean-local: clean-vm-matrix
clean-vm-matrix:
	rm -rf tests/vm/matrix
.PHONY: clean-vm-matrix
