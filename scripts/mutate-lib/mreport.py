"""mreport: the text and HTML reports of scripts/mutate."""
import collections
import html as H

RUN_STATES = ("killed", "survived")


def pct(a, b):
    return "%.1f%%" % (100.0 * a / b) if b else "n/a"


def _group(name):
    if not name:
        return None
    if name.startswith("corpus "):
        return "replay"
    if name == "properties":
        return "props"
    if name.startswith("fuzz "):
        return name
    return "unit"


def build(results, equivalents, stats):
    """Classify every selected mutant and compute the scores."""
    rows = []
    warn = []
    for r in results:
        r = dict(r)
        st = r["status"]
        if r["id"] in equivalents:
            r["reason"] = equivalents[r["id"]]["reason"]
            if st == "survived":
                st = "marked"
            elif st == "killed":
                warn.append("%s (%s:%d) is marked equivalent but was killed by %s: "
                            "remove it from the equivalent file" % (
                                r["id"], r["file"], r["line"], r.get("gen") or r.get("unit")))
        r["state"] = st
        rows.append(r)

    def score_of(rs):
        killed = sum(1 for r in rs if r["state"] == "killed")
        surv = sum(1 for r in rs if r["state"] == "survived")
        gen = sum(1 for r in rs if r["state"] == "killed" and r.get("gen"))
        return {"killed": killed, "survived": surv, "gen_killed": gen,
                "considered": killed + surv,
                "score": pct(killed, killed + surv),
                "gen_score": pct(gen, killed + surv)}

    counts = collections.Counter(r["state"] for r in rows)
    summary = score_of(rows)
    summary["counts"] = dict(counts)
    summary["timeouts"] = sum(1 for r in rows if r["state"] == "killed" and r.get("timeout"))
    firsts = collections.Counter()
    for r in rows:
        if r["state"] == "killed":
            firsts[_group(r.get("gen") or r.get("unit"))] += 1
    summary["first_kill"] = dict(firsts)

    def table(key):
        out = []
        keys = sorted(set(r[key] or "?" for r in rows))
        for k in keys:
            rs = [r for r in rows if (r[key] or "?") == k]
            s = score_of(rs)
            s["name"] = k
            s["mutants"] = len(rs)
            s["run"] = sum(1 for r in rs if r["state"] != "not run")
            s["skipped"] = sum(1 for r in rs if r["state"] in ("uncompilable", "equivalent"))
            s["marked"] = sum(1 for r in rs if r["state"] == "marked")
            out.append(s)
        return out

    survivors = sorted((r for r in rows if r["state"] == "survived"),
                       key=lambda r: (r["file"], r["line"], r["id"]))
    unit_only = sorted((r for r in rows if r["state"] == "killed" and not r.get("gen")),
                       key=lambda r: (r["file"], r["line"], r["id"]))
    marked = sorted((r for r in rows if r["state"] == "marked"),
                    key=lambda r: (r["file"], r["line"]))
    gen_survivors = survivors + unit_only
    by_cat = collections.Counter(r["category"] for r in survivors)
    by_op = collections.Counter(r["op"].split(" of ")[0] for r in survivors)
    by_func = collections.Counter("%s %s" % (r["file"], r["func"]) for r in survivors)
    gen_by_cat = collections.Counter(r["category"] for r in gen_survivors)
    ran = stats.get("ran", 0)
    run_secs = stats.get("run_secs", 0) or 0
    stats = dict(stats)
    stats["rate"] = "%.1f mutants/min" % (60.0 * ran / run_secs) if run_secs else "n/a"
    return {"rows": rows, "summary": summary, "stats": stats,
            "files": table("file"), "categories": table("category"),
            "survivors": survivors, "unit_only": unit_only, "marked": marked,
            "survivor_categories": by_cat.most_common(),
            "survivor_ops": by_op.most_common(),
            "survivor_functions": by_func.most_common(),
            "gen_survivor_categories": gen_by_cat.most_common(),
            "errors": [r for r in rows if r["state"] == "error"],
            "warnings": warn}


def _dur(secs):
    secs = int(secs)
    return "%dm%02ds" % (secs // 60, secs % 60) if secs >= 60 else "%ds" % secs


def text(rep):
    s, st, c = rep["summary"], rep["stats"], rep["summary"]["counts"]
    L = []
    L.append("kmfuzz mutation score of core/ (scripts/mutate)")
    L.append("tree %s, seed %s, budget %s, -j%s, sanitize %s; fuzz: %s" % (
        st["tree"], st["seed"], _dur(st["budget"]), st["jobs"], st["sanitize"], st["fuzz"]))
    if st.get("report_only"):
        L.append("this run: report only, from the cache")
    else:
        L.append("this run: %d mutants in %s (%s), setup %s, %s in all" % (
            st.get("ran", 0), _dur(st.get("run_secs", 0)), st["rate"],
            _dur(st.get("setup_secs", 0)), _dur(st.get("elapsed_secs", 0))))
    L.append("mutants: %d generated, %d selected: killed %d, survived %d, "
             "reviewed equivalent %d, equivalent (identical object) %d, uncompilable %d, "
             "not run %d%s" % (
                 st["generated"], st["selected"], c.get("killed", 0), c.get("survived", 0),
                 c.get("marked", 0), c.get("equivalent", 0), c.get("uncompilable", 0),
                 c.get("not run", 0),
                 (", errors %d" % c["error"]) if c.get("error") else ""))
    if st.get("dropped"):
        L.append("detectors left out (they fail on the unmutated core): " + ", ".join(st["dropped"]))
    L.append("")
    L.append("score (all detectors):        %6s  (%d killed of %d)" % (
        s["score"], s["killed"], s["considered"]))
    L.append("score (generative detectors): %6s  (%d killed of %d; properties, corpus "
             "replay, fuzzing; no unit tests)" % (s["gen_score"], s["gen_killed"], s["considered"]))
    fk = s["first_kill"]
    order = ["replay", "props"] + sorted(k for k in fk if k and k.startswith("fuzz ")) + ["unit"]
    L.append("first kill by: " + ", ".join("%s %d" % (k, fk.get(k, 0)) for k in order)
             + " (timeouts %d)" % s["timeouts"])
    L.append("")

    def tab(title, items):
        L.append("%-28s %7s %6s %6s %8s %7s %11s" % (title, "mutants", "run", "killed",
                                                       "survived", "score", "generative"))
        for t in items:
            L.append("%-28s %7d %6d %6d %8d %7s %11s" % (
                t["name"], t["mutants"], t["run"], t["killed"], t["survived"],
                t["score"], t["gen_score"]))
        L.append("")
    tab("per file", rep["files"])
    tab("per operator", rep["categories"])
    sv = rep["survivors"]
    L.append("survivors: %d" % len(sv))
    if sv:
        L.append("  by operator: " + ", ".join("%s %d" % kv for kv in rep["survivor_ops"]))
        L.append("  by function: " + ", ".join("%s %d" % (k.split(" ", 1)[1], v)
                                               for k, v in rep["survivor_functions"][:12]))
    for r in sv:
        L.append("  %s %s:%d %s [%s] %s" % (r["id"], r["file"], r["line"], r["func"],
                                           r["category"], r["op"]))
        L.append("      - %s" % r["orig"])
        L.append("      + %s" % r["mut"])
    L.append("")
    uo = rep["unit_only"]
    L.append("killed only by hand-written unit tests (generative survivors): %d" % len(uo))
    if uo:
        L.append("  all generative survivors by operator: " + ", ".join(
            "%s %d" % kv for kv in rep["gen_survivor_categories"]))
    for r in uo:
        L.append("  %s %s:%d %s [%s] %s  (by %s)" % (r["id"], r["file"], r["line"], r["func"],
                                                    r["category"], r["op"], r["unit"]))
        L.append("      - %s" % r["orig"])
        L.append("      + %s" % r["mut"])
    L.append("")
    mk = rep["marked"]
    L.append("reviewed equivalent (%s; not scored): %d" % (st.get("equivalent_file"), len(mk)))
    for r in mk:
        L.append("  %s %s:%d %s: %s" % (r["id"], r["file"], r["line"], r["func"], r["reason"]))
    for r in rep["errors"]:
        L.append("error: %s %s:%d %s" % (r["id"], r["file"], r["line"], r.get("detail")))
    for w in rep["warnings"]:
        L.append("warning: " + w)
    return "\n".join(L)


CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0} td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
th{background:#f4f4f4} td.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font:12px/1.35 ui-monospace,monospace} .del{color:#a00} .add{color:#070}
.big{font-size:1.6em;font-weight:600;margin-right:1.5em} .muted{color:#777}
.killed{color:#070} .survived{color:#a00;font-weight:600} .marked{color:#a60}
details{margin:.3em 0} summary{cursor:pointer}
"""


def html(rep):
    s, st, c = rep["summary"], rep["stats"], rep["summary"]["counts"]
    e = H.escape
    P = []
    P.append("<!doctype html><html><head><meta charset='utf-8'>"
             "<title>kmfuzz mutation score</title><style>%s</style></head><body>" % CSS)
    P.append("<h1>kmfuzz mutation score of <code>core/</code></h1>")
    P.append("<p><span class='big'>all detectors: %s</span><span class='big'>generative: %s</span></p>"
             % (e(s["score"]), e(s["gen_score"])))
    P.append("<p>%d killed of %d (generative detectors alone: %d). Tree <code>%s</code>, seed %s, "
             "budget %s, -j%s, sanitize %s, fuzz: %s. This run: %d mutants in %s (%s).</p>" % (
                 s["killed"], s["considered"], s["gen_killed"], e(st["tree"]), st["seed"],
                 _dur(st["budget"]), st["jobs"], e(st["sanitize"]), e(st["fuzz"]),
                 st.get("ran", 0), _dur(st.get("run_secs", 0)), e(st["rate"])))
    P.append("<p class='muted'>Score = killed / (killed + survived). Not counted: mutants that do "
             "not compile, mutants whose -O2 object is byte-identical to the original "
             "(equivalent), survivors reviewed as equivalent in <code>%s</code>, and mutants the "
             "budget left unrun. Generative = corpus replay, properties and fuzzing (run first); "
             "the hand-written unit tests run only on what those miss.</p>" % e(st.get("equivalent_file", "")))
    P.append("<table><tr><th>generated</th><th>selected</th><th>killed</th><th>survived</th>"
             "<th>reviewed equivalent</th><th>identical object</th><th>uncompilable</th>"
             "<th>not run</th></tr><tr>%s</tr></table>" % "".join(
                 "<td class='n'>%d</td>" % v for v in (
                     st["generated"], st["selected"], c.get("killed", 0), c.get("survived", 0),
                     c.get("marked", 0), c.get("equivalent", 0), c.get("uncompilable", 0),
                     c.get("not run", 0))))
    if st.get("dropped"):
        P.append("<p class='survived'>Detectors left out (they fail on the unmutated core): %s</p>"
                 % e(", ".join(st["dropped"])))
    fk = s["first_kill"]
    P.append("<p>First kill by: %s; timeouts %d.</p>" % (
        ", ".join("%s %d" % (e(k), v) for k, v in sorted(fk.items(), key=lambda kv: -kv[1])),
        s["timeouts"]))

    def tab(title, items):
        P.append("<h2>%s</h2><table><tr><th></th><th>mutants</th><th>run</th><th>killed</th>"
                 "<th>survived</th><th>score</th><th>generative</th></tr>" % e(title))
        for t in items:
            P.append("<tr><td><code>%s</code></td>%s<td class='n'>%s</td><td class='n'>%s</td></tr>" % (
                e(t["name"]), "".join("<td class='n'>%d</td>" % t[k] for k in
                                      ("mutants", "run", "killed", "survived")),
                e(t["score"]), e(t["gen_score"])))
        P.append("</table>")
    tab("Per file", rep["files"])
    tab("Per operator", rep["categories"])

    def mlist(title, rs, extra=None):
        P.append("<h2>%s (%d)</h2>" % (e(title), len(rs)))
        if not rs:
            return
        P.append("<table><tr><th>id</th><th>where</th><th>operator</th><th>original &rarr; mutant</th>%s</tr>"
                 % ("<th>%s</th>" % e(extra[0]) if extra else ""))
        for r in rs:
            P.append("<tr><td><code>%s</code></td><td><code>%s:%d</code><br><span class='muted'>%s</span></td>"
                     "<td>%s<br><span class='muted'>%s</span></td><td><pre class='del'>- %s</pre>"
                     "<pre class='add'>+ %s</pre></td>%s</tr>" % (
                         e(r["id"]), e(r["file"]), r["line"], e(r["func"] or ""), e(r["category"]),
                         e(r["op"]), e(r["orig"]), e(r["mut"]),
                         "<td>%s</td>" % e(str(r.get(extra[1]) or "")) if extra else ""))
        P.append("</table>")
    if rep["survivors"]:
        P.append("<h2>Survivors by operator</h2><p>%s</p><p>by function: %s</p>" % (
            ", ".join("%s %d" % (e(k), v) for k, v in rep["survivor_ops"]),
            ", ".join("<code>%s</code> %d" % (e(k.split(' ', 1)[1]), v)
                      for k, v in rep["survivor_functions"][:20])))
    mlist("Survivors", rep["survivors"])
    mlist("Killed only by hand-written unit tests", rep["unit_only"], ("killed by", "unit"))
    mlist("Reviewed equivalent (not scored)", rep["marked"], ("reason", "reason"))
    for w in rep["warnings"]:
        P.append("<p class='survived'>warning: %s</p>" % e(w))
    P.append("<h2>All mutants</h2><details><summary>%d rows</summary><table><tr><th>id</th>"
             "<th>where</th><th>operator</th><th>state</th><th>detector</th><th>original &rarr; "
             "mutant</th></tr>" % len(rep["rows"]))
    for r in sorted(rep["rows"], key=lambda r: (r["file"], r["line"], r["id"])):
        P.append("<tr><td><code>%s</code></td><td><code>%s:%d</code> %s</td><td>%s</td>"
                 "<td class='%s'>%s</td><td>%s</td><td><code>%s</code><br><code>%s</code></td></tr>" % (
                     e(r["id"]), e(r["file"]), r["line"], e(r["func"] or ""), e(r["op"]),
                     e(r["state"].split()[0]), e(r["state"]), e(r.get("gen") or r.get("unit") or ""),
                     e(r["orig"]), e(r["mut"])))
    P.append("</table></details></body></html>")
    return "\n".join(P)
