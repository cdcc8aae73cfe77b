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
