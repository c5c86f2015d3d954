#!/bin/bash -eu
# fuzz/oss-fuzz/build.sh: build every kmfuzz fuzz target for OSS-Fuzz /
# ClusterFuzzLite, straight from the sources (no meson inside the image).
# Honours $CC $CFLAGS $CXX $LIB_FUZZING_ENGINE $OUT $SRC as OSS-Fuzz sets
# them; the sources are $SRC/kmfuzz, or the tree this script sits in.
# Writes to $OUT, per target T in km map pool misuse text:
#   fuzz_T                    the fuzzer
#   fuzz_T_seed_corpus.zip    corpus/T
#   fuzz_T.options            [libfuzzer] max_len, entropic (and dict)
#   fuzz_text.dict            the text op language's words
# Run natively (what the meson test 'oss-fuzz build.sh' does):
#   CC=clang CFLAGS='-fsanitize=address,fuzzer-no-link' \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out SRC=.. fuzz/oss-fuzz/build.sh
here=$(cd "$(dirname "$0")/../.." && pwd)
repo=$here
if [ -d "${SRC:-/nonexistent}/kmfuzz/core" ]; then repo=$SRC/kmfuzz; fi
: "${CC:=clang}" "${CFLAGS:=}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}" "${OUT:?set OUT}"
link=${CXX:-$CC}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"

# shellcheck disable=SC2206  # CFLAGS is a list of flags
flags=($CFLAGS -std=c11 -D_GNU_SOURCE -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
       -fno-omit-frame-pointer -O1 -g
       -I"$repo/core/include" -I"$repo/harness" -I"$repo/pmap_model" -I"$repo/adapter" -I"$repo/fuzz")
objs=()
compile() {	# compile SRC EXTRA-FLAGS...
  local src=$1 obj
  shift
  obj=$work/$(echo "${src#"$repo"/}" | tr '/' '_').o
  "$CC" "${flags[@]}" "$@" -c "$src" -o "$obj"
  objs+=("$obj")
}
# The core: freestanding, and without comparison tracing (its compares
# are of addresses and counters no input byte spells; see fuzz/meson.build).
for f in "$repo"/core/*.c; do
  compile "$f" -ffreestanding -fno-builtin -fno-sanitize-coverage=trace-cmp
done
for f in "$repo"/harness/*.c; do
  compile "$f" -ffreestanding
done
for f in "$repo"/pmap_model/*.c "$repo"/adapter/*.c \
         "$repo"/fuzz/{target_common,fileio}.c; do
  compile "$f"
done

for t in km map pool misuse text; do
  "$CC" "${flags[@]}" -c "$repo/fuzz/fuzz_$t.c" -o "$work/fuzz_$t.o"
  # shellcheck disable=SC2086  # LIB_FUZZING_ENGINE may be several words
  "$link" "${flags[@]}" "$work/fuzz_$t.o" "${objs[@]}" $LIB_FUZZING_ENGINE \
    -lpthread -o "$OUT/fuzz_$t"
  python3 - "$repo/corpus/$t" "$OUT/fuzz_${t}_seed_corpus.zip" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if os.path.isfile(path) and not name.startswith(('.', 'README')):
            z.write(path, name)
PY
  {
    echo "[libfuzzer]"
    echo "max_len = 4096"
    echo "entropic = 0"
    [ "$t" = text ] && echo "dict = fuzz_text.dict"
  } >"$OUT/fuzz_$t.options"
done
cp "$repo/fuzz/fuzz_text.dict" "$OUT/fuzz_text.dict"
echo "build.sh: built 5 targets into $OUT"
