#!/usr/bin/env bash
# test-smp.sh BUILD SRCDIR: the concurrency mode (harness/smp.c), as TAP.
#  - a schedule replays exactly: one program printed 10 times is one trace;
#  - each planted race (props/planted/race_*.txt, "# expect: CHECKER") is
#    found by its checker on its planted core, with the same signature 10
#    times out of 10, and the real core runs the program clean;
#  - NetBSD's non-DEBUG cached pool-page free (schedule option noupdate):
#    the stale translation is a tlb finding naming both CPUs, the same
#    program without noupdate is clean, and a byte input whose schedule
#    asks for it runs as "# adjusted: noupdate dropped" unless the run
#    allows it (KMFUZZ_NOUPDATE=1);
#  - a wait no CPU can end stops the run clean and says so;
#  - a line one CPU cannot run is a bad input, and leaves nothing behind
#    for the next program in the process;
#  - the C repro of a program for several CPUs builds and judges it.
set -u
build=$1 src=$2
kmfuzz=$build/fuzz/kmfuzz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=fuzz/tap.sh
. "$src/fuzz/tap.sh"

sig() { sed -n 's/^  signature: //p' | head -1; }

# one schedule, one interleaving: the printed trace never changes
prog=$src/corpus/seeds-text/smp-fault-pageout.txt
"$kmfuzz" print "$prog" -o "$tmp/first" >/dev/null 2>&1
same=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
  "$kmfuzz" print "$prog" -o "$tmp/again" >/dev/null 2>&1
  cmp -s "$tmp/first" "$tmp/again" && same=$((same + 1))
done
[ "$same" -eq 10 ] && [ -s "$tmp/first" ]
ok "a schedule replays exactly: $same of 10 prints of smp-fault-pageout identical" $?

# the planted races of the scheduler (meson option plant: race_*, but
# the data races race_pool/race_entries, which TSan reports)
races=(race_va_shootdown race_stale_fault)
for name in "${races[@]}"; do
  prog=$src/props/planted/$name.txt
  want=$(sed -n '1s/^# expect: //p' "$prog")
  first=$("$build/fuzz/kmfuzz_plant_$name" run "$prog" 2>&1 | sig)
  same=0
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    s=$("$build/fuzz/kmfuzz_plant_$name" run "$prog" 2>&1 | sig)
    [ -n "$s" ] && [ "$s" = "$first" ] && same=$((same + 1))
  done
  case $first in "$want "*) true ;; *) false ;; esac &&
    [ "$same" -eq 10 ]
  ok "planted $name: \"$want\" finds it, $same of 10 replays the same signature ($first)" $?
  "$kmfuzz" run "$prog" >/dev/null 2>&1
  ok "planted $name: the real core runs it clean" $?
done

prog=$src/props/planted/noupdate_smp.txt
out=$("$kmfuzz" run "$prog" 2>&1)
[ $? -eq 1 ] && printf '%s\n' "$out" | grep -q 'checker "tlb"' &&
  printf '%s\n' "$out" | grep -q 'by cpu1 while the TLB of cpu0'
ok "noupdate: fuzz_smp's stale translation is a tlb finding naming both CPUs" $?
sed 's/ noupdate$//' "$prog" >"$tmp/update.txt"
"$kmfuzz" run "$tmp/update.txt" >/dev/null 2>&1
ok "noupdate: the same program with the DEBUG pmap_update runs clean" $?
"$kmfuzz" encode --target smp "$prog" -o "$tmp/nu.bin" 2>/dev/null
KMFUZZ_NOUPDATE=0 "$build/fuzz/fuzz_smp_replay" "$tmp/nu.bin" >/dev/null 2>&1
st1=$?
KMFUZZ_NOUPDATE=1 "$build/fuzz/fuzz_smp_replay" "$tmp/nu.bin" >/dev/null 2>&1
st2=$?
[ -s "$tmp/nu.bin" ] && [ $st1 -eq 0 ] && [ $st2 -ne 0 ]
ok "noupdate: fuzz_smp drops it by default (exit $st1), finds it with KMFUZZ_NOUPDATE=1 (exit $st2)" $?
KMFUZZ_NOUPDATE=0 "$kmfuzz" print --target smp "$tmp/nu.bin" 2>/dev/null |
  grep -q '^schedule pct .*# adjusted: noupdate dropped'
ok "noupdate: the dropped option shows in the trace" $?

# every CPU waits for pages the others hold: stopped, clean, said
cat >"$tmp/stuck.txt" <<'EOF'
schedule random cpus=2 seed=0x0003
alloc kernel_map 0x300000 WIRED -> a1
cpu1: alloc kernel_map 0x300000 WIRED -> a2
EOF
out=$("$kmfuzz" print "$tmp/stuck.txt" 2>&1)
st=$?
[ $st -eq 0 ] && printf '%s\n' "$out" | grep -q 'the run stopped here'
ok "a wait no CPU can end stops the run clean and says where (exit $st)" $?

# A line one CPU cannot run (a9 was never made) ends the run as a bad
# input while cpu0 is inside an unmap: cpu0's op, cut short, is not a
# finding of its own.  Found by fuzz_text: cpu0 was stopped after its
# policy step claimed a map entry, the claim outlived the run, and the
# next one-CPU program in the same process died on the policy's
# KASSERT(entry_claims >= entry_claim) -- a "crash" that no replay of
# the saved input alone could show.
cat >"$tmp/cut.txt" <<'EOF'
schedule random cpus=2 seed=0x000a
uvm_map kernel_map 0x8000 rw-/rwx -> r1
rtouch r1 page=2 write
uvm_unmap r1 page=1 count=2 vaonly
uvm_unmap r1 page=4 count=1
cpu1: alloc kernel_map 0x2000 WIRED -> a2
cpu1: free a2
cpu1: free a9
EOF
printf 'alloc kernel_map 0x1000 VAONLY -> a1\nfree a1\n' >"$tmp/one.txt"
out=$("$kmfuzz" run "$tmp/cut.txt" "$tmp/one.txt" 2>&1)
st=$?
[ $st -eq 2 ] && printf '%s\n' "$out" | grep -q 'cut.txt: bad input' &&
  printf '%s\n' "$out" | grep -q 'one.txt: clean'
ok "a bad line on one CPU: bad input, not another CPU's finding; the next program in the process runs clean (exit $st)" $?

# the C repro of a concurrent program runs it in the scheduler
"$kmfuzz" creproduce "$src/corpus/seeds-text/smp-basic.txt" -o "$tmp/r.c" &&
  (cd "$src" && cc -std=c11 -D_GNU_SOURCE -Icore/include -Iharness \
    -Ipmap_model -Iadapter "$tmp/r.c" core/*.c harness/*.c pmap_model/*.c \
    adapter/*.c -lpthread -o "$tmp/repro") && "$tmp/repro" >"$tmp/out" &&
  grep -q 'clean' "$tmp/out"
ok "creproduce: the C repro of smp-basic builds and runs it clean" $?
tap_end
