#!/usr/bin/env python3
"""coverage-core.py: lines, branches and functions of core/ from an lcov
file (llvm-cov export -format=lcov), the code that only reports a failure
left out.

    coverage-core.py LCOV [--missed]

Prints "L% B% F%" (lines, branches, functions of core/*.c); --missed
also lists every uncovered line, branch side and function, file:line,
so that a user sees what the fuzzers do not reach.

Left out, as KASSERT's failing side is in a UVM_COVERAGE build (see
core/include/uvm/uvm.h): code that runs only once the core has already
failed, because no correct run can reach it and a fuzzer that did would
have found a bug.  That is
  - a statement that reports a failure: panic(...), SANITY_FAIL(...),
    return umap_insane(...), from its first line to its ';';
  - the branches of the `if' whose body is such a statement (its
    condition is the check; the failing side is the report), and the
    branches inside a KASSERT/KASSERTMSG/KDASSERT condition (the sides
    of its && and || that make it false);
  - lines between LCOV_EXCL_START and LCOV_EXCL_STOP, or carrying
    LCOV_EXCL_LINE (lcov's markers), and the functions that start there:
    the core marks with them the formatter and panic path that only
    failure reports use.
Everything else counts, the checkers' passing paths included.
"""
import re
import sys

FAIL_START = re.compile(r'^\s*(panic\(|SANITY_FAIL\(|return umap_insane\()')
ASSERT_START = re.compile(r'^\s*(KASSERT|KASSERTMSG|KDASSERT)\(')


def statement_end(src, i):
    """Index of the line holding the ';' that ends the statement at i."""
    depth = 0
    for j in range(i, min(i + 12, len(src))):
        code = re.sub(r'"(\\.|[^"\\])*"', '""', src[j])   # no strings
        for ch in code:
            if ch == '(':
                depth += 1
            elif ch == ')':
                depth -= 1
            elif ch == ';' and depth == 0:
                return j
    return i


def guarding_if(src, i):
    """Lines [k, i) of the `if (...)' right before line i, or None."""
    j = i - 1
    if j < 0 or not re.search(r'\)\s*\{?\s*$', src[j]):
        return None
    for k in range(j, max(j - 6, -1), -1):
        if re.match(r'^\s*(\}\s*else\s+)?if\s*\(', src[k]):
            return range(k, i)
    return None


def excluded_lines(path):
    """(lines excluded, lines whose branches are excluded), 1-based."""
    try:
        src = open(path, encoding='utf-8', errors='replace').read().split('\n')
    except OSError:
        return set(), set()
    lines, branches = set(), set()
    inside = False
    for i, text in enumerate(src):
        if 'LCOV_EXCL_START' in text:
            inside = True
        if inside or 'LCOV_EXCL_LINE' in text:
            lines.add(i + 1)
            branches.add(i + 1)
        if 'LCOV_EXCL_STOP' in text:
            inside = False
        if ASSERT_START.match(text):
            # the condition runs (its lines count); the sides of its
            # && and || that make it false are the failing side
            for j in range(i, statement_end(src, i) + 1):
                branches.add(j + 1)
        if FAIL_START.match(text):
            end = statement_end(src, i)
            for j in range(i, end + 1):
                lines.add(j + 1)
                branches.add(j + 1)
            guard = guarding_if(src, i)
            if guard is not None:
                branches.update(k + 1 for k in guard)
    return lines, branches


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    missed = '--missed' in sys.argv[2:]
    files = {}
    cur = None
    for raw in open(sys.argv[1]):
        line = raw.rstrip('\n')
        if line.startswith('SF:'):
            path = line[3:]
            norm = re.sub(r'.*/(core/)', r'\1', path)
            if not re.match(r'core/[^/]*\.c$', norm):
                cur = None
                continue
            cur = files.setdefault(norm, {'path': path, 'da': {},
                                          'br': {}, 'fn': {}, 'fnda': {}})
        elif cur is None:
            continue
        elif line.startswith('DA:'):
            n, c = line[3:].split(',')[:2]
            cur['da'][int(n)] = cur['da'].get(int(n), 0) + int(c)
        elif line.startswith('BRDA:'):
            n, blk, br, c = line[5:].split(',')
            key = (int(n), blk, br)
            cur['br'][key] = cur['br'].get(key, 0) + (0 if c == '-' else int(c))
        elif line.startswith('FN:'):
            n, name = line[3:].split(',', 1)
            cur['fn'][name] = int(n)
        elif line.startswith('FNDA:'):
            c, name = line[5:].split(',', 1)
            cur['fnda'][name] = cur['fnda'].get(name, 0) + int(c)
    tot = {'l': 0, 'lh': 0, 'b': 0, 'bh': 0, 'f': 0, 'fh': 0}
    out = []
    for norm in sorted(files):
        d = files[norm]
        xl, xb = excluded_lines(d['path'])
        for n, c in sorted(d['da'].items()):
            if n in xl:
                continue
            tot['l'] += 1
            tot['lh'] += c > 0
            if c == 0:
                out.append('%s:%d: line not run' % (norm, n))
        for (n, blk, br), c in sorted(d['br'].items()):
            if n in xb:
                continue
            tot['b'] += 1
            tot['bh'] += c > 0
            if c == 0:
                out.append('%s:%d: branch %s.%s not taken' % (norm, n, blk, br))
        for name, n in sorted(d['fn'].items(), key=lambda kv: kv[1]):
            if n in xl:
                continue
            tot['f'] += 1
            tot['fh'] += d['fnda'].get(name, 0) > 0
            if d['fnda'].get(name, 0) == 0:
                out.append('%s:%d: function %s not called' % (norm, n, name))

    def pct(hit, n):
        return 100.0 * hit / n if n else 0.0
    print('%.2f%% %.2f%% %.2f%%' % (pct(tot['lh'], tot['l']),
                                    pct(tot['bh'], tot['b']),
                                    pct(tot['fh'], tot['f'])))
    if missed:
        for o in out:
            print(o)


if __name__ == '__main__':
    main()
