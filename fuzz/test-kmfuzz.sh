#!/usr/bin/env bash
# test-kmfuzz.sh KMFUZZ KMFUZZ_PLANTED CORPUS: the kmfuzz tool's own
# contract, as TAP.  KMFUZZ_PLANTED is kmfuzz linked with a core that has
# a deliberate leak, so the finding path (report, repro, regression
# replay) is exercised end to end; a fault in a hole runs and is judged.
set -u
kmfuzz=$1
planted=$2
corpus=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0
ok() {	# ok DESCRIPTION CONDITION-EXIT-STATUS
  n=$((n + 1))
  if [ "$2" -eq 0 ]; then echo "ok $n - $1"
  else echo "not ok $n - $1"; failed=$((failed + 1)); fi
}
expect_rc() {	# expect_rc WANT DESCRIPTION CMD...
  local want=$1 desc=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  [ "$rc" -eq "$want" ]
  ok "$desc (exit $rc, want $want)" $?
  if [ "$rc" -ne "$want" ]; then sed 's/^/# /' "$tmp/err" | head -20; fi
}

for c in run print encode shrink creproduce picture; do
  expect_rc 0 "kmfuzz $c --help" "$kmfuzz" "$c" --help
done
expect_rc 0 "kmfuzz --help" "$kmfuzz" --help
expect_rc 2 "no command" "$kmfuzz"
expect_rc 2 "unknown target" "$kmfuzz" run --target nosuch "$corpus/km"

printf '# two good lines, then a bad one\nalloc kernel_map 0x1000 WIRED -> a1\nfree a1\nfree x\n' >"$tmp/bad.txt"
expect_rc 2 "malformed text is bad input" "$kmfuzz" run "$tmp/bad.txt"
grep -q "^$tmp/bad.txt:4: " "$tmp/err"
ok "malformed line reported as FILE:LINE: message" $?

printf 'alloc kernel_map 0x1000 WIRED -> a1\nfree a1\nfree a1\n' >"$tmp/dead.txt"
expect_rc 2 "a dead handle is bad input" "$kmfuzz" run "$tmp/dead.txt"
grep -q "^$tmp/dead.txt:3: a1 is not live" "$tmp/err"
ok "dead handle reported at its line" $?

printf 'alloc kernel_map 0x2000 PAGEABLE -> a1\ntouch a1 page=1 write\nfree a1\n' >"$tmp/ok.txt"
expect_rc 0 "a clean text program" "$kmfuzz" run "$tmp/ok.txt"
expect_rc 3 "encode refuses an op outside the opset" \
  "$kmfuzz" encode --target map "$tmp/ok.txt" -o "$tmp/no.bin"
[ ! -e "$tmp/no.bin" ]
ok "nothing written for an impossible encoding" $?
expect_rc 0 "encode for km" "$kmfuzz" encode "$tmp/ok.txt" -o "$tmp/ok.bin"
expect_rc 0 "print the bytes" "$kmfuzz" print "$tmp/ok.bin" -o "$tmp/ok.out"
head -1 "$tmp/ok.out" | grep -q "^# target km, bytes .*: clean, 3 ops$"
ok "print header names target and result" $?
diff <(grep -v '^#' "$tmp/ok.txt") <(grep -v '^#' "$tmp/ok.out") >/dev/null
ok "text -> bytes -> text gives the same ops" $?
cp "$tmp/ok.bin" "$tmp/ok-bytes"
expect_rc 0 "bytes without .bin are recognized" "$kmfuzz" run "$tmp/ok-bytes"
cp "$tmp/ok.txt" "$tmp/ok-text"
expect_rc 0 "text without .txt is recognized" "$kmfuzz" run "$tmp/ok-text"
mkdir "$tmp/empty"
expect_rc 2 "an empty folder is an error (nothing was replayed)" \
  "$kmfuzz" run "$tmp/empty"

# The finding path, on a core with a planted leak.
expect_rc 1 "planted leak is found in a km corpus file" \
  "$planted" run "$corpus/km/hold-lock.bin"
grep -q '^kmfuzz finding: checker "leak"' "$tmp/err"
ok "report names the checker" $?
awk '/^---- repro/ { f = 1; next } /^---- end of repro/ { if (f) exit }
  f' "$tmp/err" >"$tmp/repro.txt"
head -1 "$tmp/repro.txt" | grep -q '^# caught: leak at op [0-9]*: '
ok "repro starts with a caught: comment" $?
sed -n 2p "$tmp/repro.txt" | grep -q '^# target: km'
ok "repro names its target" $?
mkdir "$tmp/reg" && cp "$tmp/repro.txt" "$tmp/reg/leak.txt"
expect_rc 1 "the repro replays to a finding on the planted core" \
  "$planted" run "$tmp/reg"
grep -q "$(head -1 "$tmp/repro.txt" | sed 's/^# caught: //; s/[][\\.*^$]/./g')" \
  "$tmp/err"
ok "same checker, op and message when replayed" $?
expect_rc 0 "the repro is clean on the real core" "$kmfuzz" run "$tmp/reg"
expect_rc 1 "print of a finding exits 1" \
  "$planted" print "$tmp/reg/leak.txt" -o "$tmp/p.txt"
head -1 "$tmp/p.txt" | grep -q '^# caught: leak'
ok "print of a finding starts with the caught: comment" $?

# A fault in a hole (a kernel touching VA no entry holds, as kcopy of a
# bad address does) runs and must fail with EFAULT, mapping nothing and
# keeping no lock: r1's first pages are unmapped and nobody maps them
# again.  (Where another entry took the VA, the rtouch is not run.)
cat >"$tmp/hole.txt" <<'EOF'
uvm_map kernel_map 0x4000 obj rw-/rwx -> r1
rtouch r1 page=1 write
uvm_unmap r1 page=0 count=2
rtouch r1 page=1 read
EOF
"$kmfuzz" print "$tmp/hole.txt" >"$tmp/out" 2>&1
st=$?
[ $st -eq 0 ] && grep -q '^rtouch r1 page=1 read$' "$tmp/out"
ok "a fault in a hole runs (not adjusted away) and is clean (exit $st)" $?

echo "1..$n"
[ "$failed" -eq 0 ]
