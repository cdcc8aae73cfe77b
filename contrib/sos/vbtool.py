# sos report plugin for vbtool (https://... issue #15): did the hypervisor
# take the VM's memory back through the balloon? Collects `vbtool status`
# (text and JSON) and a `vbtool collect` tarball on a guest, and
# `vbtool status --libvirt --json` on a host with libvirt. Installed by
# `make install` into sos' plugin directory (sos/report/plugins/).
#
#   sos report --batch --only-plugins vbtool
#   sos report --batch --only-plugins vbtool -k vbtool.binary=/path/to/vbtool

import os
import shutil

from sos.report.plugins import (Plugin, IndependentPlugin, DebianPlugin,
                                UbuntuPlugin, RedHatPlugin)


class Vbtool(Plugin, DebianPlugin, UbuntuPlugin, RedHatPlugin, IndependentPlugin):

    short_desc = 'Memory balloon: devices, features, size, findings (vbtool)'

    plugin_name = 'vbtool'
    profiles = ('memory', 'virt')

    option_list = [
        ('binary', 'the vbtool program (default: vbtool in PATH)', 'fast', 'vbtool'),
    ]

    def _binary(self):
        b = self.get_option('binary') or 'vbtool'
        if os.sep in b:
            return b if os.access(b, os.X_OK) else None
        return shutil.which(b)

    def setup(self):
        vbtool = self._binary()
        if not vbtool:
            self._log_warn('vbtool not found: nothing collected')
            return
        # The guest side: the answer, its JSON twin, and everything it read
        # (unpack the tarball, then `vbtool status --sysroot DIR`).
        self.add_cmd_output('%s status' % vbtool, suggest_filename='vbtool_status')
        self.add_cmd_output('%s status --json' % vbtool,
                            suggest_filename='vbtool_status.json')
        tarball = os.path.join(self.get_cmd_output_path(), 'vbtool-collect.tar.gz')
        self.add_cmd_output('%s collect -o %s' % (vbtool, tarball),
                            suggest_filename='vbtool_collect')
        # The host side: every running libvirt domain's balloon.
        if shutil.which('virsh') or os.path.exists('/run/libvirt/libvirt-sock'):
            self.add_cmd_output('%s status --libvirt --json' % vbtool,
                                suggest_filename='vbtool_status_libvirt.json')

# vim: set et ts=4 sw=4 :
