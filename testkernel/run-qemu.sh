#!/bin/bash
# run-qemu.sh KERNEL [APPEND...]: boot the test kernel under QEMU (TCG)
# and turn how it ended into an exit status a test runner understands.
#
#   0   every check passed (isa-debug-exit 0x10 -> QEMU status 33)
#   1   anything else, with one "run-qemu: FAIL: <reason>" line:
#       checks failed, panic, unexpected exception, UBSan, triple fault
#       (QEMU status 0 under -no-reboot), timeout, QEMU error
#   77  skip: qemu-system-x86_64 is not installed
#
# Environment: QEMU (binary), KMFUZZ_QEMU_TIMEOUT (seconds, default 30),
# KMFUZZ_QEMU_MEM (default 256M), KMFUZZ_QEMU_ARGS (extra arguments),
# KMFUZZ_QEMU_INITRD (Multiboot modules, one -initrd argument: "FILE
# key=value ...,FILE ..."; see README.md, only=replay),
# KMFUZZ_EXPECT_FAIL (text the FAIL reason must contain; if it does not,
# exit 0 so that a meson should_fail test notices the wrong failure).
set -u

if [ $# -lt 1 ]; then
	echo "usage: $0 KERNEL [append words...]" >&2
	exit 2
fi
kernel=$1
shift
append="$*"
qemu=${QEMU:-qemu-system-x86_64}
tmo=${KMFUZZ_QEMU_TIMEOUT:-30}

if ! command -v "$qemu" >/dev/null 2>&1; then
	echo "run-qemu: SKIP: $qemu not found (install qemu-system-x86)"
	exit 77
fi
if [ ! -r "$kernel" ]; then
	echo "run-qemu: FAIL: kernel image $kernel not readable"
	exit 1
fi

log=$(mktemp "${TMPDIR:-/tmp}/kmfuzz-qemu.XXXXXX")
trap 'rm -f "$log"' EXIT

initrd=()
if [ -n "${KMFUZZ_QEMU_INITRD:-}" ]; then
	initrd=(-initrd "$KMFUZZ_QEMU_INITRD")
fi

start=$(date +%s%N)
# shellcheck disable=SC2086
timeout --kill-after=5 "$tmo" "$qemu" \
	-machine q35,accel=tcg -display none -serial stdio \
	-nodefaults -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-m "${KMFUZZ_QEMU_MEM:-256M}" ${KMFUZZ_QEMU_ARGS:-} \
	-kernel "$kernel" "${initrd[@]}" -append "$append" </dev/null 2>&1 |
	tr -d '\r' |
	tee "$log"
status=${PIPESTATUS[0]}
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
echo "# run-qemu: QEMU status $status after ${ms} ms"

# the kernel's own last words about a bad end, if any
said() {
	grep -m1 -E "$1" "$log" || echo "(no message on serial)"
}

# the kernel's last serial line (QEMU's own messages left out)
last_line() {
	grep -v -e '^$' -e '^qemu-system' "$log" | tail -n 1
}

fail() {
	echo "run-qemu: FAIL: $*"
	# a deliberate-failure test must fail for its own reason
	case "$*" in
	*"${KMFUZZ_EXPECT_FAIL:-}"*) exit 1 ;;
	esac
	echo "run-qemu: wrong failure, expected '$KMFUZZ_EXPECT_FAIL'"
	exit 0
}

case $status in
33)	if grep -q '^not ok' "$log"; then
		fail "TAP reports: $(grep -m1 '^not ok' "$log")"
	fi
	if ! grep -q '^1\.\.[0-9]' "$log"; then
		fail "passed but printed no TAP plan"
	fi
	echo "run-qemu: PASS"
	exit 0 ;;
35)	fail "checks failed: $(grep -c '^not ok' "$log") not ok;" \
	    "first: $(said '^not ok')" ;;
37)	fail "panic: $(said 'PANIC: ' | sed 's/^PANIC: //')" ;;
39)	fail "unexpected exception: $(said '^UNEXPECTED EXCEPTION')" ;;
41)	fail "undefined behaviour: $(said '^UBSAN: ')" ;;
0)	fail "triple fault (QEMU reset under -no-reboot); last line:" \
	    "$(last_line)" ;;
124)	fail "timeout after ${tmo}s (kernel hung); last line:" \
	    "$(last_line)" ;;
137)	fail "timeout after ${tmo}s, QEMU had to be killed" ;;
1)	fail "QEMU could not run the kernel (status 1): $(tail -n 1 "$log")" ;;
*)	fail "unknown QEMU status $status (debug-exit value" \
	    "$(( (status - 1) / 2 ))?)" ;;
esac
