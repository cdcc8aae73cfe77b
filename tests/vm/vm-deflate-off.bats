#!/usr/bin/env bats
# Guest tests, deflate-on-oom off (with free-page reporting on): the balloon
# is taken out of MemTotal. Also hot-unplug and module load/unload.
load balloon-tests

setup_file() {
	export VM_DOOM=no VM_FPR=yes
	vm_boot deflate-off "deflate-on-oom=off,free-page-reporting=on"
}

teardown_file() {
	vm_shutdown
}

@test "vm off: guest accepted exactly the features QEMU lists (sysfs)" { t_features_sysfs; }
@test "vm off: module file names the device and deflate-on-oom" { t_features_module; }
@test "vm off: vbtool status --json shows the negotiated features" { t_features_vbtool; }
@test "vm off: inflate to 3 targets: module, vmstat, MemTotal agree with QMP" { t_inflate; }
@test "vm off: inflate to 3 targets: vbtool status agrees with QMP" { t_inflate vbtool; }
@test "vm off: OOM with balloon inflated: Balloon line in the kernel log" { t_oom_run; }
@test "vm off: explain-oom names the balloon and its size" { t_oom_explain; }
@test "vm off: hot-unplug while reading the module file, then re-plug" { t_hotplug; }
@test "vm off: balloon device without a driver" { t_no_driver; }
@test "vm off: module unload with the file open, 20 load/unload cycles" { t_load_unload; }
@test "vm off: no Oops, BUG, WARNING or GPF in the guest kernel log" { t_console_clean; }
