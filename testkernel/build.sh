#!/bin/sh
# build.sh [OUTDIR]: build the test kernel without meson (same flags as
# meson.build): the kernel, the core (../core/*.c), the harness
# (../harness/*.c) and the text programs (tests/programs/*.txt,
# ../corpus/seeds-text/*.txt).  More sources come from $KERNEL_EXTRA;
# $KCORE_CFLAGS go to the core only, e.g. a planted bug:
#   testkernel/build.sh /tmp/kt && testkernel/run-qemu.sh /tmp/kt/kmfuzz-kernel.elf
#   KCORE_CFLAGS=-DKMFUZZ_PLANT=3 testkernel/build.sh /tmp/kt-plant
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
out=${1:-$here/build}
CC=${KCC:-clang}
LD=${KLD:-ld.lld}
OBJCOPY=${KOBJCOPY:-llvm-objcopy}
PYTHON=${PYTHON:-python3}
mkdir -p "$out"

# keep in step with kt_cflags in meson.build
CFLAGS="--target=x86_64-unknown-none-elf -std=c11 -O2 -g -ffreestanding
 -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only -fno-stack-protector
 -mcmodel=small -fno-omit-frame-pointer -Wall -Wextra
 -fsanitize=undefined -I$top/core/include -I$here/x86 -I$top/harness
 -DKT_HAVE_HARNESS ${KCFLAGS:-}"

srcs="lib/string.c lib/printf.c lib/cmdline.c lib/report.c
 x86/boot.S x86/isr.S x86/catch.S x86/trap.c x86/serial.c x86/memmap.c
 x86/ubsan.c x86/kpmap.c x86/platform.c x86/timer.c x86/kmain.c
 x86/harness_kernel.c
 tests/tests.c tests/boot.c tests/kpmap.c tests/platform.c tests/harness.c
 tests/replay.c"

objs=
for s in $srcs; do
	o=$out/$(echo "$s" | tr / _).o
	# shellcheck disable=SC2086
	$CC $CFLAGS -c "$here/$s" -o "$o"
	objs="$objs $o"
done
for s in "$top"/harness/*.c "$top"/report/report.c ${KERNEL_EXTRA:-}; do
	o=$out/extra_$(basename "$s").o
	# shellcheck disable=SC2086
	$CC $CFLAGS -c "$s" -o "$o"
	objs="$objs $o"
done
for s in "$top"/core/*.c; do
	o=$out/core_$(basename "$s").o
	# shellcheck disable=SC2086
	$CC $CFLAGS ${KCORE_CFLAGS:-} -c "$s" -o "$o"
	objs="$objs $o"
done
# shellcheck disable=SC2046
"$PYTHON" "$here/tests/embed_programs.py" "$out/kt_programs.c" \
	$("$PYTHON" "$here/tests/embed_programs.py" --list \
	    "$here/tests/programs" "$top/corpus/seeds-text")
# shellcheck disable=SC2086
$CC $CFLAGS -I"$here/tests" -c "$out/kt_programs.c" -o "$out/kt_programs.o"
objs="$objs $out/kt_programs.o"
# shellcheck disable=SC2086
$LD -T "$here/x86/kernel.ld" -nostdlib -static --no-pie -z max-page-size=4096 \
	-o "$out/kmfuzz-kernel.elf64" $objs
$OBJCOPY -O elf32-i386 "$out/kmfuzz-kernel.elf64" "$out/kmfuzz-kernel.elf"
echo "$out/kmfuzz-kernel.elf"
