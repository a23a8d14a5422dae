//! [`RetryPolicy`]: which failed attempts are tried again, and after how long.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// When to retry a request. Off by default ([`RetryPolicy::none`]).
///
/// With [`RetryPolicy::exponential`], an attempt is retried when it
/// - could not connect, or timed out (see [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)),
/// - got `429 Too Many Requests` or `503 Service Unavailable`;
///
/// and only for idempotent methods (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`)
/// unless [`retry_non_idempotent(true)`](RetryPolicy::retry_non_idempotent) is set.
///
/// Before retry number `n` (from 1) it waits a random time between zero and
/// `min(max_delay, base_delay * 2^(n-1))` ("full jitter"), or, when a 429/503 reply carries
/// `Retry-After` (delta-seconds or an HTTP date), that long, capped by `max_delay`.
/// When the attempts run out, the last reply (e.g. the 503) or error is returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    retry_non_idempotent: bool,
}

impl RetryPolicy {
    /// Base delay of [`RetryPolicy::exponential`] unless set.
    pub const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(200);
    /// Maximum delay of [`RetryPolicy::exponential`] unless set.
    pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(30);

    /// No retries: every request is sent once.
    pub fn none() -> Self {
        Self::exponential(1)
    }

    /// Up to `max_attempts` attempts in all (the first one included; `0` counts as `1`),
    /// with exponential backoff and full jitter.
    pub fn exponential(max_attempts: u32) -> Self {
        Self {
            max_attempts: max_attempts.max(1),
            base_delay: Self::DEFAULT_BASE_DELAY,
            max_delay: Self::DEFAULT_MAX_DELAY,
            retry_non_idempotent: false,
        }
    }

    /// Sets the delay cap before the first retry; it doubles for every later retry.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Sets the longest wait between attempts, `Retry-After` included.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Also retries `POST`, `PATCH` and other non-idempotent requests. Off by default:
    /// a request that timed out may have been carried out already.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// The most attempts a request may get, the first one included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How many attempts a request with `method` may get.
    pub(crate) fn attempts_for(&self, method: &Method, idempotent: bool) -> u32 {
        if self.retry_non_idempotent || idempotent || is_idempotent(method) {
            self.max_attempts
        } else {
            1
        }
    }

    /// How long to wait before retry number `retry` (1 for the first retry).
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_delay);
        }
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let cap = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let cap_nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=cap_nanos))
    }
}

impl Default for RetryPolicy {
    /// [`RetryPolicy::none`].
    fn default() -> Self {
        Self::none()
    }
}

fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

/// Whether a reply with this status is worth another attempt.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE
}

/// Parses `Retry-After` (delta-seconds or an HTTP date); a date in the past means no wait.
pub(crate) fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long values saturate; the policy caps them by `max_delay` anyway.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = parse_http_date(value)?;
    Some((date - now).to_std().unwrap_or(Duration::ZERO))
}

/// Parses an HTTP date: IMF-fixdate, or the obsolete RFC 850 and asctime forms.
fn parse_http_date(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(date) = DateTime::parse_from_rfc2822(value) {
        return Some(date.with_timezone(&Utc));
    }
    ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
        .map(|naive| naive.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        headers
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn retry_after_forms() {
        let parse = |value: &str| retry_after(&headers(value), now());
        assert_eq!(parse("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse("Wed, 21 Oct 2015 07:28:30 GMT"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse("Wednesday, 21-Oct-15 07:29:00 GMT"),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse("Wed Oct 21 07:28:05 2015"),
            Some(Duration::from_secs(5))
        );
        assert_eq!(parse("Wed, 21 Oct 2015 07:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(
            parse("99999999999999999999999"),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(parse("-5"), None);
        assert_eq!(parse("soon"), None);
        assert_eq!(retry_after(&HeaderMap::new(), now()), None);
    }

    #[test]
    fn delays_are_jittered_and_capped() {
        let policy = RetryPolicy::exponential(10)
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(500));
        for _ in 0..200 {
            assert!(policy.delay(1, None) <= Duration::from_millis(100));
            assert!(policy.delay(3, None) <= Duration::from_millis(400));
            assert!(policy.delay(40, None) <= Duration::from_millis(500));
        }
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(60))),
            Duration::from_millis(500)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_millis(7))),
            Duration::from_millis(7)
        );
    }

    #[test]
    fn only_idempotent_methods_by_default() {
        let policy = RetryPolicy::exponential(4);
        assert_eq!(policy.attempts_for(&Method::GET, false), 4);
        assert_eq!(policy.attempts_for(&Method::DELETE, false), 4);
        assert_eq!(policy.attempts_for(&Method::POST, false), 1);
        assert_eq!(policy.attempts_for(&Method::PATCH, false), 1);
        assert_eq!(
            policy.attempts_for(&Method::POST, true),
            4,
            "a request marked idempotent is retried"
        );
        let eager = policy.retry_non_idempotent(true);
        assert_eq!(eager.attempts_for(&Method::POST, false), 4);
        assert_eq!(RetryPolicy::none().attempts_for(&Method::GET, false), 1);
        assert_eq!(RetryPolicy::exponential(0).max_attempts(), 1);
    }
}
