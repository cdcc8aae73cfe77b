# Host side over QMP: the client (src/qmp/) and the commands that use it.
libvbtool_a_SOURCES += src/cmd_target.c src/qmp/host_status.c src/qmp/host.h
