#!/usr/bin/env bash
# test-build.sh SRCDIR: the OSS-Fuzz and ClusterFuzzLite builds, run
# natively since no Docker engine runs here.
#  1. each Dockerfile's layout: the checkout in $SRC/kmfuzz, the build
#     script copied to $SRC/build.sh (fuzz/oss-fuzz/build.sh for
#     OSS-Fuzz, .clusterfuzzlite/build.sh for ClusterFuzzLite), run from
#     $SRC/kmfuzz with CC=clang, ASan + fuzzer-no-link,
#     LIB_FUZZING_ENGINE=-fsanitize=fuzzer, OUT a temporary folder;
#  2. both write the same files: per target the fuzzer, its seed corpus
#     zip, fuzz/fuzz_T.options ([libfuzzer], its dict present) and dict;
#  3. each target replays its unzipped seeds with its dictionary loaded
#     (-runs=0): any crash or a bad dictionary fails;
#  4. the Dockerfiles COPY files that exist and clone nothing; no
#     placeholder URL; the YAML files (both project.yaml, the workflows)
#     parse and say what ClusterFuzzLite needs (PyYAML).
# One line per check; exit 1 if any fails.
set -uo pipefail
src=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
targets=(km map pool misuse text smp)

# layout NAME SCRIPT: build as the Dockerfile would, into $tmp/NAME/out
layout() {
  local name=$1 script=$2 s=$tmp/$1/src
  mkdir -p "$s"
  ln -s "$src" "$s/kmfuzz"
  cp "$src/$script" "$s/build.sh"
  if ! (cd "$s/kmfuzz" && CC=clang CFLAGS='-fsanitize=address,fuzzer-no-link' \
      LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$tmp/$name/out" SRC="$s" \
      WORK="$tmp/$name" bash -eu "$s/build.sh" >"$tmp/$name/build.log" 2>&1); then
    echo "not ok - $name: $script failed:"; tail -n 30 "$tmp/$name/build.log"; fail=1
    return 1
  fi
  echo "ok - $name: $script as \$SRC/build.sh: $(tail -1 "$tmp/$name/build.log")"
}
layout oss-fuzz fuzz/oss-fuzz/build.sh
layout cflite .clusterfuzzlite/build.sh || exit 1
out=$tmp/cflite/out

if [ -d "$tmp/oss-fuzz/out" ]; then
  if diff <(cd "$tmp/oss-fuzz/out" && ls) <(cd "$out" && ls) >"$tmp/ls.diff"; then
    echo "ok - both layouts write the same $(find "$out" -type f | wc -l) files"
  else
    echo "not ok - the two layouts write different files:"; cat "$tmp/ls.diff"; fail=1
  fi
fi

for t in "${targets[@]}"; do
  for f in "fuzz_$t" "fuzz_${t}_seed_corpus.zip" "fuzz_$t.options"; do
    if [ ! -s "$out/$f" ]; then echo "not ok - \$OUT/$f missing"; fail=1; fi
  done
  grep -q '^\[libfuzzer\]' "$out/fuzz_$t.options" ||
    { echo "not ok - fuzz_$t.options has no [libfuzzer] section"; fail=1; }
  cmp -s "$src/fuzz/fuzz_$t.options" "$out/fuzz_$t.options" ||
    { echo "not ok - fuzz_$t.options is not fuzz/fuzz_$t.options"; fail=1; }
  dict=$(sed -n 's/^dict *= *//p' "$out/fuzz_$t.options")
  if [ -z "$dict" ] || [ ! -s "$out/$dict" ]; then
    echo "not ok - fuzz_$t.options: dict '${dict}' not in \$OUT"; fail=1; dict=
  fi
  mkdir -p "$tmp/seeds-$t"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$out/fuzz_${t}_seed_corpus.zip" "$tmp/seeds-$t"
  n=$(find "$tmp/seeds-$t" -type f | wc -l)
  if (cd "$tmp" && ASAN_OPTIONS=detect_leaks=1 "$out/fuzz_$t" -runs=0 \
      -error_exitcode=1 ${dict:+"-dict=$out/$dict"} "$tmp/seeds-$t" >"$tmp/run-$t.log" 2>&1) &&
      [ "$n" -gt 0 ] && { [ -z "$dict" ] || grep -q '^Dictionary: [1-9]' "$tmp/run-$t.log"; }; then
    echo "ok - fuzz_$t replays its $n seeds with $(grep -o '^Dictionary: [0-9]* entries' "$tmp/run-$t.log")"
  else
    echo "not ok - fuzz_$t on its $n seeds:"; tail -n 20 "$tmp/run-$t.log"; fail=1
  fi
done

# ---- the Docker and YAML files -------------------------------------------
for df in fuzz/oss-fuzz/Dockerfile .clusterfuzzlite/Dockerfile; do
  bad=
  while read -r what from _; do
    [ "$what" = COPY ] || continue
    [ "$from" = . ] || [ -e "$src/$from" ] || bad="$bad COPY $from (missing)"
  done <"$src/$df"
  grep -q '^FROM gcr.io/oss-fuzz-base/base-builder' "$src/$df" || bad="$bad FROM"
  grep -qxF "COPY . \$SRC/kmfuzz" "$src/$df" || bad="$bad no COPY of the checkout"
  grep -qi '^RUN .*git clone' "$src/$df" && bad="$bad clones"
  if [ -z "$bad" ]; then echo "ok - $df copies the checkout and files that exist"
  else echo "not ok - $df:$bad"; fail=1; fi
done
if grep -nE 'https?://[^ ]*(example\.(org|com|net)|OWNER|your[-_])' \
    "$src"/fuzz/oss-fuzz/* "$src"/.clusterfuzzlite/* "$src"/.github/workflows/* 2>/dev/null; then
  echo "not ok - placeholder repository URLs (above)"; fail=1
else
  echo "ok - no placeholder repository URL"
fi

py=
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import yaml' 2>/dev/null; then py=$p; break; fi
done
if [ -z "$py" ]; then
  echo "not ok - PyYAML is missing (scripts/setup installs python3-yaml)"; exit 1
fi
"$py" - "$src" <<'PY' || fail=1
import glob, os, sys, yaml
src = sys.argv[1]
bad = 0
def check(name, cond, what):
    global bad
    print(('ok - ' if cond else 'not ok - ') + name + ': ' + what)
    bad |= not cond
def load(rel):
    with open(os.path.join(src, rel)) as f:
        return yaml.safe_load(f)
def steps(doc):
    for job in (doc.get('jobs') or {}).values():
        for step in job.get('steps') or []:
            yield job, step
def runs_on(doc):
    # YAML 1.1 reads the key `on` as true
    return doc.get('on', doc.get(True)) or {}

p = load('.clusterfuzzlite/project.yaml')
check('.clusterfuzzlite/project.yaml', isinstance(p, dict) and p.get('language') == 'c',
      'language: c')
p = load('fuzz/oss-fuzz/project.yaml')
check('fuzz/oss-fuzz/project.yaml', isinstance(p, dict) and p.get('language') == 'c'
      and 'address' in p.get('sanitizers', []), 'language c, sanitizers')
for rel in sorted(glob.glob(os.path.join(src, '.github/workflows/*.yml'))):
    rel = os.path.relpath(rel, src)
    try:
        doc = load(rel)
    except yaml.YAMLError as e:
        check(rel, False, 'does not parse: %s' % e)
        continue
    check(rel, isinstance(doc, dict) and 'jobs' in doc and runs_on(doc), 'parses, has on: and jobs:')

def cflite(rel, trigger, mode, sanitizers):
    doc = load(rel)
    on = runs_on(doc)
    build = [s for _, s in steps(doc) if s.get('uses') == 'google/clusterfuzzlite/actions/build_fuzzers@v1']
    run = [s for _, s in steps(doc) if s.get('uses') == 'google/clusterfuzzlite/actions/run_fuzzers@v1']
    check(rel, trigger in on, 'triggered by %s' % trigger)
    check(rel, bool(build) and all((s.get('with') or {}).get('language') == 'c' for s in build),
          'build_fuzzers@v1 with language: c')
    check(rel, bool(run) and all((s.get('with') or {}).get('mode') == mode and
          int((s.get('with') or {}).get('fuzz-seconds', 0)) > 0 and
          'github-token' in (s.get('with') or {}) for s in run),
          "run_fuzzers@v1 with mode: %s, fuzz-seconds, github-token" % mode)
    if sanitizers:
        got = set()
        for job, _ in steps(doc):
            got |= set(((job.get('strategy') or {}).get('matrix') or {}).get('sanitizer') or [])
        check(rel, set(sanitizers) <= got, 'sanitizers %s' % ', '.join(sanitizers))
    if trigger == 'schedule':
        check(rel, all('cron' in c for c in on.get('schedule') or [{}]), 'a cron schedule')

cflite('.github/workflows/cflite_pr.yml', 'pull_request', 'code-change', ['address', 'undefined'])
cflite('.github/workflows/cflite_batch.yml', 'schedule', 'batch', ['address', 'undefined'])
if os.path.exists(os.path.join(src, '.github/workflows/cflite_cron.yml')):
    cflite('.github/workflows/cflite_cron.yml', 'schedule', 'prune', [])
sys.exit(1 if bad else 0)
PY
exit $fail
