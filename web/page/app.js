// The page of `clicktodial serve`, and of the static builds that need no
// server. Its answers come from one of two backends with the same JSON (the
// commands' --format json reports): this server's /api/*, or, when a static
// build loaded the engine first (globalThis.clicktodialEngine), the library
// compiled to WebAssembly, in the browser, with nothing sent anywhere.
// Every element is built with DOM calls: text from a link always goes in as
// text nodes, never as markup.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);

  /** An element; `attrs` values are set as attributes (never event handlers),
   * children are nodes or strings (strings become text nodes). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value == null) continue;
      if (/^on/i.test(name)) throw new Error("no event handler attributes");
      if (name === "class") e.className = value;
      else e.setAttribute(name, String(value));
    }
    for (const c of children.flat()) {
      if (c == null) continue;
      e.append(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return e;
  }

  /** map[b] = the UTF-16 index of the character holding UTF-8 byte b of
   * `text`; map[total bytes] = text.length. Spans from the server are UTF-8
   * byte offsets; JavaScript strings count UTF-16 code units. */
  function byteIndexMap(text) {
    const map = [];
    let b = 0;
    let i = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0);
      const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      for (let k = 0; k < n; k++) map[b + k] = i;
      b += n;
      i += ch.length;
    }
    map[b] = i;
    // The same count the browser's own UTF-8 encoder makes.
    if (b !== new TextEncoder().encode(text).length) {
      console.warn("byte count differs from TextEncoder's");
    }
    return map;
  }

  /** A finding's span as [start, end) in JavaScript string indices, or null. */
  function jsSpan(map, span) {
    if (!Array.isArray(span) || span.length !== 2) return null;
    const last = map.length - 1;
    const at = (b) => map[Math.max(0, Math.min(Number(b) || 0, last))];
    const start = at(span[0]);
    let end = at(span[1]);
    // A byte offset inside a character ends after that character.
    if (span[1] <= last && map[span[1]] === map[span[1] - 1] && span[1] > span[0]) {
      let b = span[1];
      while (b <= last && map[b] === end) b++;
      end = b <= last ? map[b] : map[last];
    }
    return [start, Math.max(end, start)];
  }

  // ---- backends ------------------------------------------------------------

  /** The engine of a static build (a promise), or null under `serve`. */
  const engineReady = globalThis.clicktodialEngine || null;

  /** An answer of the engine in the shape of api()'s. */
  async function engineCall(call) {
    let engine;
    try {
      engine = await engineReady;
    } catch (e) {
      return { status: 0, ok: false, data: { error: "the page's engine did not load in this browser" } };
    }
    try {
      return { status: 200, ok: true, data: JSON.parse(call(engine)) };
    } catch (e) {
      return { status: 400, ok: false, data: { error: String((e && e.message) || e) } };
    }
  }

  const backend = engineReady
    ? {
      lint: (link, as) => engineCall((w) => w.lint(link, as)),
      explain: (link, as) => engineCall((w) => w.explain(link, as)),
      simulate: (link, call, now) => engineCall((w) => w.simulate(link, JSON.stringify(call), now)),
      fill: (template, fields) => engineCall((w) => w.fill(template, JSON.stringify(fields))),
      examples: () => engineCall((w) => w.examples()),
      zones: () => engineCall((w) => w.zone_names()),
    }
    : {
      lint: (link, as) => api("/api/lint", { link, as }),
      explain: (link, as) => api("/api/explain", { link, as }),
      // The server reads its own clock.
      simulate: (link, call) => api("/api/simulate", { link, ...call }),
      fill: (template, fields) => api("/api/fill", { template, fields }),
      examples: () => api("/api/examples"),
      // The server knows every zone.
      zones: async () => ({ status: 200, ok: true, data: null }),
    };

  async function api(path, body) {
    const init = body === undefined
      ? { method: "GET" }
      : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      return { status: 0, ok: false, data: { error: "the simulator is not reachable: is `clicktodial serve` still running?" } };
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = { error: `${path} answered ${response.status} without JSON` };
    }
    return { status: response.status, ok: response.ok, data };
  }

  function show(id, on) {
    $(id).hidden = !on;
  }

  /** The longest text a table cell shows whole: a value may be a megabyte,
   * and laying out such cells takes the browser seconds. */
  const CELL_MAX = 4000;

  /** A cell's text: whole when short, else its ends and its length (never
   * cutting a character in two). */
  function cellText(text) {
    if (text.length <= CELL_MAX) return text;
    const cut = (i) => (/[\uD800-\uDBFF]/.test(text[i - 1] || "") ? i - 1 : i);
    return `${text.slice(0, cut(CELL_MAX - 1000))} … ${text.slice(cut(text.length - 500))} (${text.length} characters)`;
  }

  /** The most rows a table shows: a link may hold thousands of pairs. */
  const ROWS_MAX = 500;

  function table(headers, rows, attrs) {
    if (!rows || rows.length === 0) return el("p", { class: "none" }, "(none)");
    const cell = (c) => el("td", {}, c == null ? "" : typeof c === "string" ? cellText(c) : c);
    const shown = rows.slice(0, ROWS_MAX).map((r) => el("tr", {}, r.map(cell)));
    if (rows.length > ROWS_MAX) {
      shown.push(el("tr", { class: "more" },
        el("td", { colspan: headers.length }, `… and ${rows.length - ROWS_MAX} more rows`)));
    }
    return el("div", { class: "table-wrap" },
      el("table", attrs || {},
        el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, shown)));
  }

  function pairsTable(pairs, attrs) {
    return table(["name", "value"], (pairs || []).map(([n, v]) => [el("code", {}, n), v]), attrs);
  }

  function formTable(body, attrs) {
    const rows = [...new URLSearchParams(body || "")].map(([n, v]) => [el("code", {}, n), v]);
    return table(["field", "value (decoded)"], rows, attrs);
  }

  // ---- merge fields (templates) --------------------------------------------

  const fieldValues = new Map();

  function sampleValue(name) {
    if (/phone|mobile|fax/i.test(name)) return "(650) 555-0142";
    if (/(^|\.)id$/i.test(name)) return "001A000001XyZab";
    if (/email/i.test(name)) return "pat@example.com";
    if (/name/i.test(name)) return "Pat Example";
    return "sample";
  }

  function renderFields(names) {
    const box = $("fields");
    const have = new Set([...box.querySelectorAll("input")].map((i) => i.dataset.field));
    if (names.length === have.size && names.every((n) => have.has(n))) return;
    box.replaceChildren();
    for (const name of names) {
      if (!fieldValues.has(name)) fieldValues.set(name, sampleValue(name));
      const input = el("input", { value: fieldValues.get(name), spellcheck: "false" });
      input.dataset.field = name;
      input.addEventListener("input", () => {
        fieldValues.set(name, input.value);
        schedule();
      });
      box.append(el("label", {}, el("code", {}, `{!${name}}`), input));
    }
  }

  /** The template's merge fields filled with the sample record. */
  async function fillTemplate(template) {
    const names = await backend.fill(template, {});
    if (!names.ok) return { error: names.data.error || "the template could not be read" };
    const all = names.data.missing || [];
    renderFields(all);
    const fields = {};
    for (const n of all) fields[n] = fieldValues.get(n) ?? "";
    const filled = await backend.fill(template, fields);
    if (!filled.ok) return { error: filled.data.error || "the template could not be filled" };
    if (typeof filled.data.link !== "string") {
      const first = (filled.data.findings || [])[0];
      return { error: `The template cannot be filled: ${first ? first.message : "unknown problem"}.` };
    }
    return { link: filled.data.link };
  }

  // ---- findings ------------------------------------------------------------

  const QUOTE_MAX = 160;
  const QUOTE_HEAD = 100;
  const QUOTE_TAIL = 40;

  /** A finding's place as quoted in the list: whole when short, else its
   * ends (a span may cover a megabyte: the underline shows it all). */
  function quote(text) {
    if (text === "") return [el("code", { class: "at-text" }, "(end of the link)")];
    if (text.length <= QUOTE_MAX) return [el("code", { class: "at-text" }, text)];
    // Never cut a character in two (a surrogate pair).
    const cut = (i) => (/[\uD800-\uDBFF]/.test(text[i - 1] || "") ? i - 1 : i);
    const head = text.slice(0, cut(QUOTE_HEAD));
    const tail = text.slice(cut(text.length - QUOTE_TAIL));
    return [el("code", { class: "at-text" }, `${head}…${tail}`), ` (${text.length} characters)`];
  }

  function renderFindings(link, findings) {
    const pre = $("link-view");
    pre.replaceChildren();
    const map = byteIndexMap(link);
    const spans = [];
    findings.forEach((f, n) => {
      const s = jsSpan(map, f.span);
      if (!s) return;
      let [start, end] = s;
      if (end === start && start < link.length) end = start + 1;
      spans.push({ start, end, n, severity: f.severity });
    });
    const cuts = new Set([0, link.length]);
    for (const s of spans) {
      cuts.add(s.start);
      cuts.add(s.end);
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let k = 0; k + 1 < points.length; k++) {
      const [a, b] = [points[k], points[k + 1]];
      const text = link.slice(a, b);
      const over = spans.filter((s) => s.start <= a && b <= s.end);
      if (over.length === 0) {
        pre.append(text);
        continue;
      }
      const severity = over.some((s) => s.severity === "error") ? "error" : "warning";
      const mark = el("mark", {
        class: `finding ${severity}`,
        "data-findings": over.map((s) => s.n + 1).join(" "),
        title: over.map((s) => `${s.n + 1}. ${findings[s.n].severity}: ${findings[s.n].message}`).join("\n"),
      }, text);
      mark.addEventListener("click", () => {
        const item = $(`finding-${over[0].n + 1}`);
        if (item) item.scrollIntoView({ block: "nearest", behavior: "smooth" });
      });
      pre.append(mark);
    }

    const list = $("findings");
    list.replaceChildren();
    if (findings.length === 0) {
      list.append(el("li", { class: "clean" }, "No findings: the link is clean."));
      return;
    }
    findings.forEach((f, n) => {
      const s = spans.find((x) => x.n === n);
      const severity = f.severity === "error" ? "error" : "warning";
      const item = el("li", {
        id: `finding-${n + 1}`,
        class: severity,
        "data-kind": f.code,
        // The report's span (UTF-8 byte offsets), as given.
        "data-span": Array.isArray(f.span) ? f.span.join(" ") : null,
      },
        el("div", { class: "finding-head" },
          el("span", { class: `badge ${severity}` }, severity),
          el("code", { class: "kind" }, f.code)),
        el("p", { class: "message" }, f.message),
        s
          ? el("p", { class: "at" }, "at ", ...quote(link.slice(s.start, s.end)))
          : el("p", { class: "at none" }, "no single place in the link"),
        f.help ? el("p", { class: "help" }, el("strong", {}, "fix: "), f.help) : null);
      const marks = () => [...pre.querySelectorAll("mark")].filter((m) => m.dataset.findings.split(" ").includes(String(n + 1)));
      item.addEventListener("mouseenter", () => marks().forEach((m) => m.classList.add("active")));
      item.addEventListener("mouseleave", () => marks().forEach((m) => m.classList.remove("active")));
      list.append(item);
    });
  }

  // ---- explain -------------------------------------------------------------

  function renderExplain(x) {
    const box = $("explain");
    box.replaceChildren();
    if (!x.dialString) {
      box.append(el("p", { class: "refused" },
        "The contact center refuses this link (see the errors above): it places no call."));
      return false;
    }
    const plan = x.plan || {};
    const create = plan.create
      ? `${plan.create.integration} record ${plan.create.objectType ?? "(no ObjectType)"}`
      : plan.ignored ? `ignored: ${plan.ignored} (result code IGNORE)` : "none (result code IGNORE)";
    const screenpop = plan.screenpop
      ? `${plan.screenpop.mode} (parent ${plan.screenpop.parentId ?? "-"}, window ${plan.screenpop.recordName ?? "-"})`
      : "none";
    box.append(...[
      el("p", { class: "dial" }, "Dials ", el("code", { id: "dial-string" }, x.dialString)),
      el("div", { class: "columns" },
        el("div", {}, el("h3", {}, "Parameters"),
          table(["name", "value"], (x.parameters || []).map(([n, v]) => [el("code", {}, n), v]))),
        el("div", {}, el("h3", {}, "Action plan"),
          table(["step", "what happens"], [
            ["create", create],
            ["screenpop", screenpop],
            ["callback", plan.callbackUrl ?? "none"],
          ]))),
      el("div", { class: "columns" },
        el("div", {}, el("h3", {}, "System data (ctl_*)"), pairsTable(x.system)),
        el("div", {}, el("h3", {}, "User data"), pairsTable(x.userData, { id: "user-data" }))),
      x.extTransactionData ? el("div", {}, el("h3", {}, "extTransactionData"), pairsTable(x.extTransactionData)) : null,
      el("h3", {}, "Tokens (replaced when the call ends)"),
      table(["token", "in", "gets its value"],
        (x.tokens || []).map((t) => [el("code", {}, t.token), (t.in || []).join(", "), t.when])),
    ].filter((e) => e != null));
    return true;
  }

  // ---- simulate ------------------------------------------------------------

  function callArgs() {
    const body = {
      tz: $("sim-tz").value.trim(),
      duration: $("sim-duration").value.trim(),
      code: $("sim-codes").value.split("\n").map((c) => c.trim()).filter((c) => c),
      notes: $("sim-notes").value,
    };
    const optional = { answered: "sim-answered", recordId: "sim-record", createFails: "sim-fails" };
    for (const [key, id] of Object.entries(optional)) {
      const v = $(id).value.trim();
      if (v) body[key] = v;
    }
    return body;
  }

  // ---- time zones (the engine) ------------------------------------------------
  //
  // The engine carries few zones (each costs the page kilobytes): UTC, the
  // fixed Etc/GMT±N zones, and the zones whose offsets are not whole hours.
  // A simulated call only needs the tenant's offsets at three instants (the
  // answer, the hang-up and now), so another zone is simulated with a
  // carried one that has the same offsets then, as the browser's own zone
  // data says; the page says so.

  const zones = { carried: null };

  /** Minutes east of UTC of `zone` at `ms`, as the browser knows it; null
   * when the browser does not know the zone. */
  function offsetAt(zone, ms) {
    try {
      const part = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
        .formatToParts(new Date(ms)).find((p) => p.type === "timeZoneName");
      const m = /^GMT(?:([+-])(\d{1,2}):(\d{2}))?$/.exec(part ? part.value : "");
      if (!m) return null;
      return m[1] ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
    } catch (e) {
      return null;
    }
  }

  /** The zone the engine simulates the call's zone with, and a note when
   * that is another zone. */
  async function engineZone(call, now) {
    const carried = zones.carried;
    if (!carried || carried.has(call.tz)) return { zone: call.tz, note: null };
    const times = await engineCall((w) => w.call_times(JSON.stringify(call), now));
    if (!times.ok) return { zone: call.tz, note: null };
    const want = times.data.map((t) => offsetAt(call.tz, t));
    // A zone the browser does not know either: the engine says so.
    if (want.some((o) => o === null)) return { zone: call.tz, note: null };
    const same = (z) => times.data.every((t, i) => offsetAt(z, t) === want[i]);
    const whole = want.every((o) => o === want[0]) && want[0] % 60 === 0;
    const fixed = want[0] === 0 ? "UTC" : `Etc/GMT${want[0] > 0 ? "-" : "+"}${Math.abs(want[0] / 60)}`;
    const zone = whole && carried.has(fixed) ? fixed : [...carried].sort().find(same);
    if (!zone) {
      return { zone: call.tz, note: null, error: `this page carries no zone with the offsets of ${call.tz} at this call's times: use \`clicktodial simulate --tz\`` };
    }
    return {
      zone,
      note: `${call.tz} is simulated as ${zone}: the same offset from UTC at this call's times ` +
        `(this page carries ${carried.size} zones; \`clicktodial simulate --tz\` carries them all).`,
    };
  }

  async function loadZones() {
    const r = await backend.zones();
    if (!r.ok || !Array.isArray(r.data)) return;
    zones.carried = new Set(r.data);
    // Suggest every zone the browser knows: the page simulates them all.
    const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : r.data;
    $("sim-tz").after(el("datalist", { id: "zone-names" }, all.map((z) => el("option", { value: z }))));
    $("sim-tz").setAttribute("list", "zone-names");
  }

  function pretty(json) {
    try {
      return JSON.stringify(JSON.parse(json), null, 2);
    } catch (e) {
      return String(json);
    }
  }

  async function simulate(link, seq) {
    const out = $("sim-result");
    const call = callArgs();
    const now = Date.now();
    const zone = await engineZone(call, now);
    call.tz = zone.zone;
    const r = zone.error
      ? { status: 400, ok: false, data: { error: zone.error } }
      : await backend.simulate(link, call, now);
    if (seq !== current.seq) return;
    out.replaceChildren();
    if (zone.note) out.append(el("p", { class: "hint", id: "zone-note" }, zone.note));
    if (!r.ok) {
      const why = r.data && r.data.error ? r.data.error : "the link is refused: see the findings above";
      out.append(el("p", { class: "error-text", role: "alert" }, `Cannot simulate: ${why}`));
      return;
    }
    const s = r.data;
    const parts = [
      el("p", { class: "result" }, "Result code ", el("code", { id: "result-code" }, s.resultCode),
        s.errorString ? ` (errorString: ${s.errorString})` : ""),
      el("h3", {}, "Expanded data"), pairsTable(s.expanded, { id: "expanded" }),
      el("h3", {}, "Salesforce create"),
    ];
    if (s.sfdc) {
      parts.push(el("p", {}, el("code", {}, `POST ${s.sfdc.path}`)),
        el("pre", { id: "sfdc-body", class: "body" }, pretty(s.sfdc.json)));
    } else {
      parts.push(el("p", { class: "none" }, "none: the link asks for no create"));
    }
    parts.push(el("h3", {}, "Screenpop"));
    if (s.screenpop) {
      parts.push(el("p", {}, el("code", {}, "POST (application/x-www-form-urlencoded)")),
        formTable(s.screenpop.form), el("details", {}, el("summary", {}, "raw body"),
          el("pre", { id: "screenpop-body", class: "body" }, s.screenpop.form)));
    } else {
      parts.push(el("p", { class: "none" }, "none: the link asks for no screenpop"));
    }
    parts.push(el("h3", {}, "Callback"));
    if (s.callback) {
      parts.push(el("p", {}, el("code", {}, `POST ${s.callback.url}`), " (application/x-www-form-urlencoded)"),
        formTable(s.callback.form, { id: "callback-fields" }),
        el("h4", {}, "body"),
        el("pre", { id: "callback-body", class: "body" }, s.callback.form));
    } else if (s.callbackError) {
      const e = s.callbackError;
      parts.push(el("p", { class: "error-text" }, `refused [${e.code}]: ${e.message}`));
      if (e.help) parts.push(el("p", { class: "hint" }, e.help));
    } else {
      parts.push(el("p", { class: "none" }, "none: the link has no ctl_callbackUrl"));
    }
    out.append(...parts);
  }

  // ---- place the call ------------------------------------------------------

  async function place() {
    const out = $("place-result");
    const link = current.link;
    if (!link) return;
    const q = link.indexOf("?");
    const query = q < 0 ? "" : link.slice(q + 1).split("#")[0];
    out.replaceChildren(el("p", { class: "hint" }, "placing the call…"));
    const r = await api(`/AGUI/make_call.php?${query}`);
    out.replaceChildren();
    if (!r.ok) {
      out.append(el("p", { class: "error-text", role: "alert" }, `Refused (${r.status}): ${r.data.error ?? ""}`));
      return;
    }
    const a = r.data;
    const plan = a.plan || {};
    out.append(
      el("p", { class: "placed" }, `Call ${a.interactionGuid} placed (transaction ${a.transactionId}), dialling `,
        el("code", {}, a.dialString), "."),
      el("p", {}, plan.callbackUrl
        ? `When it ends (after ${a.callSeconds} s) the callback goes to ${plan.callbackUrl}; serve's log says whether it was delivered.`
        : "The link has no ctl_callbackUrl: no callback will be sent."));
    if (a.callbackRefused) {
      const why = a.callbackRefused;
      out.append(el("p", { class: "error-text", id: "callback-refused" },
        `The callback will be refused [${why.code}]: ${why.message}`,
        why.help ? ` (${why.help})` : ""));
    }
  }

  // ---- the run -------------------------------------------------------------

  const current = { seq: 0, link: "", shown: false };

  function status(text) {
    $("status").textContent = text;
  }

  async function run() {
    const seq = ++current.seq;
    performance.mark("clicktodial:run");
    const text = $("input").value;
    if (!text.trim()) {
      for (const id of ["template-section", "findings-section", "explain-section", "simulate-section", "place-section"]) show(id, false);
      status("");
      return;
    }
    let link = text;
    // How the text reads: as the control says, or as the library detects
    // (a template when `phone` holds a merge field).
    const reading = $("reading").value;
    let lint = reading === "template" ? null : await backend.lint(text, reading);
    if (seq !== current.seq) return;
    const template = reading === "template" || (lint !== null && lint.ok && lint.data.readAs === "template");
    show("template-section", template);
    if (template) {
      // The findings are the filled link's: what the contact center gets.
      const filled = await fillTemplate(text);
      if (seq !== current.seq) return;
      if (filled.error) {
        status(filled.error);
        return;
      }
      link = filled.link;
      $("filled").textContent = link;
      lint = await backend.lint(link, "link");
    }
    if (seq !== current.seq) return;
    if (!lint.ok) {
      status(`Cannot check: ${lint.data.error ?? lint.status}`);
      return;
    }
    current.link = lint.data.link;
    const findings = lint.data.findings || [];
    renderFindings(lint.data.link, findings);
    show("findings-section", true);
    // How long the findings took (the tests hold a 1 MB link to 2 s).
    performance.measure("clicktodial:findings", "clicktodial:run");
    if (!current.shown) {
      current.shown = true;
      // For the budget "first findings within 200 ms of navigation".
      performance.mark("clicktodial:first-findings");
    }
    const errors = findings.filter((f) => f.severity === "error").length;
    const noun = (n, w) => `${n} ${w}${n === 1 ? "" : "s"}`;
    status(findings.length === 0 ? "Clean: no findings."
      : `${noun(errors, "error")}, ${noun(findings.length - errors, "warning")}.`);
    const isLink = lint.data.isLink ?? !findings.some((f) => f.code === "not-a-link");
    // Let the browser show the findings before the rest is laid out.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (seq !== current.seq) return;
    const explain = await backend.explain(link, template ? "link" : reading);
    if (seq !== current.seq) return;
    const accepted = explain.ok && renderExplain(explain.data);
    show("explain-section", isLink);
    show("simulate-section", accepted);
    show("place-section", isLink && !engineReady);
    $("place-result").replaceChildren();
    if (accepted) await simulate(current.link, seq);
    if (seq === current.seq) saveFragment();
  }

  let timer = null;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, 350);
  }

  async function example(name) {
    const r = await backend.examples();
    if (!r.ok) return;
    $("input").value = r.data[name];
    run();
  }

  // ---- share links -----------------------------------------------------------
  //
  // The page's state (the text, how it is read, the sample record, the call's
  // settings) as JSON, deflate-raw compressed and base64url-encoded after
  // `#s=` in the address. Browsers never send the fragment to a server; the
  // page only reads it, and reads it as data: strings into inputs.

  const SHARE_PREFIX = "#s=";
  /** The state a fragment may unpack to: a decompression bomb stops here. */
  const MAX_STATE_BYTES = 4 << 20;
  /** The longest fragment the page reads (browsers cap addresses at about 2 MB). */
  const MAX_FRAGMENT = 2 << 20;
  /** The longest fragment kept in the address bar as the page changes. */
  const MAX_LIVE_FRAGMENT = 64 << 10;
  /** The longest text whose state is packed into the address as the page changes. */
  const MAX_LIVE_TEXT = 256 << 10;
  const SIM_INPUTS = {
    tz: "sim-tz", answered: "sim-answered", duration: "sim-duration", record: "sim-record",
    fails: "sim-fails", codes: "sim-codes", notes: "sim-notes",
  };

  function pageState() {
    const call = {};
    for (const [key, id] of Object.entries(SIM_INPUTS)) call[key] = $(id).value;
    const fields = {};
    for (const input of $("fields").querySelectorAll("input")) fields[input.dataset.field] = input.value;
    return { v: 1, text: $("input").value, reading: $("reading").value, fields, call };
  }

  function restoreState(state) {
    if (!state || typeof state !== "object" || state.v !== 1) throw new Error("not a share link of this page");
    const text = (v) => (typeof v === "string" ? v : "");
    $("input").value = text(state.text);
    $("reading").value = ["auto", "link", "template"].includes(state.reading) ? state.reading : "auto";
    const call = state.call && typeof state.call === "object" ? state.call : {};
    for (const [key, id] of Object.entries(SIM_INPUTS)) {
      if (typeof call[key] === "string") $(id).value = call[key];
    }
    fieldValues.clear();
    if (state.fields && typeof state.fields === "object") {
      for (const [name, value] of Object.entries(state.fields)) {
        if (typeof value === "string") fieldValues.set(name, value);
      }
    }
    // The inputs are rebuilt for the restored template, with these values.
    $("fields").replaceChildren();
  }

  function base64urlEncode(bytes) {
    if (typeof bytes.toBase64 === "function") return bytes.toBase64({ alphabet: "base64url", omitPadding: true });
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function base64urlDecode(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(b64 + "===".slice((b64.length + 3) % 4)), (c) => c.charCodeAt(0));
  }

  async function pack(state) {
    const json = new TextEncoder().encode(JSON.stringify(state));
    const stream = new Blob([json]).stream().pipeThrough(new CompressionStream("deflate-raw"));
    return base64urlEncode(new Uint8Array(await new Response(stream).arrayBuffer()));
  }

  async function unpack(text) {
    if (text.length > MAX_FRAGMENT || !/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not a share link of this page");
    const stream = new Blob([base64urlDecode(text)]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    const reader = stream.getReader();
    const chunks = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_STATE_BYTES) {
        await reader.cancel();
        throw new Error("the share link unpacks to more than 4 MiB");
      }
      chunks.push(value);
    }
    const all = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(all));
  }

  const share = { written: "" };

  function addressWithout() {
    return location.href.split("#")[0];
  }

  /** Keeps the address bar's fragment in step with the page (when short enough). */
  async function saveFragment() {
    let hash = "";
    try {
      const state = pageState();
      // Past this the fragment would rarely stay short: not worth packing
      // on every change (the button packs any length).
      if (state.text.length > MAX_LIVE_TEXT) throw new Error("long");
      const packed = await pack(state);
      if (packed.length <= MAX_LIVE_FRAGMENT) hash = SHARE_PREFIX + packed;
    } catch (e) {
      hash = "";
    }
    if (hash === share.written && location.hash === hash) return;
    share.written = hash;
    try {
      history.replaceState(null, "", addressWithout() + hash);
    } catch (e) {
      // An address the browser refuses: the button still gives the link.
    }
  }

  async function copyShareLink() {
    const note = $("share-status");
    let packed;
    try {
      packed = await pack(pageState());
    } catch (e) {
      note.textContent = "This browser cannot compress the page's state (no CompressionStream).";
      return;
    }
    const url = addressWithout() + SHARE_PREFIX + packed;
    const box = $("share-link");
    box.value = url;
    box.hidden = false;
    box.select();
    const long = url.length > MAX_FRAGMENT ? " It is longer than browsers keep: share a shorter text." : "";
    let copied = false;
    try {
      if (navigator.clipboard) {
        copied = await Promise.race([
          navigator.clipboard.writeText(url).then(() => true),
          new Promise((resolve) => setTimeout(() => resolve(false), 1000)),
        ]);
      }
    } catch (e) {
      copied = false;
    }
    note.textContent = (copied
      ? `Copied the share link (${url.length} characters).`
      : `Copy the share link from the box (${url.length} characters).`) +
      " Whoever opens it sees this page as it is now; the state stays after the # and is never sent." + long;
  }

  async function restoreFromFragment() {
    const hash = location.hash;
    if (!hash.startsWith(SHARE_PREFIX) || hash === share.written) return false;
    share.written = hash;
    try {
      restoreState(await unpack(hash.slice(SHARE_PREFIX.length)));
      return true;
    } catch (e) {
      $("share-status").textContent = `The address's share link cannot be read: ${String((e && e.message) || e)}.`;
      return false;
    }
  }

  document.addEventListener("DOMContentLoaded", async () => {
    $("input").addEventListener("input", schedule);
    $("check").addEventListener("click", run);
    $("reading").addEventListener("change", run);
    $("example1").addEventListener("click", () => example("example1"));
    $("example2").addEventListener("click", () => example("example2"));
    $("simulate").addEventListener("click", () => simulate(current.link, current.seq));
    $("place").addEventListener("click", place);
    $("share").addEventListener("click", copyShareLink);
    for (const id of Object.values(SIM_INPUTS)) {
      $(id).addEventListener("change", () => simulate(current.link, current.seq));
    }
    window.addEventListener("hashchange", async () => {
      if (await restoreFromFragment()) run();
    });
    if (engineReady) {
      $("served-by").textContent = "This page runs in your browser: nothing you type is sent anywhere.";
    }
    await loadZones();
    const restored = await restoreFromFragment();
    document.body.dataset.ready = "true";
    if (restored || $("input").value.trim()) run();
  });
})();
