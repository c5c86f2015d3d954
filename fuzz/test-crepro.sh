#!/usr/bin/env bash
# test-crepro.sh KMFUZZ TEST_CHECKERS SRCDIR: C repros judge as kmfuzz run
# does, as TAP.
#  - every corpus input's C repro (kmfuzz creproduce) builds and exits 0
#    on the real core;
#  - for every checker, the C repro of test_checkers' program, with its
#    corruption spliced in as the harness's property hook after the op
#    it names (where test_checkers applies it), exits 1, and the finding
#    is that checker's.
# The project's sources are compiled once with the flags of the
# documented line (cc -std=c11 -D_GNU_SOURCE, the four include
# folders) into an archive each repro links against; test-repro.sh
# checks the documented line itself.
set -u
kmfuzz=$1 checkers=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=fuzz/tap.sh
. "$(dirname "$0")/tap.sh"
cflags=(-std=c11 -D_GNU_SOURCE -I"$src/core/include" -I"$src/harness"
  -I"$src/pmap_model" -I"$src/adapter" -I"$src/props")
mkdir -p "$tmp/obj"
for f in "$src"/core/*.c "$src"/harness/*.c "$src"/pmap_model/*.c \
    "$src"/adapter/*.c "$src"/props/corrupt.c; do
  cc "${cflags[@]}" -c "$f" -o "$tmp/obj/$(echo "${f#"$src"/}" | tr / _).o" || exit 1
done
ar rcs "$tmp/lib.a" "$tmp"/obj/*.o
ok "the sources build with the repro's flags" $?

# build_run C OUT: compile, link, run; the program's output in OUT.
build_run() {
  cc "${cflags[@]}" "$1" "$tmp/lib.a" -lpthread -o "$tmp/repro" \
    >"$2" 2>&1 || return 99
  "$tmp/repro" >"$2" 2>&1
}

# Every corpus input, on the real core.
total=0 bad=0
for dir in km map pool misuse seeds-text regressions; do
  for f in "$src/corpus/$dir"/*; do
    case $(basename "$f") in README*|.*) continue ;; esac
    targs=()
    case $dir in km|map|pool|misuse) targs=(--target "$dir") ;; esac
    total=$((total + 1))
    if ! "$kmfuzz" creproduce "${targs[@]}" "$f" -o "$tmp/r.c" 2>"$tmp/err" ||
        ! build_run "$tmp/r.c" "$tmp/out"; then
      echo "# $f: $(tail -2 "$tmp/err" "$tmp/out" | tr '\n' ' ')"
      bad=$((bad + 1))
    fi
  done
done
[ "$total" -gt 40 ] && [ "$bad" -eq 0 ]
st=$?; ok "every corpus input's C repro exits 0 on the real core ($((total - bad)) of $total)" $st

# Every checker, through a C repro with the corruption spliced in.
"$checkers" --list >"$tmp/cases"
[ -s "$tmp/cases" ]
ok "test_checkers lists its corruptions" $?
while IFS=$'\t' read -r index checker at program; do
  echo "$program" | tr '/' '\n' >"$tmp/p.txt"
  "$kmfuzz" creproduce "$tmp/p.txt" -o "$tmp/c.c" 2>"$tmp/err"
  # the corruption as the harness's property hook after op AT, exactly
  # where test_checkers applies it (before that op's checks)
  awk -v at="$at" -v idx="$index" '
    /^#include "repro.h"/ {
      print; print "#include \"corrupt.h\""
      print "static void\nhook(struct harness *h, void *arg)\n{"
      print "\t(void)arg;\n\tif (h->op_index == " at ")"
      print "\t\tcorrupt_by_index(h, " idx ");\n}"
      next }
    /^\t\t\.program = program,/ { print; print "\t\t.property = hook,"; next }
    { print }' "$tmp/c.c" >"$tmp/cc.c"
  grep -q '\.property = hook' "$tmp/cc.c" || echo "# splice failed"
  build_run "$tmp/cc.c" "$tmp/out"
  rc=$?
  [ $rc -eq 1 ] && grep -q "checker \"$checker\"" "$tmp/out"
  st=$?
  ok "checker $checker: the C repro exits 1 naming it (exit $rc: $(grep -m1 'checker' "$tmp/out"))" $st
done <"$tmp/cases"

tap_end
