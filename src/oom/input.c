/* Plain reads go straight into the caller's buffer; compressed data is
 * decoded through a fixed input buffer, so memory stays bounded. */
#include "oom/input.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "base/util.h"

#define IN_BUF (256 * 1024)
/* zstd's window for the same cap: 2^28 bytes */
#define ZSTD_WINDOW_LOG_MAX 28

enum fmt { FMT_PLAIN, FMT_GZIP, FMT_XZ, FMT_ZSTD };

struct oom_input {
	int fd;
	bool own_fd;
	enum fmt fmt;
	unsigned char *ibuf; /* compressed input, or the peeked bytes */
	size_t ipos, ilen;
	bool in_eof, done;
	bool mid, after_member, flush; /* decoder state, see read_gzip/read_zstd */
	z_stream z;
	lzma_stream x;
	ZSTD_DStream *zs;
	char *back; /* oom_input_unread: given out before anything else */
	size_t back_pos, back_len;
};

static ssize_t read_fd(int fd, void *buf, size_t len)
{
	for (;;) {
		ssize_t r = read(fd, buf, len);
		if (r >= 0)
			return r;
		if (errno != EINTR)
			return -errno;
	}
}

/* Refills ibuf when empty; false at the end of the file. */
static int refill(struct oom_input *in)
{
	if (in->ipos < in->ilen)
		return 1;
	if (in->in_eof)
		return 0;
	ssize_t r = read_fd(in->fd, in->ibuf, IN_BUF);
	if (r < 0)
		return (int)r;
	in->ipos = 0;
	in->ilen = (size_t)r;
	if (r == 0)
		in->in_eof = true;
	return r > 0;
}

/* A named file opens without blocking (a FIFO with no writer, a device)
 * and must be a regular file or a FIFO: a device such as /dev/zero or
 * /dev/kmsg never ends, or blocks at its end (/dev/null, empty at once, is
 * the one device allowed). Regular files keep O_NONBLOCK, so a blocking
 * pseudo-file (/proc/kmsg) fails with EAGAIN instead of hanging. A FIFO
 * turns blocking: it is read until its writers close it, and with no
 * writer at all it reads as empty at once. */
static int open_named(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	if (S_ISFIFO(st.st_mode)) {
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
	} else if (!S_ISREG(st.st_mode) && !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))) {
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -OOM_INPUT_ENOTFILE;
	}
	return fd;
}

int oom_input_open(const char *path, struct oom_input **out)
{
	struct oom_input *in = xcalloc(1, sizeof(*in));
	if (strcmp(path, "-") == 0) {
		in->fd = STDIN_FILENO;
	} else {
		in->fd = open_named(path);
		if (in->fd < 0) {
			int e = in->fd;
			free(in);
			return e;
		}
		in->own_fd = true;
	}
	in->ibuf = xmalloc(IN_BUF);
	/* peek enough for the magic bytes */
	while (in->ilen < 6 && !in->in_eof) {
		ssize_t r = read_fd(in->fd, in->ibuf + in->ilen, IN_BUF - in->ilen);
		if (r < 0) {
			oom_input_close(in);
			return (int)r;
		}
		if (r == 0)
			in->in_eof = true;
		in->ilen += (size_t)r;
	}
	const unsigned char *m = in->ibuf;
	if (in->ilen >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
		in->fmt = FMT_GZIP;
		if (inflateInit2(&in->z, 15 + 16) != Z_OK)
			goto nomem;
	} else if (in->ilen >= 6 && memcmp(m, "\xfd" "7zXZ\0", 6) == 0) {
		in->fmt = FMT_XZ;
		lzma_stream init = LZMA_STREAM_INIT;
		in->x = init;
		if (lzma_stream_decoder(&in->x, OOM_INPUT_MEM_MAX, LZMA_CONCATENATED) != LZMA_OK)
			goto nomem;
	} else if (in->ilen >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
		in->fmt = FMT_ZSTD;
		in->zs = ZSTD_createDStream();
		if (!in->zs)
			goto nomem;
		ZSTD_initDStream(in->zs);
		if (ZSTD_isError(ZSTD_DCtx_setParameter(in->zs, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX)))
			goto nomem;
	}
	*out = in;
	return 0;
nomem:
	oom_input_close(in);
	return -ENOMEM;
}

/* mid: inside a gzip member (its end not seen yet); at the end of the
 * file that means the file was cut. Bytes after a complete member that do
 * not start another one are ignored, as gzip(1) does. */
static ssize_t read_gzip(struct oom_input *in, char *buf, size_t len)
{
	uInt want = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
	in->z.next_out = (Bytef *)buf;
	in->z.avail_out = want;
	while (in->z.avail_out == want) {
		int r = 1;
		if (in->ipos == in->ilen && (r = refill(in)) < 0)
			return r;
		in->z.next_in = in->ibuf + in->ipos;
		in->z.avail_in = (uInt)(in->ilen - in->ipos);
		int zr = inflate(&in->z, Z_NO_FLUSH);
		in->ipos = in->ilen - in->z.avail_in;
		if (zr == Z_STREAM_END) {
			in->mid = false;
			in->after_member = true;
			if (inflateReset(&in->z) != Z_OK)
				return -EILSEQ;
		} else if (zr == Z_BUF_ERROR) {
			if (r == 0)
				return in->mid ? -EILSEQ : 0;
		} else if (zr != Z_OK) {
			if (in->after_member && !in->mid) {
				in->ipos = in->ilen;
				in->in_eof = true;
				return 0;
			}
			return -EILSEQ;
		} else {
			in->mid = true;
		}
	}
	return (ssize_t)(want - in->z.avail_out);
}

static ssize_t read_xz(struct oom_input *in, char *buf, size_t len)
{
	in->x.next_out = (uint8_t *)buf;
	in->x.avail_out = len;
	while (in->x.avail_out == len && !in->done) {
		int r = refill(in);
		if (r < 0)
			return r;
		in->x.next_in = in->ibuf + in->ipos;
		in->x.avail_in = in->ilen - in->ipos;
		lzma_ret lr = lzma_code(&in->x, r == 0 ? LZMA_FINISH : LZMA_RUN);
		in->ipos = in->ilen - in->x.avail_in;
		if (lr == LZMA_STREAM_END)
			in->done = true;
		else if (lr == LZMA_MEMLIMIT_ERROR)
			return -OOM_INPUT_EMEMLIMIT;
		else if (lr != LZMA_OK)
			return lr == LZMA_MEM_ERROR ? -ENOMEM : -EILSEQ;
		else if (r == 0 && in->x.avail_out == len)
			return -EILSEQ; /* truncated */
	}
	return (ssize_t)(len - in->x.avail_out);
}

/* mid: a frame is not complete yet; flush: the output filled up, so the
 * decoder may hold more without needing input. */
static ssize_t read_zstd(struct oom_input *in, char *buf, size_t len)
{
	ZSTD_outBuffer ob = { buf, len, 0 };
	while (ob.pos == 0) {
		if (in->ipos == in->ilen && !in->flush) {
			int r = refill(in);
			if (r < 0)
				return r;
			if (r == 0)
				return in->mid ? -EILSEQ : 0;
		}
		ZSTD_inBuffer ib = { in->ibuf + in->ipos, in->ilen - in->ipos, 0 };
		size_t zr = ZSTD_decompressStream(in->zs, &ob, &ib);
		in->ipos += ib.pos;
		if (ZSTD_isError(zr))
			return ZSTD_getErrorCode(zr) == ZSTD_error_frameParameter_windowTooLarge ? -OOM_INPUT_EMEMLIMIT
												   : -EILSEQ;
		in->mid = zr != 0;
		/* zr == 0: the frame is complete and flushed. Calling again
		 * with no input would start a next frame and look cut. */
		in->flush = zr != 0 && ob.pos == ob.size;
	}
	return (ssize_t)ob.pos;
}

ssize_t oom_input_read(struct oom_input *in, char *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (in->back_pos < in->back_len) {
		size_t n = in->back_len - in->back_pos < len ? in->back_len - in->back_pos : len;
		memcpy(buf, in->back + in->back_pos, n);
		in->back_pos += n;
		if (in->back_pos == in->back_len) { /* up to 16 MiB: not kept to the end */
			free(in->back);
			in->back = NULL;
			in->back_pos = in->back_len = 0;
		}
		return (ssize_t)n;
	}
	switch (in->fmt) {
	case FMT_GZIP:
		return read_gzip(in, buf, len);
	case FMT_XZ:
		return read_xz(in, buf, len);
	case FMT_ZSTD:
		return read_zstd(in, buf, len);
	default:
		break;
	}
	if (in->ipos < in->ilen) { /* the peeked bytes first */
		size_t n = in->ilen - in->ipos < len ? in->ilen - in->ipos : len;
		memcpy(buf, in->ibuf + in->ipos, n);
		in->ipos += n;
		return (ssize_t)n;
	}
	if (in->in_eof)
		return 0;
	return read_fd(in->fd, buf, len);
}

bool oom_input_mappable(const struct oom_input *in, uint64_t min, int *fd, uint64_t *size)
{
	struct stat st;
	if (in->fmt != FMT_PLAIN || !in->own_fd || in->back_pos < in->back_len || fstat(in->fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < 0 || (uint64_t)st.st_size < min)
		return false;
	*fd = in->fd;
	*size = (uint64_t)st.st_size;
	return true;
}

int oom_input_seek(struct oom_input *in, uint64_t off)
{
	if (in->fmt != FMT_PLAIN || off > (uint64_t)INT64_MAX)
		return -EINVAL;
	if (lseek(in->fd, (off_t)off, SEEK_SET) < 0)
		return -errno;
	in->ipos = in->ilen = 0; /* the peeked bytes are behind */
	in->in_eof = false;
	return 0;
}

const char *oom_input_strerror(int err)
{
	switch (-err) {
	case EILSEQ:
		return "corrupt compressed data";
	case OOM_INPUT_EMEMLIMIT:
		return "needs more than " OOM_INPUT_MEM_MAX_TEXT
		       " to decompress: refused (a crafted header can ask for gigabytes)";
	case OOM_INPUT_ESHRANK:
		return "the file was cut while it was read";
	case OOM_INPUT_ENOTFILE:
		return "not a regular file or a pipe: refused (a device can block or never end)";
	default:
		return strerror(-err);
	}
}

const char *oom_input_format(const struct oom_input *in)
{
	static const char *const names[] = { "plain", "gzip", "xz", "zstd" };
	return names[in->fmt];
}

void oom_input_close(struct oom_input *in)
{
	if (!in)
		return;
	if (in->fmt == FMT_GZIP)
		inflateEnd(&in->z);
	else if (in->fmt == FMT_XZ)
		lzma_end(&in->x);
	else if (in->fmt == FMT_ZSTD)
		ZSTD_freeDStream(in->zs);
	if (in->own_fd)
		close(in->fd);
	free(in->ibuf);
	free(in->back);
	free(in);
}

void oom_input_unread(struct oom_input *in, char *buf, size_t len)
{
	free(in->back);
	in->back = buf;
	in->back_pos = 0;
	in->back_len = len;
}
