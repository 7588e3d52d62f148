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
//!
//! **Redirects.** A callback client must not follow redirects (the answer to
//! a callback is only a status), or must check every hop's `Location` with
//! [`check_callback_url`] under the same policy before following it: a
//! public host that answers `302 Location: http://169.254.169.254/` would
//! otherwise undo the check.
//!
//! **Expansion by component.** The URL the callback goes to is expanded by
//! [`ActionPlan::callback`](crate::ActionPlan::callback) one URL component
//! at a time: a token value in the path, a query value or the fragment is
//! percent-encoded (every byte outside `A-Z a-z 0-9 - . _ ~`), so it stays
//! one value; a token in the scheme, the user info, the host, the port or a
//! query key is an error ([`RequestErrorKind::CallbackToken`]), since call
//! data may never decide where a callback goes.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use percent_encoding::{utf8_percent_encode, AsciiSet};
use url::{Host, Url};

use crate::encode::UNRESERVED;
use crate::error::{RequestError, RequestErrorKind};
use crate::token::table::Token;
use crate::token::template::scan;
use crate::token::values::TokenValues;
use crate::url_parts::{is_tab_or_newline, UrlParts};

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
/// assert!(check_callback_url("http://intranet/cb", &dev).is_ok());
/// assert!(check_callback_url("http://intranet/cb", &CallbackPolicy::default()).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CallbackPolicy {
    /// Refuse plain `http` (default `false`).
    pub require_https: bool,
    /// Accept loopback, private and other non-public hosts, single-label
    /// names, internal aliases and names under no public suffix (default
    /// `false`; for development and tests). The length limit still holds.
    pub allow_private_hosts: bool,
}

impl CallbackPolicy {
    /// The longest callback URL accepted, in bytes, under any policy: 8 KiB,
    /// what common HTTP servers accept in a request line. Longer text is
    /// refused before it is parsed.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{check_callback_url, CallbackPolicy, RequestErrorKind};
    /// let long = format!("https://crm.example.com/{}", "a".repeat(CallbackPolicy::MAX_URL_LEN));
    /// let lax = CallbackPolicy { allow_private_hosts: true, ..CallbackPolicy::default() };
    /// let err = check_callback_url(&long, &lax).unwrap_err();
    /// assert!(matches!(err.kind(), RequestErrorKind::CallbackTooLong { .. }));
    /// ```
    pub const MAX_URL_LEN: usize = 8192;
}

/// Checks a callback URL and returns it parsed.
///
/// Expand the URL's tokens first (`UserData::expand` or `expand`): the
/// check is on the URL that will actually be requested, and a token such as
/// `$transaction_id$` is not valid in a host anyway.
///
/// In this order:
///
/// 0. The text must be at most [`CallbackPolicy::MAX_URL_LEN`] bytes
///    ([`RequestErrorKind::CallbackTooLong`]), under any policy, before any
///    parsing.
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
///    - names: single-label names (`intranet`, `metadata`, `wpad`,
///      `ip6-localhost`); names under no public suffix of the
///      [Public Suffix List](https://publicsuffix.org/) (compiled in, from
///      the `psl` crate), so `router.lan`, `db.corp`, `crm.example`,
///      `kubernetes.default.svc` and `*.test`; a name that is itself a
///      public suffix (`co.uk`); and, whatever the list says, `localhost`
///      and `*.localhost`, `*.localdomain` (`localhost.localdomain`), the
///      special-use suffixes `*.local` (mDNS), `*.internal`, `*.arpa`
///      (`*.home.arpa`, reverse zones), `*.onion`, `*.test`, `*.example`,
///      `*.invalid`, `*.alt`; any letter case, with or without a trailing
///      dot;
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
///
/// for internal in ["http://metadata/computeMetadata/v1/", "http://router.lan/", "https://crm.example/"] {
///     assert!(check_callback_url(internal, &policy).is_err(), "{internal}");
/// }
/// # Ok::<(), clicktodial::RequestError>(())
/// ```
pub fn check_callback_url(url: &str, policy: &CallbackPolicy) -> Result<Url, RequestError> {
    if url.len() > CallbackPolicy::MAX_URL_LEN {
        return Err(RequestError::new(RequestErrorKind::CallbackTooLong {
            len: url.len(),
            max: CallbackPolicy::MAX_URL_LEN,
        }));
    }
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

/// Special-use and internal names that never name a public host, whatever
/// the Public Suffix List says (a name equal to one, or under one).
const PRIVATE_SUFFIXES: [&str; 11] = [
    "localhost",
    "localdomain",
    "local",
    "internal",
    "arpa",
    "onion",
    "test",
    "example",
    "invalid",
    "alt",
    "home.arpa",
];

/// Whether `name` is `suffix` or ends with `.suffix`, in any letter case.
fn has_suffix(name: &str, suffix: &str) -> bool {
    let Some(cut) = name.len().checked_sub(suffix.len()) else {
        return false;
    };
    let (Some(head), Some(tail)) = (name.get(..cut), name.get(cut..)) else {
        return false;
    };
    tail.eq_ignore_ascii_case(suffix) && (head.is_empty() || head.ends_with('.'))
}

fn domain_is_public(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    // Single-label names resolve through search domains: internal only.
    if !name.contains('.') || PRIVATE_SUFFIXES.iter().any(|s| has_suffix(name, s)) {
        return false;
    }
    // A registrable domain under a suffix the list knows (ICANN or private
    // section); a name that is itself a suffix has no registrable domain.
    // (In WebAssembly the same rules are read from their text: the `psl`
    // crate's compiled form would be most of the page's size.)
    #[cfg(not(target_arch = "wasm32"))]
    return psl::domain(name.as_bytes()).is_some_and(|d| d.suffix().is_known());
    #[cfg(target_arch = "wasm32")]
    return super::public_suffix::domain_is_known(name);
}

/// Every byte outside `A-Z a-z 0-9 - . _ ~` is encoded in a token value.
const VALUE: &AsciiSet = UNRESERVED;

/// A token where call data may not go in a callback URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Misplaced {
    pub(crate) token: Token,
    /// `scheme`, `user info`, `host`, `port` or `query key`.
    pub(crate) part: &'static str,
    /// The token's bytes in the URL text.
    pub(crate) range: Range<usize>,
}

/// The part of `parts`' text a token at `open` stands in, if call data may
/// not go there.
fn forbidden_part(parts: &UrlParts, text: &str, open: usize) -> Option<&'static str> {
    // No scheme: the token would decide what the URL is. (No token
    // stands in a scheme: a `$` ends it, and then there is none.)
    if parts.colon.is_none() {
        return Some("scheme");
    }
    // Nothing but slashes stands between the scheme and the authority,
    // so a token before the authority's end is in it.
    if parts.authority.contains(&open) {
        // Split at the token: user info ends at the authority's last
        // `@`; a port follows the last `:` that no IPv6 literal's `]`
        // follows.
        let before = text.get(parts.authority.start..open).unwrap_or_default();
        let after = text.get(open..parts.authority.end).unwrap_or_default();
        if after.contains('@') {
            return Some("user info");
        }
        let host = before.rsplit_once('@').map_or(before, |(_, host)| host);
        let port = !after.contains([':', ']'])
            && host
                .rsplit_once(':')
                .is_some_and(|(_, rest)| !rest.contains(']'));
        return Some(if port { "port" } else { "host" });
    }
    // In the query: a key unless a `=` stands between the field's start
    // and the token.
    let field = parts.after_authority(text, open)??;
    (!field.contains('=')).then_some("query key")
}

/// Whether the path segment around a token's output `range` reads, for the
/// URL parser, as `.` or `..` (which would move the callback up the
/// tenant's path): made of `.` and `%2e` only (any case), at most two of
/// them, tabs and line breaks ignored.
fn makes_dot_segment(out: &str, path_start: usize, range: Range<usize>) -> bool {
    const LONGEST: usize = "%2e%2e".len();
    let bytes = out.as_bytes();
    let mut segment = Vec::with_capacity(LONGEST + 1);
    // Backwards to the segment's start, then forwards to its end; tabs and
    // line breaks (which the parser drops) are skipped. Stop once the
    // segment is too long to be a dot segment.
    let mut before = Vec::new();
    for &b in bytes
        .get(path_start..range.start)
        .unwrap_or_default()
        .iter()
        .rev()
    {
        if matches!(b, b'/' | b'\\') {
            break;
        }
        if !is_tab_or_newline(b) {
            before.push(b);
            if before.len() > LONGEST {
                return false;
            }
        }
    }
    segment.extend(before.iter().rev());
    for &b in bytes.get(range.start..).unwrap_or_default() {
        if matches!(b, b'/' | b'\\' | b'?' | b'#') {
            break;
        }
        if !is_tab_or_newline(b) {
            segment.push(b);
            if segment.len() > LONGEST {
                return false;
            }
        }
    }
    // `%2e` (any case) reads as `.`.
    let mut dots = 0;
    let mut rest = segment.as_slice();
    while !rest.is_empty() {
        if rest.first() == Some(&b'.') {
            rest = rest.get(1..).unwrap_or_default();
        } else if rest
            .get(..3)
            .is_some_and(|e| e.eq_ignore_ascii_case(b"%2e"))
        {
            rest = rest.get(3..).unwrap_or_default();
        } else {
            return false;
        }
        dots += 1;
    }
    matches!(dots, 1 | 2)
}

/// The first token in `template` that stands where call data may not go
/// (scheme, user info, host, port, query key), for the lint and the
/// expansion alike.
pub(crate) fn misplaced_token(template: &str) -> Option<Misplaced> {
    let layout = UrlParts::of(template);
    let mut found = None;
    scan(template, |_, open, token| {
        if found.is_none() {
            if let Some(part) = forbidden_part(&layout, template, open) {
                found = Some(Misplaced {
                    token,
                    part,
                    range: open..open + token.name().len() + 2,
                });
            }
        }
    });
    found
}

/// Expands a callback URL template by URL component (see the module docs):
/// literal text as written, each token value percent-encoded. A token where
/// call data may not go, or a value that would make a path segment `.` or
/// `..`, is an error; so is a template over the length limit. The result is
/// not checked yet: pass it to [`check_callback_url`].
pub(crate) fn expand_callback_url(
    template: &str,
    values: &mut TokenValues<'_>,
) -> Result<String, RequestError> {
    if template.len() > CallbackPolicy::MAX_URL_LEN {
        return Err(RequestError::new(RequestErrorKind::CallbackTooLong {
            len: template.len(),
            max: CallbackPolicy::MAX_URL_LEN,
        }));
    }
    if let Some(m) = misplaced_token(template) {
        // A token in the user info is not named: it is part of a password.
        return Err(RequestError::new(RequestErrorKind::CallbackToken {
            token: (m.part != "user info").then_some(m.token),
            part: m.part,
        }));
    }
    let layout = UrlParts::of(template);
    let mut out = String::with_capacity(template.len() + 32);
    // Token values written into the path: (output range, token).
    let mut in_path: Vec<(Range<usize>, Token)> = Vec::new();
    let tail = scan(template, |literal_start, open, token| {
        out.push_str(template.get(literal_start..open).unwrap_or_default());
        let start = out.len();
        out.extend(utf8_percent_encode(values.get(token), VALUE));
        if layout.after_authority(template, open) == Some(None) {
            in_path.push((start..out.len(), token));
        }
    });
    out.push_str(template.get(tail..).unwrap_or_default());
    // Every token lies after the authority, so the output's authority ends
    // where the template's does.
    for (range, token) in in_path {
        if makes_dot_segment(&out, layout.authority.end, range) {
            return Err(RequestError::new(RequestErrorKind::CallbackToken {
                token: Some(token),
                part: "path (as a . or .. segment)",
            }));
        }
    }
    Ok(out)
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
    let v4 = |hi: u16, lo: u16| {
        let ([a, b], [c, d]) = (hi.to_be_bytes(), lo.to_be_bytes());
        Ipv4Addr::new(a, b, c, d)
    };
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
        assert!(domain_is_public("mylocalhost.com"));
        assert!(domain_is_public("localhost.example.com"));
        assert!(domain_is_public("home.arpa.example.com"));
        assert!(domain_is_public("xlocal.net"));
        assert!(domain_is_public("crm.example.co.uk"));
        assert!(domain_is_public("bücher.example.de"));
        assert!(domain_is_public("xn--bcher-kva.example.de"));
        assert!(domain_is_public("crm.example.com."));
        // Private-section suffixes count as public suffixes.
        assert!(domain_is_public("acme.github.io"));
        for internal in [
            // single labels
            "mylocalhost",
            "xlocal",
            "metadata",
            "intranet",
            "wpad",
            "ip6-localhost",
            "ip6-loopback",
            // internal aliases
            "localhost.localdomain",
            "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local",
            "metadata.google.internal",
            // under no public suffix
            "router.lan",
            "db.corp",
            "crm.example",
            "api.test",
            "nas.home",
            "x.invalid",
            "x.alt",
            "1.0.0.127.in-addr.arpa",
            "abc.onion",
            // a public suffix itself
            "co.uk",
            "github.io",
            "",
            ".",
        ] {
            assert!(!domain_is_public(internal), "{internal}");
        }
    }

    #[test]
    fn layout_finds_the_parts_as_the_url_parser_does() {
        let misplaced = |t: &str| misplaced_token(t).map(|m| (m.part, m.range));
        assert_eq!(
            misplaced("https://crm.example.com/$notes$?a=$notes$#$notes$"),
            None
        );
        assert_eq!(
            misplaced("https://$notes$.crm.example.com/"),
            Some(("host", 8..15))
        );
        assert_eq!(
            misplaced("https://u:$notes$@crm.example.com/"),
            Some(("user info", 10..17))
        );
        assert_eq!(
            misplaced("https://crm.example.com:$hours$/"),
            Some(("port", 24..31))
        );
        assert_eq!(misplaced("https://[::1]:$hours$/"), Some(("port", 14..21)));
        assert_eq!(misplaced("https://[$hours$]/"), Some(("host", 9..16)));
        assert_eq!(misplaced("$notes$"), Some(("scheme", 0..7)));
        assert_eq!(misplaced("ht$notes$tp://x.com/"), Some(("scheme", 2..9)));
        assert_eq!(misplaced("https:$notes$/x"), Some(("host", 6..13)));
        assert_eq!(misplaced("https:\\\\$notes$/x"), Some(("host", 8..15)));
        assert_eq!(misplaced("https:/\t/$notes$/x"), Some(("host", 9..16)));
        assert_eq!(
            misplaced("https://x.com/?$notes$=1"),
            Some(("query key", 15..22))
        );
        assert_eq!(
            misplaced("https://x.com/?a=1&$notes$"),
            Some(("query key", 19..26))
        );
        assert_eq!(
            misplaced("https://x.com/?a=1;$notes$=2"),
            Some(("query key", 19..26))
        );
        assert_eq!(misplaced("https://x.com/?a=b=$notes$"), None);
        assert_eq!(misplaced("https://x.com/#?$notes$"), None);
        assert_eq!(misplaced("https://x.com/p$notes$?a=1"), None);
    }

    #[test]
    fn dot_segments() {
        let dot =
            |out: &str, start: usize, range: Range<usize>| makes_dot_segment(out, start, range);
        assert!(dot("https://x.com/a/../b", 13, 16..18));
        assert!(dot("https://x.com/a/./b", 13, 16..17));
        assert!(dot("https://x.com/a/.%2E/b", 13, 17..20));
        assert!(dot("https://x.com/a/.\t./b", 13, 16..17));
        assert!(!dot("https://x.com/a/.../b", 13, 16..19));
        assert!(!dot("https://x.com/a/..x/b", 13, 16..18));
        assert!(!dot("https://x.com/a/%2e%2e%2e/b", 13, 16..19));
    }
}
