//! The fixed-width formatter behind [`TokenValues`](super::values::TokenValues):
//! a small buffer on the stack ([`Ascii`]) and the writers of Unix times,
//! tenant times, years and zero-padded numbers, each exactly as chrono's
//! formats write them (tested against chrono), without allocating.

use std::fmt;
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// The buffer: the bounded values, and `$transaction_codes$` when it takes
/// at most `FIXED_CAP - BOUNDED_MAX` bytes (the usual one or two codes), so
/// that it costs no allocation either. At most 255, so every offset fits
/// the spans' `u8`.
pub(super) const FIXED_CAP: usize = 255;

/// A fixed buffer of text: ASCII, and the transaction codes' UTF-8 copied
/// whole. Writing past its end drops the bytes (the bounds above make that
/// unreachable); reading never panics.
#[derive(Clone)]
pub(super) struct Ascii {
    pub(super) bytes: [u8; FIXED_CAP],
    pub(super) len: usize,
}

impl Ascii {
    #[inline]
    pub(super) fn push(&mut self, b: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    /// Appends `bytes` with one bounds check (dropped whole if they do not
    /// fit, which the bounds above make unreachable).
    #[inline]
    pub(super) fn push_slice(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if let Some(slots) = self.bytes.get_mut(self.len..end) {
            slots.copy_from_slice(bytes);
            self.len = end;
        }
    }

    #[inline]
    pub(super) fn get(&self, start: usize, end: usize) -> &str {
        self.bytes
            .get(start..end)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl fmt::Write for Ascii {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_slice(s.as_bytes());
        Ok(())
    }
}

impl fmt::Debug for Ascii {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.get(0, self.len), f)
    }
}

/// `at` as a wall-clock time in `tz`, with the offset in force then. Falls
/// back to UTC when the shifted time is outside chrono's range.
pub(super) fn to_tenant(at: DateTime<Utc>, tz: Tz) -> (NaiveDateTime, FixedOffset) {
    let utc = at.naive_utc();
    let offset = tz.offset_from_utc_datetime(&utc).fix();
    match utc.checked_add_offset(offset) {
        Some(local) => (local, offset),
        None => (utc, Utc.fix()),
    }
}

/// The seconds as chrono's `%S` writes them: a leap second is `60`.
pub(super) fn seconds(t: &NaiveDateTime) -> u32 {
    t.second() + t.nanosecond() / 1_000_000_000
}

/// `YYYY/MM/DD HH:mm:ss Z`, exactly as chrono's `%Y/%m/%d %H:%M:%S %z`.
pub(super) fn push_tenant_time(out: &mut Ascii, local: &NaiveDateTime, offset: FixedOffset) {
    push_year(out, local.year());
    out.push(b'/');
    push_two(out, local.month());
    out.push(b'/');
    push_two(out, local.day());
    out.push(b' ');
    push_two(out, local.hour());
    out.push(b':');
    push_two(out, local.minute());
    out.push(b':');
    push_two(out, seconds(local));
    out.push(b' ');
    let off = offset.local_minus_utc();
    out.push(if off < 0 { b'-' } else { b'+' });
    // Rounded to the nearest minute, as chrono's `%z`.
    let minutes = (off.unsigned_abs() + 30) / 60;
    push_two(out, minutes / 60);
    push_two(out, minutes % 60);
}

/// A year as chrono's `%Y`: four digits, with a sign outside `0..=9999`.
pub(super) fn push_year(out: &mut Ascii, year: i32) {
    if (0..=9999).contains(&year) {
        push_u64(out, u64::from(year.unsigned_abs()), 4);
    } else {
        // Rare: let the formatter handle the sign and padding.
        let _ = write!(out, "{year:+05}");
    }
}

/// Two digits, zero-padded (`n` below 100).
#[inline]
pub(super) fn push_two(out: &mut Ascii, n: u32) {
    out.push_slice(&[b'0' + ((n / 10) % 10) as u8, b'0' + (n % 10) as u8]);
}

/// `n` in decimal, zero-padded to at least `width` digits (at most 20).
/// The digits are written right to left into a local buffer and copied in
/// one piece.
#[inline]
pub(super) fn push_u64(out: &mut Ascii, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    for d in digits.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
        start -= 1;
        if n == 0 {
            break;
        }
    }
    let start = start.min(digits.len().saturating_sub(width.min(20)));
    // `start` is at most the buffer's length.
    out.push_slice(&digits[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_ascii() -> Ascii {
        Ascii {
            bytes: [0; FIXED_CAP],
            len: 0,
        }
    }

    #[test]
    fn push_u64_pads_and_handles_extremes() {
        let s = |n, w| {
            let mut out = new_ascii();
            push_u64(&mut out, n, w);
            out.get(0, out.len).to_owned()
        };
        assert_eq!(s(0, 1), "0");
        assert_eq!(s(0, 2), "00");
        assert_eq!(s(7, 2), "07");
        assert_eq!(s(123, 2), "123");
        assert_eq!(s(42, 4), "0042");
        assert_eq!(s(u64::MAX, 1), u64::MAX.to_string());
    }

    #[test]
    fn debug_shows_the_text_written() {
        let mut out = new_ascii();
        out.push_slice(b"12:05");
        assert_eq!(format!("{out:?}"), "\"12:05\"");
    }

    #[test]
    fn years_match_chrono() {
        for year in [-262_000, -1, 0, 7, 999, 1000, 2024, 9999, 10_000, 262_000] {
            let mut out = new_ascii();
            push_year(&mut out, year);
            let date = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            assert_eq!(
                out.get(0, out.len),
                date.format("%Y").to_string(),
                "year {year}"
            );
        }
    }
}
