#!/usr/bin/env bats
# Guest tests, deflate-on-oom on: the balloon counts as used memory and gives
# itself back at OOM time.
load balloon-tests

setup_file() {
	export VM_DOOM=yes VM_FPR=no
	vm_boot deflate-on "deflate-on-oom=on"
}

teardown_file() {
	vm_shutdown
}

@test "vm on: guest accepted exactly the features QEMU lists (sysfs)" { t_features_sysfs; }
@test "vm on: module file names the device and deflate-on-oom" { t_features_module; }
@test "vm on: vbtool status --json shows the negotiated features" { t_features_vbtool; }
@test "vm on: inflate to 3 targets: module, vmstat, MemTotal agree with QMP" { t_inflate; }
@test "vm on: inflate to 3 targets: vbtool status agrees with QMP" { t_inflate vbtool; }
@test "vm on: OOM with balloon inflated: Balloon line, balloon deflated" { t_oom_run; }
@test "vm on: explain-oom names the balloon and its size" { t_oom_explain; }
@test "vm on: no Oops, BUG, WARNING or GPF in the guest kernel log" { t_console_clean; }
