/* src/host/: the hypervisor's side, over QMP: transport, framing and
 * client (the protocol), collect/parallel (one VM, many), findings, view,
 * status and target (the commands' work). host/ may include base/, model/
 * (finding types) and views/ (shared JSON pieces), never sources/.
 *
 * Host side: what QEMU knows about each VM's balloon, collected over QMP.
 * cmd_status calls host_status() when --qmp or --virsh is given; a live view
 * (top --qmp) can call host_targets_expand() once and host_collect() on a
 * timer, and print the struct host_vm array itself. */
#ifndef VBTOOL_QMP_HOST_H
#define VBTOOL_QMP_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/parse.h"
#include "model/report.h"

struct host_status_options {
	char **sockets; /* --qmp, as given (paths, globs, directories, host:port) */
	int nsockets;
	bool sockets_natural; /* several words after --qmp (a shell glob): natural order */
	bool libvirt;           /* --libvirt (or its alias --virsh) */
	const char *connect_uri; /* --connect; NULL = libvirt's default */
	char **domains;         /* --libvirt DOMAIN...; none = every running domain */
	int ndomains;
	double timeout_s;       /* --timeout; 0 = default */
	long stats_interval;    /* --stats-interval; -1 = leave as is */
	bool json;
	bool prometheus; /* --format prometheus */
	FILE *out;       /* where the report goes; NULL = stdout */
};

/* Returns a vbtool exit code: 0 ok; 1 some VM could not be queried; 3 no VM
 * has a balloon device. */
int host_status(const struct host_status_options *opt);

/* One VM to ask: a QMP socket (unix path or host:port) or a libvirt
 * domain (host/libvirt.h). */
struct host_target {
	char *address; /* socket path or host:port; NULL for libvirt */
	char *domain;  /* libvirt only */
};

/* Turns --qmp arguments (a path, a glob, a directory of sockets, host:port)
 * into targets in the order given, globs and directories in natural order
 * (q2 before q10); natural: all of them in natural order. Returns false
 * after printing an error (a glob or directory that names no socket). */
bool host_targets_expand(char *const *qmp, size_t nqmp, bool natural, struct host_target **out, size_t *nout);
void host_targets_free(struct host_target *t, size_t n);

struct host_stat {
	char *name;          /* snake_case without "stat-": "free_memory" */
	struct opt_u64 value; /* unknown when the guest did not report it */
};

/* One virtio-mem device from query-memory-devices (#18); sizes in bytes,
 * unknown where QEMU did not say. */
struct host_virtio_mem {
	char *id;     /* NULL: the device has no id */
	char *memdev; /* QOM path of its memory backend, or NULL */
	struct opt_u64 size, requested_size, max_size, block_size, node;
};

struct host_vm {
	const struct host_target *target;
	char *error;      /* the VM could not be queried at all; the rest is unknown */
	const char *error_hint;
	char *qemu_version;
	char *name;       /* -name, NULL when none */
	char *run_state;  /* query-status: "running", "paused", "prelaunch", ... */
	struct opt_u64 base_memory, plugged_memory, ram; /* bytes; ram = base + plugged */
	/* What QEMU's balloon counts from (its get_current_ram_size()): base
	 * memory and pc-dimms, not virtio-mem, whose plugged memory is in
	 * plugged_memory but never in query-balloon's actual. */
	struct opt_u64 balloon_ram, virtio_mem; /* bytes */
	struct host_virtio_mem *vmem_devices; /* every virtio-mem device, in QEMU's order */
	size_t nvmem_devices;
	struct opt_u64 actual;  /* bytes: the guest's logical size */
	struct opt_u64 balloon; /* ram - actual */
	char *device_path;        /* QOM path of the balloon device (proxy) */
	const char *device_found_by; /* "peripheral", "peripheral-anon", "x-query-virtio" */
	char *device_type;        /* "virtio-balloon-pci", ... */
	char *backend_path;       /* .../virtio-backend for x-query-virtio-status */
	char **host_features, **guest_features; /* vbtool's names, as on the guest side: STATS_VQ */
	size_t nhost_features, nguest_features;
	unsigned *host_unknown_bits, *guest_unknown_bits; /* bits vbtool's table does not name */
	size_t nhost_unknown_bits, nguest_unknown_bits;
	struct opt_u64 polling_interval_s;
	struct host_stat *stats;
	size_t nstats;
	struct opt_u64 last_update; /* epoch seconds; 0 = never */
	struct opt_u64 stats_age_s;
	/* libvirt: the balloon features the domain XML asks for (STATS_VQ,
	 * DEFLATE_ON_OOM for autodeflate, REPORTING for freePageReporting);
	 * configured_known below says whether the XML was read. */
	char **configured_features;
	size_t nconfigured_features;
	char **notes; /* things that could not be read, kept for the views */
	size_t nnotes;
	struct finding *findings;
	size_t nfindings;
	int running;        /* -1 unknown */
	int driver_started; /* -1 unknown */
	bool has_balloon; /* query-balloon answered */
	bool no_balloon_device; /* query-balloon said DeviceNotActive (not any other error) */
	/* QEMU's balloon size contradicts the guest's statistics (the guest has
	 * more available than the balloon would leave it): as after system_reset.
	 * Set by host_findings_evaluate. */
	bool balloon_stale;
	bool features_known; /* x-query-virtio-status answered */
	bool stats_read; /* qom-get guest-stats answered */
	bool configured_known;
	bool memory_devices; /* libvirt: the XML has <memory model=...> devices */
};

struct host_collect_options {
	double timeout_s;    /* per QMP call; 0 = default */
	long stats_interval; /* -1 = leave as is */
	int max_parallel;    /* 0 = a sensible default */
};

/* Queries every target concurrently; vms[i] describes targets[i]. Never
 * fails as a whole: a VM that cannot be queried has ->error set. */
void host_collect(const struct host_target *targets, size_t n, const struct host_collect_options *opt,
		  struct host_vm *vms);
/* One VM (what host_collect runs per target). */
void host_collect_one(const struct host_target *t, const struct host_collect_options *opt,
		      struct host_vm *vm);
void host_vm_free(struct host_vm *vm);
/* Puts vm->stats in the virtio spec's order (output does not depend on QEMU's
 * or libvirt's order). */
void host_vm_sort_stats(struct host_vm *vm);
/* Fills vm->findings from the rest of vm (host_findings.c). */
void host_findings_evaluate(struct host_vm *vm);
bool host_vm_has_feature(const struct host_vm *vm, bool guest, const char *name);
/* The guest's statistics as the views show them: read, and reported at least
 * once (not last-update 0 with every value unset). */
bool host_vm_stats_present(const struct host_vm *vm);

#endif
