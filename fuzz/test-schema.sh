#!/usr/bin/env bash
# test-schema.sh KMFUZZ SRCDIR: the op schema is the one definition, as TAP.
#  - no implementation source but harness/ops.def spells an opcode name
#    as a string literal (everything derives from the schema);
#  - corpus/seeds-text holds a program using every opcode of the schema;
#  - every text file under corpus/: kmfuzz encode exits 0, and encode ->
#    print -> encode gives identical bytes (text -> bytes -> text ->
#    bytes is the identity);
#  - every op of corpus/seeds-text/every-op.txt comes back from C
#    emission (one OP(i) block with a DONE per op; test-crepro.sh builds
#    and runs such repros).
set -u
kmfuzz=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=fuzz/tap.sh
. "$(dirname "$0")/tap.sh"
names=$(sed -n 's/^KM_OP([A-Z_]*,[[:space:]]*\([a-z_]*\),.*/\1/p' "$src/harness/ops.def")
[ "$(echo "$names" | wc -w)" -ge 10 ]
ok "ops.def has its rows ($(echo "$names" | wc -w) ops)" $?

# string literals outside comments, in the implementation folders
# shellcheck disable=SC2086  # one argument per opcode name
python3 - "$src" $names >"$tmp/lits" <<'PY'
import re, sys, pathlib
src, names = pathlib.Path(sys.argv[1]), set(sys.argv[2:])
dirs = ['core', 'harness', 'adapter', 'fuzz', 'pmap_model', 'report',
        'testkernel/x86', 'testkernel/lib']
tok = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
# The same spelling for another concept: the target and opset "misuse"
# (a fuzz target's name, not the op).
# The core's pagedaemon tags its busy pages "pageout" (the core knows no
# op language).
allowed = {('harness/op_bytes.c', '"misuse"'), ('harness/input.c', '"misuse"'),
           ('core/uvm_fault.c', '"pageout"')}
for d in dirs:
    for f in sorted((src / d).glob('*.[ch]')):
        text = f.read_text(errors='replace')
        for m in tok.finditer(text):
            lit = m.group(0)
            if (lit.startswith('"') and lit[1:-1] in names and
                    (str(f.relative_to(src)), lit) not in allowed):
                line = text.count('\n', 0, m.start()) + 1
                print(f'{f.relative_to(src)}:{line}: {lit}')
PY
[ ! -s "$tmp/lits" ]
st=$?; ok "no source but ops.def spells an opcode name ($(head -3 "$tmp/lits" | tr '\n' ' '))" $st

missing=
for op in $names; do
  cat "$src"/corpus/seeds-text/*.txt | grep -q "^$op " || missing="$missing $op"
done
[ -z "$missing" ]
st=$?; ok "corpus/seeds-text uses every opcode (missing:${missing:- none})" $st

total=0 bad=0
for f in "$src"/corpus/*/*.txt; do
  t=$(sed -n 's/^# target:* *\([a-z]*\).*/\1/p' "$f" | head -1)
  [ "${t:-km}" = text ] && continue
  total=$((total + 1))
  if ! "$kmfuzz" encode "$f" -o "$tmp/b1" 2>"$tmp/err" ||
      ! "$kmfuzz" print --target "${t:-km}" "$tmp/b1" -o "$tmp/t2" >/dev/null 2>&1 ||
      ! "$kmfuzz" encode --target "${t:-km}" "$tmp/t2" -o "$tmp/b2" 2>>"$tmp/err" ||
      ! cmp -s "$tmp/b1" "$tmp/b2"; then
    echo "# $f: $(head -c 300 "$tmp/err")"
    bad=$((bad + 1))
  fi
done
[ "$total" -gt 20 ] && [ "$bad" -eq 0 ]
st=$?; ok "every corpus text file encodes, and encode-print-encode is the identity ($((total - bad)) of $total)" $st

every=$src/corpus/seeds-text/every-op.txt
"$kmfuzz" creproduce "$every" -o "$tmp/every.c" 2>"$tmp/err"
ok "kmfuzz creproduce writes every-op.txt as C" $?
nops=$(grep -cvE '^[[:space:]]*(#|$)' "$every")
nblocks=$(grep -c '^	OP([0-9]*) {' "$tmp/every.c")
ndone=$(grep -c '^		DONE(' "$tmp/every.c")
[ "$nops" -gt 0 ] && [ "$nblocks" = "$nops" ] && [ "$ndone" = "$nops" ] &&
  ! grep -q 'not run when recorded' "$tmp/every.c"
st=$?; ok "every op comes back from C emission ($nops ops, $nblocks blocks, $ndone DONEs)" $st

tap_end
