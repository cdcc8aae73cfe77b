/* Guest helper: allocate and touch memory 1 MiB at a time until killed
 * (or until the optional limit in MiB is reached, then wait). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long limit = argc > 1 ? strtol(argv[1], NULL, 10) : -1;
	long mib = 0;

	for (;;) {
		if (limit >= 0 && mib >= limit) {
			printf("memhog: holding %ld MiB\n", mib);
			fflush(stdout);
			pause();
			continue;
		}
		char *p = malloc(1 << 20);
		if (!p) {
			printf("memhog: malloc failed after %ld MiB\n", mib);
			return 1;
		}
		memset(p, 0x5a, 1 << 20);
		mib++;
	}
}
