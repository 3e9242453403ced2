#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vm/kvmstats.h"

/* Each descriptor is the struct followed by name_size bytes of name. */
static int find(struct kvmstats *s, const struct kvm_stats_header *h, const uint8_t *descs,
		const char *name)
{
	size_t size = sizeof(struct kvm_stats_desc) + h->name_size;

	for (uint32_t i = 0; i < h->num_desc; i++) {
		const uint8_t *p = descs + i * size;
		struct kvm_stats_desc d;

		memcpy(&d, p, sizeof(d)); /* descriptors need not be aligned */
		if ((d.flags & KVM_STATS_TYPE_MASK) == KVM_STATS_TYPE_CUMULATIVE && d.size == 1 &&
		    !strncmp((const char *)p + sizeof(d), name, h->name_size)) {
			s->offset = h->data_offset + d.offset;
			return 0;
		}
	}
	return -1;
}

static int read_descriptors(struct kvmstats *s, const char *name)
{
	struct kvm_stats_header h;
	uint8_t *descs;
	size_t len;
	int ok = -1;

	if (pread(s->fd, &h, sizeof(h), 0) != sizeof(h) || h.name_size > 4096 || h.num_desc > 65536)
		return -1;
	len = (sizeof(struct kvm_stats_desc) + h.name_size) * h.num_desc;
	descs = malloc(len);
	if (descs && pread(s->fd, descs, len, h.desc_offset) == (ssize_t)len)
		ok = find(s, &h, descs, name);
	free(descs);
	return ok;
}

void kvmstats_open(struct kvmstats *s, struct vm *vm, int vcpu_fd, const char *name)
{
	s->fd = -1;
	s->offset = 0;
	if (vm_cap(vm, KVM_CAP_BINARY_STATS_FD) <= 0)
		return;
	s->fd = KVM_CALL(vm, vcpu_fd, KVM_GET_STATS_FD, NULL);
	if (s->fd >= 0 && read_descriptors(s, name) < 0)
		kvmstats_close(s);
}

uint64_t kvmstats_read(const struct kvmstats *s)
{
	uint64_t v;

	return s->fd >= 0 && pread(s->fd, &v, sizeof(v), s->offset) == sizeof(v) ? v : 0;
}

void kvmstats_close(struct kvmstats *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
