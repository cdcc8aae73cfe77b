# The counters module is built only with ./configure --with-kmod[=KDIR].
EXTRA_DIST += kmod/README
