/* virtio-mem's size lines in the kernel log. dev_info() prefixes the
 * driver and device names: "virtio_mem virtioN: <key>: 0x<hex>". Any other
 * shape is not one of them and is left alone. */
#include "sources/virtio_mem.h"
#include "base/parse.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static struct virtio_mem_log *slot(struct klog_summary *k, const char *name, size_t n)
{
	for (unsigned i = 0; i < k->nvmem; i++)
		if (strlen(k->vmem[i].name) == n && memcmp(k->vmem[i].name, name, n) == 0)
			return &k->vmem[i];
	if (k->nvmem >= VIRTIO_MEM_LOG_MAX) /* more devices than any VM has: the first ones are kept */
		return NULL;
	struct virtio_mem_log *v = &k->vmem[k->nvmem++];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%.*s", (int)n, name);
	return v;
}

bool virtio_mem_klog_message(struct klog_summary *k, const char *msg, size_t n)
{
	static const char prefix[] = "virtio_mem virtio";
	if (n < sizeof(prefix) || memcmp(msg, prefix, sizeof(prefix) - 1) != 0)
		return false;
	const char *name = msg + sizeof(prefix) - 1 - 6; /* "virtio" + digits */
	const char *p = msg + sizeof(prefix) - 1, *end = msg + n;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (p == name + 6 || (size_t)(p - name) >= sizeof(k->vmem[0].name) || end - p < 2 || p[0] != ':' || p[1] != ' ')
		return false;
	size_t namelen = (size_t)(p - name);
	p += 2;
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "plugged size: ", offsetof(struct virtio_mem_log, plugged_bytes) },
		{ "requested size: ", offsetof(struct virtio_mem_log, requested_bytes) },
		{ "device block size: ", offsetof(struct virtio_mem_log, block_size_bytes) },
		{ "region size: ", offsetof(struct virtio_mem_log, region_size_bytes) },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t kl = strlen(keys[i].key);
		if ((size_t)(end - p) <= kl || memcmp(p, keys[i].key, kl) != 0)
			continue;
		const char *v = p + kl;
		size_t vlen = (size_t)(end - v);
		uint64_t x;
		/* "0x%llx"; a trailing newline may still be there */
		if (vlen < 3 || v[0] != '0' || v[1] != 'x' || !parse_u64(v, vlen, 16, &x))
			return false;
		struct virtio_mem_log *s = slot(k, name, namelen);
		if (!s)
			return false;
		*(struct opt_u64 *)((char *)s + keys[i].off) = opt_u64(x);
		return true;
	}
	return false;
}
