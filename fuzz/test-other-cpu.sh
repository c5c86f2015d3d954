#!/usr/bin/env bash
# test-other-cpu.sh KMFUZZ SRCDIR: the other CPU (harness/exec_cpu.c)
# reached from a fuzz input, as TAP.  corpus/km/other-cpu.bin (the bytes
# fuzz_km runs; its text is corpus/seeds-text/other-cpu.txt) must show,
# in the trace kmfuzz prints for it, and with no op adjusted but the one
# the other CPU let go of its lock for:
#  - a WAITVA allocation that sleeps, is woken by the other CPU's free,
#    and succeeds;
#  - a wired allocation short of pages that sleeps and succeeds the
#    same way;
#  - TRYLOCK calls that fail on a lock the other CPU holds across ops.
# And the checks can fail: the same bytes without the wait_frees ops
# show WAITVA dropped and CANFAIL added.
set -u
kmfuzz=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=fuzz/tap.sh
. "$(dirname "$0")/tap.sh"

bin=$src/corpus/km/other-cpu.bin
"$kmfuzz" print --target km "$bin" >"$tmp/trace" 2>"$tmp/err"
ok "kmfuzz print runs $bin clean" $?
grep -v '^#' "$tmp/trace" >"$tmp/ops"

grep -Eq '^alloc kernel_map 0x[0-9a-f]+ VAONLY\|WAITVA -> a[0-9]+  # waited 1 time; a[0-9]+ freed by the other CPU meanwhile$' "$tmp/ops"
ok "a WAITVA allocation waits, the other CPU frees, it succeeds" $?
grep -Eq '^alloc kernel_map 0x[0-9a-f]+ WIRED -> a[0-9]+  # waited [0-9]+ times?; a[0-9]+ freed by the other CPU meanwhile$' "$tmp/ops"
ok "a wired allocation short of pages waits and succeeds the same way" $?

# after hold_lock kernel_map: TRYLOCK fails, then another op runs
# beside the lock, then TRYLOCK fails again
awk '/^hold_lock kernel_map$/ { held = 1; next }
     held && /adjusted/ { exit }
     held && /^alloc kernel_map .*TRYLOCK.* -> fail$/ { fails++; next }
     held && fails > 0 { between++ }
     END { exit !(fails >= 2 && between >= 1) }' "$tmp/ops"
ok "TRYLOCK fails on a lock the other CPU holds across ops" $?
n=$(grep -c 'adjusted' "$tmp/ops")
want=$(grep -c 'adjusted: the other CPU let go of its lock first$' "$tmp/ops")
[ "$n" -eq 1 ] && [ "$want" -eq 1 ]
ok "nothing was adjusted but one let-go ($n adjusted lines)" $?

# without wait_frees the policy must adjust: proof the checks can fail
grep -v '^wait_frees' "$src/corpus/seeds-text/other-cpu.txt" |
  sed -n '/^alloc.*WAITVA/{p;q};p' >"$tmp/no-arm-va.txt"
grep -v '^wait_frees' "$src/corpus/seeds-text/other-cpu.txt" |
  sed -n '/0x300000 WIRED/,/0x100000 WIRED/p' >"$tmp/no-arm-pages.txt"
"$kmfuzz" print "$tmp/no-arm-va.txt" >"$tmp/no-arm" 2>>"$tmp/err" &&
  "$kmfuzz" print "$tmp/no-arm-pages.txt" >>"$tmp/no-arm" 2>>"$tmp/err"
ok "the programs without wait_frees run" $?
grep -q 'WAITVA dropped' "$tmp/no-arm" && grep -q 'CANFAIL added' "$tmp/no-arm"
ok "without the other CPU, WAITVA is dropped and CANFAIL added" $?
tap_end
