# Host side over QMP: the client (src/qmp/) and the commands that use it.
# Transport and protocol: transport.c (sockets, deadlines), framing.c (bytes
# -> JSON messages), client.c (greeting, ids, events), virsh.c (virsh as the
# transport). The model: host_collect.c (one VM), host_parallel.c (many),
# host_findings.c (rules), host_view.c (text/JSON), host_status.c (status).
libvbtool_a_SOURCES += \
	src/cmd_target.c \
	src/qmp/host.h \
	src/qmp/host_status.c \
	src/qmp/host_collect.c \
	src/qmp/host_parallel.c \
	src/qmp/host_findings.c \
	src/qmp/host_view.c src/qmp/host_view.h \
	src/qmp/targets.c \
	src/qmp/client.c src/qmp/client.h \
	src/qmp/framing.c src/qmp/framing.h \
	src/qmp/transport.c src/qmp/transport.h \
	src/qmp/virsh.c src/qmp/virsh.h \
	src/qmp/values.c src/qmp/values.h \
	src/qmp/size.c src/qmp/size.h

# Tests: real paused QEMU (qmp.bats), a misbehaving server (qmp-misbehave),
# a simulated running guest (qmp-guest), virsh as transport (qmp-virsh), a
# booted guest from the guest test bed (qmp-vm, skips without a kernel).
# tests/qmp/ holds their helpers: fake_qmp.py and a fake virsh (python3).
TESTS += \
	tests/qmp.bats \
	tests/qmp-misbehave.bats \
	tests/qmp-guest.bats \
	tests/qmp-virsh.bats \
	tests/qmp-vm.bats
EXTRA_DIST += tests/qmp

QMP_UNIT_TESTS = tests/unit/test_qmp_framing tests/unit/test_qmp_values
check_PROGRAMS += $(QMP_UNIT_TESTS)
TESTS += $(QMP_UNIT_TESTS)
tests_unit_test_qmp_framing_SOURCES = tests/unit/test_qmp_framing.c tests/unit/tap.h
tests_unit_test_qmp_framing_LDADD = $(VBTOOL_LIBS)
tests_unit_test_qmp_values_SOURCES = tests/unit/test_qmp_values.c tests/unit/tap.h
tests_unit_test_qmp_values_LDADD = $(VBTOOL_LIBS)

BENCHES += bench/qmp.sh
dist_man_MANS += man/vbtool-host.8
