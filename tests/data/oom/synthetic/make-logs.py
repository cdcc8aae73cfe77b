#!/usr/bin/env python3
# Writes the synthetic OOM logs in this directory. Each report is written by
# hand from the kernel's printk formats (mm/oom_kill.c, mm/show_mem.c,
# mm/page_alloc.c of the version named) -- see README.md; this script only
# adds the line prefixes (dmesg, journalctl, syslog, /dev/kmsg, serial) so
# the numbers stay in one place. The .expect files are written by hand from
# the numbers below, never from vbtool's output. Run it from this directory;
# it also writes the .gz/.xz/.zst copies (needs gzip, xz, zstd).
import subprocess

HEADER = "# synthetic log, written from the kernel printk formats; see README.md\n"


def write(name, lines, prefix, header=True, eol="\n"):
    with open(name, "w", newline="") as f:
        if header:
            f.write(HEADER)
        t = 0
        for ln in lines:
            if ln.startswith("@@RAW "):
                f.write(ln[6:] + eol)
                continue
            f.write(prefix(t, ln) + eol)
            t += 1


def dmesg(base):
    return lambda i, ln: "[%5d.%06d] %s" % (int(base), int((base % 1) * 1e6) + i * 7, ln)


# ---- A: 6.8 task table (rss_anon/rss_file/rss_shmem), one task holds most of RAM
A = """memhog invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
CPU: 1 PID: 4242 Comm: memhog Not tainted 6.8.0-31-generic #31-Ubuntu
Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.3-debian-1.16.3-2 04/01/2014
Call Trace:
 <TASK>
 dump_stack_lvl+0x76/0xa0
 dump_header+0x47/0x1f0
 oom_kill_process+0x118/0x280
 out_of_memory+0x246/0x590
 __alloc_pages_may_oom+0x10f/0x1d0
 __alloc_pages_slowpath.constprop.0+0x4d5/0xe20
 __alloc_pages+0x31f/0x350
 alloc_pages_mpol+0x91/0x210
 vma_alloc_folio+0x64/0xe0
 do_anonymous_page+0x76/0x3e0
 __handle_mm_fault+0xb34/0xc20
 handle_mm_fault+0x18d/0x380
 do_user_addr_fault+0x169/0x670
 exc_page_fault+0x83/0x1b0
 asm_exc_page_fault+0x27/0x30
RIP: 0033:0x5617f0a8e1c9
 </TASK>
Mem-Info:
active_anon:2531 inactive_anon:449120 isolated_anon:0
 active_file:31 inactive_file:22 isolated_file:0
 unevictable:0 dirty:0 writeback:0
 slab_reclaimable:4610 slab_unreclaimable:10093
 mapped:57 shmem:1306 pagetables:1395
 sec_pagetables:0 bounce:0
 kernel_misc_reclaimable:0
 free:12745 free_pcp:62 free_cma:0
Node 0 active_anon:10124kB inactive_anon:1796480kB active_file:124kB inactive_file:88kB unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:228kB dirty:0kB writeback:0kB shmem:5224kB shmem_thp:0kB shmem_pmdmapped:0kB anon_thp:1574912kB writeback_tmp:0kB kernel_stack:2160kB pagetables:5580kB sec_pagetables:0kB all_unreclaimable? yes
Node 0 DMA free:6656kB boost:0kB min:352kB low:440kB high:528kB reserved_highatomic:0KB active_anon:0kB inactive_anon:8840kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:15992kB managed:15360kB mlocked:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 1887 1887 1887 1887
Node 0 DMA32 free:44324kB boost:0kB min:44700kB low:55872kB high:67044kB reserved_highatomic:0KB active_anon:10124kB inactive_anon:1787640kB active_file:124kB inactive_file:88kB unevictable:0kB writepending:0kB present:2080624kB managed:1998228kB mlocked:0kB bounce:0kB free_pcp:248kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 0 0 0 0
Node 0 DMA: 2*4kB (U) 3*8kB (U) 2*16kB (U) 2*32kB (U) 2*64kB (U) 2*128kB (U) 2*256kB (U) 1*512kB (U) 1*1024kB (U) 0*2048kB 1*4096kB (M) = 6656kB
Node 0 DMA32: 289*4kB (UME) 186*8kB (UME) 119*16kB (UME) 61*32kB (UME) 35*64kB (UME) 22*128kB (UME) 14*256kB (UME) 9*512kB (UM) 4*1024kB (UM) 2*2048kB (M) 4*4096kB (M) = 44324kB
Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=1048576kB
Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB
1359 total pagecache pages
0 pages in swap cache
Free swap  = 0kB
Total swap = 0kB
524154 pages RAM
0 pages HighMem/MovableOnly
20757 pages reserved
0 pages hwpoisoned
Tasks state (memory values in pages):
[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name
[    312]     0   312    12296      406      128      278         0   102400        0          -250 systemd-journal
[    351]     0   351     6731      512      196      316         0    73728        0         -1000 systemd-udevd
[    602]   101   602    22871      310      120      190         0    81920        0             0 systemd-timesyn
[    811]     0   811     3856      329       99      230         0    69632        0             0 cron
[    830]   104   830     2310      256       64      192         0    57344        0          -900 dbus-daemon
[   1004]     0  1004     3877      402      110      292         0    73728        0         -1000 sshd
[   1610]  1000  1610     2166     1408     1203      205         0    57344        0             0 bash
[   4242]  1000  4242   460847   441523   441500       23         0  3588096        0             0 memhog
oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/session-3.scope,task=memhog,pid=4242,uid=1000
Out of memory: Killed process 4242 (memhog) total-vm:1843388kB, anon-rss:1766000kB, file-rss:92kB, shmem-rss:0kB, UID:1000 pgtables:3504kB oom_score_adj:0
systemd-journald[312]: Under memory pressure, flushing caches.
oom_reaper: reaped process 4242 (memhog), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB""".split("\n")
write("v6.8-tasktable-global.log", A, dmesg(5123.456789))

# ---- B: 6.15 per-node Balloon:, journalctl -o short-iso, 1 GiB ballooned of 4 GiB
B = """java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
CPU: 2 UID: 998 PID: 2210 Comm: java Not tainted 6.15.2-200.fc42.x86_64 #1 PREEMPT(lazy)
Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS edk2-20250523-14.fc42 05/23/2025
Call Trace:
 <TASK>
 dump_stack_lvl+0x5d/0x80
 dump_header+0x43/0x1aa
 oom_kill_process.cold+0xa/0xab
 out_of_memory+0x102/0x330
 __alloc_pages_slowpath.constprop.0+0xa93/0xe80
 __alloc_frozen_pages_noprof+0x31c/0x340
 alloc_pages_mpol+0x7d/0x180
 folio_alloc_mpol_noprof+0x14/0x40
 do_anonymous_page+0x1a1/0x600
 __handle_mm_fault+0x7d4/0xfc0
 handle_mm_fault+0xd0/0x2c0
 do_user_addr_fault+0x21a/0x690
 exc_page_fault+0x7c/0x1b0
 asm_exc_page_fault+0x26/0x30
 </TASK>
Mem-Info:
active_anon:5120 inactive_anon:601344 isolated_anon:0
 active_file:210 inactive_file:175 isolated_file:0
 unevictable:0 dirty:0 writeback:0
 slab_reclaimable:9000 slab_unreclaimable:21000
 mapped:300 shmem:2048 pagetables:3000
 sec_pagetables:0 bounce:0
 kernel_misc_reclaimable:0
 free:9600 free_pcp:120 free_cma:0
Node 0 active_anon:20480kB inactive_anon:2405376kB active_file:840kB inactive_file:700kB unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:1200kB dirty:0kB writeback:0kB shmem:8192kB shmem_thp:0kB shmem_pmdmapped:0kB anon_thp:2097152kB writeback_tmp:0kB kernel_stack:4096kB pagetables:12000kB sec_pagetables:0kB all_unreclaimable? yes Balloon:1048576kB
Node 0 DMA free:6656kB boost:0kB min:176kB low:220kB high:264kB reserved_highatomic:0KB free_highatomic:0KB active_anon:0kB inactive_anon:8800kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:15992kB managed:15360kB mlocked:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 1950 2930 2930 2930
Node 0 DMA32 free:20480kB boost:0kB min:22348kB low:27932kB high:33516kB reserved_highatomic:0KB free_highatomic:0KB active_anon:10240kB inactive_anon:1950000kB active_file:400kB inactive_file:300kB unevictable:0kB writepending:0kB present:2080624kB managed:1998228kB mlocked:0kB bounce:0kB free_pcp:240kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 0 980 980 980
Node 0 Normal free:11264kB boost:0kB min:11268kB low:14084kB high:16900kB reserved_highatomic:0KB free_highatomic:0KB active_anon:10240kB inactive_anon:446576kB active_file:440kB inactive_file:400kB unevictable:0kB writepending:0kB present:2097152kB managed:1007576kB mlocked:0kB bounce:0kB free_pcp:240kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 0 0 0 0
Node 0 DMA: 0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 1*512kB (U) 0*1024kB 1*2048kB (M) 1*4096kB (M) = 6656kB
Node 0 DMA32: 1024*4kB (UME) 512*8kB (UME) 256*16kB (UME) 128*32kB (UM) 64*64kB (U) 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 20480kB
Node 0 Normal: 512*4kB (UME) 256*8kB (UME) 128*16kB (UME) 64*32kB (UM) 32*64kB (U) 8*128kB (U) 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 10240kB
Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=1048576kB
Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB
2433 total pagecache pages
0 pages in swap cache
Free swap  = 0kB
Total swap = 0kB
1048442 pages RAM
0 pages HighMem/MovableOnly
293151 pages reserved
0 pages hwpoisoned
Tasks state (memory values in pages):
[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name
[    410]     0   410    12400      500      150      350         0   110592        0          -250 systemd-journal
[    455]     0   455     7001      600      220      380         0    81920        0         -1000 systemd-udevd
[    700]    81   700     2400      300       80      220         0    57344        0          -900 dbus-broker
[   1010]     0  1010     4000      450      120      330         0    77824        0         -1000 sshd
[   1500]    27  1500   120000    15000    14000     1000         0   401408        0             0 mariadbd
[   2210]   998  2210  1900000   450300   450000      300         0  5242880        0             0 java
oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/app.service,task=java,pid=2210,uid=998
Out of memory: Killed process 2210 (java) total-vm:7600000kB, anon-rss:1800000kB, file-rss:1200kB, shmem-rss:0kB, UID:998 pgtables:5120kB oom_score_adj:0""".split("\n")
write("v6.15-node-balloon-global.log", B,
      lambda i, ln: "2026-11-22T10:15:42+0000 fedora-guest kernel: " + ln)

# ---- C: Virtuozzo 5.14 (vz9): the Balloon line comes BEFORE "invoked oom-killer";
#         journalctl -o short-precise; an invoker comm with spaces and a colon
C = """@@ vz-guest systemd[1]: Started session-41.scope - Session 41 of User root.
Balloon InflatedTotal:2097152kB InflatedFree:0kB
@@ vz-guest systemd-logind[801]: New session 41 of user root.
php-fpm: pool w invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0
CPU: 3 PID: 5011 Comm: php-fpm: pool w Kdump: loaded Not tainted 5.14.0-70.22.1.vz9.5.12 #1
Hardware name: Virtuozzo KVM, BIOS 1.11.0-2.vz7.4 04/01/2014
Call Trace:
 dump_stack_lvl+0x34/0x48
 dump_header+0x4a/0x201
 oom_kill_process.cold+0xb/0x10
 out_of_memory+0xed/0x2e0
 __alloc_pages_slowpath.constprop.0+0x7cc/0x8a0
 __alloc_pages+0x1fe/0x230
 alloc_pages_vma+0x87/0x1f0
 do_anonymous_page+0x6e/0x3c0
 __handle_mm_fault+0x4c0/0x650
 handle_mm_fault+0xc5/0x2a0
 do_user_addr_fault+0x1b4/0x690
 exc_page_fault+0x62/0x150
 asm_exc_page_fault+0x1e/0x30
Mem-Info:
active_anon:1000 inactive_anon:1421000 isolated_anon:0
 active_file:120 inactive_file:80 isolated_file:0
 unevictable:0 dirty:0 writeback:0
 slab_reclaimable:20000 slab_unreclaimable:30000
 mapped:500 shmem:22030 pagetables:6000 bounce:0
 free:13504 free_pcp:100 free_cma:0
Node 0 active_anon:4000kB inactive_anon:5684000kB active_file:480kB inactive_file:320kB unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:2000kB dirty:0kB writeback:0kB shmem:88120kB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 4194304kB writeback_tmp:0kB kernel_stack:6000kB pagetables:24000kB all_unreclaimable? yes
Node 0 DMA free:6400kB min:44kB low:52kB high:60kB reserved_highatomic:0KB active_anon:0kB inactive_anon:8900kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:15992kB managed:15360kB mlocked:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 1950 5987 5987 5987
Node 0 DMA32 free:15872kB min:16384kB low:20480kB high:24576kB reserved_highatomic:0KB active_anon:2000kB inactive_anon:1970000kB active_file:200kB inactive_file:100kB unevictable:0kB writepending:0kB present:2080624kB managed:1998228kB mlocked:0kB bounce:0kB free_pcp:200kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 0 4037 4037 4037
Node 0 Normal free:31744kB min:33792kB low:42240kB high:50688kB reserved_highatomic:0KB active_anon:2000kB inactive_anon:3705100kB active_file:280kB inactive_file:220kB unevictable:0kB writepending:0kB present:6291456kB managed:4134304kB mlocked:0kB bounce:0kB free_pcp:200kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 0 0 0 0
22230 total pagecache pages
0 pages in swap cache
Swap cache stats: add 0, delete 0, find 0/0
Free swap  = 0kB
Total swap = 0kB
2097018 pages RAM
0 pages HighMem/MovableOnly
560045 pages reserved
0 pages hwpoisoned
Tasks state (memory values in pages):
[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
[    650]     0   650    13000      700   114688        0          -250 systemd-journal
[    801]     0   801     4500      500    77824        0             0 systemd-logind
[   3120]    26  3120   832469   797890  6492160        0             0 postgres
[   5011]    48  5011    90000    60000   573440        0             0 php-fpm: pool w
oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/postgresql.service,task=postgres,pid=3120,uid=26
Out of memory: Killed process 3120 (postgres) total-vm:3329876kB, anon-rss:3102420kB, file-rss:1020kB, shmem-rss:88120kB, UID:26 pgtables:6340kB oom_score_adj:0
oom_reaper: reaped process 3120 (postgres), now anon-rss:0kB, file-rss:0kB, shmem-rss:88120kB""".split("\n")


def short_precise(i, ln):
    if ln.startswith("@@ "):
        return "Nov 22 10:00:%02d.%06d %s" % (5, 100 + i, ln[3:])
    return "Nov 22 10:00:%02d.%06d vz-guest kernel: %s" % (5, 100 + i, ln)


write("virtuozzo-inflated-before-invoked.log", C, short_precise)

# ---- D: the vbtool module's line with DEFLATE_ON_OOM on (InflatedFree), 4.19,
#         kern.log with bracketed uptime, comm "Web Content"
D = """Web Content invoked oom-killer: gfp_mask=0x6280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), nodemask=(null), order=0, oom_score_adj=0
Web Content cpuset=/ mems_allowed=0
CPU: 0 PID: 9004 Comm: Web Content Tainted: G           O      4.19.0-27-amd64 #1 Debian 4.19.316-1
Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014
Call Trace:
 dump_stack+0x66/0x90
 dump_header+0x6b/0x283
 ? virtballoon_oom_notify+0x2a/0x80 [virtio_balloon]
 oom_kill_process.cold.30+0xb/0x1cf
 out_of_memory+0x1a5/0x450
 __alloc_pages_slowpath+0xbd8/0xcb0
 __alloc_pages_nodemask+0x28b/0x2b0
 alloc_pages_vma+0x74/0x1c0
 __handle_mm_fault+0x959/0x1290
 handle_mm_fault+0xd6/0x200
 __do_page_fault+0x249/0x4f0
 page_fault+0x1e/0x30
Mem-Info:
active_anon:380000 inactive_anon:20000 isolated_anon:0
 active_file:100 inactive_file:90 isolated_file:0
 unevictable:0 dirty:0 writeback:0 unstable:0
 slab_reclaimable:5000 slab_unreclaimable:9000
 mapped:400 shmem:5120 pagetables:2000 bounce:0
 free:4400 free_pcp:50 free_cma:0
Node 0 active_anon:1520000kB inactive_anon:80000kB active_file:400kB inactive_file:360kB unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:1600kB dirty:0kB writeback:0kB shmem:20480kB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 0kB writeback_tmp:0kB unstable:0kB all_unreclaimable? yes
Node 0 DMA free:6600kB min:356kB low:444kB high:532kB active_anon:4000kB inactive_anon:4000kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:15992kB managed:15908kB mlocked:0kB kernel_stack:0kB pagetables:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 1955 1955 1955
Node 0 DMA32 free:11000kB min:44700kB low:55872kB high:67044kB active_anon:1516000kB inactive_anon:76000kB active_file:400kB inactive_file:360kB unevictable:0kB writepending:0kB present:2080624kB managed:2006712kB mlocked:0kB kernel_stack:3000kB pagetables:8000kB bounce:0kB free_pcp:200kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 0 0 0
5310 total pagecache pages
0 pages in swap cache
Swap cache stats: add 0, delete 0, find 0/0
Free swap  = 0kB
Total swap = 0kB
524154 pages RAM
0 pages HighMem/MovableOnly
18499 pages reserved
0 pages hwpoisoned
Balloon InflatedTotal:0kB InflatedFree:524288kB
Tasks state (memory values in pages):
[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
[    300]     0   300     9000      400    90112        0             0 systemd-journal
[   8800]  1000  8800   700000   150000  1900544        0             0 firefox-esr
[   9001]  1000  9001   755275   317680  2703360        0           100 Web Content
[   9004]  1000  9004   300000    90000   958464        0           100 Web Content
oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=Web Content,pid=9001,uid=1000
Out of memory: Kill process 9001 (Web Content) score 612 or sacrifice child
Killed process 9001 (Web Content) total-vm:3021100kB, anon-rss:1240400kB, file-rss:10240kB, shmem-rss:20080kB
oom_reaper: reaped process 9001 (Web Content), now anon-rss:0kB, file-rss:0kB, shmem-rss:20080kB""".split("\n")
write("vbtool-module-inflated-free-deflate-on.log", D,
      lambda i, ln: "Nov 22 11:00:00 desktop kernel: [  812.%06d] %s" % (345000 + i * 11, ln))

# ---- E: CONSTRAINT_CPUSET, 5.10, dmesg -T
E = """solver invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0
CPU: 9 PID: 7780 Comm: solver Not tainted 5.10.0-33-amd64 #1 Debian 5.10.226-1
Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.14.0-2 04/01/2014
Call Trace:
 dump_stack+0x6b/0x83
 dump_header+0x4a/0x1f4
 oom_kill_process.cold+0xb/0x10
 out_of_memory+0x1bd/0x4e0
 __alloc_pages_slowpath.constprop.0+0xbcc/0xc90
 __alloc_pages_nodemask+0x2de/0x310
 alloc_pages_vma+0x74/0x1c0
 handle_mm_fault+0x1226/0x1bf0
 exc_page_fault+0x1e9/0x3a0
 asm_exc_page_fault+0x1e/0x30
Mem-Info:
active_anon:30000 inactive_anon:1900000 isolated_anon:0
 active_file:3000 inactive_file:5000 isolated_file:0
 unevictable:0 dirty:0 writeback:0
 slab_reclaimable:12000 slab_unreclaimable:20000
 mapped:4000 shmem:1000 pagetables:8000 bounce:0
 free:1951000 free_pcp:300 free_cma:0
Node 0 active_anon:60000kB inactive_anon:200000kB active_file:6000kB inactive_file:10000kB unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:8000kB dirty:0kB writeback:0kB shmem:2000kB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 0kB writeback_tmp:0kB kernel_stack:8000kB all_unreclaimable? no
Node 1 active_anon:60000kB inactive_anon:7400000kB active_file:6000kB inactive_file:10000kB unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:8000kB dirty:0kB writeback:0kB shmem:2000kB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 0kB writeback_tmp:0kB kernel_stack:8000kB all_unreclaimable? yes
Node 0 DMA free:15360kB min:16kB low:20kB high:24kB reserved_highatomic:0KB active_anon:0kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:15992kB managed:15360kB mlocked:0kB pagetables:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 1950 7900 7900 7900
Node 0 DMA32 free:1900000kB min:2500kB low:3100kB high:3700kB reserved_highatomic:0KB active_anon:0kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:2080624kB managed:1998228kB mlocked:0kB pagetables:0kB bounce:0kB free_pcp:100kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 0 5950 5950 5950
Node 0 Normal free:5883640kB min:7700kB low:9600kB high:11500kB reserved_highatomic:0KB active_anon:60000kB inactive_anon:200000kB active_file:6000kB inactive_file:10000kB unevictable:0kB writepending:0kB present:6291456kB managed:6150000kB mlocked:0kB pagetables:16000kB bounce:0kB free_pcp:100kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 0 0 0 0
Node 1 Normal free:5000kB min:10200kB low:12700kB high:15200kB reserved_highatomic:0KB active_anon:60000kB inactive_anon:7400000kB active_file:6000kB inactive_file:10000kB unevictable:0kB writepending:0kB present:8388608kB managed:8250000kB mlocked:0kB pagetables:16000kB bounce:0kB free_pcp:100kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 0 0 0 0
9000 total pagecache pages
0 pages in swap cache
Free swap  = 0kB
Total swap = 0kB
4194170 pages RAM
0 pages HighMem/MovableOnly
90773 pages reserved
0 pages hwpoisoned
Tasks state (memory values in pages):
[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
[    500]     0   500    10000      600   102400        0          -250 systemd-journal
[   7777]  2000  7777  1900000  1850000 15097856        0             0 solver
[   7780]  2000  7780   100000    50000   483328        0             0 solver
oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=(null),cpuset=batch,mems_allowed=1,global_oom,task_memcg=/batch.slice/job-42.scope,task=solver,pid=7777,uid=2000
Out of memory: Killed process 7777 (solver) total-vm:7600000kB, anon-rss:7396000kB, file-rss:4000kB, shmem-rss:0kB, UID:2000 pgtables:14744kB oom_score_adj:0
oom_reaper: reaped process 7777 (solver), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB""".split("\n")
write("cpuset-constraint.log", E, lambda i, ln: "[Sun Nov 22 09:30:%02d 2026] %s" % (10 + i // 40, ln))

# ---- F: CONSTRAINT_MEMORY_POLICY, 6.1, dmesg -x
F = """stream invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0
CPU: 5 PID: 3001 Comm: stream Not tainted 6.1.0-26-amd64 #1  Debian 6.1.112-1
Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.2-debian-1.16.2-1 04/01/2014
Call Trace:
 <TASK>
 dump_stack_lvl+0x44/0x5c
 dump_header+0x4a/0x211
 oom_kill_process.cold+0xb/0x10
 out_of_memory+0x1fd/0x4c0
 __alloc_pages_slowpath.constprop.0+0xc40/0xe00
 __alloc_pages+0x305/0x330
 vma_alloc_folio+0x9a/0x3a0
 __handle_mm_fault+0xaa5/0xf90
 handle_mm_fault+0xdb/0x2d0
 do_user_addr_fault+0x191/0x550
 exc_page_fault+0x70/0x170
 asm_exc_page_fault+0x22/0x30
 </TASK>
Mem-Info:
active_anon:1000 inactive_anon:1050000 isolated_anon:0
 active_file:500 inactive_file:400 isolated_file:0
 unevictable:0 dirty:0 writeback:0
 slab_reclaimable:8000 slab_unreclaimable:15000
 mapped:600 shmem:300 pagetables:4000
 sec_pagetables:0 bounce:0
 kernel_misc_reclaimable:0
 free:1000000 free_pcp:200 free_cma:0
Node 1 Normal free:8000kB boost:0kB min:8400kB low:10500kB high:12600kB reserved_highatomic:0KB active_anon:2000kB inactive_anon:4150000kB active_file:1000kB inactive_file:800kB unevictable:0kB writepending:0kB present:4194304kB managed:4120000kB mlocked:0kB bounce:0kB free_pcp:400kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 0 0 0 0
Tasks state (memory values in pages):
[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
[   3001]  1000  3001  1049000  1040000  8425472        0             0 stream
oom-kill:constraint=CONSTRAINT_MEMORY_POLICY,nodemask=1,cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/user.slice/user-1000.slice/session-2.scope,task=stream,pid=3001,uid=1000
Out of memory: Killed process 3001 (stream) total-vm:4196000kB, anon-rss:4158000kB, file-rss:2000kB, shmem-rss:0kB, UID:1000 pgtables:8228kB oom_score_adj:0""".split("\n")
write("mempolicy-constraint.log", F,
      lambda i, ln: "kern  :warn  : [  345.%06d] %s" % (678901 + i * 3, ln))

# ---- G: /dev/kmsg records (PRI,SEQ,USEC,FLAGS;msg, dictionary lines, \x0a inside
#         one record), 6.6, a virtio balloon without DEFLATE_ON_OOM: only the
#         present/managed gap shows it (estimate), plus "Out of puff!"
G_head = [
    "6,1100,100000000,-;virtio_balloon virtio3: Out of puff! Can't get 256 pages",
    " SUBSYSTEM=virtio",
    " DEVICE=+virtio:virtio3",
    "6,1101,100500000,-;systemd[1]: Started cron.service - Regular background program processing daemon.",
]
G = """memhog invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
CPU: 0 PID: 2718 Comm: memhog Not tainted 6.6.58 #1
Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.3 04/01/2014
Call Trace:
 <TASK>
 dump_stack_lvl+0x47/0x60
 dump_header+0x4a/0x240
 oom_kill_process+0xf9/0x190
 out_of_memory+0x256/0x540
 __alloc_pages_slowpath.constprop.0+0xa8f/0xe40
 __alloc_pages+0x30d/0x330
 </TASK>
Mem-Info:
active_anon:900 inactive_anon:560000 isolated_anon:0\\x0a active_file:20 inactive_file:30 isolated_file:0\\x0a unevictable:0 dirty:0 writeback:0\\x0a slab_reclaimable:3000 slab_unreclaimable:7000\\x0a mapped:50 shmem:400 pagetables:1500\\x0a sec_pagetables:0 bounce:0\\x0a kernel_misc_reclaimable:0\\x0a free:4164 free_pcp:30 free_cma:0
Node 0 active_anon:3600kB inactive_anon:2240000kB active_file:80kB inactive_file:120kB unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:200kB dirty:0kB writeback:0kB shmem:1600kB shmem_thp:0kB shmem_pmdmapped:0kB anon_thp:0kB writeback_tmp:0kB kernel_stack:1800kB pagetables:6000kB sec_pagetables:0kB all_unreclaimable? yes
Node 0 DMA free:6656kB boost:0kB min:28kB low:36kB high:44kB reserved_highatomic:0KB active_anon:0kB inactive_anon:8600kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:15992kB managed:15360kB mlocked:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 1950 2422 2422 2422
Node 0 DMA32 free:8000kB boost:0kB min:8300kB low:10300kB high:12300kB reserved_highatomic:0KB active_anon:1800kB inactive_anon:1760000kB active_file:40kB inactive_file:60kB unevictable:0kB writepending:0kB present:2080624kB managed:1998228kB mlocked:0kB bounce:0kB free_pcp:60kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 0 472 472 472
Node 0 Normal free:2000kB boost:0kB min:2100kB low:2600kB high:3100kB reserved_highatomic:0KB active_anon:1800kB inactive_anon:471400kB active_file:40kB inactive_file:60kB unevictable:0kB writepending:0kB present:2097152kB managed:483328kB mlocked:0kB bounce:0kB free_pcp:60kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 0 0 0 0
450 total pagecache pages
0 pages in swap cache
Free swap  = 0kB
Total swap = 0kB
1048442 pages RAM
0 pages HighMem/MovableOnly
424213 pages reserved
0 pages hwpoisoned
Tasks state (memory values in pages):
[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
[    200]     0   200     8000      300    86016        0          -250 systemd-journal
[   2100]  1000  2100   300000   210000  1753088        0             0 worker
[   2718]  1000  2718   360000   350000  2883584        0             0 memhog
oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=memhog,pid=2718,uid=1000
Out of memory: Killed process 2718 (memhog) total-vm:1440000kB, anon-rss:1399800kB, file-rss:200kB, shmem-rss:0kB, UID:1000 pgtables:2816kB oom_score_adj:0
oom_reaper: reaped process 2718 (memhog), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB""".split("\n")
with open("kmsg-records-global.log", "w") as f:
    for ln in G_head:
        f.write(ln + "\n")
    for i, ln in enumerate(G):
        f.write("%d,%d,%d,-;%s\n" % (4 if i < 30 else 3, 2000 + i, 4321000000 + i * 13, ln))
    f.write("6,2100,4321900000,-;virtio_balloon virtio3: Out of puff! Can't get 256 pages\n")
    f.write(" SUBSYSTEM=virtio\n DEVICE=+virtio:virtio3\n")

# ---- H: serial console (CRLF, ANSI colours, a login prompt glued on), 3.10
#         (RHEL 7: numeric gfp_mask, nr_ptes task table, two-line kill),
#         order-2 failure with plenty free: fragmentation
H = """sshd invoked oom-killer: gfp_mask=0x2000d0, order=2, oom_score_adj=0
sshd cpuset=/ mems_allowed=0
CPU: 1 PID: 2345 Comm: sshd Kdump: loaded Not tainted 3.10.0-1160.el7.x86_64 #1
Hardware name: Red Hat KVM, BIOS 1.11.0-2.el7 04/01/2014
Call Trace:
 [<ffffffff8d781fba>] dump_stack+0x19/0x1b
 [<ffffffff8d77c8da>] dump_header+0x90/0x229
 [<ffffffff8d1c20ed>] oom_kill_process+0x2cd/0x490
 [<ffffffff8d1c27dd>] out_of_memory+0x31d/0x500
 [<ffffffff8d1c9204>] __alloc_pages_nodemask+0xad4/0xbe0
 [<ffffffff8d0982dd>] copy_process+0x1dd/0x1a40
 [<ffffffff8d099cf1>] do_fork+0x91/0x330
 [<ffffffff8d793f2e>] system_call_fastpath+0x25/0x2a
Mem-Info:
active_anon:400000 inactive_anon:2000 isolated_anon:0
 active_file:9000 inactive_file:9000 isolated_file:0
 unevictable:0 dirty:10 writeback:0 unstable:0
 slab_reclaimable:4000 slab_unreclaimable:6000
 mapped:3000 shmem:500 pagetables:2000 bounce:0
 free:33840 free_pcp:100 free_cma:0
Node 0 DMA free:15360kB min:268kB low:332kB high:400kB active_anon:0kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB isolated(anon):0kB isolated(file):0kB present:15992kB managed:15908kB mlocked:0kB dirty:0kB writeback:0kB mapped:0kB shmem:0kB slab_reclaimable:0kB slab_unreclaimable:0kB kernel_stack:0kB pagetables:0kB unstable:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB writeback_tmp:0kB pages_scanned:0 all_unreclaimable? yes
lowmem_reserve[]: 0 1952 1952 1952
Node 0 DMA32 free:120000kB min:33420kB low:41772kB high:50128kB active_anon:1600000kB inactive_anon:8000kB active_file:36000kB inactive_file:36000kB unevictable:0kB isolated(anon):0kB isolated(file):0kB present:2080624kB managed:2000000kB mlocked:0kB dirty:40kB writeback:0kB mapped:12000kB shmem:2000kB slab_reclaimable:16000kB slab_unreclaimable:24000kB kernel_stack:2000kB pagetables:8000kB unstable:0kB bounce:0kB free_pcp:400kB local_pcp:100kB free_cma:0kB writeback_tmp:0kB pages_scanned:0 all_unreclaimable? no
lowmem_reserve[]: 0 0 0 0
Node 0 DMA: 3840*4kB (UEM) 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 15360kB
Node 0 DMA32: 30000*4kB (UEM) 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 120000kB
18500 total pagecache pages
0 pages in swap cache
Swap cache stats: add 0, delete 0, find 0/0
Free swap  = 0kB
Total swap = 0kB
524154 pages RAM
0 pages HighMem/MovableOnly
20177 pages reserved
[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name
[  612]     0   612     9000      500      20        0             0 systemd-journal
[ 1999]  1001  1999   900000   390000    800        0             0 java
[ 2345]     0  2345    30000     1200      60        0             0 sshd
Out of memory: Kill process 1999 (java) score 744 or sacrifice child
Killed process 1999 (java) total-vm:3600000kB, anon-rss:1559000kB, file-rss:1000kB, shmem-rss:0kB""".split("\n")


def serial(i, ln):
    s = "[  901.%06d] %s" % (234567 + i * 5, ln)
    if i == 0:
        return "\x1b[0;32mOK\x1b[0m  Started Getty on tty1.\r\nrhel7-guest login: " + s
    if "oom" in ln or "Kill" in ln:
        return "\x1b[1;31m" + s + "\x1b[0m"
    return s


write("serial-console-fragmentation.log", H, serial, eol="\r\n")

# ---- I: two boots, journalctl -o short-monotonic with other services' lines;
#         boot 1: a user program NAMED "balloon" hits its memcg limit (5.15);
#         boot 2: a global OOM with a comm holding spaces and a slash, no
#         balloon evidence at all.
I1 = """balloon invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0
CPU: 1 PID: 1111 Comm: balloon Not tainted 5.15.0-125-generic #135-Ubuntu
Hardware name: Microsoft Corporation Virtual Machine/Virtual Machine, BIOS Hyper-V UEFI Release v4.1 04/06/2022
Call Trace:
 <TASK>
 show_stack+0x52/0x5c
 dump_stack_lvl+0x4a/0x63
 dump_header+0x4f/0x1f6
 oom_kill_process.cold+0xb/0x10
 out_of_memory+0x1be/0x520
 mem_cgroup_out_of_memory+0x13a/0x150
 try_charge_memcg+0x73d/0x7a0
 charge_memcg+0x45/0xb0
 __mem_cgroup_charge+0x2d/0x90
 </TASK>
memory: usage 524288kB, limit 524288kB, failcnt 42
swap: usage 0kB, limit 0kB, failcnt 0
Memory cgroup stats for /test.slice/balloon.service:
anon 533000000
file 4096
Tasks state (memory values in pages):
[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
[   1111]     0  1111   140000   130100  1130496        0             0 balloon
oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/test.slice/balloon.service,task_memcg=/test.slice/balloon.service,task=balloon,pid=1111,uid=0
Memory cgroup out of memory: Killed process 1111 (balloon) total-vm:560000kB, anon-rss:520000kB, file-rss:400kB, shmem-rss:0kB, UID:0 pgtables:1104kB oom_score_adj:0""".split("\n")
I2 = """node /srv/app.j invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0
CPU: 0 PID: 812 Comm: node /srv/app.j Not tainted 5.15.0-125-generic #135-Ubuntu
Hardware name: Microsoft Corporation Virtual Machine/Virtual Machine, BIOS Hyper-V UEFI Release v4.1 04/06/2022
Call Trace:
 <TASK>
 dump_stack_lvl+0x4a/0x63
 dump_header+0x4f/0x1f6
 oom_kill_process.cold+0xb/0x10
 out_of_memory+0x1be/0x520
 __alloc_pages_slowpath.constprop.0+0xc2b/0xd20
 __alloc_pages+0x311/0x330
 </TASK>
Mem-Info:
active_anon:1000 inactive_anon:230000 isolated_anon:0
 active_file:100 inactive_file:100 isolated_file:0
 unevictable:0 dirty:0 writeback:0
 slab_reclaimable:3000 slab_unreclaimable:5000
 mapped:100 shmem:200 pagetables:900 bounce:0
 kernel_misc_reclaimable:0
 free:3000 free_pcp:10 free_cma:0
Node 0 DMA free:4000kB min:200kB low:248kB high:296kB reserved_highatomic:0KB active_anon:0kB inactive_anon:4000kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:15992kB managed:15360kB mlocked:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 950 950 950 950
Node 0 DMA32 free:8000kB min:12000kB low:15000kB high:18000kB reserved_highatomic:0KB active_anon:4000kB inactive_anon:916000kB active_file:400kB inactive_file:400kB unevictable:0kB writepending:0kB present:1032192kB managed:990000kB mlocked:0kB bounce:0kB free_pcp:40kB local_pcp:0kB free_cma:0kB
lowmem_reserve[]: 0 0 0 0 0
300 total pagecache pages
Free swap  = 0kB
Total swap = 0kB
262046 pages RAM
0 pages HighMem/MovableOnly
10706 pages reserved
0 pages hwpoisoned
Tasks state (memory values in pages):
[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
[    300]     0   300     8000      300    86016        0          -250 systemd-journal
[    700]  1000   700   300000   100000   901120        0             0 python3
[    812]  1000   812   330000   120000  1015808        0             0 node /srv/app.j
oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/app.service,task=node /srv/app.j,pid=812,uid=1000
Out of memory: Killed process 812 (node /srv/app.j) total-vm:1320000kB, anon-rss:479600kB, file-rss:400kB, shmem-rss:0kB, UID:1000 pgtables:992kB oom_score_adj:0""".split("\n")
with open("two-boots-memcg-comm-balloon.log", "w") as f:
    f.write(HEADER)
    f.write("-- Boot 5a1e2f3c4d5e6f708192a3b4c5d6e7f8 --\n")
    for i, ln in enumerate(I1):
        f.write("[ 1500.%06d] azvm kernel: %s\n" % (100000 + i * 9, ln))
    f.write("[ 1500.300000] azvm systemd[1]: balloon.service: A process of this unit has been killed by the OOM killer.\n")
    f.write("[ 1500.300100] azvm systemd[1]: balloon.service: Failed with result 'oom-kill'.\n")
    f.write("-- Boot 0f9e8d7c6b5a49382716a5b4c3d2e1f0 --\n")
    f.write("[    2.000000] azvm kernel: hv_balloon: Using Dynamic Memory protocol version 2.0\n")
    for i, ln in enumerate(I2):
        f.write("[   50.%06d] azvm kernel: %s\n" % (500000 + i * 9, ln))
    f.write("[   50.900000] azvm systemd[1]: app.service: A process of this unit has been killed by the OOM killer.\n")

# ---- K: no OOM at all: a SysRq memory dump (with the module's Balloon line),
#         a page allocation failure with its own Mem-Info, a program named
#         balloon that segfaults, a balloon driver message.
K = """sysrq: Show Memory
Mem-Info:
active_anon:1000 inactive_anon:2000 isolated_anon:0
 active_file:3000 inactive_file:4000 isolated_file:0
 free:400000 free_pcp:100 free_cma:0
Node 0 DMA32 free:1600000kB boost:0kB min:22000kB low:27000kB high:33000kB reserved_highatomic:0KB active_anon:4000kB inactive_anon:8000kB present:2080624kB managed:1998228kB mlocked:0kB bounce:0kB free_pcp:400kB local_pcp:0kB free_cma:0kB
524154 pages RAM
20757 pages reserved
Balloon InflatedTotal:262144kB InflatedFree:0kB
balloon[2345]: segfault at 0 ip 000055d0c0ffee00 sp 00007ffc0ffee000 error 6 in balloon[55d0c0ffe000+1000]
virtio_balloon virtio2: Out of puff! Can't get 256 pages
kworker/0:1: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0
CPU: 0 PID: 17 Comm: kworker/0:1 Not tainted 6.1.0-26-amd64 #1  Debian 6.1.112-1
Workqueue: events_freezable update_balloon_size_func [virtio_balloon]
Call Trace:
 <TASK>
 dump_stack_lvl+0x44/0x5c
 warn_alloc+0x137/0x160
 __alloc_pages_slowpath.constprop.0+0xd3d/0xe00
 __alloc_pages+0x305/0x330
 </TASK>
Mem-Info:
active_anon:1000 inactive_anon:2000 isolated_anon:0
 active_file:3000 inactive_file:4000 isolated_file:0
 free:2000 free_pcp:100 free_cma:0
Node 0 DMA32 free:8000kB boost:0kB min:22000kB low:27000kB high:33000kB reserved_highatomic:0KB active_anon:4000kB inactive_anon:8000kB present:2080624kB managed:1998228kB mlocked:0kB bounce:0kB free_pcp:400kB local_pcp:0kB free_cma:0kB
524154 pages RAM
20757 pages reserved""".split("\n")
write("no-oom-sysrq-and-allocfail.log", K, dmesg(77.0))

# compressed copies (they share the plain file's .expect)
subprocess.run("gzip -n -9 -c v6.15-node-balloon-global.log > v6.15-node-balloon-global.log.gz", shell=True, check=True)
subprocess.run("xz -9 -c kmsg-records-global.log > kmsg-records-global.log.xz", shell=True, check=True)
subprocess.run("zstd -q -19 -c cpuset-constraint.log > cpuset-constraint.log.zst", shell=True, check=True)
