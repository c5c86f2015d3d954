#!/usr/bin/env bash
# libfuzzer-smoke.sh BINARY CORPUS RUNS [DICT]: a bounded, reproducible
# libFuzzer run (-seed=1) starting from CORPUS, with DICT if given, else
# the dictionary fuzz/fuzz_T.options names for BINARY's target T (as
# scripts/fuzz and OSS-Fuzz run it).  New inputs and crash artifacts go
# to a temporary directory, never into the corpus.  Passes when libFuzzer
# finishes its RUNS executions without a finding (exit 0); a crash exits
# 1 (-error_exitcode=1, since meson would show libFuzzer's 77 as a skip),
# and so does a CORPUS without inputs (the run would test nothing).
set -u
bin=$1
corpus=$2
runs=${3:-2000}
dict=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$dict" ]; then
  t=$(basename "$bin"); t=${t#fuzz_}; t=${t%_libfuzzer}
  d=$(sed -n 's/^dict *= *//p' "$here/fuzz_$t.options" 2>/dev/null | head -1)
  if [ -n "$d" ] && [ -f "$here/$d" ]; then dict=$here/$d; fi
fi
if [ -z "$(find "$corpus" -maxdepth 1 -type f 2>/dev/null | head -1)" ]; then
  echo "libfuzzer-smoke: no inputs in $corpus: nothing to start from"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/new"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:abort_on_error=0
args=(-runs="$runs" -seed=1 -error_exitcode=1 -timeout=20 -max_len=4096
      -print_final_stats=1 -artifact_prefix="$tmp/")
if [ -n "$dict" ]; then args+=(-dict="$dict"); fi
"$bin" "${args[@]}" "$tmp/new" "$corpus" 2>&1 | tail -n 25
rc=${PIPESTATUS[0]}
if ls "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* >/dev/null 2>&1; then
  echo "libfuzzer-smoke: $(basename "$bin") left an artifact:"
  for a in "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-*; do
    [ -e "$a" ] && { echo "== $a"; od -An -tx1 "$a" | head -5; }
  done
  exit 1
fi
echo "libfuzzer-smoke: $(basename "$bin"): $runs runs${dict:+, dictionary $(basename "$dict")}, exit $rc"
exit "$rc"
