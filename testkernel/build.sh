#!/bin/sh
# build.sh [OUTDIR]: build the test kernel without meson (same flags as
# meson.build).  Extra sources, e.g. from core/, come from $KERNEL_EXTRA.
#   testkernel/build.sh /tmp/kt && testkernel/run-qemu.sh /tmp/kt/kmfuzz-kernel.elf
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/build}
CC=${KCC:-clang}
LD=${KLD:-ld.lld}
OBJCOPY=${KOBJCOPY:-llvm-objcopy}
mkdir -p "$out"

# keep in step with kernel_cflags in meson.build
CFLAGS="--target=x86_64-unknown-none-elf -std=c11 -O2 -g -ffreestanding
 -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only -fno-stack-protector
 -mcmodel=small -fno-omit-frame-pointer -Wall -Wextra
 -fsanitize=undefined -I$here/../core/include -I$here/x86 ${KCFLAGS:-}"

srcs="lib/string.c lib/printf.c lib/cmdline.c lib/report.c
 x86/boot.S x86/isr.S x86/trap.c x86/serial.c x86/memmap.c x86/ubsan.c
 x86/kpmap.c x86/platform.c x86/kmain.c
 tests/tests.c tests/boot.c tests/kpmap.c tests/platform.c"

objs=
for s in $srcs; do
	o=$out/$(echo "$s" | tr / _).o
	# shellcheck disable=SC2086
	$CC $CFLAGS -c "$here/$s" -o "$o"
	objs="$objs $o"
done
for s in ${KERNEL_EXTRA:-}; do
	o=$out/extra_$(basename "$s").o
	# shellcheck disable=SC2086
	$CC $CFLAGS -c "$s" -o "$o"
	objs="$objs $o"
done
# shellcheck disable=SC2086
$LD -T "$here/x86/kernel.ld" -nostdlib -static --no-pie -z max-page-size=4096 \
	-o "$out/kmfuzz-kernel.elf64" $objs
$OBJCOPY -O elf32-i386 "$out/kmfuzz-kernel.elf64" "$out/kmfuzz-kernel.elf"
echo "$out/kmfuzz-kernel.elf"
