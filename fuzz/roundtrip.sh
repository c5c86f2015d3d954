#!/usr/bin/env bash
# roundtrip.sh KMFUZZ CORPUS: for every corpus/<target>/*.bin,
#   kmfuzz print -> text A;  kmfuzz encode A -> bytes;  kmfuzz print -> B
# and A and B must list the same ops (header comments aside).  Then every
# corpus/<target>/NAME.bin made from corpus/seeds-text/NAME.txt must equal
# a fresh encoding of the seed (else the byte format moved on: run
# scripts/make-corpus).  One line per file; exit 1 if anything differs
# (with the diff) or if there is nothing to compare (no .bin file: a
# wrong CORPUS must not pass), 0 if all agree.
set -u
kmfuzz=$1
corpus=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
for dir in "$corpus"/*/; do
  t=$(basename "$dir")
  case $t in km|map|pool|misuse) ;; *) continue ;; esac
  for f in "$dir"*.bin; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    if ! "$kmfuzz" print --target "$t" "$f" -o "$tmp/a.txt"; then
      echo "FAIL $f: kmfuzz print exited $?"; fail=1; continue
    fi
    if ! "$kmfuzz" encode --target "$t" "$tmp/a.txt" -o "$tmp/b.bin"; then
      echo "FAIL $f: kmfuzz encode of its printed text failed"; fail=1
      continue
    fi
    if ! "$kmfuzz" print --target "$t" "$tmp/b.bin" -o "$tmp/b.txt"; then
      echo "FAIL $f: kmfuzz print of the re-encoded bytes failed"; fail=1
      continue
    fi
    if ! diff <(grep -v '^#' "$tmp/a.txt") <(grep -v '^#' "$tmp/b.txt") \
        > "$tmp/diff"; then
      echo "FAIL $f: ops differ after print/encode/print:"
      cat "$tmp/diff"; fail=1; continue
    fi
    echo "ok $f ($(grep -vc '^#' "$tmp/a.txt") ops)"
  done
done
for seed in "$corpus"/seeds-text/*.txt; do
  [ -e "$seed" ] || continue
  name=$(basename "$seed" .txt)
  for t in km map pool misuse; do
    bin=$corpus/$t/$name.bin
    [ -e "$bin" ] || continue
    if "$kmfuzz" encode --target "$t" "$seed" -o "$tmp/seed.bin" 2>"$tmp/err" &&
        cmp -s "$tmp/seed.bin" "$bin"; then
      echo "ok $bin is the encoding of $seed"
    else
      echo "FAIL $bin is stale: not the encoding of $seed (run scripts/make-corpus)"
      cat "$tmp/err"; fail=1
    fi
  done
done
if [ "$n" -eq 0 ]; then
  echo "FAIL no corpus/<target>/*.bin file under $corpus: nothing was compared"
  exit 1
fi
echo "$n files, $([ $fail -eq 0 ] && echo 'all round trips agree' || echo 'some differ')"
exit $fail
