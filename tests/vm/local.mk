# The guest test bed (tests/vm/README): real kernels in QEMU/TCG guests.
# Part of make check (each file skips when QEMU or a kernel is missing);
# make check-vm runs only these.
VM_TESTS = \
	tests/vm/vm-deflate-off.bats \
	tests/vm/vm-deflate-on.bats
TESTS += $(VM_TESTS)
EXTRA_DIST += tests/vm/README tests/vm/vm.bash tests/vm/balloon-tests.bash \
	tests/vm/mkguest.sh tests/vm/vmctl.py tests/vm/init tests/vm/memhog.c
# Console and OOM logs of the last run, kept for CI artifacts.
CLEANFILES += tests/vm/*.console.log tests/vm/*.oom.log

check-vm:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(VM_TESTS)'
.PHONY: check-vm
