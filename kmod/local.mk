# The counters module (kmod/, see kmod/README). Built only with
# ./configure --with-kmod[=KDIR]; kbuild runs in kmod-build/ so the source
# directory stays clean (and read-only source trees work).
KMOD_DIST = kmod/vbtool_balloon.c kmod/Kbuild kmod/Makefile kmod/dkms.conf.in \
	kmod/vbtool_balloon_version.h.in kmod/README kmod/dkms-check.sh
EXTRA_DIST += $(KMOD_DIST)
man_MANS += man8/vbtool-kmod.8

if BUILD_KMOD
noinst_SCRIPTS += kmod-build/vbtool_balloon.ko
kmod-build/vbtool_balloon.ko: $(srcdir)/kmod/vbtool_balloon.c $(srcdir)/kmod/Kbuild kmod/vbtool_balloon_version.h
	$(AM_V_at)$(MKDIR_P) kmod-build
	$(AM_V_at)for f in $(srcdir)/kmod/vbtool_balloon.c $(srcdir)/kmod/Kbuild kmod/vbtool_balloon_version.h; do \
	  b=`basename $$f`; cmp -s $$f kmod-build/$$b || cp $$f kmod-build/$$b || exit 1; \
	done
	$(AM_V_GEN)$(MAKE) -C '$(KDIR)' M='$(abs_builddir)/kmod-build' modules
endif
CLEANFILES += kmod-build/vbtool_balloon.c kmod-build/Kbuild kmod-build/vbtool_balloon_version.h kmod-build/*.o kmod-build/*.ko \
	kmod-build/*.mod kmod-build/*.mod.c kmod-build/.*.cmd kmod-build/modules.order kmod-build/Module.symvers

# DKMS for real (root, dkms; installs, checks with modinfo, removes).
check-dkms:
	bash $(srcdir)/kmod/dkms-check.sh '$(abs_top_srcdir)' '$(abs_top_builddir)'
.PHONY: check-dkms
