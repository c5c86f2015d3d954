#!/bin/bash -eu
# .clusterfuzzlite/build.sh: ClusterFuzzLite's build script.  It holds no
# build logic: it runs fuzz/oss-fuzz/build.sh, which OSS-Fuzz uses too.
# The Dockerfile copies this file to $SRC/build.sh and works in
# $SRC/kmfuzz; run from a checkout, it finds the checkout it sits in.
for d in "$(cd "$(dirname "$0")/.." && pwd)" "${SRC:-/nonexistent}/kmfuzz" "$PWD"; do
  if [ -f "$d/fuzz/oss-fuzz/build.sh" ]; then
    exec bash -eu "$d/fuzz/oss-fuzz/build.sh" "$@"
  fi
done
echo "build.sh: cannot find fuzz/oss-fuzz/build.sh" >&2
exit 1
