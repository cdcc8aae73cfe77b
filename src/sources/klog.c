#include "sources/klog.h"
#include "sources/sysroot.h"
#include "base/parse.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *klog_source(void)
{
	return sysroot_is_live() ? "/dev/kmsg" : KLOG_CAPTURE_PATH;
}

int klog_parse_record(const char *rec, size_t len, struct klog_record *out)
{
	const char *semi = memchr(rec, ';', len);
	if (!semi)
		return 0;
	/* PRI,SEQ,USEC,FLAGS[,more] */
	const char *p = rec, *end = semi;
	uint64_t f[3];
	for (int i = 0; i < 3; i++) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		if (!c || !parse_u64(p, (size_t)(c - p), 10, &f[i]))
			return 0;
		p = c + 1;
	}
	if (f[0] > 0xffffff)
		return 0;
	out->level = (unsigned)(f[0] & 7);
	out->facility = (unsigned)(f[0] >> 3);
	out->seq = f[1];
	out->usec = f[2];
	out->msg = semi + 1;
	out->msglen = len - (size_t)(semi + 1 - rec);
	return 1;
}

static int read_live(klog_record_fn fn, void *ctx)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char *buf = xmalloc(KLOG_RECORD_MAX + 1);
	int ret = 0;
	for (;;) {
		ssize_t n = read(fd, buf, KLOG_RECORD_MAX);
		if (n < 0) {
			if (errno == EINTR || errno == EPIPE) /* EPIPE: records overwritten under us */
				continue;
			if (errno != EAGAIN)
				ret = -errno;
			break;
		}
		if (n == 0)
			break;
		/* One record per read; the dictionary follows the first newline. */
		const char *nl = memchr(buf, '\n', (size_t)n);
		size_t len = nl ? (size_t)(nl - buf) : (size_t)n;
		if (fn(ctx, buf, len))
			break;
	}
	free(buf);
	close(fd);
	return ret;
}

/* The captured file: one record per line, dictionary lines start with a space. */
static int read_capture(klog_record_fn fn, void *ctx)
{
	/* O_NONBLOCK: a FIFO must not block the open; only a regular file of
	 * bounded size is a capture (a link to /dev/zero never ends). */
	int fd = sysroot_open(KLOG_CAPTURE_PATH, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > KLOG_CAPTURE_MAX) {
		close(fd);
		return -EFBIG;
	}
	size_t cap = 2 * KLOG_RECORD_MAX, len = 0;
	char *buf = xmalloc(cap);
	bool skipping = false; /* inside a line longer than any record */
	int ret = 0;
	uint64_t total = 0; /* st_size is 0 for procfs files: count what is read */
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		total += (uint64_t)n;
		if (total > KLOG_CAPTURE_MAX) {
			ret = -EFBIG;
			break;
		}
		size_t avail = len + (size_t)n;
		size_t start = 0;
		bool stop = false;
		for (;;) {
			char *nl = memchr(buf + start, '\n', avail - start);
			if (!nl)
				break;
			size_t l = (size_t)(nl - (buf + start));
			if (!skipping && l && buf[start] != ' ' && fn(ctx, buf + start, l)) {
				stop = true;
				break;
			}
			skipping = false;
			start += l + 1;
		}
		if (stop)
			break;
		if (n == 0) {
			if (!skipping && avail > start && buf[start] != ' ')
				fn(ctx, buf + start, avail - start);
			break;
		}
		memmove(buf, buf + start, avail - start);
		len = avail - start;
		if (len == cap) { /* an over-long line: drop it */
			skipping = true;
			len = 0;
		}
	}
	free(buf);
	close(fd);
	return ret;
}

int klog_foreach_record(klog_record_fn fn, void *ctx)
{
	return sysroot_is_live() ? read_live(fn, ctx) : read_capture(fn, ctx);
}
