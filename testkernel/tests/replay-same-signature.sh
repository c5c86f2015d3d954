#!/usr/bin/env bash
# replay-same-signature.sh MODEL PLANT_IMAGE CLEAN_IMAGE REPRO DIR -- REPLAY...
# A finding of a planted bug reproduces in the test kernel with the
# model's signature (TAP).
#   MODEL        kmfuzz built on the planted core (kmfuzz_plant_noupdate)
#   PLANT_IMAGE  the test kernel with the same planted core
#   CLEAN_IMAGE  the shipped test kernel
#   REPRO        a text repro of the planted bug with a "# signature:" line
#   DIR          byte inputs of target pool ("" for none): the first one
#                the planted model flags must give the same signature in
#                the planted kernel too (bytes, both pool-page variants)
#   REPLAY...    the kernel replay command: "kmfuzz run --kernel", or
#                kmfuzz-kernel-replay (the same code, fuzz/cmd_kernel.c)
set -u
model=$1 plant=$2 clean=$3 repro=$4 dir=$5
shift 5
[ "${1:-}" = "--" ] && shift
replay=("$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=fuzz/tap.sh
. "$(dirname "$0")/../../fuzz/tap.sh"

# the model's signature: the report's "  signature: ..." line
model_sig() {
  sed -n 's/^  signature: //p' "$1" | head -n 1
}
# the kernel replay's "FILE: signature: ..." line
kernel_sig() {
  sed -n "s|^$2: signature: ||p" "$1" | head -n 1
}

# compare INPUT [kmfuzz options]: model vs planted kernel on one input
compare() {
  local input=$1 what ms ks
  shift
  what=$(basename "$input")
  "$model" run "$@" "$input" >"$tmp/m.out" 2>"$tmp/m.err"
  [ $? -eq 1 ]
  ok "$what: the planted model finds it (exit 1)" $?
  ms=$(model_sig "$tmp/m.err")
  start=$(date +%s%N)
  "${replay[@]}" --kernel-image "$plant" "$@" "$input" >"$tmp/k.out" \
    2>"$tmp/k.err"
  st=$?
  ms_boot=$(( ($(date +%s%N) - start) / 1000000 ))
  [ $st -eq 1 ] && grep -qx "$input: FINDING" "$tmp/k.out"
  ok "$what: the planted kernel finds it (exit $st, ${ms_boot} ms)" $?
  ks=$(kernel_sig "$tmp/k.out" "$input")
  [ -n "$ms" ] && [ "$ms" = "$ks" ]
  ok "$what: the same signature in the model and the kernel: '$ms'" $?
  if [ -z "$ms" ] || [ "$ms" != "$ks" ]; then
    echo "# kernel: '$ks'"
    sed 's/^/# /' "$tmp/k.out" "$tmp/k.err"
  fi
  grep -q '^kmfuzz finding: checker' "$tmp/k.err" &&
    grep -q '^---- end of repro' "$tmp/k.err"
  ok "$what: the kernel's report and repro on stderr, as kmfuzz's" $?
}

compare "$repro"
grep -qx "$repro: the recorded signature, reproduced" "$tmp/k.out"
ok "the repro's recorded '# signature:' line, reproduced in the kernel" $?

"${replay[@]}" --kernel-image "$clean" "$repro" >"$tmp/c.out" 2>"$tmp/c.err"
st=$?
[ $st -eq 0 ] && grep -qx "$repro: clean" "$tmp/c.out"
ok "the shipped kernel replays the repro clean (exit $st)" $?

if [ -n "$dir" ]; then
  input=
  for f in "$dir"/*; do
    [ -f "$f" ] || continue
    if ! "$model" run --target pool "$f" >/dev/null 2>&1; then
      input=$f
      break
    fi
  done
  [ -n "$input" ]
  ok "a byte input of $dir fails on the planted model (${input:-none})" $?
  [ -n "$input" ] && compare "$input" --target pool
fi
tap_end
