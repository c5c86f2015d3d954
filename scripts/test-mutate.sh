#!/usr/bin/env bash
# scripts/test-mutate.sh SRCDIR WORKDIR: scripts/mutate end to end on one
# function (km_type_ok in core/uvm_km.c), whose relational mutants the
# corpus replay kills at once: scores, tables and survivor list in the
# text report, the HTML page, results.json, the cache on a second run and
# the reviewed-equivalent file.  TAP.  No fuzzing and no sanitizers, so
# that it stays well under a minute once the worker build exists.  The
# budget (which counts that build) is far above what the three mutants
# take, so that a loaded machine does not leave them unrun.
set -uo pipefail
src=${1:?usage: test-mutate.sh SRCDIR WORKDIR}
work=${2:?usage: test-mutate.sh SRCDIR WORKDIR}
mkdir -p "$work"
rm -f "$work/cache.jsonl"
out=$work/out
rm -rf "$out"
n=0
fails=0
ok() {
  n=$((n + 1))
  if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
args=(--workdir "$work" --out "$out" --files core/uvm_km.c --function km_type_ok
      --operator relational -j 1 --budget 1h --no-fuzz --sanitize none --seed 1)

"$src/scripts/mutate" "${args[@]}" --list >"$work/list.txt" 2>&1
grep -q ' core/uvm_km.c:[0-9]* km_type_ok \[relational\] == -> !=' "$work/list.txt"
ok $? "--list prints the mutants of km_type_ok"
known=$(grep -B0 -A2 'km_type_ok \[relational\] == -> !=' "$work/list.txt" |
  awk '/^[0-9a-f]+ / { id = $1 } /\+ return t != UVM_KMF_WIRED/ { print id }')
[ -n "$known" ]
ok $? "the known mutant (t == UVM_KMF_WIRED -> t != ...) is listed: ${known:-none}"

# A planted bug's #if/#else in uvm_km_alloc opens an `if (' in each
# branch; only the compiled branch may count, or every function after it
# vanishes from the list (as they once did).
"$src/scripts/mutate" --files core/uvm_km.c --list >"$work/list-all.txt" 2>&1
for f in uvm_km_alloc uvm_km_free uvm_km_free_poolpage_cache; do
  c=$(grep -c " core/uvm_km.c:[0-9]* $f \[" "$work/list-all.txt")
  [ "$c" -ge 5 ]
  ok $? "functions after a planted #if/#else are mutated: $f has $c mutants"
done
grep -q ' km_free \[swap-stmts\] swap with the next statement' "$work/list-all.txt"
ok $? "swap-stmts: km_free's two removal steps are swapped"
grep -q ' uvm_km_pgremove_intrsafe \[replace-var\] start -> end' "$work/list-all.txt"
ok $? "replace-var: start read where end was meant"

"$src/scripts/mutate" "${args[@]}" >"$work/stdout.txt" 2>"$work/stderr.txt"
ok $? "scripts/mutate exits 0"
grep -Eq '^score \(all detectors\): +[0-9]+\.[0-9]%  \([0-9]+ killed of [0-9]+\)$' "$work/stdout.txt"
ok $? "overall score line"
grep -Eq '^score \(generative detectors\): +[0-9]+\.[0-9]%  \([0-9]+ killed of [0-9]+;' "$work/stdout.txt"
ok $? "generative score line"
grep -Eq '^core/uvm_km.c +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+% +[0-9.]+%$' "$work/stdout.txt"
ok $? "per-file table row"
grep -Eq '^survivors: [0-9]+$' "$work/stdout.txt" &&
  grep -q '^killed only by hand-written unit tests' "$work/stdout.txt"
ok $? "survivor and unit-only sections"
cmp -s "$work/stdout.txt" "$out/report.txt"
ok $? "report.txt is what was printed"
python3 - "$out" "$known" <<'EOF'
import json, sys, html.parser
out, known = sys.argv[1], sys.argv[2]
r = json.load(open(out + "/results.json"))
ms = {m["id"]: m for m in r["mutants"]}
m = ms[known]
assert m["status"] == "killed" and m["gen"], m
assert m["file"] == "core/uvm_km.c" and m["func"] == "km_type_ok", m
assert "!=" in m["mut"] and m["line"] > 0, m
assert r["summary"]["killed"] >= 1
class P(html.parser.HTMLParser):
    pass
page = open(out + "/report.html").read()
P().feed(page)
assert "<title>kmfuzz mutation score</title>" in page and known in page
assert "<script" not in page and "http" not in page.split("</style>")[0]
EOF
ok $? "results.json says the known mutant was killed by a generative detector; report.html is one page"

# Second run: everything comes from the cache; a killed mutant marked
# equivalent is reported as a stale mark.
eq=$work/equivalent.txt
echo "$known core/uvm_km.c:40 test: a mark on a killed mutant" >"$eq"
"$src/scripts/mutate" "${args[@]}" --equivalent "$eq" >"$work/stdout2.txt" 2>"$work/stderr2.txt"
ok $? "second run exits 0"
grep -Eq '; [0-9]+ cached; 0 to run;' "$work/stderr2.txt"
ok $? "second run takes every result from the cache"
grep -q "^warning: $known .* is marked equivalent but was killed" "$work/stdout2.txt"
ok $? "a stale equivalent mark is reported"
echo "1..$n"
[ "$fails" = 0 ]
