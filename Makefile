# vmm: one non-recursive Makefile. `make V=1` shows the commands.
CC      ?= gcc
CFLAGS  ?= -O2 -g
# What vmm is written against, whatever CFLAGS a user gives (make CFLAGS=-O0
# replaces CFLAGS only): the language, the feature set, include paths from
# the root, the warnings.
VMM_CFLAGS := -std=c11 -D_GNU_SOURCE -I. -Wall -Wextra -Wshadow -Wstrict-prototypes \
              -Wmissing-prototypes -Wformat=2 -Wvla -Wno-missing-field-initializers
ifeq ($(CI),true)
VMM_CFLAGS += -Werror
endif
export VMM_CFLAGS # for bench/bench.mk
ALL_CFLAGS = $(VMM_CFLAGS) $(CFLAGS)
LDLIBS  += -lm -lpthread
PREFIX  ?= /usr/local
BUILD   := build

# The one source list: main() and each layer's folder, bottom up.
LAYERS := lib vm devices boot host
SRCS   := vmm.c $(foreach d,$(LAYERS),$(sort $(wildcard $(d)/*.c)))
OBJS := $(SRCS:%.c=$(BUILD)/%.o)
CHECK_OBJS := $(SRCS:%.c=$(BUILD)/check/%.o)

GUESTS16 := hello16 irqecho16
GUESTS   := hello32 hello64 echo64 exit64 triple64 hypercall64 spin64 flood64 \
            fbdemo64 fbread64 fbspin64 mbaout fwcfg64 smp64 zeropage64
# Hostile guests (tests/hostile.bats): each attacks one part of the VMM.
GUESTS   += evilio64 evilrep64 evilflood64 eviluart64 evilfb64 evilint64 evilexit64 \
            evilstorm64 fifoflood64
# The timers and the i8042 as Linux probes them (tests/core.bats).
GUESTS   += timer64 ps2aux64

# A guest to look inside with gdb (README "Debugging with gdb").
GUESTS   += debug64
# When a run with several vCPUs is over by itself (tests/smp.bats).
GUESTS   += smphalt64
GUEST_BINS := $(patsubst %,$(BUILD)/guests/%.bin,$(GUESTS16) $(GUESTS))
# Multiboot ELF32 kernels (gcc -m32, guests/mb.ld): the .elf is the guest.
GUESTS_MB32 := mbelf
GUEST_BINS += $(patsubst %,$(BUILD)/guests/%.elf,$(GUESTS_MB32))
# Multiboot test kernels in freestanding C (guests/mblib.c, guests/mbrt.S),
# run under vmm and QEMU alike: QEMU's test devices, CPU models, BIOS state.
GUESTS_MBC := biosstate rtc s3 cpumodel pctestdev pcitestdev
GUEST_BINS += $(patsubst %,$(BUILD)/guests/%.elf,$(GUESTS_MBC))
MBC_CFLAGS := -m32 -std=gnu11 -O2 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
              -fno-asynchronous-unwind-tables -mgeneral-regs-only -Wall -Wextra -I.

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all guests run test check bench clean install format check-format
all: vmm guests $(BUILD)/qemu-system-x86_64

# vmm under QEMU's name takes QEMU's command line (host/qemu_args.c).
$(BUILD)/qemu-system-x86_64: vmm
	@mkdir -p $(BUILD)
	$(Q)ln -sf ../vmm $@

vmm: $(OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter-out %.h,$^) $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# Static build: copied into the outer VM of the hardware-KVM test harness.
vmm-static: $(OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -static -o $@ $^ $(LDLIBS)

# Sanitizer build for `make check`: the same suite against vmm-check.
CHECK_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
vmm-check: $(CHECK_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(CHECK_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/check/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (asan+ubsan)")
	$(Q)$(CC) $(ALL_CFLAGS) $(CHECK_FLAGS) -MMD -MP -c -o $@ $<

# Guests: assembly through gcc, one linker script, objcopy to a flat binary.
# Real-mode boot sectors (*16) are linked at 0x7c00; the others at 1 MiB.
guests: $(GUEST_BINS)

$(BUILD)/guests/%.o: guests/%.S guests/guest.h guests/smp.h lib/machine.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) -c -g -nostdlib -ffreestanding -I. -Iguests -o $@ $<

$(BUILD)/guests/%16.elf: $(BUILD)/guests/%16.o guests/guest.ld
	$(Q)ld -m elf_x86_64 -T guests/guest.ld -Ttext=0x7c00 -o $@ $<

$(BUILD)/guests/%.elf: $(BUILD)/guests/%.o guests/guest.ld
	$(Q)ld -m elf_x86_64 -T guests/guest.ld -o $@ $<

# A bzImage: the file starts 5 sectors of setup below its payload, which a
# loader puts at 1 MiB (0x100000 - 0xa00).
$(BUILD)/guests/zeropage64.elf: $(BUILD)/guests/zeropage64.o guests/guest.ld
	$(Q)ld -m elf_x86_64 -T guests/guest.ld -Ttext=0xff600 -o $@ $<

$(BUILD)/guests/%.bin: $(BUILD)/guests/%.elf
	$(Q)objcopy -O binary $< $@

$(GUESTS_MB32:%=$(BUILD)/guests/%.o): $(BUILD)/guests/%.o: guests/%.S guests/guest.h guests/smp.h lib/machine.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) -m32 -c -g -nostdlib -ffreestanding -I. -Iguests -o $@ $<

$(GUESTS_MB32:%=$(BUILD)/guests/%.elf): $(BUILD)/guests/%.elf: $(BUILD)/guests/%.o guests/mb.ld
	$(Q)ld -m elf_i386 -T guests/mb.ld -o $@ $<

$(BUILD)/guests/mbaout.o: guests/mbelf.S # mbelf.S with the a.out kludge

$(BUILD)/guests/c/%.o: guests/%.c guests/mblib.h lib/machine.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (guest)")
	$(Q)$(CC) $(MBC_CFLAGS) -c -o $@ $<

$(BUILD)/guests/c/mbrt.o: guests/mbrt.S lib/machine.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) -m32 -c -nostdlib -ffreestanding -I. -o $@ $<

$(GUESTS_MBC:%=$(BUILD)/guests/%.elf): $(BUILD)/guests/%.elf: $(BUILD)/guests/c/mbrt.o \
		$(BUILD)/guests/c/mblib.o $(BUILD)/guests/c/%.o guests/mb.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)ld -m elf_i386 -T guests/mb.ld -o $@ $(filter %.o,$^)

.PRECIOUS: $(BUILD)/guests/%.elf $(BUILD)/guests/%16.elf $(BUILD)/guests/%.o

run: all
	./vmm $(BUILD)/guests/hello64.bin

test: all
	bats tests

check: vmm-check guests
	VMM=$(CURDIR)/vmm-check VMM_SKIP_HARNESS=1 bats tests

# Ratios against a bare KVM loop and QEMU: bench/results.md (rules in bench/bench.mk).
bench: vmm
	$(Q)$(MAKE) --no-print-directory -f bench/bench.mk BUILD=$(BUILD)

# libFuzzer harnesses (fuzz/*.c, built with clang) over the loaders, the
# devices and the ring replay: `make fuzz` builds build/fuzz/NAME, `make
# fuzz-run FUZZ_SECONDS=60` runs each that long (fuzz/run.sh, which keeps a
# corpus in build/fuzz/corpus/NAME and crashes in build/fuzz/artifacts/).
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
                -Wno-gnu-variable-sized-type-not-at-end # vcpu.c's kvm_msrs, fine with gcc
FUZZ_NAMES   := flat bzimage multiboot serial devices fb ring paging rsp
FUZZ_SRCS    := $(filter-out vmm.c lib/log.c,$(SRCS)) fuzz/support.c # support.c: log.c for fuzzing
FUZZ_OBJS    := $(FUZZ_SRCS:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_SECONDS ?= 60

.PHONY: fuzz fuzz-run valgrind
fuzz: $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)

$(FUZZ_NAMES:%=$(BUILD)/fuzz/%): $(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/fuzz/%.o $(FUZZ_OBJS)
	@$(if $(Q),echo "  LD      $@ (libFuzzer)")
	$(Q)$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (fuzz)")
	$(Q)$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

fuzz-run: fuzz guests
	fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_NAMES)

# The core guests under valgrind's memcheck, sandbox off (valgrind cannot
# run under seccomp); any error or definite leak fails (tests/unit/valgrind.sh).
valgrind: vmm guests
	tests/unit/valgrind.sh ./vmm $(BUILD)/guests

# C unit tests, built with the VMM's own flags and linked with the objects
# they test (tests/sandbox.bats, paging.bats, gdb.bats and qemu.bats run them).
UNIT_TESTS := sandbox_test paging_test debug_test cpuid_test qemu_args_test rtc_test serial_test
VM_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard vm/*.c)))
$(BUILD)/unit/sandbox_test: $(BUILD)/host/sandbox.o $(BUILD)/lib/log.o
$(BUILD)/unit/paging_test: $(BUILD)/vm/paging.o $(BUILD)/vm/mem.o
$(BUILD)/unit/debug_test: $(VM_OBJS) $(BUILD)/lib/log.o $(BUILD)/lib/thread.o
$(BUILD)/unit/cpuid_test: $(BUILD)/vm/cpuid.o $(BUILD)/vm/cpu_models.o
$(BUILD)/unit/rtc_test: $(BUILD)/devices/rtc.o $(BUILD)/vm/bus.o $(BUILD)/lib/log.o
$(BUILD)/unit/serial_test: $(BUILD)/devices/serial.o $(BUILD)/vm/bus.o $(BUILD)/lib/log.o
$(BUILD)/unit/qemu_args_test: $(BUILD)/host/qemu_args.o $(BUILD)/host/options.o \
		$(BUILD)/host/parse.o $(BUILD)/host/device_opts.o $(BUILD)/vm/cpu_models.o $(BUILD)/lib/log.o

$(UNIT_TESTS:%=$(BUILD)/unit/%): $(BUILD)/unit/%: tests/unit/%.c tests/unit/check.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter-out %.h,$^) $(LDLIBS)

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_NAMES:%=$(BUILD)/fuzz/obj/fuzz/%.d)

install: vmm
	install -D -m 0755 vmm $(DESTDIR)$(PREFIX)/bin/vmm
	ln -sf vmm $(DESTDIR)$(PREFIX)/bin/qemu-system-x86_64

# Every C file but the guests' (assembly macros), in the style of .clang-format.
FORMAT_FILES := $(filter-out guests/%,$(sort $(wildcard *.c */*.[ch] */*/*.[ch])))
format:
	clang-format -i $(FORMAT_FILES)

check-format:
	@bad=$$(for f in $(FORMAT_FILES); do clang-format $$f | cmp -s - $$f || echo $$f; done); \
	if [ -n "$$bad" ]; then echo "not formatted (make format): "$$bad; exit 1; fi

clean:
	rm -rf $(BUILD) vmm vmm-check vmm-static

-include $(OBJS:.o=.d) $(CHECK_OBJS:.o=.d)
