#!/usr/bin/env bash
# test-ub.sh FUZZ_KM_PLANT_UB KMFUZZ_PLANT_UB CORPUS: a silent undefined
# behaviour in the core (planted bug "ub": a signed shift overflow whose
# result nobody uses) is a finding, as TAP:
#  - the libFuzzer target stops at the first UBSan report (the build has
#    -fno-sanitize-recover=all) and leaves a crash artifact;
#  - kmfuzz triage files that crash as a finding named by the report:
#    its kind, the first project frames and the file:line.
set -u
fuzzer=$1 kmfuzz=$2 corpus=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=fuzz/tap.sh
. "$(dirname "$0")/tap.sh"
mkdir -p "$tmp/corpus" "$tmp/fuzz-out/km/crashes"
cp "$corpus"/* "$tmp/corpus/"
UBSAN_OPTIONS=print_stacktrace=1:fast_unwind_on_fatal=1 ASAN_OPTIONS=detect_leaks=0 \
  "$fuzzer" -runs=2000 -seed=1 -artifact_prefix="$tmp/fuzz-out/km/crashes/" \
  "$tmp/corpus" >"$tmp/log" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'runtime error: .*shift' "$tmp/log"
st=$?; ok "the fuzzer stops at the UBSan report (exit $rc)" $st
ls "$tmp"/fuzz-out/km/crashes/crash-* >/dev/null 2>&1
ok "it leaves a crash artifact" $?
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:fast_unwind_on_fatal=1 ASAN_OPTIONS=detect_leaks=0 \
  "$kmfuzz" triage --findings "$tmp/findings" "$tmp"/fuzz-out/km/crashes/crash-* \
  >"$tmp/triage.log" 2>&1
grep -q 'NEW finding' "$tmp/triage.log"
ok "kmfuzz triage files it as a new finding" $?
sig=$(cat "$tmp"/findings/*/signature 2>/dev/null | head -1)
case $sig in
  "sanitizer "*"shift"*": uvm_km_alloc < "*"(uvm_km.c:"[0-9]*")") st=0 ;;
  *) st=1 ;;
esac
ok "named by kind, frames and file:line ($sig)" $st
tap_end
