#!/bin/bash -eu
# fuzz/oss-fuzz/build.sh: build every kmfuzz fuzz target for OSS-Fuzz /
# ClusterFuzzLite, straight from the sources (no meson inside the image).
# Honours $CC $CFLAGS $CXX $LIB_FUZZING_ENGINE $OUT $SRC as OSS-Fuzz sets
# them; the sources are $SRC/kmfuzz, or the tree this script sits in.
# Writes to $OUT, per target T in km map pool misuse text smp:
#   fuzz_T                    the fuzzer
#   fuzz_T_seed_corpus.zip    corpus/T
#   fuzz_T.options            fuzz/fuzz_T.options ([libfuzzer] dict, max_len)
#   fuzz_T.dict               fuzz/fuzz_T.dict (byte tokens; the text
#                             target's: the op language's words)
# ClusterFuzzLite runs this same script (.clusterfuzzlite/build.sh execs it).
# Run natively (what the meson test 'oss-fuzz build.sh' does):
#   CC=clang CFLAGS='-fsanitize=address,fuzzer-no-link' \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out SRC=.. fuzz/oss-fuzz/build.sh
# The sources: the tree this script sits in (run from a checkout, or
# exec'd by .clusterfuzzlite/build.sh), else $SRC/kmfuzz (the Dockerfile
# copies this script alone to $SRC/build.sh), else the working directory.
repo=
for d in "$(cd "$(dirname "$0")/../.." && pwd)" "${SRC:-/nonexistent}/kmfuzz" "$PWD"; do
  if [ -f "$d/fuzz/fuzz_km.c" ] && [ -d "$d/core" ]; then repo=$d; break; fi
done
[ -n "$repo" ] || { echo "build.sh: cannot find the kmfuzz sources" >&2; exit 1; }
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
# UVM_DEBUG=2: KDASSERT and the whole-range checks, as every fuzz build.
for f in "$repo"/core/*.c; do
  compile "$f" -ffreestanding -fno-builtin -fno-sanitize-coverage=trace-cmp \
    -DUVM_DEBUG=2
done
for f in "$repo"/harness/*.c; do
  compile "$f" -ffreestanding
done
for f in "$repo"/pmap_model/*.c "$repo"/adapter/*.c \
         "$repo"/fuzz/{target_common,fileio}.c; do
  compile "$f"
done

for t in km map pool misuse text smp; do
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
  # the same .options and dictionaries scripts/fuzz uses
  cp "$repo/fuzz/fuzz_$t.options" "$OUT/fuzz_$t.options"
  if [ -f "$repo/fuzz/fuzz_$t.dict" ]; then cp "$repo/fuzz/fuzz_$t.dict" "$OUT/"; fi
done
echo "build.sh: built 6 targets into $OUT"
