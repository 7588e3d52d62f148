//! Checking a `ctl_callbackUrl` before the contact center posts to it.
//!
//! The callback URL comes from the tenant's link, so it is outside data: a
//! contact center that posts wherever a link says can be made to reach its
//! own internal network (server-side request forgery). [`check_callback_url`]
//! refuses what is not a public `http`/`https` URL, under a
//! [`CallbackPolicy`].
//!
//! The check looks at the URL text only; the library does no I/O. A host
//! *name* that resolves to a private address (including DNS rebinding) is
//! beyond it: the HTTP client that posts the callback should refuse private
//! addresses after resolution too, or connect to an address it has checked.

use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::error::{RequestError, RequestErrorKind};

/// What [`check_callback_url`] accepts.
///
/// The default accepts `http` and `https` and refuses every host that is not
/// public; see [`check_callback_url`] for the list.
///
/// # Example
///
/// ```
/// use clicktodial::{check_callback_url, CallbackPolicy};
///
/// let strict = CallbackPolicy { require_https: true, ..CallbackPolicy::default() };
/// assert!(check_callback_url("https://crm.example.com/cb", &strict).is_ok());
/// assert!(check_callback_url("http://crm.example.com/cb", &strict).is_err());
///
/// let dev = CallbackPolicy { allow_private_hosts: true, ..CallbackPolicy::default() };
/// assert!(check_callback_url("http://localhost:8080/cb", &dev).is_ok());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CallbackPolicy {
    /// Refuse plain `http` (default `false`).
    pub require_https: bool,
    /// Accept loopback, private and other non-public hosts (default `false`;
    /// for development and tests).
    pub allow_private_hosts: bool,
}

/// Checks a callback URL and returns it parsed.
///
/// Expand the URL's tokens first (`UserData::expand` or `expand`): the
/// check is on the URL that will actually be requested, and a token such as
/// `$transaction_id$` is not valid in a host anyway.
///
/// In this order:
///
/// 1. The text must parse with [`Url::parse`]
///    ([`RequestErrorKind::InvalidUrl`]; a URL whose host is empty, such as
///    `http://`, is [`RequestErrorKind::CallbackNoHost`]).
/// 2. The scheme must be `http` or `https`
///    ([`RequestErrorKind::CallbackScheme`]).
/// 3. There must be a host ([`RequestErrorKind::CallbackNoHost`]).
/// 4. With [`require_https`](CallbackPolicy::require_https), `http` is refused
///    ([`RequestErrorKind::CallbackNotHttps`]).
/// 5. Unless [`allow_private_hosts`](CallbackPolicy::allow_private_hosts), a
///    host that is not public is refused
///    ([`RequestErrorKind::CallbackPrivateHost`], which shows the host only,
///    never the URL's user name or password). Refused:
///    - names: `localhost` and `*.localhost`, and the special-use suffixes
///      `*.local` (mDNS), `*.internal` and `*.home.arpa`; any letter case,
///      with or without a trailing dot;
///    - IPv4: `0.0.0.0/8` (unspecified), `10/8`, `100.64/10` (shared,
///      CGNAT), `127/8` (loopback), `169.254/16` (link-local), `172.16/12`,
///      `192.0.0/24` (protocol assignments), `192.0.2/24`, `198.51.100/24`
///      and `203.0.113/24` (documentation), `192.88.99/24` (6to4 relay),
///      `192.168/16`, `198.18/15` (benchmarking), `224/4` (multicast),
///      `240/4` (reserved, with the broadcast address);
///    - IPv6: only global unicast `2000::/3` is public, less
///      `2001::/23` (protocol assignments, Teredo included), `2001:db8::/32`
///      and `3fff::/20` (documentation). So `::`, `::1`, `fc00::/7`,
///      `fe80::/10`, `ff00::/8` and the rest are refused. Addresses that
///      carry an IPv4 address are judged by it: IPv4-mapped `::ffff:a.b.c.d`,
///      IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96` and 6to4
///      `2002::/16`.
///
/// IPv4 hosts are judged after the URL parser has normalised them, so
/// `http://0x7f.1/`, `http://2130706433/` and `http://0177.0.0.1/` are all
/// `127.0.0.1` and refused.
///
/// # Example
///
/// ```
/// use clicktodial::{check_callback_url, CallbackPolicy, RequestErrorKind};
///
/// let policy = CallbackPolicy::default();
/// let url = check_callback_url("https://crm.example.com/cb?transaction=42", &policy)?;
/// assert_eq!(url.host_str(), Some("crm.example.com"));
///
/// let err = check_callback_url("http://admin:s3cret@169.254.169.254/latest", &policy)
///     .unwrap_err();
/// assert_eq!(err.kind(), &RequestErrorKind::CallbackPrivateHost("169.254.169.254".into()));
/// assert!(!err.to_string().contains("s3cret"));
///
/// let err = check_callback_url("ftp://crm.example.com/", &policy).unwrap_err();
/// assert_eq!(err.kind(), &RequestErrorKind::CallbackScheme("ftp".into()));
/// # Ok::<(), clicktodial::RequestError>(())
/// ```
pub fn check_callback_url(url: &str, policy: &CallbackPolicy) -> Result<Url, RequestError> {
    // url::ParseError's messages are fixed texts: they never echo the input
    // (which may hold a password).
    let parsed = Url::parse(url).map_err(|e| {
        RequestError::new(match e {
            url::ParseError::EmptyHost => RequestErrorKind::CallbackNoHost,
            other => RequestErrorKind::InvalidUrl(other),
        })
    })?;
    let scheme = parsed.scheme();
    if scheme != "http" && scheme != "https" {
        return Err(RequestError::new(RequestErrorKind::CallbackScheme(
            scheme.to_owned(),
        )));
    }
    let Some(host) = parsed.host() else {
        return Err(RequestError::new(RequestErrorKind::CallbackNoHost));
    };
    if host_is_empty(&host) {
        return Err(RequestError::new(RequestErrorKind::CallbackNoHost));
    }
    if policy.require_https && scheme != "https" {
        return Err(RequestError::new(RequestErrorKind::CallbackNotHttps));
    }
    if !policy.allow_private_hosts && !host_is_public(&host) {
        return Err(RequestError::new(RequestErrorKind::CallbackPrivateHost(
            host.to_string(),
        )));
    }
    Ok(parsed)
}

fn host_is_empty(host: &Host<&str>) -> bool {
    matches!(host, Host::Domain(d) if d.trim_end_matches('.').is_empty())
}

fn host_is_public(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => domain_is_public(name),
        Host::Ipv4(addr) => ipv4_is_public(*addr),
        Host::Ipv6(addr) => ipv6_is_public(*addr),
    }
}

/// Special-use names that never name a public host.
const PRIVATE_SUFFIXES: [&str; 4] = ["localhost", "local", "internal", "home.arpa"];

fn domain_is_public(name: &str) -> bool {
    let name = name.trim_end_matches('.');
    !PRIVATE_SUFFIXES.iter().any(|suffix| {
        // `name` is `suffix`, or ends with `.suffix`, in any case.
        let Some(cut) = name.len().checked_sub(suffix.len()) else {
            return false;
        };
        let (Some(head), Some(tail)) = (name.get(..cut), name.get(cut..)) else {
            return false;
        };
        tail.eq_ignore_ascii_case(suffix) && (head.is_empty() || head.ends_with('.'))
    })
}

/// IPv4 networks that are not public, as (network, prefix length).
const IPV4_NON_PUBLIC: [(u32, u32); 16] = [
    (0x0000_0000, 8),  // 0.0.0.0/8: "this network", unspecified
    (0x0a00_0000, 8),  // 10.0.0.0/8: private
    (0x6440_0000, 10), // 100.64.0.0/10: shared address space (CGNAT)
    (0x7f00_0000, 8),  // 127.0.0.0/8: loopback
    (0xa9fe_0000, 16), // 169.254.0.0/16: link-local
    (0xac10_0000, 12), // 172.16.0.0/12: private
    (0xc000_0000, 24), // 192.0.0.0/24: IETF protocol assignments
    (0xc000_0200, 24), // 192.0.2.0/24: documentation (TEST-NET-1)
    (0xc058_6300, 24), // 192.88.99.0/24: 6to4 relay anycast (deprecated)
    (0xc0a8_0000, 16), // 192.168.0.0/16: private
    (0xc612_0000, 15), // 198.18.0.0/15: benchmarking
    (0xc633_6400, 24), // 198.51.100.0/24: documentation (TEST-NET-2)
    (0xcb00_7100, 24), // 203.0.113.0/24: documentation (TEST-NET-3)
    (0xe000_0000, 4),  // 224.0.0.0/4: multicast
    (0xf000_0000, 4),  // 240.0.0.0/4: reserved, with 255.255.255.255 broadcast
    (0xffff_ffff, 32), // broadcast (inside 240/4; listed for the record)
];

fn ipv4_is_public(addr: Ipv4Addr) -> bool {
    let bits = u32::from(addr);
    !IPV4_NON_PUBLIC.iter().any(|&(net, len)| {
        // len is 4..=32, so the shift is in range.
        let mask = u32::MAX << (32 - len);
        bits & mask == net
    })
}

fn ipv6_is_public(addr: Ipv6Addr) -> bool {
    let s = addr.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    match s {
        // IPv4-mapped ::ffff:a.b.c.d
        [0, 0, 0, 0, 0, 0xffff, hi, lo] => ipv4_is_public(v4(hi, lo)),
        // IPv4-compatible ::a.b.c.d (deprecated); `::` and `::1` are
        // 0.0.0.0 and 0.0.0.1, both in 0/8, so refused too.
        [0, 0, 0, 0, 0, 0, hi, lo] => ipv4_is_public(v4(hi, lo)),
        // NAT64 well-known prefix 64:ff9b::/96
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => ipv4_is_public(v4(hi, lo)),
        // 6to4 2002:aabb:ccdd::/48
        [0x2002, hi, lo, ..] => ipv4_is_public(v4(hi, lo)),
        // Global unicast is 2000::/3; everything else (unspecified, loopback,
        // ::ffff:0:0/96 translated, 64:ff9b:1::/48, 100::/64 discard,
        // fc00::/7 unique-local, fe80::/10 link-local, fec0::/10 site-local,
        // ff00::/8 multicast, unassigned space) is not public.
        [first, ..] if first & 0xe000 != 0x2000 => false,
        // 2001::/23 IETF protocol assignments (Teredo 2001::/32 included)
        [0x2001, second, ..] if second < 0x0200 => false,
        // 2001:db8::/32 documentation
        [0x2001, 0x0db8, ..] => false,
        // 3fff::/20 documentation
        [0x3fff, second, ..] if second < 0x1000 => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_table_prefixes_are_aligned() {
        for (net, len) in IPV4_NON_PUBLIC {
            let mask = u32::MAX << (32 - len);
            assert_eq!(net & !mask, 0, "{net:#x}/{len}");
        }
    }

    #[test]
    fn ipv4_edges() {
        let public = |s: &str| ipv4_is_public(s.parse().unwrap());
        assert!(!public("172.16.0.0"));
        assert!(!public("172.31.255.255"));
        assert!(public("172.15.255.255"));
        assert!(public("172.32.0.0"));
        assert!(!public("100.64.0.1"));
        assert!(!public("100.127.255.255"));
        assert!(public("100.128.0.0"));
        assert!(public("100.63.255.255"));
        assert!(!public("198.19.255.255"));
        assert!(public("198.20.0.0"));
        assert!(public("223.255.255.255"));
        assert!(!public("224.0.0.0"));
        assert!(public("8.8.8.8"));
        assert!(public("1.1.1.1"));
    }

    #[test]
    fn ipv6_edges() {
        let public = |s: &str| ipv6_is_public(s.parse().unwrap());
        assert!(public("2606:4700:4700::1111"));
        assert!(public("2001:4860:4860::8888"));
        assert!(!public("2001:0:4136:e378:8000:63bf:3fff:fdd2")); // Teredo
        assert!(public("2001:200::1")); // just past 2001::/23
        assert!(!public("2001:1ff:ffff::1"));
        assert!(!public("3fff:fff::1"));
        assert!(public("3fff:1000::1"));
        assert!(!public("fec0::1"));
        assert!(!public("64:ff9b:1::1"));
        assert!(!public("100::1"));
        assert!(!public("2002:7f00:1::1")); // 6to4 of 127.0.0.1
        assert!(public("2002:808:808::1")); // 6to4 of 8.8.8.8
        assert!(!public("::ffff:0:7f00:1")); // ::ffff:0:0/96 (SIIT)
    }

    #[test]
    fn domain_suffixes() {
        assert!(!domain_is_public("localhost"));
        assert!(!domain_is_public("LocalHost."));
        assert!(!domain_is_public("a.b.localhost"));
        assert!(!domain_is_public("printer.local"));
        assert!(!domain_is_public("svc.internal"));
        assert!(!domain_is_public("nas.home.arpa"));
        assert!(domain_is_public("mylocalhost"));
        assert!(domain_is_public("localhost.example.com"));
        assert!(domain_is_public("home.arpa.example.com"));
        assert!(domain_is_public("xlocal"));
    }
}
