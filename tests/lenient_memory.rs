//! `UserData::parse_lenient` allocates a bounded number of bytes per input
//! byte, whatever the input: measured with a counting allocator on the
//! shapes that make the most diagnostics or the most pairs per byte.
//!
//! The bound stated in `UserData::parse_lenient`'s docs: at most 64 bytes
//! allocated in total per input byte. And what parsed data keeps is the
//! room of its pairs, not the room reserved while parsing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use clicktodial::UserData;

/// Counts the bytes asked for (allocations and the new size of each
/// reallocation): the total, not the peak, so a bound on it bounds both.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
/// Bytes allocated and not yet freed.
static LIVE: AtomicUsize = AtomicUsize::new(0);
/// Calls that asked for memory (allocations and reallocations).
static CALLS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on unchanged to the system allocator; the
// counter is only read by the test.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        CALLS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        CALLS.fetch_add(1, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes allocated by one lenient parse of `input`, per input byte.
fn per_byte(input: &str) -> (f64, usize, usize) {
    let before = ALLOCATED.load(Ordering::Relaxed);
    let (data, diags) = UserData::parse_lenient(input);
    let after = ALLOCATED.load(Ordering::Relaxed);
    let counts = (data.len(), diags.len());
    drop((data, diags));
    (
        (after - before) as f64 / input.len() as f64,
        counts.0,
        counts.1,
    )
}

// One test in this binary, so no other test allocates while it counts.
#[test]
fn lenient_parse_allocates_at_most_64_bytes_per_input_byte() {
    let n = 1 << 18;
    let shapes = [
        // Hostile: a fault every two or three bytes.
        ("][", "]["),
        ("[]", "[]"),
        ("x[]", "x[]"),
        ("[|]", "[|]"),
        ("[a]x", "[a]x"),
        ("[]\n", "[]\\n"),
        // Most pairs per byte, with and without a fault between them.
        ("[a|]", "[a|]"),
        ("[a|]x", "[a|]x"),
        ("[a|][]", "[a|][]"),
        ("[%|%5D]", "[%|%5D]"),
    ];
    let mut worst = 0.0f64;
    for (unit, shown) in shapes {
        let input = unit.repeat(n / unit.len());
        let (bytes, pairs, diags) = per_byte(&input);
        println!("{shown:>10}: {bytes:6.2} B/byte, {pairs} pairs, {diags} diagnostics");
        assert!(
            bytes <= 64.0,
            "{shown}: {bytes:.1} bytes allocated per input byte"
        );
        // Never more diagnostics than pairs plus one.
        assert!(
            diags <= pairs + 1,
            "{shown}: {diags} diagnostics, {pairs} pairs"
        );
        worst = worst.max(bytes);
    }
    // The hostile shapes of issue 10 once cost 28 bytes per input byte in
    // diagnostics alone; now each is one diagnostic.
    for unit in ["][", "[]", "x[]", "[|]"] {
        let (_, _, diags) = per_byte(&unit.repeat(1000));
        assert_eq!(diags, 1, "{unit}");
    }
    println!("worst: {worst:.2} B/byte");

    // Parsed data is often kept: what it holds once parsed is the room of
    // its pairs, not the room reserved for the pairs a text that long might
    // have held (one long value, 1 MiB: one pair).
    let input = format!("[Description|{}]", "x".repeat(1 << 20));
    let before = LIVE.load(Ordering::Relaxed);
    let strict = UserData::parse(&input).unwrap();
    let (lenient, _) = UserData::parse_lenient(&input);
    let kept = LIVE.load(Ordering::Relaxed) - before;
    assert_eq!((strict.len(), lenient.len()), (1, 1));
    assert!(kept <= 1024, "{kept} bytes kept for two parses of one pair");
    drop((strict, lenient));

    // The same with many pairs: 200 pairs with long values keep no more
    // room than 200 short pairs do (the room reserved for a 256 KiB text,
    // thousands of pairs, is given back).
    let kept = |value_len: usize| {
        let input: String = (0..200)
            .map(|i| format!("[n{i}|{}]", "v".repeat(value_len)))
            .collect();
        let before = LIVE.load(Ordering::Relaxed);
        let data = UserData::parse(&input).unwrap();
        let kept = LIVE.load(Ordering::Relaxed) - before;
        assert_eq!(data.len(), 200);
        kept
    };
    let (short, long) = (kept(1), kept(1300));
    assert!(
        long <= 2 * short,
        "200 long pairs keep {long} bytes, 200 short ones {short}"
    );

    // Real data (pairs of 32 bytes or more, no escapes) is parsed with one
    // allocation: the pair list is reserved once, not grown pair by pair.
    let input: String = (0..100)
        .map(|i| format!("[Field{i:03}|a value of some length]"))
        .collect();
    assert!(input.len() >= 100 * 32);
    let before = CALLS.load(Ordering::Relaxed);
    let data = UserData::parse(&input).unwrap();
    let calls = CALLS.load(Ordering::Relaxed) - before;
    assert_eq!(data.len(), 100);
    assert_eq!(calls, 1, "{calls} allocations to parse 100 pairs");
}
