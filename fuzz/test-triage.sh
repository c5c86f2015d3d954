#!/usr/bin/env bash
# test-triage.sh KMFUZZ_PLANTED_LEAK: kmfuzz triage as TAP, on crashes of
# the planted leak.
#  - the same bug from targets km and pool is one finding listing both;
#  - its repro.txt replays with the recorded signature;
#  - an engine-minimized candidate (CRASH.min) with another signature is
#    rejected, and the repro keeps the signature;
#  - two triage runs at once on one findings/ give one consistent folder;
#  - a crash that replays clean goes to unreproducible/.
set -u
kmfuzz=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=fuzz/tap.sh
. "$(dirname "$0")/tap.sh"
cd "$tmp" || exit 1
mkdir -p fuzz-out/km/crashes fuzz-out/pool/crashes
printf 'alloc kernel_map 0x3000 WIRED -> a1\nalloc kernel_map 0x2000 VAONLY -> a2\npoolpage_get kernel_map -> p1\nfree a2\nfree a1\n' >leak.txt
printf 'alloc kernel_map 0x2000 WIRED -> a1\npgremove a1 page=0 count=2\n' >other.txt
printf 'alloc kernel_map 0x2000 VAONLY -> a1\nfree a1\n' >clean.txt
"$kmfuzz" encode --target km leak.txt -o fuzz-out/km/crashes/crash-a 2>/dev/null
"$kmfuzz" encode --target pool leak.txt -o fuzz-out/pool/crashes/crash-b 2>/dev/null
"$kmfuzz" encode --target km other.txt -o fuzz-out/km/crashes/crash-a.min 2>/dev/null
"$kmfuzz" encode --target km clean.txt -o fuzz-out/km/crashes/crash-c 2>/dev/null
"$kmfuzz" triage fuzz-out/km/crashes/* fuzz-out/pool/crashes/* >out.txt 2>&1
ok "kmfuzz triage exits 0" $?
grep -c '^[0-9a-f]\{12\} ' findings/INDEX >count.txt
[ "$(cat count.txt)" = 1 ]
st=$?; ok "one finding in INDEX ($(cat count.txt))" $st
dir=$(find findings -mindepth 1 -maxdepth 1 -type d -name '[0-9a-f]*' | head -1)
[ "$(sort "$dir/targets" | tr '\n' ' ')" = "km pool " ]
ok "the finding lists targets km and pool" $?
grep -q '^km,pool \|km,pool' findings/INDEX
ok "INDEX shows km,pool" $?
sig=$(cat "$dir/signature")
[ "$sig" = "leak free: free of aN returned N of its N wired pages" ]
st=$?; ok "its signature is the leak at free ($sig)" $st
grep -q "^# signature: $sig\$" "$dir/repro.txt"
ok "repro.txt records the signature" $?
"$kmfuzz" run "$dir/repro.txt" >replay.txt 2>&1
[ $? -eq 1 ] && grep -q 'the recorded signature, reproduced' replay.txt
ok "repro.txt replays with the recorded signature" $?
grep -q 'rejected: signature "pages pgremove' "$dir/triage.log"
ok "the candidate with another signature is rejected" $?
! grep -q pgremove "$dir/repro.txt"
ok "the repro is not the rejected candidate" $?
for f in repro.c map.svg minimized.bin report.txt count; do
  [ -s "$dir/$f" ] || echo "missing $f"
done >missing.txt
[ ! -s missing.txt ]
st=$?; ok "the folder is complete ($(tr '\n' ' ' <missing.txt))" $st
[ -f findings/unreproducible/km-crash-c ]
ok "a clean crash goes to unreproducible/" $?
find fuzz-out -type f >left.txt; [ ! -s left.txt ]
st=$?; ok "triaged crash files (and the candidate) are gone: $(tr "\n" " " <left.txt)" $st

# two runs at once on one findings/
mkdir -p c1/km/crashes c2/km/crashes
for i in 1 2; do
  "$kmfuzz" encode --target km leak.txt -o "c$i/km/crashes/crash-$i" 2>/dev/null
  "$kmfuzz" encode --target km other.txt -o "c$i/km/crashes/crash-o$i" 2>/dev/null
done
"$kmfuzz" triage --findings f2 c1/km/crashes/* >r1.txt 2>&1 &
"$kmfuzz" triage --findings f2 c2/km/crashes/* >r2.txt 2>&1
wait
[ "$(grep -c '^[0-9a-f]\{12\} ' f2/INDEX)" = 2 ] &&
  [ -z "$(find f2 -maxdepth 1 -name '.work.*' -o -maxdepth 1 -name '*.tmp')" ]
ok "two concurrent runs: two findings, no leftovers" $?
cat f2/*/count | awk '{ s += $1 } END { print s + 0 }' >sum.txt
[ "$(cat sum.txt)" = 4 ]
st=$?; ok "every crash counted once ($(cat sum.txt))" $st

tap_end
