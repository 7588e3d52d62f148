//! The time zones the page's `.wasm` carries.
//!
//! chrono-tz compiles every transition of every IANA zone into the binary:
//! about 0.9 MB of the `.wasm` (measured in BENCHMARKS.md), more than the
//! whole page may weigh. `build-page` keeps these zones only (with the IANA
//! links to them), through chrono-tz's `CHRONO_TZ_TIMEZONE_FILTER`:
//!
//! - `UTC` and the fixed `Etc/GMT±N` zones: every whole-hour offset;
//! - the zones whose offsets are not whole hours (India, Nepal, Iran,
//!   Afghanistan, Myanmar, South and Central Australia, Eucla, Lord Howe,
//!   Chatham, the Marquesas, Newfoundland);
//! - `America/Los_Angeles`, the page's default.
//!
//! A simulated call only needs the tenant's offsets at three instants (the
//! answer, the hang-up and now: the tokens print local times and `%z`
//! offsets, never a zone's name), so the page simulates a zone it does not
//! carry with one it does that has the same offsets at those instants
//! (asking the browser, which knows every zone, for them), and says so.
//! The command (`clicktodial simulate --tz`) carries every zone.

/// The regular expression `build-page` gives chrono-tz: the zones kept.
pub const KEPT: &str = "^(UTC|Etc/.*\
    |Asia/(Kolkata|Kathmandu|Tehran|Kabul|Yangon)\
    |Australia/(Adelaide|Darwin|Eucla|Lord_Howe)\
    |Pacific/(Chatham|Marquesas)\
    |America/(St_Johns|Los_Angeles))$";

#[cfg(test)]
mod tests {
    /// Whether the filter keeps `name` (chrono-tz-build reads it with the
    /// same crate, and keeps the links to what it keeps too).
    fn kept(name: &str) -> bool {
        static KEPT: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        KEPT.get_or_init(|| regex::Regex::new(super::KEPT).expect("a regular expression"))
            .is_match(name)
    }

    #[test]
    fn every_offset_that_is_not_whole_hours_has_a_kept_zone() {
        use clicktodial::chrono::{Offset, TimeZone, Utc};
        let instants = [
            Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap(),
        ];
        for zone in chrono_tz::TZ_VARIANTS {
            let offsets: Vec<i32> = instants
                .iter()
                .map(|t| {
                    zone.offset_from_utc_datetime(&t.naive_utc())
                        .fix()
                        .local_minus_utc()
                })
                .collect();
            if offsets.iter().all(|o| o % 3600 == 0) {
                continue;
            }
            let covered = chrono_tz::TZ_VARIANTS.iter().any(|k| {
                kept(k.name())
                    && instants.iter().zip(&offsets).all(|(t, o)| {
                        k.offset_from_utc_datetime(&t.naive_utc())
                            .fix()
                            .local_minus_utc()
                            == *o
                    })
            });
            assert!(covered, "{}: {offsets:?} has no kept zone", zone.name());
        }
    }

    #[test]
    fn the_filter_keeps_what_it_names() {
        for name in [
            "UTC",
            "Etc/GMT-9",
            "Asia/Kolkata",
            "America/Los_Angeles",
            "Australia/Lord_Howe",
        ] {
            assert!(kept(name), "{name}");
        }
        for name in [
            "Europe/Paris",
            "Asia/Tokyo",
            "America/New_York",
            "Asia/Kolkatax",
        ] {
            assert!(!kept(name), "{name}");
        }
    }
}
