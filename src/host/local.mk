# Host side over QMP: the client (src/host/) and the commands that use it.
# Transport and protocol: transport.c (sockets, deadlines), framing.c (bytes
# -> JSON messages), client.c (greeting, ids, events); libvirt.c and
# libvirt_xml.c (--libvirt: libvirt's C API, the domain XML). The model: collect.c (one VM), parallel.c (many),
# findings.c (rules), view.c (text/JSON), status.c (status), target.c.
libvbtool_a_SOURCES += \
	src/cmd_target.c \
	src/host/target.c src/host/target.h \
	src/host/target_vmem.c src/host/target_vmem.h \
	src/host/libvirt_vmem.c src/host/libvirt_vmem.h \
	src/host/floor.c src/host/floor.h \
	src/host/features.c src/host/features.h \
	src/host/host.h \
	src/host/status.c \
	src/host/collect.c \
	src/host/parallel.c \
	src/host/findings.c \
	src/host/view.c src/host/view.h \
	src/host/prometheus.c \
	src/host/targets.c \
	src/host/client.c src/host/client.h \
	src/host/framing.c src/host/framing.h \
	src/host/transport.c src/host/transport.h \
	src/host/libvirt.c src/host/libvirt.h \
	src/host/top.c src/host/top.h \
	src/host/libvirt_xml.c src/host/libvirt_xml.h \
	src/host/values.c src/host/values.h \
	src/host/size.c src/host/size.h

# Tests: real paused QEMU (qmp.bats), a misbehaving server (qmp-misbehave),
# a simulated running guest (qmp-guest), a booted guest from the guest test
# bed (qmp-vm, skips without a kernel), a real libvirtd (host-libvirt).
# tests/qmp/ holds their helpers: fake_qmp.py (python3).
TESTS += \
	tests/qmp.bats \
	tests/qmp-misbehave.bats \
	tests/qmp-guest.bats \
	tests/host-libvirt.bats \
	tests/host-libvirt-vm.bats \
	tests/host-libvirt-vmem.bats \
	tests/host-libvirt-vmem-vm.bats \
	tests/host-qmp-args.bats \
	tests/qmp-vm.bats \
	tests/host-truth.bats \
	tests/host-speed.bats \
	tests/host-virtio-mem.bats
EXTRA_DIST += tests/qmp

QMP_UNIT_TESTS = tests/unit/test_qmp_framing tests/unit/test_qmp_values tests/unit/test_libvirt_xml tests/unit/test_libvirt_vmem_xml
check_PROGRAMS += $(QMP_UNIT_TESTS)
TESTS += $(QMP_UNIT_TESTS)
tests_unit_test_qmp_framing_SOURCES = tests/unit/test_qmp_framing.c tests/unit/tap.h
tests_unit_test_qmp_framing_LDADD = $(VBTOOL_LIBS)
tests_unit_test_qmp_values_SOURCES = tests/unit/test_qmp_values.c tests/unit/tap.h
tests_unit_test_qmp_values_LDADD = $(VBTOOL_LIBS)
tests_unit_test_libvirt_xml_SOURCES = tests/unit/test_libvirt_xml.c tests/unit/tap.h
tests_unit_test_libvirt_xml_LDADD = $(VBTOOL_LIBS)
tests_unit_test_libvirt_vmem_xml_SOURCES = tests/unit/test_libvirt_vmem_xml.c tests/unit/tap.h
tests_unit_test_libvirt_vmem_xml_LDADD = $(VBTOOL_LIBS)

BENCHES += bench/qmp.sh bench/host.sh
man_MANS += man8/vbtool-host.8
