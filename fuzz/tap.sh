# shellcheck shell=bash
# tap.sh: sourced by the fuzz/ test scripts -- TAP output.
#   ok DESCRIPTION STATUS   one "ok N - ..." / "not ok N - ..." line
#   tap_end                 "1..N"; exit status 0 only if all passed and
#                           at least one check ran
# Compute STATUS before the call when DESCRIPTION holds a $(...): the
# substitution would reset $?.
tap_n=0 tap_failed=0
ok() {
  tap_n=$((tap_n + 1))
  if [ "$2" -eq 0 ]; then echo "ok $tap_n - $1"
  else echo "not ok $tap_n - $1"; tap_failed=$((tap_failed + 1)); fi
}
tap_end() {
  echo "1..$tap_n"
  [ "$tap_failed" -eq 0 ] && [ "$tap_n" -gt 0 ]
}
