#!/usr/bin/env python3
"""Reads criterion's medians (target/criterion/**/new/) and the allocation
counts the benches wrote (target/criterion/allocs.tsv), and prints the
BENCHMARKS.md tables: medians, same-run ratios and the issue's targets.

Usage: python3 benches/report.py [target-dir]
"""
import json
import os
import sys

target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CARGO_TARGET_DIR", "target")
root = os.path.join(target, "criterion")

median = {}  # full id -> ns
size = {}  # full id -> bytes
for dirpath, _, files in os.walk(root):
    if os.path.basename(dirpath) != "new" or "benchmark.json" not in files:
        continue
    with open(os.path.join(dirpath, "benchmark.json")) as f:
        bench = json.load(f)
    with open(os.path.join(dirpath, "estimates.json")) as f:
        est = json.load(f)
    fid = bench["full_id"]
    median[fid] = est["median"]["point_estimate"]
    size[fid] = (bench.get("throughput") or {}).get("Bytes")

allocs = {}
try:
    with open(os.path.join(root, "allocs.tsv")) as f:
        for line in f:
            name, n, b = line.rstrip("\n").split("\t")
            allocs[name] = (float(n), float(b))
except FileNotFoundError:
    pass


def t(fid):
    return median.get(fid)


def fmt_time(ns):
    if ns is None:
        return "—"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def per_byte(fid):
    ns, b = t(fid), size.get(fid)
    return ns / b if ns is not None and b else None


def ratio(a, b):
    return a / b if a is not None and b else None


def fr(x):
    return "—" if x is None else f"{x:.2f}×"


checks = []


def target(name, value, ok):
    checks.append((name, value, ok))


out = []
p = out.append

p("### Parsing (`UserData::parse`)\n")
p("| workload | bytes | crate | regex | split | scan limit | regex ÷ crate | split ÷ crate | crate ÷ scan |")
p("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for w in ["W1", "W2", "W3"]:
    c, r, s, sc = (t(f"parse/{w}/{k}") for k in ["crate", "regex", "split", "scan_limit"])
    p(f"| {w} | {size.get(f'parse/{w}/crate')} | {fmt_time(c)} | {fmt_time(r)} | {fmt_time(s)} | {fmt_time(sc)} "
      f"| {fr(ratio(r, c))} | {fr(ratio(s, c))} | {fr(ratio(c, sc))} |")
    if w in ("W1", "W2"):
        target(f"parse {w}: ≥ 10× faster than regex", fr(ratio(r, c)), (ratio(r, c) or 0) >= 10)
    target(f"parse {w}: no slower than split", fr(ratio(s, c)), (ratio(s, c) or 0) >= 1)
target("parse W3: within 2.5× of scan limit", fr(ratio(t("parse/W3/crate"), t("parse/W3/scan_limit"))),
       (ratio(t("parse/W3/crate"), t("parse/W3/scan_limit")) or 99) <= 2.5)
target("parse W2: within 8× of scan limit", fr(ratio(t("parse/W2/crate"), t("parse/W2/scan_limit"))),
       (ratio(t("parse/W2/crate"), t("parse/W2/scan_limit")) or 99) <= 8)

p("\n### Expansion, W1 and W2 (every value of the data)\n")
rows = ["expand", "expand_shared", "template", "template_concat", "template_render", "UserData::expand", "replace_chain", "aho_corasick",
        "aho_corasick_concat", "copy_limit"]
p("| row | W1 | W2 | aho-corasick ÷ row, W1 | aho-corasick ÷ row, W2 |")
p("|---|---:|---:|---:|---:|")
for row in rows:
    a, b = t(f"expand/W1/{row}"), t(f"expand/W2/{row}")
    p(f"| {row} | {fmt_time(a)} | {fmt_time(b)} | {fr(ratio(t('expand/W1/aho_corasick'), a))} "
      f"| {fr(ratio(t('expand/W2/aho_corasick'), b))} |")
for w in ["W1", "W2"]:
    ac = t(f"expand/{w}/aho_corasick")
    for row in ["expand", "expand_shared", "template"]:
        v = ratio(ac, t(f"expand/{w}/{row}"))
        target(f"{row} {w}: ≥ 3× faster than aho-corasick (per value)", fr(v), (v or 0) >= 3)
    v = ratio(t(f"expand/{w}/aho_corasick_concat"), t(f"expand/{w}/template_concat"))
    target(f"template_concat {w}: ≥ 3× faster than aho-corasick (into one buffer)", fr(v), (v or 0) >= 3)
v = ratio(t("expand/W1/template_concat"), t("expand/W1/copy_limit"))
target("Template W1: within 4× of the copy limit (formatting in the loop)", fr(v), (v or 99) <= 4)
v = ratio(t("expand/W1/template_render"), t("expand/W1/copy_limit"))
target("Template W1: within 4× of the copy limit (values formatted once, render only)", fr(v), (v or 99) <= 4)

p("\n### Expansion, W3 (one 64 KB value, no `$`)\n")
p("| row | time | row ÷ scan limit |")
p("|---|---:|---:|")
for row in ["expand", "template", "aho_corasick", "scan_limit", "copy_limit"]:
    v = t(f"expand/W3/{row}")
    p(f"| {row} | {fmt_time(v)} | {fr(ratio(v, t('expand/W3/scan_limit')))} |")
v = ratio(t("expand/W3/expand"), t("expand/W3/scan_limit"))
target("expand W3: within 1.5× of the scan limit, Cow::Borrowed (asserted)", fr(v), (v or 99) <= 1.5)

p("\n### Scaling (W2-shaped input; time per byte)\n")
p("| size | parse | parse scan limit | expand | UserData::expand |")
p("|---|---:|---:|---:|---:|")
for s in ["1KB", "16KB", "256KB", "4MB"]:
    cells = [per_byte(f"parse/scaling/{s}/crate"), per_byte(f"parse/scaling/{s}/scan_limit"),
             per_byte(f"expand/scaling/{s}/expand"), per_byte(f"expand/scaling/{s}/UserData::expand")]
    p(f"| {s} | " + " | ".join("—" if c is None else f"{c:.3f} ns/B" for c in cells) + " |")
for kind, fid in [("parse", "parse/scaling/{}/crate"), ("expand", "expand/scaling/{}/expand"),
                  ("UserData::expand", "expand/scaling/{}/UserData::expand")]:
    v = ratio(per_byte(fid.format("4MB")), per_byte(fid.format("16KB")))
    target(f"scaling {kind}: per byte at 4 MB within 1.5× of 16 KB", fr(v), (v or 99) <= 1.5)

p("\n### Adversarial (64 KB; time per byte against W2's)\n")
p("| input | row | time | per byte | ÷ W2 per byte |")
p("|---|---|---:|---:|---:|")
w2_parse = per_byte("parse/W2/crate")
w2_expand = per_byte("expand/W2/expand")
for fid in sorted(k for k in median if "/adversarial/" in k):
    base = w2_parse if fid.startswith("parse/") else w2_expand
    pb = per_byte(fid)
    v = ratio(pb, base)
    p(f"| {fid.split('/adversarial/')[1]} | {fid.split('/')[0]} | {fmt_time(t(fid))} | {pb:.3f} ns/B | {fr(v)} |")
    target(f"adversarial {fid}: within 3× of W2 per byte", fr(v), (v or 99) <= 3)

p("\n### One whole call (vendor's Example 1)\n")
p("| step | time | allocations/op | bytes/op |")
p("|---|---:|---:|---:|")
for row in ["whole_call", "request", "plan", "UserData::expand", "sfdc_json", "screenpop_form", "callback_form"]:
    a = allocs.get(f"call/{row}", (None, None))
    p(f"| {row} | {fmt_time(t(f'call/{row}'))} | {'—' if a[0] is None else f'{a[0]:.0f}'} "
      f"| {'—' if a[1] is None else f'{a[1]:.0f}'} |")

p("\n### Compiled link (`CompiledLink`, issue 15)\n")
p("The whole call on Example 1, today's path against the link compiled once "
  "(`render_into` reused buffers, then `sfdc_path`):\n")
p("| row | time | whole_call ÷ row | allocations/op | bytes/op |")
p("|---|---:|---:|---:|---:|")
for row in ["whole_call", "compiled_call", "compiled_call_with_request", "compile"]:
    a = allocs.get(f"call/{row}", (None, None))
    p(f"| {row} | {fmt_time(t(f'call/{row}'))} | {fr(ratio(t('call/whole_call'), t(f'call/{row}')))} "
      f"| {'—' if a[0] is None else f'{a[0]:.1f}'} | {'—' if a[1] is None else f'{a[1]:.0f}'} |")
v = ratio(t("call/whole_call"), t("call/compiled_call"))
target("compiled whole call: ≥ 3× faster than today's whole call", fr(v), (v or 0) >= 3)
a = allocs.get("call/compiled_call", (None, None))[0]
target("compiled whole call: ≤ 10 allocations per call", "—" if a is None else f"{a:.1f}", a is not None and a <= 10)

t1, t2 = t("call/threads/compiled_call_1"), t("call/threads/compiled_call_2")
speedup = 2 * t1 / t2 if t1 and t2 else None
p("\nOne compiled link shared by two threads (`std::thread::scope`, each thread its own buffers): "
  f"time per call on each thread, one thread {fmt_time(t1)}, two threads {fmt_time(t2)}; "
  f"throughput two ÷ one = {fr(speedup)}.")
target("two threads: ≥ 1.8× one thread's throughput", fr(speedup), (speedup or 0) >= 1.8)

p("\nPer-value expansion: `CompiledLink::expand_into` (every value into one reused buffer, token values formatted in the loop):\n")
p("| workload | compiled | aho_corasick | aho_corasick_concat | copy limit | aho-corasick ÷ compiled | aho-corasick concat ÷ compiled | compiled ÷ copy limit |")
p("|---|---:|---:|---:|---:|---:|---:|---:|")
for w in ["W1", "W2"]:
    c, a, ac2, cl = (t(f"expand/{w}/{k}") for k in ["compiled", "aho_corasick", "aho_corasick_concat", "copy_limit"])
    p(f"| {w} | {fmt_time(c)} | {fmt_time(a)} | {fmt_time(ac2)} | {fmt_time(cl)} | {fr(ratio(a, c))} | {fr(ratio(ac2, c))} | {fr(ratio(c, cl))} |")
    target(f"compiled expansion {w}: ≥ 3× faster than aho-corasick per value", fr(ratio(a, c)), (ratio(a, c) or 0) >= 3)
c, sc = t("expand/W3/compiled"), t("expand/W3/scan_limit")
p(f"| W3 | {fmt_time(c)} | {fmt_time(t('expand/W3/aho_corasick'))} | — | {fmt_time(t('expand/W3/copy_limit'))} "
  f"| {fr(ratio(t('expand/W3/aho_corasick'), c))} | — | {fr(ratio(c, t('expand/W3/copy_limit')))} |")

p("\nScaling, per byte 16 KB → 4 MB, against the scan limit's own growth on the same input:\n")
p("| row | 16 KB | 4 MB | growth | scan limit growth | growth ÷ scan limit's |")
p("|---|---:|---:|---:|---:|---:|")
for kind, fid, lim in [("parse", "parse/scaling/{}/crate", "parse/scaling/{}/scan_limit"),
                       ("compiled expansion", "expand/scaling/{}/compiled", "expand/scaling/{}/scan_limit"),
                       ("expand", "expand/scaling/{}/expand", "expand/scaling/{}/scan_limit")]:
    a, b = per_byte(fid.format("16KB")), per_byte(fid.format("4MB"))
    la, lb = per_byte(lim.format("16KB")), per_byte(lim.format("4MB"))
    g, lg = ratio(b, a), ratio(lb, la)
    rel = ratio(g, lg)
    cell = lambda x: "—" if x is None else f"{x:.3f} ns/B"
    p(f"| {kind} | {cell(a)} | {cell(b)} | {fr(g)} | {fr(lg)} | {fr(rel)} |")
    if kind != "expand":
        target(f"scaling {kind}: growth 16 KB → 4 MB ≤ 1.2× the scan limit's", fr(rel), (rel or 99) <= 1.2)

p("\nAllocated bytes per input byte (bytes requested from the allocator per operation ÷ the input's bytes; "
  "for expansion the input is the values' bytes):\n")
p("| operation | W1 | W2 | W3 |")
p("|---|---:|---:|---:|")
for row, base in [("parse/{}/crate", "parse/{}/crate"), ("expand/{}/compiled", "expand/{}/compiled"),
                  ("expand/{}/compiled_fresh", "expand/{}/compiled"), ("expand/{}/expand", "expand/{}/compiled"),
                  ("expand/{}/UserData::expand", "expand/{}/compiled")]:
    cells = []
    for w in ["W1", "W2", "W3"]:
        a = allocs.get(row.format(w))
        n = size.get(base.format(w))
        v = a[1] / n if a and n else None
        cells.append("—" if v is None else f"{v:.2f}")
        if v is not None and row in ("parse/{}/crate", "expand/{}/compiled", "expand/{}/compiled_fresh"):
            target(f"memory {row.format(w)}: ≤ 3 allocated bytes per input byte", f"{v:.2f}", v <= 3)
    p(f"| {row.format('W?')} | " + " | ".join(cells) + " |")

p("\n### Allocations per operation\n")
p("| operation | allocations/op | bytes/op |")
p("|---|---:|---:|")
for name in sorted(allocs):
    if name.startswith("call/"):
        continue
    n, b = allocs[name]
    p(f"| {name} | {n:.1f} | {b:.0f} |")

p("\n### Targets\n")
p("| target | measured | met |")
p("|---|---:|:---:|")
for name, value, ok in checks:
    p(f"| {name} | {value} | {'yes' if ok else '**no**'} |")

print("\n".join(out))
