# The counters module (kmod/, see kmod/README). Built only with
# ./configure --with-kmod[=KDIR]; kbuild runs in kmod-build/ so the source
# directory stays clean (and read-only source trees work).
KMOD_DIST = kmod/vbtool_balloon.c kmod/Kbuild kmod/Makefile kmod/dkms.conf kmod/README
EXTRA_DIST += $(KMOD_DIST)
man_MANS += man8/vbtool-kmod.8

if BUILD_KMOD
noinst_SCRIPTS += kmod-build/vbtool_balloon.ko
kmod-build/vbtool_balloon.ko: $(srcdir)/kmod/vbtool_balloon.c $(srcdir)/kmod/Kbuild
	$(AM_V_at)$(MKDIR_P) kmod-build
	$(AM_V_at)for f in vbtool_balloon.c Kbuild; do \
	  cmp -s $(srcdir)/kmod/$$f kmod-build/$$f || cp $(srcdir)/kmod/$$f kmod-build/$$f || exit 1; \
	done
	$(AM_V_GEN)$(MAKE) -C '$(KDIR)' M='$(abs_builddir)/kmod-build' modules
endif
CLEANFILES += kmod-build/vbtool_balloon.c kmod-build/Kbuild kmod-build/*.o kmod-build/*.ko \
	kmod-build/*.mod kmod-build/*.mod.c kmod-build/.*.cmd kmod-build/modules.order kmod-build/Module.symvers
