#include "sources/procfs.h"
#include "tap.h"

#include <string.h>

int main(void)
{
	struct meminfo m;
	struct vmstat v;
	struct pressure p;

	/* The kernel's "%-16s%8lu kB" layout, and the 6.15 Balloon: line. */
	static const char mi[] = "MemTotal:       24684084 kB\n"
				 "MemFree:        24174220 kB\n"
				 "MemAvailable:   24392292 kB\n"
				 "Buffers:           12345 kB\n"
				 "Cached:           678901 kB\n"
				 "SwapTotal:              0 kB\n"
				 "SwapFree:               0 kB\n"
				 "HugePages_Total:       0\n"
				 "Balloon:          1048576 kB\n";
	memset(&m, 0, sizeof(m));
	is_u64(meminfo_parse(mi, strlen(mi), &m), 0, "meminfo parses clean");
	ok(m.mem_total_kb.known && m.mem_total_kb.v == 24684084, "MemTotal");
	ok(m.mem_available_kb.known && m.mem_available_kb.v == 24392292, "MemAvailable");
	ok(m.balloon_kb.known && m.balloon_kb.v == 1048576, "Balloon:");
	ok(m.cached_kb.known && m.cached_kb.v == 678901, "Cached");
	ok(!m.inflated_total_kb.known, "no InflatedTotal line: unknown, not 0");

	static const char vz[] = "MemTotal: 6291456 kB\nInflatedTotal:   2097152 kB\nInflatedFree:          0 kB\n";
	memset(&m, 0, sizeof(m));
	meminfo_parse(vz, strlen(vz), &m);
	ok(m.inflated_total_kb.known && m.inflated_total_kb.v == 2097152, "Virtuozzo InflatedTotal");
	ok(m.inflated_free_kb.known && m.inflated_free_kb.v == 0, "Virtuozzo InflatedFree known 0");
	ok(!m.balloon_kb.known, "no Balloon: line means unknown");

	static const char bad[] = "MemTotal: lots kB\nMemFree: 99999999999999999999999 kB\nBalloon: 12 MB\ngarbage\n";
	memset(&m, 0, sizeof(m));
	is_u64(meminfo_parse(bad, strlen(bad), &m), 4, "four bad lines counted");
	ok(!m.mem_total_kb.known && !m.mem_free_kb.known && !m.balloon_kb.known, "bad values stay unknown");

	static const char vm[] = "nr_free_pages 100\nnr_balloon_pages 262144\nballoon_inflate 300000\n"
				 "balloon_deflate 37856\nballoon_migrate 0\npswpin 5\npswpout 6\npgmajfault 7\n";
	memset(&v, 0, sizeof(v));
	is_u64(vmstat_parse(vm, strlen(vm), &v), 0, "vmstat parses clean");
	ok(v.nr_balloon_pages.known && v.nr_balloon_pages.v == 262144, "nr_balloon_pages");
	ok(v.balloon_inflate.v == 300000 && v.balloon_deflate.v == 37856, "inflate/deflate");
	ok(v.balloon_migrate.known && v.balloon_migrate.v == 0, "balloon_migrate known 0");
	ok(v.pgmajfault.v == 7 && v.pswpin.v == 5 && v.pswpout.v == 6, "swap and faults");
	static const char vmbad[] = "balloon_inflate -1\nballoon_deflate\n";
	memset(&v, 0, sizeof(v));
	ok(vmstat_parse(vmbad, strlen(vmbad), &v) == 2 && !v.balloon_inflate.known && !v.balloon_deflate.known,
	   "bad vmstat lines counted, values unknown");

	static const char psi[] = "some avg10=12.50 avg60=1.00 avg300=0.50 total=123456\n"
				  "full avg10=3.00 avg60=0.50 avg300=0.10 total=65432\n";
	memset(&p, 0, sizeof(p));
	is_u64(pressure_parse(psi, strlen(psi), &p), 0, "PSI parses clean");
	ok(p.some.known && p.some.avg10 == 12.5 && p.some.total_us == 123456, "some line");
	ok(p.full.known && p.full.avg10 == 3.0, "full line");
	static const char psibad[] = "some avg10=x avg60=1.00 avg300=0.50 total=1\nfull avg10=1\n";
	memset(&p, 0, sizeof(p));
	ok(pressure_parse(psibad, strlen(psibad), &p) == 2 && !p.some.known && !p.full.known, "bad PSI unknown");
	return tap_done();
}
