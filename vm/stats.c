#include <linux/kvm.h>
#include <string.h>

#include "lib/log.h"
#include "vm/stats.h"

void stats_init(struct stats *s, bool enabled, bool trace)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->ioctl_lock, NULL);
	s->enabled = enabled;
	s->trace = trace;
}

/* Keyed by request number, an integer compare: this runs on every
 * KVM_RUN. The name is kept for printing. */
void stats_ioctl(struct stats *s, unsigned long req, const char *name)
{
	int i;

	pthread_mutex_lock(&s->ioctl_lock);
	for (i = 0; i < s->nr_ioctls && s->ioctls[i].key != req; i++)
		;
	if (i < s->nr_ioctls)
		s->ioctls[i].count++;
	else if (s->nr_ioctls < STATS_MAX_IOCTLS)
		s->ioctls[s->nr_ioctls++] = (struct counter){ req, name, 1 };
	pthread_mutex_unlock(&s->ioctl_lock);
}

void stats_exit(struct exit_stats *s, uint32_t reason)
{
	if (reason < STATS_MAX_EXIT)
		s->exits[reason]++;
	else
		s->exits_other++;
}

static void count_n(struct counter_table *t, uint64_t key, uint64_t n, uint64_t writes)
{
	for (int i = 0; i < t->nr; i++) {
		if (t->c[i].key == key) {
			t->c[i].count += n;
			t->c[i].writes += writes;
			return;
		}
	}
	if (t->nr < STATS_MAX_ADDRS)
		t->c[t->nr++] = (struct counter){ key, NULL, n, writes };
	else
		t->other += n;
}

void stats_count(struct counter_table *t, uint64_t key, bool write)
{
	count_n(t, key, 1, write);
}

static void merge(struct counter_table *dst, const struct counter_table *src)
{
	for (int i = 0; i < src->nr; i++)
		count_n(dst, src->c[i].key, src->c[i].count, src->c[i].writes);
	dst->other += src->other;
}

const char *stats_exit_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN",
		[KVM_EXIT_EXCEPTION] = "EXCEPTION",
		[KVM_EXIT_IO] = "IO",
		[KVM_EXIT_HYPERCALL] = "HYPERCALL",
		[KVM_EXIT_DEBUG] = "DEBUG",
		[KVM_EXIT_HLT] = "HLT",
		[KVM_EXIT_MMIO] = "MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[KVM_EXIT_INTR] = "INTR",
		[KVM_EXIT_SET_TPR] = "SET_TPR",
		[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
		[KVM_EXIT_NMI] = "NMI",
		[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
		[KVM_EXIT_X86_RDMSR] = "X86_RDMSR",
		[KVM_EXIT_X86_WRMSR] = "X86_WRMSR",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "?";
}

/* Exits are split into reads and writes; ring entries are all writes. */
static void print_table(FILE *f, const char *title, const struct counter_table *t, bool split)
{
	if (!t->nr)
		return;
	fprintf(f, "  %s:\n", title);
	for (int i = 0; i < t->nr; i++) {
		fprintf(f, "    %#-12llx %llu", (unsigned long long)t->c[i].key,
			(unsigned long long)t->c[i].count);
		if (split)
			fprintf(f, " (reads %llu, writes %llu)",
				(unsigned long long)(t->c[i].count - t->c[i].writes),
				(unsigned long long)t->c[i].writes);
		fputc('\n', f);
	}
	if (t->other)
		fprintf(f, "    %-12s %llu\n", "other", (unsigned long long)t->other);
}

static uint64_t print_exits(FILE *f, const char *indent, const struct exit_stats *e)
{
	uint64_t total = e->exits_other;

	for (int i = 0; i < STATS_MAX_EXIT; i++)
		total += e->exits[i];
	fprintf(f, "%sexits to userspace: %llu\n", indent, (unsigned long long)total);
	for (int i = 0; i < STATS_MAX_EXIT; i++)
		if (e->exits[i])
			fprintf(f, "%s  %-16s %llu\n", indent, stats_exit_name(i),
				(unsigned long long)e->exits[i]);
	return total;
}

void stats_print(const struct stats *s, const struct exit_stats *const *vcpus, int n)
{
	FILE *f = log_stream();
	struct exit_stats all = { 0 };

	for (int v = 0; v < n; v++) {
		for (int i = 0; i < STATS_MAX_EXIT; i++)
			all.exits[i] += vcpus[v]->exits[i];
		all.exits_other += vcpus[v]->exits_other;
		merge(&all.pio, &vcpus[v]->pio);
		merge(&all.mmio, &vcpus[v]->mmio);
	}
	fprintf(f, "vmm stats:\n");
	print_exits(f, "  ", &all);
	print_table(f, "port I/O exits by port", &all.pio, true);
	print_table(f, "MMIO exits by address", &all.mmio, true);
	fprintf(f, "  coalesced entries drained: %llu (in %llu drains)\n",
		(unsigned long long)s->ring_drained, (unsigned long long)s->ring_drains);
	print_table(f, "coalesced entries by address", &s->ring, false);
	fprintf(f, "  ioctls:\n");
	for (int i = 0; i < s->nr_ioctls; i++)
		fprintf(f, "    %-28s %llu\n", s->ioctls[i].name,
			(unsigned long long)s->ioctls[i].count);
	if (s->tx_dropped)
		fprintf(f, "  output bytes dropped: %llu\n", (unsigned long long)s->tx_dropped);
	for (int v = 0; n > 1 && v < n; v++) {
		fprintf(f, "  vCPU %d:\n", v);
		print_exits(f, "    ", vcpus[v]);
	}
}
