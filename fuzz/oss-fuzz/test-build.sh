#!/usr/bin/env bash
# test-build.sh SRCDIR: run fuzz/oss-fuzz/build.sh natively the way
# OSS-Fuzz would (CC=clang, ASan + fuzzer-no-link, LIB_FUZZING_ENGINE=
# -fsanitize=fuzzer, OUT a temporary folder, SRC the folder above the
# checkout), check the OSS-Fuzz files it writes, and replay each built
# target over its unzipped seed corpus (-runs=0): any crash fails.
set -uo pipefail
src=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
if ! CC=clang CFLAGS='-fsanitize=address,fuzzer-no-link' \
    LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$tmp/out" SRC="$(dirname "$src")" \
    "$src/fuzz/oss-fuzz/build.sh" >"$tmp/build.log" 2>&1; then
  echo "not ok - build.sh failed:"; tail -n 30 "$tmp/build.log"; exit 1
fi
echo "ok - build.sh: $(tail -1 "$tmp/build.log")"
for t in km map pool misuse text; do
  for f in "fuzz_$t" "fuzz_${t}_seed_corpus.zip" "fuzz_$t.options"; do
    if [ ! -s "$tmp/out/$f" ]; then echo "not ok - \$OUT/$f missing"; fail=1; fi
  done
  grep -q '^\[libfuzzer\]' "$tmp/out/fuzz_$t.options" ||
    { echo "not ok - fuzz_$t.options has no [libfuzzer] section"; fail=1; }
  mkdir -p "$tmp/seeds-$t"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$tmp/out/fuzz_${t}_seed_corpus.zip" "$tmp/seeds-$t"
  n=$(find "$tmp/seeds-$t" -type f | wc -l)
  if (cd "$tmp" && ASAN_OPTIONS=detect_leaks=1 "$tmp/out/fuzz_$t" -runs=0 \
      -error_exitcode=1 "$tmp/seeds-$t" >"$tmp/run-$t.log" 2>&1) && [ "$n" -gt 0 ]; then
    echo "ok - fuzz_$t replays its $n seeds"
  else
    echo "not ok - fuzz_$t on its $n seeds:"; tail -n 20 "$tmp/run-$t.log"; fail=1
  fi
done
[ -s "$tmp/out/fuzz_text.dict" ] || { echo "not ok - fuzz_text.dict missing"; fail=1; }
exit $fail
