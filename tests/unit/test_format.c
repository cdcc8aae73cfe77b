/* fmt_kb (src/base/format.c): sizes as people read them, rounded as
 * printf's %.1f rounds, worked out by hand. */
#include "base/format.h"
#include "tap.h"

#include <stdint.h>

static void kb(uint64_t v, const char *want)
{
	char buf[32];
	is_str(fmt_kb(buf, sizeof(buf), v), want, "fmt_kb(%llu)", (unsigned long long)v);
}

int main(void)
{
	kb(0, "0 KiB");
	kb(1023, "1023 KiB");
	kb(1024, "1.0 MiB");
	kb(1536, "1.5 MiB");
	/* 1280 KiB = 1.25 MiB and 1792 KiB = 1.75 MiB exactly: a tie goes to
	 * the even tenth */
	kb(1280, "1.2 MiB");
	kb(1792, "1.8 MiB");
	/* 1331 KiB = 1.2998 MiB, 1332 KiB = 1.3008 MiB */
	kb(1331, "1.3 MiB");
	kb(1332, "1.3 MiB");
	/* 1048575 KiB = 1023.999 MiB: rounds up to 1024.0, still MiB */
	kb(1048575, "1024.0 MiB");
	kb(1048576, "1.0 GiB");
	kb(2097152 + 104858, "2.1 GiB"); /* 2.10000038 GiB */
	kb((uint64_t)1 << 40, "1.0 PiB");
	/* PiB is the largest unit; 2^53 KiB and above go through a double */
	kb((uint64_t)1 << 50, "1024.0 PiB");
	kb(((uint64_t)1 << 53) + 1, "8192.0 PiB"); /* the double rounds it to 2^53 */
	kb(UINT64_MAX, "16777216.0 PiB");    /* (double)UINT64_MAX = 2^64 */
	return tap_done();
}
