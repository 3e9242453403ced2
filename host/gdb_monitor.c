/* `monitor` commands: what the seed mechanisms look like on a stopped
 * vCPU. Each says where its answer came from and what it cost: registers
 * read from kvm_run (sync_regs, 0 ioctls), an MSR through one
 * KVM_GET_ONE_REG, the coalesced ring's indexes, the exits so far. */
#include <errno.h>
#include <string.h>

#include "host/gdb.h"
#include "host/parse.h"
#include "lib/machine.h"
#include "vm/onereg.h"

#define MAX_WORDS 4

static const struct {
	uint32_t index;
	const char *name;
} msr_names[] = {
	{ MSR_IA32_TSC, "TSC" },
	{ MSR_IA32_APIC_BASE, "APIC_BASE" },
	{ MSR_IA32_SYSENTER_CS, "SYSENTER_CS" },
	{ MSR_IA32_MISC_ENABLE, "MISC_ENABLE" },
	{ MSR_IA32_PAT, "PAT" },
	{ MSR_EFER, "EFER" },
	{ MSR_STAR, "STAR" },
	{ MSR_LSTAR, "LSTAR" },
	{ MSR_FS_BASE, "FS_BASE" },
	{ MSR_GS_BASE, "GS_BASE" },
	{ MSR_KERNEL_GS_BASE, "KERNEL_GS_BASE" },
};

static const char *msr_name(uint32_t index)
{
	for (size_t i = 0; i < sizeof(msr_names) / sizeof(msr_names[0]); i++)
		if (msr_names[i].index == index)
			return msr_names[i].name;
	return "";
}

static void help(struct gdb *g)
{
	gdb_console(g, "vmm monitor commands, on the vCPU `thread N` selects (every vCPU is "
		       "stopped):\n"
		       "  regs             general registers, as kvm_run's sync regs hold them\n"
		       "  sregs            segment and control registers (KVM_SYNC_X86_SREGS)\n"
		       "  msr INDEX        read an MSR: one KVM_GET_ONE_REG (or KVM_GET_MSRS)\n"
		       "  msr INDEX VALUE  write one: one KVM_SET_ONE_REG (or KVM_SET_MSRS)\n"
		       "  reglist          KVM_GET_REG_LIST: what KVM lists besides MSRs\n"
		       "  walk ADDR        a guest-virtual address through the page tables\n"
		       "  ring             the coalesced MMIO/PIO ring: waiting and replayed\n"
		       "  exits            exits to userspace so far, by reason and vCPU\n"
		       "  debug            this KVM's guest debugging, breakpoints in use\n");
}

static void regs(struct gdb *g, struct vcpu *v)
{
	bool cost = !v->sync_regs && !v->regs_valid;
	const struct kvm_regs *r = vcpu_regs(v);

	gdb_console(g, "vCPU %d registers, %s\n", v->id,
		    v->sync_regs ? "from kvm_run->s.regs.regs (sync_regs): 0 ioctls"
		    : cost       ? "from KVM_GET_REGS (--no-sync-regs): 1 ioctl"
				 : "from KVM_GET_REGS earlier in this stop: 0 ioctls now");
	gdb_console(g,
		    "  rip %016llx rsp %016llx rflags %08llx\n"
		    "  rax %016llx rbx %016llx rcx %016llx\n"
		    "  rdx %016llx rsi %016llx rdi %016llx\n"
		    "  rbp %016llx r8  %016llx r9  %016llx\n",
		    r->rip, r->rsp, r->rflags, r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi,
		    r->rbp, r->r8, r->r9);
}

static void sregs(struct gdb *g, struct vcpu *v)
{
	const struct kvm_sregs *s = vcpu_sregs_view(v);

	gdb_console(g, "vCPU %d special registers, %s\n", v->id,
		    v->sync_regs ? "from kvm_run->s.regs.sregs: KVM stored them as the vCPU "
				   "stopped (KVM_SYNC_X86_SREGS in kvm_valid_regs), 0 ioctls now"
				 : "from KVM_GET_SREGS (--no-sync-regs)");
	gdb_console(g,
		    "  cr0 %08llx cr2 %016llx cr3 %016llx cr4 %08llx efer %llx\n"
		    "  cs %04x base %llx %s  ss %04x  fs base %llx  gs base %llx\n"
		    "  gdt %llx limit %x  idt %llx limit %x  %s\n",
		    s->cr0, s->cr2, s->cr3, s->cr4, s->efer, s->cs.selector, s->cs.base,
		    s->cs.l    ? "64-bit"
		    : s->cs.db ? "32-bit"
			       : "16-bit",
		    s->ss.selector, s->fs.base, s->gs.base, s->gdt.base, s->gdt.limit, s->idt.base,
		    s->idt.limit, paging_mode_name(paging_mode(s)));
}

static void msr(struct gdb *g, struct vcpu *v, char **w, int n)
{
	struct debug *d = &g->debug;
	bool set = n == 3;
	uint64_t index, value = 0;
	char id[48] = "";

	if (n < 2 || n > 3 || parse_u64(w[1], &index) < 0 || index > 0xffffffffu ||
	    (set && parse_u64(w[2], &value) < 0))
		return gdb_console(g, "usage: monitor msr INDEX [VALUE]  (e.g. msr 0xc0000080)\n");
	if (d->probe.msrs_one_reg)
		snprintf(id, sizeof(id), ", id %#llx",
			 (unsigned long long)onereg_msr_id((uint32_t)index));
	if ((set ? debug_msr_set(d, v, (uint32_t)index, value)
		 : debug_msr_get(d, v, (uint32_t)index, &value)) < 0)
		return gdb_console(g, "MSR %#llx %s: %s: %s\n", (unsigned long long)index,
				   msr_name((uint32_t)index),
				   msr_method(d->probe.msrs_one_reg, set), strerror(errno));
	gdb_console(g, "MSR %#llx %s %s %#llx  (vCPU %d, %s: 1 ioctl%s)\n",
		    (unsigned long long)index, msr_name((uint32_t)index), set ? "<-" : "=",
		    (unsigned long long)value, v->id, msr_method(d->probe.msrs_one_reg, set), id);
}

static void reglist(struct gdb *g, struct vcpu *v)
{
	uint64_t ids[ONEREG_LIST_MAX];
	char name[64];
	int n = onereg_list(g->vm, v->fd, ids, ONEREG_LIST_MAX);

	if (n < 0)
		return gdb_console(g, "KVM_GET_REG_LIST: %s (this KVM serves no x86 list)\n",
				   strerror(errno));
	gdb_console(g,
		    "KVM_GET_REG_LIST: %d register%s besides the MSRs KVM_GET_MSR_INDEX_LIST "
		    "names (MSRs are not listed)\n",
		    n, n == 1 ? "" : "s");
	for (int i = 0; i < n && i < ONEREG_LIST_MAX; i++) {
		onereg_describe(ids[i], name, sizeof(name));
		gdb_console(g, "  %#llx  %s\n", (unsigned long long)ids[i], name);
	}
}

static void walk(struct gdb *g, struct vcpu *v, const char *arg)
{
	const struct kvm_sregs *s = vcpu_sregs_view(v);
	struct kvm_translation t = { 0 };
	struct walk w;
	uint64_t addr;

	if (parse_u64(arg, &addr) < 0)
		return gdb_console(g, "usage: monitor walk ADDR\n");
	paging_walk(&g->vm->mem, s, addr, &w);
	gdb_console(g, "%#llx on vCPU %d: %s, CR3 %#llx\n", (unsigned long long)addr, v->id,
		    paging_mode_name(w.mode), s->cr3);
	for (int i = 0; i < w.nr_steps; i++)
		gdb_console(g, "  level %d entry at %#llx = %#018llx\n", w.step[i].level,
			    (unsigned long long)w.step[i].entry_gpa,
			    (unsigned long long)w.step[i].entry);
	if (w.fault == WALK_OK)
		gdb_console(g, "  -> guest-physical %#llx (a %llu KiB page%s)\n",
			    (unsigned long long)w.gpa, (unsigned long long)(w.page_size >> 10),
			    w.writable ? ", writable" : ", read-only");
	else
		gdb_console(g, "  -> %s\n", walk_fault_name(w.fault));
	t.linear_address = addr;
	if (KVM_CALL(g->vm, v->fd, KVM_TRANSLATE, &t) < 0)
		gdb_console(g, "KVM_TRANSLATE: %s\n", strerror(errno));
	else
		gdb_console(g, "KVM_TRANSLATE says: valid=%d physical %#llx%s\n", t.valid,
			    (unsigned long long)t.physical_address,
			    t.valid ? "" : " (so vmm walks the tables itself)");
}

static void ring(struct gdb *g)
{
	const struct ring *r = &g->run->ring;
	const struct stats *st = g->vm->stats;
	uint32_t first, last;

	if (!r->page)
		return gdb_console(g, "no coalesced ring on this host\n");
	pthread_mutex_lock(&g->run->io_lock);
	first = r->page->first % r->max;
	last = __atomic_load_n(&r->page->last, __ATOMIC_ACQUIRE) % r->max;
	gdb_console(g,
		    "coalesced ring: a page of each vCPU's kvm_run mmap, %u entries; first %u, "
		    "last %u: %u waiting\n(the host thread drains it every %d ms, a vCPU before "
		    "each exit)\n",
		    r->max, first, last, (last + r->max - first) % r->max, RUN_TICK_MS);
	for (uint32_t i = first; i != last; i = (i + 1) % r->max) {
		const struct kvm_coalesced_mmio *e = &r->page->coalesced_mmio[i];

		gdb_console(g, "  waiting: %s %#llx len %u\n", e->pio ? "out" : "mmio",
			    (unsigned long long)e->phys_addr, e->len);
	}
	gdb_console(g, "replayed so far: %llu entries in %llu drains\n",
		    (unsigned long long)st->ring_drained, (unsigned long long)st->ring_drains);
	for (int i = 0; i < st->ring.nr; i++)
		gdb_console(g, "  %#llx: %llu\n", (unsigned long long)st->ring.c[i].key,
			    (unsigned long long)st->ring.c[i].count);
	pthread_mutex_unlock(&g->run->io_lock);
}

static void exits(struct gdb *g)
{
	gdb_console(g, "exits to userspace so far (KVM_RUN returning), by reason:\n");
	for (int v = 0; v < g->nr; v++) {
		const struct exit_stats *e = &g->vcpus[v].stats;
		char line[512];
		int len = snprintf(line, sizeof(line), "  vCPU %d:", v);

		for (int i = 0; i < STATS_MAX_EXIT && len < (int)sizeof(line) - 40; i++)
			if (e->exits[i])
				len += snprintf(line + len, sizeof(line) - len, " %s %llu",
						stats_exit_name(i),
						(unsigned long long)e->exits[i]);
		gdb_console(g, "%s\n", line);
	}
}

static void debug_info(struct gdb *g)
{
	static const char *const kinds[] = { "break (debug register)", "hbreak", "watch", "rwatch",
					     "awatch" };
	const struct debug *d = &g->debug;
	const struct probe *p = &d->probe;

	gdb_console(g,
		    "this KVM (measured on a scratch VM): single step %s, debug register "
		    "breakpoints %s, int3 intercepted %s%s\n",
		    p->single_step ? "yes" : "no", p->hw_breakpoint ? "yes" : "no",
		    p->sw_breakpoint ? "yes" : "no",
		    p->sw_breakpoint ? "" : " (so `break` takes a debug register)");
	gdb_console(g, "MSRs through %s\n",
		    p->msrs_one_reg ? "KVM_GET/SET_ONE_REG" : "KVM_GET/SET_MSRS (no x86 ONE_REG)");
	for (int i = 0; i < DEBUG_NR_DR; i++)
		if (d->dr[i].used)
			gdb_console(g, "  DR%d %#llx, %d byte%s: %s\n", i,
				    (unsigned long long)d->dr[i].addr, d->dr[i].len,
				    d->dr[i].len == 1 ? "" : "s", kinds[d->dr[i].kind]);
	for (int i = 0; i < DEBUG_MAX_INT3; i++)
		if (d->int3[i].used)
			gdb_console(g, "  int3 at %#llx (guest-physical %#llx, saved byte %02x)\n",
				    (unsigned long long)d->int3[i].addr,
				    (unsigned long long)d->int3[i].gpa, d->int3[i].saved);
}

void gdb_monitor(struct gdb *g, const char *line)
{
	char copy[256], *w[MAX_WORDS + 1], *save = NULL;
	struct vcpu *v = &g->vcpus[g->g_cpu];
	int n = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *t = strtok_r(copy, " \t", &save); t && n <= MAX_WORDS;
	     t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	if (!n || !strcmp(w[0], "help"))
		return help(g);
	if (!strcmp(w[0], "regs") && n == 1)
		return regs(g, v);
	if (!strcmp(w[0], "sregs") && n == 1)
		return sregs(g, v);
	if (!strcmp(w[0], "msr"))
		return msr(g, v, w, n);
	if (!strcmp(w[0], "reglist") && n == 1)
		return reglist(g, v);
	if (!strcmp(w[0], "walk") && n == 2)
		return walk(g, v, w[1]);
	if (!strcmp(w[0], "ring") && n == 1)
		return ring(g);
	if (!strcmp(w[0], "exits") && n == 1)
		return exits(g);
	if (!strcmp(w[0], "debug") && n == 1)
		return debug_info(g);
	gdb_console(g, "unknown monitor command '%s' (monitor help lists them)\n", line);
}
