#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "vm/dump.h"
#include "vm/paging.h"
#include "vm/stats.h"

#define INSN_MAX 15

static const char *internal_why(uint32_t suberror)
{
	switch (suberror) {
	case KVM_INTERNAL_ERROR_EMULATION:
		return "emulation failure: KVM could not emulate an instruction";
	case KVM_INTERNAL_ERROR_SIMUL_EX:
		return "exception while delivering an exception";
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		return "exit while delivering an event";
	default:
		return "internal error";
	}
}

static void print_insn(FILE *f, struct vcpu *v, const struct kvm_sregs *s, uint64_t rip)
{
	struct kvm_run *run = v->run;
	uint8_t bytes[INSN_MAX];
	uint64_t phys;
	int n = 0;

	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR &&
	    run->emulation_failure.suberror == KVM_INTERNAL_ERROR_EMULATION &&
	    (run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
		n = run->emulation_failure.insn_size;
		n = n > INSN_MAX ? INSN_MAX : n;
		memcpy(bytes, run->emulation_failure.insn_bytes, n);
		fprintf(f, "  instruction bytes (from KVM):");
	} else if (paging_translate(&v->vm->mem, s, s->cs.base + rip, &phys) == 0) {
		for (n = 0; n < INSN_MAX && mem_read(&v->vm->mem, phys + n, &bytes[n], 1) == 0; n++)
			;
		fprintf(f, "  bytes at rip (from guest memory):");
	}
	if (!n) {
		fprintf(f, "  instruction bytes: not available\n");
		return;
	}
	for (int i = 0; i < n; i++)
		fprintf(f, " %02x", bytes[i]);
	fputc('\n', f);
}

static void print_exit(FILE *f, const struct kvm_run *run)
{
	switch (run->exit_reason) {
	case KVM_EXIT_INTERNAL_ERROR:
		fprintf(f, "  KVM_EXIT_INTERNAL_ERROR suberror %u: %s\n", run->internal.suberror,
			internal_why(run->internal.suberror));
		break;
	case KVM_EXIT_FAIL_ENTRY:
		fprintf(f, "  KVM_EXIT_FAIL_ENTRY: hardware entry failure reason %#llx\n",
			(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	default:
		fprintf(f, "  exit reason %u (%s)\n", run->exit_reason,
			stats_exit_name(run->exit_reason));
	}
}

static void print_seg(FILE *f, const char *name, const struct kvm_segment *s)
{
	fprintf(f, " %s=%04x base %#llx limit %#x type %x%s", name, s->selector,
		(unsigned long long)s->base, s->limit, s->type,
		s->l    ? " L"
		: s->db ? " D"
			: "");
}

void dump_fatal(struct vcpu *v, const char *why)
{
	FILE *f = log_stream();
	const struct kvm_regs *r = vcpu_regs(v);
	struct kvm_sregs s;

	vcpu_sregs(v, &s);
	fprintf(f, "vmm: %s\n", why ? why : "the guest cannot go on");
	if (!why)
		print_exit(f, v->run);
	fprintf(f, "  rip %016llx rsp %016llx rflags %08llx\n", r->rip, r->rsp, r->rflags);
	fprintf(f, "  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n", r->rax, r->rbx, r->rcx,
		r->rdx);
	fprintf(f, "  rsi %016llx rdi %016llx rbp %016llx r8  %016llx\n", r->rsi, r->rdi, r->rbp,
		r->r8);
	fprintf(f, "  cr0 %08llx cr2 %016llx cr3 %016llx cr4 %08llx efer %llx\n", s.cr0, s.cr2,
		s.cr3, s.cr4, s.efer);
	fprintf(f, " ");
	print_seg(f, "cs", &s.cs);
	print_seg(f, "ss", &s.ss);
	fputc('\n', f);
	print_insn(f, v, &s, r->rip);
}
