//! Workloads, baselines and the counting allocator shared by every bench,
//! `tests/compiled_allocs.rs` and `examples/profile_call.rs`.
//!
//! Each of them is its own crate and includes this file with
//! `#[path = "…/tests/common/workloads.rs"] mod common;`. Everything here is built once, outside the timed loops.
//! Not every bench uses every item.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use clicktodial::{CallContext, Token, TokenValues, TransactionCode};

// ---------------------------------------------------------------------------
// Counting allocator
// ---------------------------------------------------------------------------

/// `System`, counting allocations (and their bytes) while counting is on.
/// Off during timing, the cost is one relaxed load per allocation.
pub struct Counting;

thread_local! {
    /// Whether this thread's allocations are counted: only the thread that
    /// runs `count_allocs`, so that the test harness's own threads (which
    /// allocate at times of their own) never add to a count.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the calling thread counts (false while its thread-locals are
/// being torn down).
fn counting() -> bool {
    COUNTING.try_with(Cell::get).unwrap_or(false)
}
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded to `System` unchanged; the counters are
// atomics, and the flag a `const` thread-local `Cell` (no allocation, no
// destructor), with no other effect.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counting() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if counting() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        }
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if counting() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        }
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations (a `realloc` counts as one) and bytes requested by one run of
/// `f`, averaged over `runs` runs after one warm-up run.
pub fn count_allocs<R>(runs: u64, mut f: impl FnMut() -> R) -> (f64, f64) {
    drop(std::hint::black_box(f()));
    ALLOCS.store(0, Ordering::SeqCst);
    BYTES.store(0, Ordering::SeqCst);
    COUNTING.with(|c| c.set(true));
    for _ in 0..runs {
        let r = std::hint::black_box(f());
        // The result is dropped inside the count: drops never allocate.
        drop(r);
    }
    COUNTING.with(|c| c.set(false));
    (
        ALLOCS.load(Ordering::SeqCst) as f64 / runs as f64,
        BYTES.load(Ordering::SeqCst) as f64 / runs as f64,
    )
}

/// Prints one allocation count and appends it to
/// `target/criterion/allocs.tsv` for `benches/report.py`.
pub fn report_allocs(name: &str, (allocs, bytes): (f64, f64)) {
    println!("allocs  {name:<40} {allocs:>9.1} allocations/op {bytes:>11.0} bytes/op");
    let dir = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let dir = std::path::Path::new(&dir).join("criterion");
    let _ = std::fs::create_dir_all(&dir);
    use std::io::Write as _;
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("allocs.tsv"))
    {
        let _ = writeln!(f, "{name}\t{allocs}\t{bytes}");
    }
}

// ---------------------------------------------------------------------------
// Criterion settings: the whole run (three benches) stays under 5 minutes.
// ---------------------------------------------------------------------------

pub fn criterion() -> criterion::Criterion {
    criterion::Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1200))
        .sample_size(30)
        .without_plots()
}

// ---------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------

/// W1: the vendor's Example 1 `ctl_userdata`, URL-decoded (12 pairs, 10
/// tokens).
pub const W1: &str = include_str!("../data/vendor/example1_userdata.txt");

/// The vendor's Example 1 request, as a CRM would send it (the URL the
/// `click_to_dial` example uses).
pub const EXAMPLE_1_URL: &str = include_str!("../data/vendor/example1.url");

/// A small deterministic generator (xorshift64*), so W2 is the same bytes on
/// every run and machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FIELDS: &[&str] = &[
    "subject",
    "Description",
    "status",
    "Priority",
    "WhatId",
    "WhoId",
    "ActivityDate",
    "CallType",
    "CallObject",
    "Transactionid__c",
    "Campaign__c",
    "Region__c",
    "AccountNumber",
    "Phone",
    "LeadSource",
    "Rating",
    "Industry",
    "Notes__c",
];

const SYSTEM: &[&str] = &[
    "[ctl_action|create]",
    "[ctl_intType|sfdc]",
    "[ObjectType|Task]",
    "[ctl_launchopt|true]",
    "[ctl_launchext|edit]",
    "[ctl_parentid|001A000001XyZab]",
];

const WORDS: &[&str] = &[
    "call",
    "customer",
    "follow-up",
    "account",
    "renewal",
    "quote",
    "support",
    "ticket",
    "order",
    "pending",
    "approved",
    "shipping",
    "invoice",
    "balance",
    "contract",
    "(urgent)",
    "next",
    "week",
    "Monday",
    "status:",
    "open",
    "closed",
    "escalated",
    "to",
    "the",
    "team",
    "for",
    "review",
    "#4471",
    "ref.",
    "a/b",
    "x|y",
    "[draft",
    "50%",
    "off",
    "é",
    "naïve",
];

/// The tokens W2 uses (every one of the twenty, so every kind of value is
/// formatted).
pub fn token_strings() -> Vec<String> {
    Token::ALL.iter().map(|t| t.to_string()).collect()
}

/// A W2-shaped `ctl_userdata`: the system pairs, then realistic user pairs
/// (a field name with a number, a value of words) until the text is at least
/// `min_bytes` long or has `max_pairs` pairs. About one value in three holds
/// a token; about one in fifteen a lone `$` (`$25`), and one in twenty an
/// unknown `$x$`. Pairs are separated by nothing, a space or a line break.
pub fn w2_like(min_bytes: usize, max_pairs: usize) -> String {
    let mut rng = Rng::new(0x5EED_C0DE_2024);
    let tokens = token_strings();
    let mut out = String::with_capacity(min_bytes + 256);
    let mut pairs = 0;
    for s in SYSTEM {
        out.push_str(s);
        pairs += 1;
    }
    while out.len() < min_bytes && pairs < max_pairs {
        match rng.below(4) {
            0 => out.push('\n'),
            1 => out.push(' '),
            _ => {}
        }
        out.push('[');
        out.push_str(rng.pick(FIELDS));
        out.push('_');
        out.push_str(&pairs.to_string());
        out.push('|');
        let target = 60 + rng.below(60);
        let token_at = if rng.below(3) == 0 {
            Some(rng.below(8))
        } else {
            None
        };
        let mut words = 0;
        let start = out.len();
        while out.len() - start < target {
            if words > 0 {
                out.push(' ');
            }
            if token_at == Some(words) {
                out.push_str(&tokens[rng.below(tokens.len())]);
            } else if rng.below(90) == 0 {
                out.push_str("$25");
            } else if rng.below(120) == 0 {
                out.push_str("$x$");
            } else {
                out.push_str(rng.pick(WORDS));
            }
            words += 1;
        }
        out.push(']');
        pairs += 1;
    }
    out
}

/// W2: 200 pairs, about 20 KB.
pub fn w2() -> String {
    w2_like(usize::MAX, 200)
}

/// W3: one 64 KB value with no `$` and no escapes.
pub fn w3() -> String {
    let mut rng = Rng::new(3);
    let mut value = String::with_capacity(65 * 1024);
    while value.len() < 64 * 1024 {
        let w = rng.pick(WORDS);
        if w.contains('%') {
            continue;
        }
        value.push_str(w);
        value.push(' ');
    }
    format!("[Description|{value}]")
}

/// The scaling inputs: W2-shaped text of about 1 KB, 16 KB, 256 KB, 4 MB.
pub fn scaling() -> Vec<(&'static str, String)> {
    [
        ("1KB", 1 << 10),
        ("16KB", 16 << 10),
        ("256KB", 256 << 10),
        ("4MB", 4 << 20),
    ]
    .into_iter()
    .map(|(name, n)| (name, w2_like(n, usize::MAX)))
    .collect()
}

/// 64 KB of `unit` repeated.
pub fn repeat64k(unit: &str) -> String {
    unit.repeat((64 * 1024) / unit.len())
}

/// The adversarial inputs as raw text: 64 KB of `[`, of `$`, of `[a|`, of
/// `%5D`.
pub fn adversarial() -> Vec<(&'static str, String)> {
    vec![
        ("open_brackets", repeat64k("[")),
        ("dollars", repeat64k("$")),
        ("open_pairs", repeat64k("[a|")),
        ("escapes", repeat64k("%5D")),
    ]
}

// ---------------------------------------------------------------------------
// The call context
// ---------------------------------------------------------------------------

/// A realistic context: a four-minute call in Los Angeles, two transaction
/// codes, notes. No value holds a `$`, so the `String::replace` chain
/// cannot re-expand what a token brought in, and every baseline must give the
/// crate's exact output.
pub fn context() -> CallContext {
    CallContext {
        caller_id: "5251990".into(),
        transaction_id: "T-88123456".into(),
        interaction_guid: "int-16c2f1e9-0b7a-4d5e-9a3f-2c8d11e0aa41".into(),
        answered_at: Some(Utc.with_ymd_and_hms(2024, 1, 15, 18, 0, 0).unwrap()),
        hangup_at: Some(Utc.with_ymd_and_hms(2024, 1, 15, 18, 4, 30).unwrap()),
        now: Utc.with_ymd_and_hms(2024, 1, 15, 18, 5, 0).unwrap(),
        tenant_tz: chrono_tz::America::Los_Angeles,
        transaction_codes: vec![
            TransactionCode {
                list_name: "Sales".into(),
                short_code: "WON".into(),
                description: "Closed won".into(),
            },
            TransactionCode {
                list_name: "Support".into(),
                short_code: "FUP".into(),
                description: "Follow-up booked".into(),
            },
        ],
        notes: "Customer wants a quote for 40 seats; call back Tuesday.".into(),
    }
}

/// The precomputed `("$name$", value)` pairs the baselines replace with.
pub fn token_table(ctx: &CallContext) -> Vec<(String, String)> {
    let mut values = TokenValues::new(ctx);
    Token::ALL
        .iter()
        .map(|t| (t.to_string(), values.get(*t).to_owned()))
        .collect()
}

// ---------------------------------------------------------------------------
// Parsing baselines
// ---------------------------------------------------------------------------

pub const PAIR_REGEX: &str = r"\[([^|\]]*)\|([^\]]*)\]";

/// The regex parser: every match of `\[([^|\]]*)\|([^\]]*)\]`.
pub fn regex_parse<'a>(re: &regex::Regex, input: &'a str) -> Vec<(&'a str, &'a str)> {
    re.captures_iter(input)
        .map(|c| {
            let (_, [name, value]) = c.extract();
            (name, value)
        })
        .collect()
}

/// The hand-written parser: `split(']')`, then `split_once('|')`.
pub fn split_parse(input: &str) -> Vec<(&str, &str)> {
    input
        .split(']')
        .filter_map(|piece| {
            let piece = piece.trim_start().strip_prefix('[')?;
            piece.split_once('|')
        })
        .collect()
}

/// The scan limit: one vectorised pass counting the `]`.
pub fn scan_limit(input: &str, byte: u8) -> usize {
    memchr::memchr_iter(byte, input.as_bytes()).count()
}

// ---------------------------------------------------------------------------
// Expansion baselines (each on one value)
// ---------------------------------------------------------------------------

/// What most integrators write: `value.replace(..).replace(..)…`, one
/// call for each of the twenty tokens.
pub fn replace_chain(value: &str, table: &[(String, String)]) -> String {
    let mut s = value.to_owned();
    for (pattern, with) in table {
        s = s.replace(pattern.as_str(), with);
    }
    s
}

/// An Aho-Corasick automaton over the twenty `$name$` strings, built once.
pub fn aho_corasick(table: &[(String, String)]) -> (aho_corasick::AhoCorasick, Vec<&str>) {
    let ac = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(table.iter().map(|(p, _)| p.as_str()))
        .expect("twenty patterns build");
    let with = table.iter().map(|(_, v)| v.as_str()).collect();
    (ac, with)
}
