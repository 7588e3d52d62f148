//! When to try again: the Standard Webhooks schedule, with jitter, and
//! what an answer means.

use std::time::Duration;

/// The delays before each attempt. The first attempt is sent at once; the
/// delay before attempt `n + 1` is the `n`th entry, stretched or shrunk by
/// up to the jitter fraction. After the last entry the delivery is dead.
///
/// [`RetrySchedule::default`] is the Standard Webhooks schedule: 5 s, 5 min,
/// 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h after the first attempt's
/// failures (ten attempts over about three days), with 10 % jitter.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use clicktodial_delivery::RetrySchedule;
///
/// let standard = RetrySchedule::default();
/// assert_eq!(standard.attempts(), 10);
/// assert_eq!(standard.base_delay(1), Some(Duration::from_secs(5)));
/// assert_eq!(standard.base_delay(10), None); // the tenth failure is the last
///
/// // Tests compress it.
/// let quick = RetrySchedule::new(vec![Duration::from_millis(100); 3]).jitter(0.0);
/// assert_eq!(quick.attempts(), 4);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetrySchedule {
    delays: Vec<Duration>,
    jitter: f64,
}

impl Default for RetrySchedule {
    fn default() -> Self {
        const MIN: u64 = 60;
        const HOUR: u64 = 3600;
        RetrySchedule {
            delays: [
                5,
                5 * MIN,
                30 * MIN,
                2 * HOUR,
                5 * HOUR,
                10 * HOUR,
                14 * HOUR,
                20 * HOUR,
                24 * HOUR,
            ]
            .into_iter()
            .map(Duration::from_secs)
            .collect(),
            jitter: 0.1,
        }
    }
}

impl RetrySchedule {
    /// A schedule of these delays (attempt 1 is immediate; `delays[n - 1]`
    /// comes before attempt `n + 1`), with the default 10 % jitter.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use clicktodial_delivery::RetrySchedule;
    /// let once = RetrySchedule::new(vec![]);
    /// assert_eq!(once.attempts(), 1);
    /// assert_eq!(once.base_delay(1), None);
    /// ```
    pub fn new(delays: Vec<Duration>) -> RetrySchedule {
        RetrySchedule {
            delays,
            jitter: 0.1,
        }
    }

    /// The jitter: each delay is multiplied by a factor drawn from
    /// `1 - fraction ..= 1 + fraction` (clamped to `0.0..=1.0`).
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use clicktodial_delivery::RetrySchedule;
    /// let s = RetrySchedule::new(vec![Duration::from_secs(10)]).jitter(0.0);
    /// assert_eq!(s.delay(1), Some(Duration::from_secs(10)));
    /// ```
    pub fn jitter(mut self, fraction: f64) -> RetrySchedule {
        self.jitter = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        self
    }

    /// How many attempts in all.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial_delivery::RetrySchedule;
    /// assert_eq!(RetrySchedule::default().attempts(), 10);
    /// ```
    pub fn attempts(&self) -> u32 {
        u32::try_from(self.delays.len())
            .unwrap_or(u32::MAX - 1)
            .saturating_add(1)
    }

    /// The delay after failed attempt `attempt` (1-based) before the next,
    /// without jitter; `None` after the last attempt.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use clicktodial_delivery::RetrySchedule;
    /// assert_eq!(RetrySchedule::default().base_delay(2), Some(Duration::from_secs(300)));
    /// ```
    pub fn base_delay(&self, attempt: u32) -> Option<Duration> {
        let index = usize::try_from(attempt).ok()?.checked_sub(1)?;
        self.delays.get(index).copied()
    }

    /// The delay after failed attempt `attempt`, jitter applied; `None`
    /// after the last attempt.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use clicktodial_delivery::RetrySchedule;
    /// let d = RetrySchedule::default().delay(1).unwrap();
    /// assert!(d >= Duration::from_millis(4500) && d <= Duration::from_millis(5500));
    /// ```
    pub fn delay(&self, attempt: u32) -> Option<Duration> {
        let base = self.base_delay(attempt)?;
        if self.jitter == 0.0 || base.is_zero() {
            return Some(base);
        }
        // A uniform draw in [0, 1) from the standard library's randomly
        // keyed hasher: jitter spreads retries, it protects no secret.
        let draw = {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u32(attempt);
            (h.finish() >> 11) as f64 / (1u64 << 53) as f64
        };
        let factor = 1.0 - self.jitter + 2.0 * self.jitter * draw;
        Some(base.mul_f64(factor.max(0.0)))
    }
}

/// What one attempt's answer means.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use clicktodial_delivery::Verdict;
///
/// assert_eq!(Verdict::of_status(204, None), Verdict::Delivered);
/// assert_eq!(Verdict::of_status(410, None), Verdict::Gone);
/// assert_eq!(Verdict::of_status(503, Some("2")), Verdict::Throttled(Some(Duration::from_secs(2))));
/// assert_eq!(Verdict::of_status(302, None), Verdict::Retry("redirect (302), not followed".into()));
/// assert_eq!(Verdict::of_status(500, None), Verdict::Retry("HTTP 500".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// 2xx: done.
    Delivered,
    /// 410 Gone: the endpoint is gone; no further attempt.
    Gone,
    /// 429, 502, 503, 504: try again, no sooner than the answer's
    /// `Retry-After` when it gave one.
    Throttled(Option<Duration>),
    /// Any other failure (a redirect, another status, no connection, a
    /// timeout): try again on the schedule.
    Retry(String),
    /// Refused before sending (the connection policy): no further attempt.
    Refused(String),
    /// A Salesforce create answered with a 4xx other than 408 and 429: the
    /// answer is final (a wrong field or token does not mend itself), and
    /// its error decides the callback (`FAIL`).
    Answered(u16),
}

impl Verdict {
    /// The verdict on a Salesforce create's answer: as
    /// [`Verdict::of_status`], except that a 4xx other than 408 and 429 is
    /// [`Verdict::Answered`] (final).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial_delivery::Verdict;
    /// assert_eq!(Verdict::of_create_status(401, None), Verdict::Answered(401));
    /// assert_eq!(Verdict::of_create_status(410, None), Verdict::Answered(410));
    /// assert_eq!(Verdict::of_create_status(503, None), Verdict::Throttled(None));
    /// assert_eq!(Verdict::of_create_status(500, None), Verdict::Retry("HTTP 500".into()));
    /// assert_eq!(Verdict::of_create_status(201, None), Verdict::Delivered);
    /// ```
    pub fn of_create_status(status: u16, retry_after: Option<&str>) -> Verdict {
        match status {
            400..=499 if status != 408 && status != 429 => Verdict::Answered(status),
            _ => Verdict::of_status(status, retry_after),
        }
    }
}

/// The longest `Retry-After` honoured: a day, the schedule's longest step.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

impl Verdict {
    /// The verdict on an HTTP status and its `Retry-After` header, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial_delivery::Verdict;
    /// assert_eq!(Verdict::of_status(429, Some("soon")), Verdict::Throttled(None));
    /// ```
    pub fn of_status(status: u16, retry_after: Option<&str>) -> Verdict {
        match status {
            200..=299 => Verdict::Delivered,
            410 => Verdict::Gone,
            429 | 502 | 503 | 504 => Verdict::Throttled(retry_after.and_then(parse_retry_after)),
            300..=399 => Verdict::Retry(format!("redirect ({status}), not followed")),
            _ => Verdict::Retry(format!("HTTP {status}")),
        }
    }
}

/// `Retry-After` as a number of seconds or an HTTP date (measured from the
/// clock now), at most [`MAX_RETRY_AFTER`].
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use clicktodial_delivery::parse_retry_after;
/// assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
/// assert_eq!(parse_retry_after("999999999"), Some(Duration::from_secs(86400)));
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
/// assert_eq!(parse_retry_after("-1"), None);
/// ```
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let wait = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX))
    } else {
        let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        let ms = at.timestamp_millis() - chrono::Utc::now().timestamp_millis();
        Duration::from_millis(u64::try_from(ms).unwrap_or(0))
    };
    Some(wait.min(MAX_RETRY_AFTER))
}
