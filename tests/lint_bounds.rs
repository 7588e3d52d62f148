//! The lint's memory bound, measured: a counting global allocator records
//! the bytes the lint allocates (in all, and at its peak) on the worst
//! shapes of input, per byte of `ctl_userdata` text. The parse itself is
//! not counted: only `lint()`.
//!
//! The bound the `lint` module docs state: under 12 bytes allocated at the
//! peak per input byte, and a lint list of at most `MAX_PER_KIND + 1` lints
//! of a kind, whatever the size.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use clicktodial::{ClickToDialRequest, Lint, UserData};

struct Counting;

thread_local! {
    // Per thread, so the test harness's own threads do not count.
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
    static TOTAL: Cell<usize> = const { Cell::new(0) };
}

fn on_alloc(size: usize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + size;
        live.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
    let _ = TOTAL.try_with(|t| t.set(t.get() + size));
}

fn on_dealloc(size: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(size)));
}

// SAFETY: every call is passed to `System` unchanged; the counters are
// const-initialised thread-locals without destructors (no allocation).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        on_alloc(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        on_dealloc(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        on_dealloc(layout.size());
        on_alloc(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// (total bytes allocated, peak bytes live above the start) while `f` runs,
/// what it returns included.
fn measure<T>(f: impl FnOnce() -> T) -> (usize, usize, T) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let total_before = TOTAL.with(Cell::get);
    let out = f();
    let total = TOTAL.with(Cell::get) - total_before;
    let peak = PEAK.with(Cell::get) - base;
    (total, peak, out)
}

/// The worst shapes: long names and values, many tokens, many pairs, many
/// distinct names (the duplicate map), many system names.
fn shapes(n: usize) -> Vec<(&'static str, String)> {
    #[allow(non_snake_case)]
    let N = n;
    vec![
        ("empty values, one name", "[a|]".repeat(N / 4)),
        (
            "issue: 32 KB name, 16 K `$x`",
            format!("[{}|{}]", "n".repeat(N / 2), "$x".repeat(N / 4)),
        ),
        ("`$x$` values", "[a|$x$]".repeat(N / 7)),
        ("`$x` values", "[a|$x]".repeat(N / 6)),
        ("`$x$` in one value", format!("[a|{}]", "$x$".repeat(N / 3))),
        (
            "unterminated in one value",
            format!("[a|{}]", "$notes ".repeat(N / 7)),
        ),
        ("merge fields", "[{!a}|{!b}]".repeat(N / 11)),
        (
            "distinct names, each twice",
            (0..N / 16)
                .map(|i| format!("[{i:x}|][{i:x}|]"))
                .collect::<String>(),
        ),
        (
            "distinct short names",
            (0..N / 8).map(|i| format!("[{i:x}|]")).collect(),
        ),
        (
            "unknown system names",
            (0..N / 12).map(|i| format!("[ctl_{i:x}|]")).collect(),
        ),
        (
            "system names twice, any case",
            (0..N / 24)
                .map(|i| format!("[ctl_{i:x}|][CTL_{i:X}|]"))
                .collect(),
        ),
        ("invalid launchopt", "[ctl_launchopt|x]".repeat(N / 17)),
        (
            "long duplicate names",
            format!("[{0}|1][{0}|2]", "N".repeat(N / 2)),
        ),
        (
            "callback URLs",
            "[ctl_callbackUrl|http://u:$x$@$notes$/]".repeat(N / 38),
        ),
        ("tokens with a hint", "[a|$Caller_ID$]".repeat(N / 15)),
    ]
}

#[test]
fn lint_memory_is_bounded_per_input_byte() {
    let mut report = Vec::new();
    // Two sizes, so the map's power-of-two growth is met at two points.
    let all = shapes(64 * 1024).into_iter().chain(shapes(44 * 1024));
    for (shape, text) in all {
        let data = UserData::parse(&text).unwrap();
        let (total, peak, lints) = measure(|| data.lint());
        let per_byte = peak as f64 / text.len() as f64;
        report.push(format!(
            "{shape:32} {:>7} B input, {:>4} lints, peak {per_byte:5.2} B/B, total {:5.2} B/B",
            text.len(),
            lints.len(),
            total as f64 / text.len() as f64
        ));
        assert!(
            per_byte < 12.0,
            "{shape}: {per_byte:.2} B per input byte at the peak"
        );
        assert!(
            (total as f64 / text.len() as f64) < 32.0,
            "{shape}: {total} bytes allocated in all"
        );
        assert!(
            lints.len() <= 14 * (Lint::MAX_PER_KIND + 1),
            "{shape}: {} lints",
            lints.len()
        );
        for lint in &lints {
            assert!(lint.message.len() <= Lint::MAX_MESSAGE_LEN);
            assert!(!lint.message.contains('\n'));
        }
    }
    // `cargo test --test lint_bounds -- --nocapture` prints the numbers.
    println!("{}", report.join("\n"));
}

#[test]
fn the_lint_list_does_not_grow_with_the_input() {
    // Four times the input, the same lints: the caps hold.
    let small = "[a|$x$][b|{!x}][ctl_q|1]".repeat(1_000);
    let large = small.repeat(4);
    let count = |text: &str| UserData::parse(text).unwrap().lint().len();
    assert_eq!(count(&small), count(&large));
    let (_, small_peak, _) = measure(|| count(&small));
    let (_, large_peak, _) = measure(|| count(&large));
    // Working memory grows with the pairs (the duplicate map), the list not.
    assert!(
        large_peak < 5 * small_peak.max(1),
        "{small_peak} -> {large_peak}"
    );
}

#[test]
fn a_whole_request_lints_within_the_bound() {
    let userdata = format!("[{}|{}]", "n".repeat(32 * 1024), "$x".repeat(16 * 1024));
    let form = format!("ctl_userdata={userdata}");
    let req = ClickToDialRequest::from_query_and_form("phone=1", &form).unwrap();
    let (_, peak, lints) = measure(|| req.lint());
    assert!(lints.len() <= Lint::MAX_PER_VALUE + 1);
    assert!(
        (peak as f64) < 12.0 * userdata.len() as f64,
        "{peak} bytes at the peak"
    );
}
