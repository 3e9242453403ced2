# bench/bench.mk - `make bench`: the helpers, then bench/bench.py.
# Run from the top directory (the top Makefile's bench target does:
# make -f bench/bench.mk). Guests are built on demand by bench.py as
# build/bench/guests/NAME-N.bin: NAME.S assembled with -DN=N; names ending
# in 32 are multiboot ELF32 guests (kept as .elf for QEMU's -kernel).
CC      ?= gcc
ifndef VMM_CFLAGS
$(error run it as `make bench` from the top directory, which passes VMM_CFLAGS)
endif
BENCH_CFLAGS := $(VMM_CFLAGS) -O2 -g
BUILD   ?= build
BB      := $(BUILD)/bench
PYTHON  ?= python3

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: run tools
run: tools
	$(Q)$(PYTHON) bench/bench.py --vmm ./vmm --build $(BB) --out bench/results.md

tools: $(BB)/bare $(BB)/launch $(BB)/msrs $(BB)/teardown

$(BB)/%: bench/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BENCH_CFLAGS) -o $@ $<

# NAME-N -> bench/guests/NAME.S with -DN=N; NAME alone takes the default N.
.SECONDEXPANSION:
guest_name = $(firstword $(subst -, ,$*))
guest_n = $(word 2,$(subst -, ,$*))
guest_32 = $(filter %32,$(guest_name))

$(BB)/guests/%.o: bench/guests/$$(firstword $$(subst -, ,$$*)).S guests/guest.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $@")
	$(Q)$(CC) $(if $(guest_32),-m32) -c -nostdlib -ffreestanding -I. -Iguests \
		$(if $(guest_n),-DN=$(guest_n)) -o $@ $<

$(BB)/guests/%.elf: $(BB)/guests/%.o bench/guests/multiboot.ld guests/guest.ld
	$(Q)$(if $(guest_32),ld -m elf_i386 -T bench/guests/multiboot.ld,ld -m elf_x86_64 -T guests/guest.ld) -o $@ $<

$(BB)/guests/%.bin: $(BB)/guests/%.elf
	$(Q)objcopy -O binary $< $@

.PRECIOUS: $(BB)/guests/%.elf $(BB)/guests/%.o
