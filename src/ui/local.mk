# top: the live view.
libvbtool_a_SOURCES += src/cmd_top.c
