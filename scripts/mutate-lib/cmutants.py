"""cmutants: a small C lexer and the mutation operators of scripts/mutate.

The lexer gives a token view of a C file (comments, strings, character
constants and preprocessor lines are never mutated); a light statement
parser finds function bodies, conditions, expression statements and
declarations.  Operators work on tokens and produce text edits that keep
every line where it was (so __LINE__ in assertions does not move).

What is never mutated (see generate()):
  - code outside function bodies, and code the preprocessor drops under
    the default build (#if KMFUZZ_PLANT == ..., #if UVM_DEBUG >= 2, ...);
  - the arguments of assertion-like calls (KASSERT, KASSERTMSG, KDASSERT,
    panic, SANITY_FAIL, uvm_printf) and those statements themselves:
    they are the core's own checkers and messages, not its behaviour;
  - sizeof/offsetof/__alignof__ operands; declarators (types, array sizes);
  - defensive branches: `if (NEVER(c)) body` (uvm.h: valid use never
    takes them), condition and body;
  - checker functions: every function named *_sanity (and the files
    listed in SKIP_FILES, e.g. uvm_map_sanity.c).
"""
import hashlib
import re

SKIP_FILES = {"core/uvm_map_sanity.c"}
CHECKER_FUNC_RE = re.compile(r".*_sanity$")
FROZEN_CALLS = {"KASSERT", "KASSERTMSG", "KDASSERT", "panic", "SANITY_FAIL",
                "uvm_printf"}
OPAQUE_CALLS = {"sizeof", "offsetof", "__alignof__", "_Alignof",
                "_Static_assert", "static_assert"}
DEFENSIVE_MARKS = {"NEVER"}

KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "float", "for", "goto", "if",
    "inline", "int", "long", "register", "restrict", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
    "unsigned", "void", "volatile", "while", "_Bool", "_Noreturn",
    "_Alignof", "_Static_assert", "__attribute__", "__restrict",
}
TYPE_WORDS = {
    "void", "char", "short", "int", "long", "unsigned", "signed", "float",
    "double", "bool", "_Bool", "const", "volatile", "struct", "union",
    "enum", "static", "register", "extern", "inline", "restrict",
    "__restrict", "va_list",
}
PUNCT = ["<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=",
         "==", "!=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "&=", "^=",
         "|=", "##"]

# Operator classes (category, token -> replacements).
RELATIONAL = {"<": ["<=", ">="], "<=": ["<", ">"], ">": [">=", "<="],
              ">=": [">", "<"], "==": ["!="], "!=": ["=="]}
LOGICAL = {"&&": ["||"], "||": ["&&"]}
ARITH_BIN = {"+": ["-"], "-": ["+"], "*": ["/"], "/": ["*"], "&": ["|"],
             "|": ["&"], "<<": [">>"], ">>": ["<<"], "%": ["*"]}
ARITH_ASSIGN = {"+=": ["-="], "-=": ["+="], "*=": ["/="], "/=": ["*="],
                "&=": ["|="], "|=": ["&="], "<<=": [">>="], ">>=": ["<<="]}
INCDEC = {"++": ["--"], "--": ["++"]}

CATEGORIES = ["relational", "logical", "arithmetic", "constant", "negate",
              "delete", "swap-args", "swap-stmts", "replace-var"]
# Qualifiers that do not make two variables' types differ for replace-var.
QUALIFIERS = {"const", "volatile", "register", "restrict", "__restrict",
              "static", "inline"}


class Tok:
    __slots__ = ("kind", "text", "start", "end", "line")

    def __init__(self, kind, text, start, end, line):
        self.kind, self.text, self.start, self.end, self.line = \
            kind, text, start, end, line

    def __repr__(self):
        return "Tok(%s,%r,L%d)" % (self.kind, self.text, self.line)


NUM_RE = re.compile(r"(0[xX][0-9a-fA-F]+|[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?"
                    r"|\.[0-9]+([eE][+-]?[0-9]+)?)[uUlLfF]*")
ID_RE = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def lex(src):
    """Tokens of `src' plus its preprocessor directives [(offset, text)]."""
    toks, pp = [], []
    i, n, line, bol = 0, len(src), 1, True
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
            bol = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if c == "\\" and i + 1 < n and src[i + 1] == "\n":
            i += 2
            line += 1
            continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += src.count("\n", i, j)
            i = j
            continue
        if c == "#" and bol:
            j = i
            while j < n:
                if src[j] == "\\" and j + 1 < n and src[j + 1] == "\n":
                    j += 2
                    line += 1
                    continue
                if src.startswith("/*", j):
                    k = src.find("*/", j + 2)
                    k = n if k < 0 else k + 2
                    line += src.count("\n", j, k)
                    j = k
                    continue
                if src.startswith("//", j):
                    k = src.find("\n", j)
                    j = n if k < 0 else k
                    break
                if src[j] == "\n":
                    break
                j += 1
            pp.append((i, src[i:j]))
            i = j
            continue
        bol = False
        if c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                if src[j] == "\\":
                    j += 1
                if j < n and src[j] == "\n":
                    line += 1
                j += 1
            j += 1
            toks.append(Tok("str" if c == '"' else "chr", src[i:j], i, j, line))
            i = j
            continue
        m = ID_RE.match(src, i)
        if m:
            toks.append(Tok("id", m.group(0), i, m.end(), line))
            i = m.end()
            continue
        if c.isdigit() or (c == "." and i + 1 < n and src[i + 1].isdigit()):
            m = NUM_RE.match(src, i)
            toks.append(Tok("num", m.group(0), i, m.end(), line))
            i = m.end()
            continue
        for p in PUNCT:
            if src.startswith(p, i):
                toks.append(Tok("punct", p, i, i + len(p), line))
                i += len(p)
                break
        else:
            toks.append(Tok("punct", c, i, i + 1, line))
            i += 1
    return toks, pp


# ---- the preprocessor, just enough to know which code is compiled ----------

DEFINE_RE = re.compile(r"#\s*define\s+([A-Za-z_]\w*)(\([^)]*\))?\s*(.*)", re.S)


def header_macros(texts):
    """Object-like #defines of the headers, ignoring their conditionals."""
    macros = {}
    for text in texts:
        _, pp = lex(text)
        for _, d in pp:
            m = DEFINE_RE.match(d)
            if m and not m.group(2):
                macros[m.group(1)] = _strip_comments(m.group(3))
    return macros


def _strip_comments(text):
    return re.sub(r"/\*.*?\*/|//.*", " ", text, flags=re.S).strip()


def pp_eval(expr, macros):
    expr = re.sub(r"/\*.*?\*/|//.*", " ", expr, flags=re.S)
    expr = re.sub(r"defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)",
                  lambda m: "1" if (m.group(1) or m.group(2)) in macros else "0",
                  expr)
    for _ in range(10):
        new = ID_RE.sub(lambda m: "(%s)" % macros[m.group(0)]
                        if m.group(0) in macros and macros[m.group(0)] != ""
                        else "0", expr)
        if new == expr:
            break
        expr = new
    expr = re.sub(r"(\d)[uUlL]+", r"\1", expr)
    expr = expr.replace("&&", " and ").replace("||", " or ")
    expr = re.sub(r"!(?!=)", " not ", expr)
    try:
        return bool(eval(expr, {"__builtins__": {}}, {}))
    except Exception:
        return True     # unknown: assume compiled


def active_flags(toks, pp, macros):
    """active[i]: token i is compiled under the default build."""
    macros = dict(macros)
    stack = []          # (parent_active, branch_taken, active)
    active = True
    events = sorted(pp)
    flags = []
    ei = 0
    for t in toks:
        while ei < len(events) and events[ei][0] < t.start:
            d = events[ei][1]
            ei += 1
            m = re.match(r"#\s*(\w+)\s*(.*)", d, re.S)
            if not m:
                continue
            kw, rest = m.group(1), m.group(2)
            if kw in ("if", "ifdef", "ifndef"):
                if kw == "if":
                    cond = pp_eval(rest, macros)
                else:
                    name = rest.split()[0] if rest.split() else ""
                    cond = (name in macros) == (kw == "ifdef")
                stack.append((active, cond, active and cond))
                active = active and cond
            elif kw == "elif" and stack:
                parent, taken, _ = stack.pop()
                cond = (not taken) and pp_eval(rest, macros)
                stack.append((parent, taken or cond, parent and cond))
                active = parent and cond
            elif kw == "else" and stack:
                parent, taken, _ = stack.pop()
                stack.append((parent, True, parent and not taken))
                active = parent and not taken
            elif kw == "endif" and stack:
                parent, _, _ = stack.pop()
                active = parent
            elif kw == "define" and active:
                dm = DEFINE_RE.match(d)
                if dm and not dm.group(2):
                    macros[dm.group(1)] = _strip_comments(dm.group(3))
                elif dm:
                    macros[dm.group(1)] = ""
            elif kw == "undef" and active:
                macros.pop(rest.strip(), None)
        flags.append(active)
    return flags


# ---- structure ---------------------------------------------------------------

def typedef_names(texts):
    names = set()
    for text in texts:
        stripped = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)
        for m in re.finditer(r"\btypedef\b([^;{]*?)(\w+)\s*;", stripped):
            names.add(m.group(2))
        for m in re.finditer(r"\btypedef\s+(?:struct|union|enum)\b[^;]*?\{", stripped):
            depth, j = 0, m.end() - 1
            while j < len(stripped):
                if stripped[j] == "{":
                    depth += 1
                elif stripped[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            tm = re.match(r"\}\s*(\w+)", stripped[j:])
            if tm:
                names.add(tm.group(1))
    return names


class Unit:
    """One lexed translation unit with the structure the operators need."""

    def __init__(self, relpath, src, macros, typedefs):
        self.relpath, self.src = relpath, src
        toks, pp = lex(src)
        # Only what the default build compiles: an #if/#else pair may open
        # a parenthesis in each branch, which would unbalance the rest.
        self.toks = [t for t, a in zip(toks, active_flags(toks, pp, macros))
                     if a]
        self.active = [True] * len(self.toks)
        self.typedefs = typedefs
        n = len(self.toks)
        self.match = [-1] * n
        stack = []
        for i, t in enumerate(self.toks):
            if t.kind != "punct":
                continue
            if t.text in "([{":
                stack.append(i)
            elif t.text in ")]}" and stack:
                j = stack.pop()
                self.match[i], self.match[j] = j, i
        self.frozen = [False] * n
        self.func = [None] * n          # function name of body tokens
        self.body = [False] * n         # inside a function body
        self.funcs = []                 # (name, open, close)
        self.conds = []                 # (open paren, close paren, kind)
        self.stmts = []                 # (first, last ';', kind)
        self.calls = []                 # (name idx, open, close)
        self.vars = {}                  # function -> {variable: type}
        self._functions()
        for name, o, c in self.funcs:
            self._block(o, c)
        self._freeze()

    # -- helpers
    def is_type_word(self, i):
        t = self.toks[i]
        return t.kind == "id" and (t.text in TYPE_WORDS or t.text in self.typedefs
                                   or t.text.endswith("_t"))

    def is_decl_start(self, i, end):
        toks = self.toks
        if self.is_type_word(i):
            return True
        if toks[i].kind == "id" and toks[i].text not in KEYWORDS and i + 1 < end:
            nx = toks[i + 1]
            if nx.kind == "id" and nx.text not in KEYWORDS:
                return True     # `foo_type x'
        return False

    def is_cast(self, close):
        o = self.match[close]
        if o <= 0 or o >= close - 1:
            return False
        prev = self.toks[o - 1]
        if prev.kind == "id" and prev.text not in KEYWORDS:
            return False        # a call
        inner = self.toks[o + 1:close]
        if not all(t.kind == "id" or t.text == "*" for t in inner):
            return False
        return self.is_type_word(o + 1)

    def is_binary(self, i):
        """Is the operator token i binary (it follows an operand)?"""
        if i == 0:
            return False
        p = self.toks[i - 1]
        if p.kind in ("num", "str", "chr"):
            return True
        if p.kind == "id":
            if p.text in KEYWORDS or self.is_type_word(i - 1):
                return False
            if i >= 2 and self.toks[i - 2].text in ("struct", "union", "enum"):
                return False
            return True
        if p.text == "]":
            return True
        if p.text == ")":
            return not self.is_cast(i - 1)
        if p.text in ("++", "--"):
            return i >= 2 and (self.toks[i - 2].kind == "id"
                               or self.toks[i - 2].text in (")", "]"))
        return False

    # -- functions and statements
    def _functions(self):
        toks, depth, i = self.toks, 0, 0
        while i < len(toks):
            t = toks[i]
            if t.text == "{" and t.kind == "punct":
                if depth == 0 and i > 0 and toks[i - 1].text == ")":
                    o = self.match[i - 1]
                    if o > 0 and toks[o - 1].kind == "id":
                        c = self.match[i]
                        if c < 0:
                            break
                        name = toks[o - 1].text
                        self.funcs.append((name, i, c))
                        self.vars[name] = {}
                        for a, b in self._split_commas(o + 1, i - 1):
                            self._declare(name, a, b, None)
                        for k in range(i, c + 1):
                            self.func[k] = name
                            self.body[k] = True
                        i = c + 1
                        continue
                depth += 1
            elif t.text == "}" and t.kind == "punct":
                depth -= 1
            i += 1

    def _split_commas(self, a, b):
        """Top-level comma-separated pieces of tokens [a, b), as ranges."""
        toks, out, start, k = self.toks, [], a, a
        while k < b:
            t = toks[k]
            if t.kind == "punct" and t.text in "([{" and self.match[k] > k:
                k = self.match[k] + 1
                continue
            if t.text == ",":
                out.append((start, k))
                start = k + 1
            k += 1
        if start < b:
            out.append((start, b))
        return out

    def _declare(self, func, a, b, base):
        """Record the variable one declarator [a, b) declares, with its type
        (base: the type words of the declaration's first declarator, for
        `int a, *b'; None: the piece has its own).  Returns the base."""
        toks, k = self.toks, a
        while k < b and toks[k].text != "=" and toks[k].text != "[":
            if toks[k].text == "(":
                return base     # function pointer or call: not a variable
            k += 1
        ids = [x for x in range(a, k) if toks[x].kind == "id"
               and toks[x].text not in KEYWORDS]
        if not ids or func is None:
            return base
        n = ids[-1]
        stars = "*" * sum(1 for x in range(a, n) if toks[x].text == "*")
        words = [toks[x].text for x in range(a, n)
                 if toks[x].kind == "id" and toks[x].text not in QUALIFIERS]
        if base is None or words:
            base = " ".join(words)
        if toks[k].text != "[":
            self.vars[func][toks[n].text] = base + " " + stars
        return base

    def _declare_all(self, i, j):
        base = None
        for a, b in self._split_commas(i, j):
            base = self._declare(self.func[i], a, b, base)

    def _block(self, o, c):
        i = o + 1
        while i < c:
            j = self._stmt(i, c)
            i = j if j > i else i + 1

    def _skip_to_semi(self, i, limit):
        toks = self.toks
        while i < limit:
            t = toks[i]
            if t.kind == "punct" and t.text in "([{" and self.match[i] > i:
                i = self.match[i] + 1
                continue
            if t.text == ";":
                return i
            i += 1
        return limit

    def _stmt(self, i, limit):
        toks = self.toks
        t = toks[i]
        if t.text == "{":
            c = self.match[i]
            self._block(i, c)
            return c + 1
        if t.text == ";":
            return i + 1
        if t.text in ("if", "while", "switch") and toks[i + 1].text == "(":
            po = i + 1
            pc = self.match[po]
            if t.text != "switch":
                self.conds.append((po, pc, t.text))
            self._calls_in(po, pc)
            j = self._stmt(pc + 1, limit)
            if t.text == "if" and j < limit and toks[j].text == "else":
                j = self._stmt(j + 1, limit)
            return j
        if t.text == "for" and toks[i + 1].text == "(":
            po, pc = i + 1, self.match[i + 1]
            s1 = self._skip_to_semi(po + 1, pc)
            s2 = self._skip_to_semi(s1 + 1, pc)
            if s1 < pc:
                if self.is_decl_start(po + 1, s1):
                    self._freeze_declarator(po + 1, s1)
                    self._declare_all(po + 1, s1)
            if s2 > s1 + 1:
                self.conds.append((s1, s2, "for"))
            self._calls_in(po, pc)
            return self._stmt(pc + 1, limit)
        if t.text == "do":
            j = self._stmt(i + 1, limit)
            if j < limit and toks[j].text == "while":
                po = j + 1
                pc = self.match[po]
                self.conds.append((po, pc, "do-while"))
                self._calls_in(po, pc)
                return self._skip_to_semi(pc, limit) + 1
            return j
        if t.text in ("case", "default"):
            j = i
            while j < limit and toks[j].text != ":":
                j += 1
            return j + 1
        if t.kind == "id" and t.text not in KEYWORDS and toks[i + 1].text == ":":
            return i + 2        # label
        j = self._skip_to_semi(i, limit)
        if t.text in ("return", "goto"):
            kind = t.text
        elif t.text in ("break", "continue"):
            kind = "jump"
        elif self.is_decl_start(i, j):
            kind = "decl"
            self._freeze_declarator(i, j)
            self._declare_all(i, j)
        else:
            kind = "expr"
        self.stmts.append((i, j, kind))
        self._calls_in(i - 1, j)
        return j + 1

    def _freeze_declarator(self, i, j):
        """Freeze a declaration's types and declarators, not initializers."""
        toks, k, depth = self.toks, i, 0
        init = False
        while k < j:
            t = toks[k]
            if t.text in ("(", "[", "{"):
                depth += 1
            elif t.text in (")", "]", "}"):
                depth -= 1
            if depth == 0 and t.text == "=":
                init = True
            elif depth == 0 and t.text == ",":
                init = False
            if not init:
                self.frozen[k] = True
            k += 1

    def _calls_in(self, a, b):
        toks = self.toks
        for k in range(a + 1, b):
            if toks[k].kind == "id" and k + 1 < b and toks[k + 1].text == "(" \
                    and toks[k].text not in KEYWORDS:
                self.calls.append((k, k + 1, self.match[k + 1]))

    def _freeze(self):
        toks, n = self.toks, len(self.toks)
        for i, t in enumerate(toks):
            if t.kind != "id" or i + 1 >= n or toks[i + 1].text != "(":
                continue
            o, c = i + 1, self.match[i + 1]
            if c < 0:
                continue
            if t.text in FROZEN_CALLS or t.text in OPAQUE_CALLS:
                for k in range(i, c + 1):
                    self.frozen[k] = True
                if t.text in FROZEN_CALLS and c + 1 < n and toks[c + 1].text == ";":
                    self.frozen[c + 1] = True
            elif t.text in DEFENSIVE_MARKS:
                for k in range(i, c + 1):
                    self.frozen[k] = True
                # `if (NEVER(...)) body': the whole statement is defensive
                if i >= 2 and toks[i - 1].text == "(" and toks[i - 2].text == "if":
                    hc = self.match[i - 1]
                    end = self._stmt_end(hc + 1)
                    for k in range(i - 2, end):
                        self.frozen[k] = True
        for name, o, c in self.funcs:
            if CHECKER_FUNC_RE.match(name):
                for k in range(o, c + 1):
                    self.frozen[k] = True

    def _stmt_end(self, i):
        toks = self.toks
        if toks[i].text == "{":
            return self.match[i] + 1
        if toks[i].text in ("if", "while", "for", "switch"):
            return self._stmt_end(self.match[i + 1] + 1)
        return self._skip_to_semi(i, len(toks)) + 1

    def ok(self, i):
        return self.body[i] and self.active[i] and not self.frozen[i]

    def ok_range(self, a, b):
        return all(self.ok(k) for k in range(a, b + 1))


# ---- mutants -----------------------------------------------------------------

class Mutant:
    __slots__ = ("file", "line", "func", "category", "op", "edits", "orig",
                 "mut", "id", "content", "content_hash", "key")

    def to_dict(self):
        return {"id": self.id, "file": self.file, "line": self.line,
                "func": self.func, "category": self.category, "op": self.op,
                "orig": self.orig, "mut": self.mut}


def apply_edits(src, edits):
    out, pos = [], 0
    for a, b, rep in sorted(edits):
        out.append(src[pos:a])
        out.append(rep)
        pos = b
    out.append(src[pos:])
    return "".join(out)


def _lines_of(src, a, b):
    ls = src.rfind("\n", 0, a) + 1
    le = src.find("\n", b)
    return ls, (len(src) if le < 0 else le)


def _keep_newlines(text):
    return "\n" * text.count("\n")


def _primary_to(u, i):
    """Index of the last token of the postfix expression starting at i."""
    toks = u.toks
    if toks[i].text == "(" or (toks[i].kind == "id" and i + 1 < len(toks)
                               and toks[i + 1].text == "("):
        j = u.match[i] if toks[i].text == "(" else u.match[i + 1]
    else:
        j = i
    while j + 1 < len(toks) and toks[j + 1].text in ("->", ".", "[", "("):
        if toks[j + 1].text in ("[", "("):
            j = u.match[j + 1]
        else:
            j += 2
    return j


def generate(relpath, src, macros, typedefs):
    """All mutants of one file, in source order."""
    if relpath in SKIP_FILES:
        return []
    u = Unit(relpath, src, macros, typedefs)
    toks = u.toks
    raw = []    # (tok index for position, category, op, edits)

    def tok_rep(i, rep, category):
        raw.append((i, category, "%s -> %s" % (toks[i].text, rep),
                    [(toks[i].start, toks[i].end, rep)]))

    for i, t in enumerate(toks):
        if not u.ok(i):
            continue
        if t.kind == "punct":
            if t.text in RELATIONAL:
                for rep in RELATIONAL[t.text]:
                    tok_rep(i, rep, "relational")
            elif t.text in LOGICAL:
                for rep in LOGICAL[t.text]:
                    tok_rep(i, rep, "logical")
            elif t.text in ARITH_ASSIGN:
                for rep in ARITH_ASSIGN[t.text]:
                    tok_rep(i, rep, "arithmetic")
            elif t.text in INCDEC:
                for rep in INCDEC[t.text]:
                    tok_rep(i, rep, "arithmetic")
            elif t.text in ARITH_BIN and u.is_binary(i):
                for rep in ARITH_BIN[t.text]:
                    tok_rep(i, rep, "arithmetic")
            elif t.text == "~":
                raw.append((i, "arithmetic", "drop ~", [(t.start, t.end, "")]))
            elif t.text == "!" and i + 1 < len(toks):
                raw.append((i, "negate", "drop !", [(t.start, t.end, "")]))
        elif t.kind == "num":
            m = re.match(r"(0[xX][0-9a-fA-F]+|[0-9]+)([uUlL]*)$", t.text)
            if not m:
                continue
            digits, suffix = m.groups()
            if digits.lower().startswith("0x"):
                v = int(digits, 16)
                fmt = lambda x: "0x%x" % x
            elif len(digits) > 1 and digits.startswith("0"):
                continue        # octal: leave alone
            else:
                v = int(digits)
                fmt = str
            for nv in (v + 1, v - 1):
                if nv >= 0:
                    tok_rep(i, fmt(nv) + suffix, "constant")
        elif t.kind == "id" and t.text in ("true", "false"):
            tok_rep(i, "false" if t.text == "true" else "true", "constant")

    for po, pc, kind in u.conds:
        if pc <= po + 1 or not u.ok_range(po, pc):
            continue
        if toks[po + 1].text == "!" and _primary_to(u, po + 2) == pc - 1:
            continue    # `if (!x)': "drop !" is the same mutant
        a, b = toks[po].end, toks[pc].start
        raw.append((po + 1, "negate", "negate %s condition" % kind,
                    [(a, a, "!("), (b, b, ")")]))

    for first, last, kind in u.stmts:
        if kind not in ("expr", "jump") or last >= len(toks):
            continue
        if not u.ok_range(first, last):
            continue
        a, b = toks[first].start, toks[last].end
        what = "call" if (toks[first].kind == "id" and toks[first + 1].text == "("
                          and u.match[first + 1] == last - 1) else \
            ("statement" if kind == "jump" else
             ("assignment" if any(toks[k].text in ARITH_ASSIGN or toks[k].text == "="
                                  for k in range(first, last)) else "statement"))
        raw.append((first, "delete", "delete %s" % what,
                    [(a, b, ";" + _keep_newlines(src[a:b]))]))

    for ni, o, c in u.calls:
        if not u.ok_range(ni, c) or c < 0:
            continue
        args = [(a, b - 1) for a, b in u._split_commas(o + 1, c) if b > a]
        for x in range(len(args) - 1):
            (a1, b1), (a2, b2) = args[x], args[x + 1]
            t1 = src[toks[a1].start:toks[b1].end]
            t2 = src[toks[a2].start:toks[b2].end]
            if t1 == t2 or toks[a1].kind == "str" or toks[a2].kind == "str":
                continue
            if "\n" in t1 or "\n" in t2:
                continue
            raw.append((a1, "swap-args", "swap args %d,%d of %s" %
                        (x + 1, x + 2, toks[ni].text),
                        [(toks[a1].start, toks[b1].end, t2),
                         (toks[a2].start, toks[b2].end, t1)]))

    # Two adjacent expression statements traded: the ordering bugs (a page
    # freed before its mapping goes, an item put back before the TLB flush,
    # a lock dropped one statement early).
    for (f1, l1, k1), (f2, l2, k2) in zip(u.stmts, u.stmts[1:]):
        if k1 != "expr" or k2 != "expr" or l1 + 1 != f2 or l2 >= len(toks):
            continue
        if f1 == 0 or toks[f1 - 1].text not in (";", "{", "}"):
            continue    # the first is the body of an if/for/else
        if not u.ok_range(f1, l2):
            continue
        a, m1, m2, b = toks[f1].start, toks[l1].end, toks[f2].start, toks[l2].end
        s1, s2 = src[a:m1], src[m2:b]
        if s1 == s2 or "\n" in s1 or "\n" in s2:
            continue
        raw.append((f1, "swap-stmts", "swap with the next statement",
                    [(a, b, s2 + src[m1:m2] + s1)]))

    # A variable read or written where another of the same type in the same
    # function was meant (`start' for `end', `map' for the kernel map).
    for i, t in enumerate(toks):
        if t.kind != "id" or not u.ok(i) or u.func[i] is None:
            continue
        names = u.vars.get(u.func[i], {})
        ty = names.get(t.text)
        if ty is None or toks[i - 1].text in ("->", ".") or \
                toks[i + 1].text == "(":
            continue
        for other in sorted(names):
            if other != t.text and names[other] == ty:
                tok_rep(i, other, "replace-var")

    mutants, seen = [], {}
    for i, category, op, edits in raw:
        m = Mutant()
        m.file, m.func, m.category, m.op, m.edits = relpath, u.func[i], category, op, edits
        m.line = toks[i].line
        lo = min(a for a, _, _ in edits)
        hi = max(b for _, b, _ in edits)
        ls, le = _lines_of(src, lo, hi)
        m.orig = " ".join(src[ls:le].split())
        mutated_span = apply_edits(src[ls:le], [(a - ls, b - ls, r) for a, b, r in edits])
        m.mut = " ".join(mutated_span.split())
        key = "%s|%s|%s|%s|%s" % (relpath, m.func, op, m.orig, m.mut)
        occ = seen.get(key, 0)
        seen[key] = occ + 1
        m.id = hashlib.sha1(("%s|%d" % (key, occ)).encode()).hexdigest()[:10]
        m.content = None
        mutants.append(m)
    mutants.sort(key=lambda m: (m.line, m.id))
    return mutants


def mutant_source(src, m):
    return apply_edits(src, m.edits)
