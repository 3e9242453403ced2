#!/usr/bin/env bats
# The guest page-table walker (vm/paging.c), which the gdb stub uses for
# every memory access and the register dump for the bytes at RIP: the C unit
# test builds tables by hand in each paging mode and checks each answer and
# each fault (tests/unit/paging_test.c). fuzz/paging.c fuzzes it.

load helpers

ROOT=$BATS_TEST_DIRNAME/..

@test "page-table walker: paging off, 32-bit, PAE, 4- and 5-level, and every fault" {
	make -s -C "$ROOT" build/unit/paging_test >&2
	run "$ROOT/build/unit/paging_test"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" passed, 0 failed" ]]
}
