#!/usr/bin/env bash
# test-repro.sh KMFUZZ KMFUZZ_PLANTED NAME ID SRCDIR: kmfuzz shrink,
# creproduce and picture on a finding of planted bug NAME (-DKMFUZZ_PLANT=ID),
# as TAP.  The finding comes from the first corpus/km file that the
# planted kmfuzz flags (a realistic, unshrunk input):
#  - shrink writes a repro of at most 10 ops with the caught:/signature:/
#    target: header, which the planted kmfuzz replays as a finding and the real
#    one runs clean;
#  - creproduce's C file builds with the line documented in its header,
#    exits 1 with -DKMFUZZ_PLANT=ID and 0 without (the fixed core);
#  - picture's SVG parses as XML and shows the failing range in red.
set -u
kmfuzz=$1 planted=$2 name=$3 id=$4 src=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=fuzz/tap.sh
. "$(dirname "$0")/tap.sh"

input=
for f in "$src"/corpus/km/*; do
  if ! "$planted" run --target km "$f" >/dev/null 2>&1; then input=$f; break; fi
done
[ -n "$input" ]
ok "a corpus/km file fails on planted core '$name' (${input:-none})" $?
[ -n "$input" ] || { tap_end; exit 1; }

"$planted" shrink --target km "$input" -o "$tmp/repro.txt" 2>"$tmp/err"
ok "kmfuzz shrink exits 0 on a finding" $?
ops=$(grep -cvE '^[[:space:]]*(#|$)' "$tmp/repro.txt")
[ "$ops" -ge 1 ] && [ "$ops" -le 10 ]
ok "the repro has $ops ops (1..10)" $?
head -1 "$tmp/repro.txt" | grep -q '^# caught: [a-z]* at op [0-9]*: '
ok "first line is '# caught: CHECKER at op N: MSG'" $?
sed -n 2p "$tmp/repro.txt" | grep -q '^# signature: [a-z]* [a-z_]*: '
ok "second line is '# signature: CHECKER OP: MSG'" $?
sed -n 3p "$tmp/repro.txt" | grep -q '^# target: km'
ok "third line is '# target: km'" $?
"$planted" run "$tmp/repro.txt" >/dev/null 2>&1
[ $? -eq 1 ]
ok "the planted core replays the repro as a finding" $?
"$kmfuzz" run "$tmp/repro.txt" >/dev/null 2>&1
ok "the real core runs the repro clean" $?
printf 'alloc kernel_map 0x1000 WIRED -> a1\nfree a1\n' >"$tmp/clean.txt"
"$planted" shrink "$tmp/clean.txt" >/dev/null 2>&1
[ $? -eq 1 ]
ok "shrink of an input that does not fail exits 1" $?

"$planted" creproduce "$tmp/repro.txt" -o "$tmp/repro.c" 2>"$tmp/err"
ok "kmfuzz creproduce writes a C file" $?
grep -q "KMFUZZ_PLANT=$id" "$tmp/repro.c"
ok "the C file says which planted bug to compile in" $?
# The documented line, as the file's header gives it.
line=$(sed -n 's|^//[[:space:]]*\(cc -std=c11 .*\)$|\1|p' "$tmp/repro.c" | head -1)
[ -n "$line" ]
ok "the C file documents its compile line" $?
cp "$tmp/repro.c" "$tmp/r.c"
build() {	# build OUT EXTRA-FLAGS: the documented line, run from SRCDIR
  local cmd=${line/repro.c/$tmp/r.c}
  cmd=${cmd/-o repro/-o $1}
  # shellcheck disable=SC2086
  (cd "$src" && ${cmd/cc -std=c11/cc -std=c11 $2}) >"$tmp/cc.log" 2>&1
}
build "$tmp/planted" "-DKMFUZZ_PLANT=$id"
ok "it compiles with the documented line and -DKMFUZZ_PLANT=$id" $?
"$tmp/planted" >"$tmp/planted.out" 2>&1
rc=$?
[ $rc -eq 1 ]
ok "on the planted core it fails (exit $rc): $(grep -m1 FAILED "$tmp/planted.out")" $?
build "$tmp/fixed" ""
ok "it compiles with the documented line alone" $?
"$tmp/fixed" >"$tmp/fixed.out" 2>&1
rc=$?
[ $rc -eq 0 ]
ok "on the fixed core it passes (exit $rc)" $?
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/fixed.out" | tail -5

"$planted" picture --target km "$input" -o "$tmp/map.svg" 2>"$tmp/err"
ok "kmfuzz picture writes an SVG" $?
python3 - "$tmp/map.svg" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == '{http://www.w3.org/2000/svg}svg', root.tag
PY
ok "the SVG is well-formed XML with an <svg> root" $?
grep -q 'stroke="#d00000"' "$tmp/map.svg" && grep -q 'caught: ' "$tmp/map.svg"
ok "the SVG shows the failing range in red and the caught: caption" $?

tap_end
