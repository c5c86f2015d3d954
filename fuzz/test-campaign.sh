#!/usr/bin/env bash
# test-campaign.sh SRCDIR: scripts/fuzz end to end, builds and state in
# temporary --workdirs (nothing is written to SRCDIR), TAP:
#  1. a short campaign on the real core (target map) prints the summary
#     table, builds under its workdir, leaves a corpus and exits 0;
#  2. a longer one killed with SIGINT after a few seconds still prints
#     the summary, exits 0 and loses no corpus file;
#  3. a third run resumes from that corpus (no reseeding, none smaller);
#     a crash file that replays clean alone makes the next run exit 3
#     and show what the engine printed when it wrote it;
#  4. AFL++ twice (--engine afl): the second run resumes the first one's
#     output (its queue entries kept, counters go on), and the queue is
#     copied into the corpus once per content;
#  5. --plant leak --time 30 --target km exits 1 (a new finding), and
#     with --no-fail 0 (state wiped in between, so the finding is new
#     again);
#  6. a second SIGINT during triage aborts at once with 130 and leaves
#     no process behind.
set -uo pipefail
src=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=fuzz/tap.sh
. "$(dirname "$0")/tap.sh"
t_last=$(date +%s)
took() {	# a TAP comment: seconds since the last one (where time goes)
  local now
  now=$(date +%s)
  echo "# ($1: $((now - t_last)) s)"
  t_last=$now
}
fuzz() { "$src/scripts/fuzz" --no-setup "$@"; }
wd=$work/real
corpus=$wd/fuzz-out/map/corpus
count() { find "$1" -maxdepth 1 -type f ! -name '.*' | wc -l; }

# ---- 1-3: libFuzzer, the real core -----------------------------------------
fuzz --time 6 --target map --workdir "$wd" >"$work/1.log" 2>&1
rc=$?
[ $rc -eq 0 ]
ok "a 6 s campaign on the real core exits 0 (got $rc)" $?
grep -q '^target  *engine  *execs  *exec/s' "$work/1.log" &&
  grep -qE '^map +libfuzzer +[0-9]+' "$work/1.log" &&
  grep -qE 'for that target, 0 in all; see ' "$work/1.log"
ok "it prints the summary table with a row for map, 0 findings in all" $?
[ -x "$wd/build-fuzz/fuzz/kmfuzz" ] && [ -x "$wd/build-fuzz/fuzz/fuzz_map" ]
ok "it builds under --workdir (WORKDIR/build-fuzz/)" $?
grep -q 'seeded fuzz-out/map/corpus' "$work/1.log"
ok "the first run seeds the working corpus from corpus/map" $?
c1=$(count "$corpus")
[ "$c1" -ge "$(find "$src/corpus/map" -type f | wc -l)" ]
ok "the corpus holds $c1 files" $?
ls "$corpus" >"$work/files1"

timeout --preserve-status -s INT 6 "$src/scripts/fuzz" --no-setup --time 120 --target map \
  --workdir "$wd" >"$work/2.log" 2>&1
rc=$?
[ $rc -eq 0 ]
ok "killed with SIGINT, scripts/fuzz still exits 0 (got $rc)" $?
grep -q 'stopping the engines' "$work/2.log" && grep -q '^target  *engine' "$work/2.log"
ok "it stops the engines and prints the summary" $?
ls "$corpus" >"$work/files2"
comm -23 "$work/files1" "$work/files2" >"$work/lost"
[ ! -s "$work/lost" ]
ok "no corpus file was lost by the kill ($(wc -l <"$work/lost") missing)" $?
c2=$(count "$corpus")

fuzz --time 4 --target map --workdir "$wd" >"$work/3.log" 2>&1
ok "a second campaign runs" $?
! grep -q 'seeded fuzz-out' "$work/3.log"
ok "it resumes from the working corpus (no reseeding)" $?
c3=$(count "$corpus")
[ "$c3" -ge "$c2" ] && [ "$c2" -ge "$c1" ]
ok "corpus sizes never shrink: $c1 -> $c2 -> $c3" $?
took "libFuzzer runs"

# ---- 3b: a crash that replays clean alone is reported, not dropped ----------
# (the engine's process carried state from one input into the next: what
# fuzz_text once hit as a harness KASSERT that no single input showed)
cf=crash-0123456789abcdef0123456789abcdef01234567
cp "$(find "$src/corpus/map" -type f | head -1)" "$wd/fuzz-out/map/crashes/$cf"
printf '#99\tNEW cov: 1 ft: 1\nkmfuzz panic: assertion "planted" failed at harness/x.c:1\n==1== ERROR: libFuzzer: deadly signal\nartifact_prefix=x; Test unit written to %s\n' \
  "$wd/fuzz-out/map/crashes/$cf" >>"$wd/fuzz-out/map/logs/libfuzzer.log"
fuzz --time 2 --target map --workdir "$wd" >"$work/3b.log" 2>&1
rc=$?
[ $rc -eq 3 ] && grep -q 'did not reproduce when replayed alone' "$work/3b.log" &&
  grep -q 'kmfuzz panic: assertion "planted"' "$work/3b.log" &&
  grep -q 'assertion "planted"' "$wd/findings/unreproducible/map-$cf.why"
ok "a crash that replays clean alone: exit 3, the summary and NAME.why say what the engine printed (got $rc)" $?

# ---- 4: AFL++ resumes --------------------------------------------------------
afl=$wd/fuzz-out/afl/map/main
afl_execs() { awk -F' *: *' '$1 == "execs_done" { print int($2) }' "$afl/fuzzer_stats" 2>/dev/null; }
fuzz --engine afl --jobs 1 --time 6 --target map --workdir "$wd" >"$work/4.log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ -f "$afl/fuzzer_stats" ]
ok "AFL++ run 1 exits 0 and leaves its output (got $rc)" $?
# The queue's entries by origin: a resume renames each entry OLD to
# id:N,time:0,execs:0,orig:OLD (or keeps orig:SEED for a seed), so each
# of run 1's entries must come back under its own name; a fresh start
# would read the working corpus instead, whose files have other names.
queue() { find "$afl/queue" -maxdepth 1 -type f -name 'id:*' -printf '%f\n' 2>/dev/null |
  sed 's/^.*,orig://' | sort -u; }
afl_time() { awk -F' *: *' '$1 == "run_time" { print int($2) }' "$afl/fuzzer_stats" 2>/dev/null; }
queue >"$work/queue1"
e1=$(afl_execs) r1=$(afl_time)
q1=$(wc -l <"$work/queue1")
fuzz --engine afl --jobs 1 --time 6 --target map --workdir "$wd" >"$work/5.log" 2>&1
rc=$?
[ $rc -eq 0 ]
ok "AFL++ run 2 exits 0 (got $rc)" $?
queue >"$work/queue2"
e2=$(afl_execs) r2=$(afl_time)
q2=$(wc -l <"$work/queue2")
grep -q 'Resuming' "$wd/fuzz-out/map/logs/afl-main.log"
ok "run 2 resumes the output directory (AFL_AUTORESUME)" $?
[ "$q1" -gt 0 ] && [ -z "$(comm -23 "$work/queue1" "$work/queue2")" ] && [ "$q2" -ge "$q1" ]
ok "run 1's $q1 queue entries are all in run 2's queue ($q2 now), not re-seeded" $?
[ "${e1:-0}" -gt 0 ] && [ "${e2:-0}" -gt "${e1:-0}" ] && [ "${r2:-0}" -ge $((${r1:-0} + 3)) ]
ok "execs_done and run_time go on from run 1's ($e1 -> $e2 execs, ${r1}s -> ${r2}s)" $?
dups=$(find "$corpus" -maxdepth 1 -type f ! -name '.*' -exec sha1sum {} + |
  awk '{ print $1 }' | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ]
ok "the corpus holds each content once after the queue sync ($dups duplicated)" $?
took "AFL++ runs"

# ---- 5: exit status on a planted bug -----------------------------------------
wp=$work/plant
fuzz --plant leak --time 30 --target km --workdir "$wp" >"$work/6.log" 2>&1
rc=$?
[ $rc -eq 1 ]
ok "--plant leak --time 30 --target km exits 1 on the new finding (got $rc)" $?
grep -q 'new finding(s) in this run' "$work/6.log" && [ -s "$wp/findings/INDEX" ]
ok "it names the new finding folder(s)" $?
rm -rf "$wp/fuzz-out" "$wp/findings"
fuzz --plant leak --time 5 --target km --workdir "$wp" --no-fail >"$work/7.log" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'new finding(s) in this run' "$work/7.log"
ok "with --no-fail the planted run exits 0 on a new finding (got $rc)" $?
took "planted runs"

# ---- 6: a second SIGINT aborts -----------------------------------------------
# Run in the background with SIGINT at its default (a non-interactive
# shell starts background jobs with SIGINT ignored, which a script
# cannot trap).
rm -rf "$wp/fuzz-out" "$wp/findings"
python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' "$src/scripts/fuzz" --no-setup --plant leak --time 120 \
  --target km --workdir "$wp" >"$work/8.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do	# wait for crash files, then stop the engines
  [ "$(count "$wp/fuzz-out/km/crashes" 2>/dev/null)" -ge 20 ] && break
  sleep 0.2
done
kill -INT "$pid"
for _ in $(seq 1 300); do	# the engines stop, triage starts
  grep -q 'stopping the engines' "$work/8.log" && grep -q 'triaging' "$work/8.log" && break
  sleep 0.1
done
sleep 0.5
kill -INT "$pid"
t0=$(date +%s)
wait "$pid"
rc=$?
took=$(($(date +%s) - t0))
[ $rc -eq 130 ] && [ $took -le 5 ]
ok "a second SIGINT during triage aborts with 130 within ${took}s (got $rc)" $?
grep -q 'stopping the engines' "$work/8.log" && grep -q 'aborted (second INT)' "$work/8.log"
ok "the first SIGINT stopped the engines, the second aborted" $?
sleep 1
left=$(pgrep -f "$wp/" | tr '\n' ' ')
[ -z "$left" ]
ok "no engine or triage process is left (${left:-none})" $?
# shellcheck disable=SC2086  # a list of pids
[ -z "$left" ] || kill -KILL $left 2>/dev/null

took "abort"
if [ "$tap_failed" -ne 0 ]; then
  for l in 1 2 3 3b 4 5 6 7 8; do
    [ -f "$work/$l.log" ] && { echo "# ---- run $l"; grep -v 'known finding' "$work/$l.log" | sed 's/^/# /' | tail -25; }
  done
fi
tap_end
