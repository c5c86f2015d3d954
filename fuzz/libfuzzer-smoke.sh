#!/usr/bin/env bash
# libfuzzer-smoke.sh BINARY CORPUS RUNS [DICT]: a bounded, reproducible
# libFuzzer run (-seed=1) starting from CORPUS, with DICT if given.  New
# inputs and crash artifacts go to a temporary directory, never into the
# corpus.  Passes when libFuzzer finishes its RUNS executions without a
# finding (exit 0); a crash exits 1 (-error_exitcode=1, since meson would
# show libFuzzer's 77 as a skip).
set -u
bin=$1
corpus=$2
runs=${3:-2000}
dict=${4:-}
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
echo "libfuzzer-smoke: $(basename "$bin"): $runs runs, exit $rc"
exit "$rc"
