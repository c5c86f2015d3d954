#!/usr/bin/env bash
# test-campaign.sh SRCDIR: scripts/fuzz end to end on target map, in a
# temporary --workdir (the build goes to SRCDIR/build-fuzz/, as always):
#  1. a short campaign prints the summary table and leaves a corpus;
#  2. a longer one killed with SIGINT after a few seconds still prints
#     the summary, exits 0 and loses no corpus file;
#  3. a third run resumes from that corpus (no reseeding, none smaller).
set -uo pipefail
src=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0 failed=0
ok() {
  n=$((n + 1))
  if [ "$2" -eq 0 ]; then echo "ok $n - $1"
  else echo "not ok $n - $1"; failed=$((failed + 1)); fi
}
corpus=$work/fuzz-out/map/corpus
count() { find "$corpus" -maxdepth 1 -type f | wc -l; }

"$src/scripts/fuzz" --no-setup --time 6 --target map --workdir "$work" >"$work/1.log" 2>&1
ok "a 6 s campaign exits 0" $?
grep -q '^target  *engine  *execs  *exec/s' "$work/1.log" &&
  grep -qE '^map +libfuzzer +[0-9]+' "$work/1.log"
ok "it prints the summary table with a row for map" $?
grep -q 'seeded fuzz-out/map/corpus' "$work/1.log"
ok "the first run seeds the working corpus from corpus/map" $?
c1=$(count)
[ "$c1" -ge "$(find "$src/corpus/map" -type f | wc -l)" ]
ok "the corpus holds $c1 files" $?
ls "$corpus" >"$work/files1"

timeout --preserve-status -s INT 6 "$src/scripts/fuzz" --no-setup --time 120 --target map \
  --workdir "$work" >"$work/2.log" 2>&1
rc=$?
[ $rc -eq 0 ]
ok "killed with SIGINT, scripts/fuzz still exits 0 (got $rc)" $?
grep -q 'stopping the engines' "$work/2.log" && grep -q '^target  *engine' "$work/2.log"
ok "it stops the engines and prints the summary" $?
ls "$corpus" >"$work/files2"
comm -23 "$work/files1" "$work/files2" >"$work/lost"
[ ! -s "$work/lost" ]
ok "no corpus file was lost by the kill ($(wc -l <"$work/lost") missing)" $?
c2=$(count)

"$src/scripts/fuzz" --no-setup --time 4 --target map --workdir "$work" >"$work/3.log" 2>&1
ok "a second campaign runs" $?
! grep -q 'seeded fuzz-out' "$work/3.log"
ok "it resumes from the working corpus (no reseeding)" $?
c3=$(count)
[ "$c3" -ge "$c2" ] && [ "$c2" -ge "$c1" ]
ok "corpus sizes never shrink: $c1 -> $c2 -> $c3" $?
if [ "$failed" -ne 0 ]; then
  for l in 1 2 3; do
    [ -f "$work/$l.log" ] && { echo "# ---- run $l"; sed 's/^/# /' "$work/$l.log" | tail -25; }
  done
fi
echo "1..$n"
[ "$failed" -eq 0 ]
