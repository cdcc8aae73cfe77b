/* Numbers and names in QMP replies, sizes and addresses on the command line. */
#include "host/size.h"
#include "host/transport.h"
#include "host/values.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t size_or_max(const char *s)
{
	uint64_t v;
	const char *why;
	return parse_size_bytes(s, &v, &why) ? v : UINT64_MAX;
}

int main(void)
{
	struct json_object *o = json_tokener_parse(
		"{\"max\": 18446744073709551615, \"neg\": -1, \"zero\": 0, \"big\": 9223372036854775808,"
		" \"s\": \"12\", \"base-memory\": 268435456, \"f\": 1.5}");
	struct json_object *v;
	json_object_object_get_ex(o, "max", &v);
	ok(!qmp_stat_value(v).known, "UINT64_MAX: not reported");
	json_object_object_get_ex(o, "neg", &v);
	ok(!qmp_stat_value(v).known, "-1: not reported");
	json_object_object_get_ex(o, "zero", &v);
	ok(qmp_stat_value(v).known && qmp_stat_value(v).v == 0, "0 is a value, not unknown");
	json_object_object_get_ex(o, "big", &v);
	is_u64(qmp_stat_value(v).v, 9223372036854775808ULL, "2^63 is kept (get_int64 would clamp it)");
	json_object_object_get_ex(o, "s", &v);
	ok(!qmp_stat_value(v).known, "a string is not a number");
	json_object_object_get_ex(o, "f", &v);
	ok(!qmp_stat_value(v).known, "a fraction is not a statistic");
	ok(!qmp_stat_value(NULL).known, "a missing member is unknown");
	is_u64(qmp_member_u64(o, "base-memory").v, 268435456, "member: base-memory");
	ok(!qmp_member_u64(o, "neg").known, "member: negative is unknown");
	ok(!qmp_member_u64(o, "nope").known, "member: missing is unknown");
	ok(qmp_member_str(o, "s") && strcmp(qmp_member_str(o, "s"), "12") == 0, "string member");
	ok(qmp_member_str(o, "zero") == NULL, "a number is not a string member");
	json_object_put(o);

	char *k = qmp_stat_key("stat-available-memory");
	is_str(k, "available_memory", "stat key: prefix dropped, snake_case");
	free(k);
	k = qmp_stat_key("stat-htlb-pgalloc");
	is_str(k, "htlb_pgalloc", "stat key: htlb");
	free(k);
	k = qmp_stat_key("future-thing");
	is_str(k, "future_thing", "stat key: unknown names survive");
	free(k);

	is_u64(size_or_max("1073741824"), 1073741824ULL, "size: bytes");
	is_u64(size_or_max("512K"), 512ULL * 1024, "size: K");
	is_u64(size_or_max("256M"), 268435456ULL, "size: M");
	is_u64(size_or_max("256MiB"), 268435456ULL, "size: MiB");
	is_u64(size_or_max("1g"), 1073741824ULL, "size: lower-case g");
	is_u64(size_or_max("2GB"), 2147483648ULL, "size: GB is 1024-based too");
	is_u64(size_or_max("1T"), 1099511627776ULL, "size: T");
	is_u64(size_or_max("100B"), 100, "size: B");
	is_u64(size_or_max("1.5G"), UINT64_MAX, "size: fractions are refused");
	is_u64(size_or_max("-1G"), UINT64_MAX, "size: negative refused");
	is_u64(size_or_max("G"), UINT64_MAX, "size: no number refused");
	is_u64(size_or_max("12Q"), UINT64_MAX, "size: unknown unit refused");
	is_u64(size_or_max("17179869184G"), UINT64_MAX, "size: overflow refused");
	is_u64(size_or_max("18446744073709551616"), UINT64_MAX, "size: too many bytes refused");
	is_u64(size_or_max(""), UINT64_MAX, "size: empty refused");

	char buf[32];
	is_str(fmt_bytes(buf, sizeof(buf), 0), "0 B", "fmt: zero");
	is_str(fmt_bytes(buf, sizeof(buf), 268435456), "256 MiB", "fmt: 256 MiB");
	is_str(fmt_bytes(buf, sizeof(buf), 1610612736), "1.5 GiB", "fmt: 1.5 GiB");

	char *host = NULL, *port = NULL;
	ok(qmp_address_is_tcp("localhost:4444", &host, &port) && strcmp(host, "localhost") == 0 &&
		   strcmp(port, "4444") == 0,
	   "host:port is TCP");
	free(host);
	free(port);
	ok(qmp_address_is_tcp("[::1]:4444", &host, &port) && strcmp(host, "::1") == 0, "[v6]:port is TCP");
	free(host);
	free(port);
	ok(qmp_address_is_tcp("tcp:10.0.0.1:5555", &host, &port) && strcmp(port, "5555") == 0, "tcp: prefix");
	free(host);
	free(port);
	ok(!qmp_address_is_tcp("/run/vm:1/qmp.sock", NULL, NULL), "a path with a slash is a unix socket");
	ok(!qmp_address_is_tcp("unix:qmp.sock", NULL, NULL), "unix: prefix");
	ok(!qmp_address_is_tcp("qmp.sock", NULL, NULL), "a bare name is a unix socket");
	return tap_done();
}
