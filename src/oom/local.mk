# explain-oom: the log pipeline (src/oom/) and its command.
libvbtool_a_SOURCES += src/cmd_explain_oom.c
