//! The link linter: the mistakes people really make in click-to-dial links.
//!
//! A lint is advice, not an error: the request parsed, but the contact
//! center will not do what the link's author meant. Each [`Lint`] has a
//! [`LintKind`] to match on and a one-line message that names the pair and
//! says what to change.
//!
//! Token lints follow the expander's own scan: a `$` that the expander keeps
//! as literal text is looked at; one that opens a token is not.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use crate::request::ClickToDialRequest;
use crate::system::{known_system_name, SYSTEM_NAMES};
use crate::token::Token;
use crate::userdata::{is_system_name, UserData};

/// What a [`Lint`] found.
///
/// # Example
///
/// ```
/// use clicktodial::{LintKind, UserData};
/// let lints = UserData::parse("[start|$call_answered_time]")?.lint();
/// assert_eq!(lints[0].kind, LintKind::UnterminatedToken);
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum LintKind {
    /// `$call_answered_time` with no closing `$`: it stays literal text.
    UnterminatedToken,
    /// `$foo$`: not one of the 20 tokens (names are case-sensitive).
    UnknownToken,
    /// `{!Account.Id}`: a CRM merge field the CRM did not fill in.
    UnexpandedMergeField,
    /// `ctl_action` without `ctl_intType`: the action is ignored.
    ActionWithoutIntegration,
    /// `ctl_launchext` without `ctl_launchopt=true`: it has no effect.
    LaunchExtWithoutLaunch,
    /// `ctl_newRecordId` passed in: the contact center writes it.
    TenantSetNewRecordId,
    /// `ctl_callbackUrl` over plain `http`.
    InsecureCallbackUrl,
    /// A `ctl_` name that is not in the vendor's table.
    UnknownSystemName,
    /// A name given twice (the later pair wins).
    DuplicateName,
    /// `ctl_action=create` for `sfdc` with no `ObjectType` to create.
    CreateWithoutObjectType,
    /// A system value outside what its name accepts (`ctl_launchopt=yes`).
    InvalidSystemValue,
}

/// One finding of the linter.
///
/// # Example
///
/// ```
/// use clicktodial::{ClickToDialRequest, LintKind};
/// let req = ClickToDialRequest::from_query("phone=1&ctl_userdata=[ctl_action|create]")?;
/// let lint = &req.lint()[0];
/// assert_eq!(lint.kind, LintKind::ActionWithoutIntegration);
/// assert!(lint.message.contains("[ctl_intType|sfdc]"));
/// assert_eq!(lint.to_string(), lint.message);
/// # Ok::<(), clicktodial::RequestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Lint {
    /// What was found.
    pub kind: LintKind,
    /// What it is and what to change, in one line.
    pub message: String,
}

impl fmt::Display for Lint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl ClickToDialRequest {
    /// Lints the whole request: merge fields left in the dial parameters (a
    /// request built with [`ClickToDialRequest::new`] is not validated), then
    /// `ctl_userdata` (see [`UserData::lint`]), then merge fields left in
    /// `extTransactionData` or unknown parameters.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, LintKind};
    /// let req = ClickToDialRequest::from_query(
    ///     "phone=1&ctl_userdata=[WhatId|{!Account.Id}]&extTransactionData=[extRecordId|{!Id}]",
    /// )?;
    /// let kinds: Vec<_> = req.lint().into_iter().map(|l| l.kind).collect();
    /// assert_eq!(kinds, [LintKind::UnexpandedMergeField; 2]);
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn lint(&self) -> Vec<Lint> {
        let mut lints = Vec::new();
        // A request built by hand has not been through validation.
        let dial = [
            ("phone", Some(self.phone.as_str())),
            ("prefix", self.prefix.as_deref()),
            ("callerId", self.caller_id.as_deref()),
        ];
        for (name, value) in dial {
            if let Some(value) = value {
                merge_field(&mut lints, "parameter", name, value);
            }
        }
        if let Some(data) = &self.userdata {
            lints.extend(data.lint());
        }
        if let Some(ext) = &self.ext_transaction_data {
            for (name, value) in ext.data().iter() {
                merge_field(&mut lints, "extTransactionData", name, value);
            }
        }
        for (name, value) in &self.extra {
            merge_field(&mut lints, "parameter", name, value);
        }
        lints
    }
}

impl UserData<'_> {
    /// Lints `ctl_userdata`: token mistakes and merge fields in every value,
    /// then the system data (unknown or duplicate names, settings that do
    /// nothing, a tenant-set `ctl_newRecordId`, a plain-`http` callback).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{LintKind, UserData};
    /// let data = UserData::parse(
    ///     "[ctl_action|create][ctl_intType|sfdc][ctl_launchext|edit][note|$Notes$]",
    /// )?;
    /// let kinds: Vec<_> = data.lint().into_iter().map(|l| l.kind).collect();
    /// assert_eq!(
    ///     kinds,
    ///     [LintKind::UnknownToken, LintKind::LaunchExtWithoutLaunch, LintKind::CreateWithoutObjectType]
    /// );
    /// assert!(UserData::parse("[subject|Call $caller_id$]")?.lint().is_empty());
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn lint(&self) -> Vec<Lint> {
        let mut lints = Vec::new();
        for (name, value) in self.iter() {
            tokens(&mut lints, name, value);
            merge_field(&mut lints, "pair", name, value);
        }
        duplicates(&mut lints, self);
        system(&mut lints, self);
        lints
    }
}

fn push(lints: &mut Vec<Lint>, kind: LintKind, message: String) {
    lints.push(Lint { kind, message });
}

/// The identifier after a `$`: ASCII letters, digits and `_`.
fn identifier(text: &str) -> &str {
    let end = text
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(text.len());
    text.get(..end).unwrap_or_default()
}

/// Unterminated and unknown tokens in one value, along the expander's scan.
fn tokens(lints: &mut Vec<Lint>, name: &str, value: &str) {
    let mut at = 0;
    while let Some(i) = value
        .get(at..)
        .and_then(|rest| rest.find('$'))
        .map(|i| at + i)
    {
        let after = value.get(i + 1..).unwrap_or_default();
        let word = identifier(after);
        let closed = after.as_bytes().get(word.len()) == Some(&b'$');
        if closed && Token::from_name(word).is_some() {
            // A token: the expander skips it whole.
            at = i + word.len() + 2;
            continue;
        }
        at = i + 1;
        let starts_alpha = word
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
        if !starts_alpha {
            continue;
        }
        if !closed && Token::from_name(word).is_some() {
            push(
                lints,
                LintKind::UnterminatedToken,
                format!(
                    "`{name}`: `${word}` has no closing `$` and stays literal text; write `${word}$`"
                ),
            );
        } else if closed {
            let hint = Token::ALL
                .iter()
                .find(|t| t.name().eq_ignore_ascii_case(word))
                .map(|t| {
                    format!(
                        "; did you mean `${}$`? (token names are case-sensitive)",
                        t.name()
                    )
                })
                .unwrap_or_else(|| "; it stays literal text".to_owned());
            push(
                lints,
                LintKind::UnknownToken,
                format!("`{name}`: `${word}$` is not a known token{hint}"),
            );
            // Its closing `$` may open the next token, as in the expander.
        }
    }
}

/// `{!…}` left in a name or value.
fn merge_field(lints: &mut Vec<Lint>, what: &str, name: &str, value: &str) {
    for text in [name, value] {
        let Some(start) = text.find("{!") else {
            continue;
        };
        let field = text
            .get(start..)
            .and_then(|rest| rest.find('}').and_then(|end| rest.get(..=end)))
            .unwrap_or("{!");
        push(
            lints,
            LintKind::UnexpandedMergeField,
            format!(
                "{what} `{name}`: the CRM merge field `{field}` was not filled in; \
                 build the link where the CRM expands merge fields (a custom link or formula field)"
            ),
        );
        return;
    }
}

/// Names given more than once: exactly for user data, in any case for
/// system data (which is matched in any case). One lint per name, in order of
/// first appearance; linear in the number of pairs.
fn duplicates(lints: &mut Vec<Lint>, data: &UserData<'_>) {
    let mut counts: HashMap<Cow<'_, str>, (usize, &str, usize)> = HashMap::new();
    for (i, (name, _)) in data.iter().enumerate() {
        let key = if is_system_name(name) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        counts.entry(key).or_insert((i, name, 0)).2 += 1;
    }
    let mut repeated: Vec<_> = counts.into_values().filter(|(_, _, n)| *n > 1).collect();
    repeated.sort_unstable();
    for (_, name, count) in repeated {
        push(
            lints,
            LintKind::DuplicateName,
            format!(
                "`{name}` is given {count} times; only the last one counts, so remove the others"
            ),
        );
    }
}

/// Edit distance, for suggesting the known name an unknown one was meant as.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = i;
        let mut left = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let cost = diagonal + usize::from(!ca.eq_ignore_ascii_case(cb));
            let cell = cost.min(up + 1).min(left + 1);
            diagonal = up;
            if let Some(slot) = row.get_mut(j + 1) {
                *slot = cell;
            }
            left = cell;
        }
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
    }
    row.last().copied().unwrap_or(0)
}

fn system(lints: &mut Vec<Lint>, data: &UserData<'_>) {
    let (system, diagnostics) = crate::SystemData::from_userdata_lenient(data);
    for d in diagnostics {
        push(
            lints,
            LintKind::InvalidSystemValue,
            format!("{}; it reads as `false`", d.kind()),
        );
    }
    for (name, _) in &system.unknown {
        let near = SYSTEM_NAMES
            .iter()
            .map(|k| (distance(name, k), k))
            .min()
            .filter(|(d, _)| *d <= 3)
            .map(|(_, k)| format!("; did you mean `{k}`?"))
            .unwrap_or_else(|| {
                "; names starting with `ctl_` are system data and never reach the CRM".to_owned()
            });
        push(
            lints,
            LintKind::UnknownSystemName,
            format!("`{name}` is not a known system name{near}"),
        );
    }
    if system.action.is_some() && system.integration.is_none() {
        push(
            lints,
            LintKind::ActionWithoutIntegration,
            "`ctl_action` without `ctl_intType` is ignored; add `[ctl_intType|sfdc]`".to_owned(),
        );
    }
    let has_launchext = data
        .iter()
        .any(|(n, _)| known_system_name(n) == Some("ctl_launchext"));
    if has_launchext && !system.launch {
        push(
            lints,
            LintKind::LaunchExtWithoutLaunch,
            "`ctl_launchext` has no effect unless `ctl_launchopt` is true; add `[ctl_launchopt|true]`"
                .to_owned(),
        );
    }
    if system.new_record_id.is_some() {
        push(
            lints,
            LintKind::TenantSetNewRecordId,
            "`ctl_newRecordId` is written by the contact center after a create and replaces \
             this one; remove it"
                .to_owned(),
        );
    }
    if let Some(url) = &system.callback_url {
        let scheme = url.trim_start().get(..5).unwrap_or_default();
        if scheme.eq_ignore_ascii_case("http:") {
            push(
                lints,
                LintKind::InsecureCallbackUrl,
                format!(
                    "`ctl_callbackUrl` `{}` uses plain http, so the call data travels unencrypted; use https",
                    redact_userinfo(url)
                ),
            );
        }
    }
    if system.creates_sfdc() && crate::sfdc::object_type(data).is_none() {
        push(
            lints,
            LintKind::CreateWithoutObjectType,
            "`ctl_action=create` for sfdc needs the object to create; add e.g. `[ObjectType|Task]`"
                .to_owned(),
        );
    }
}

/// A URL as shown in a message: read as a browser would, with any user
/// info cut out; text that is no URL is shown only when it cannot hold user
/// info. Always one line.
fn redact_userinfo(text: &str) -> String {
    let shown = match url::Url::parse(text.trim()) {
        Ok(mut url) => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        Err(_) if text.contains('@') => return "(not shown: it may hold a password)".to_owned(),
        Err(_) => text.to_owned(),
    };
    shown.chars().flat_map(char::escape_debug).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(distance("ctl_launchopts", "ctl_launchopt"), 1);
        assert_eq!(distance("CTL_ACTON", "ctl_action"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("abc", "abc"), 0);
    }

    #[test]
    fn userinfo_is_never_shown() {
        assert_eq!(
            redact_userinfo("http://u:secret@example.com/cb?x=1"),
            "http://example.com/cb?x=1"
        );
        assert_eq!(
            redact_userinfo("http://example.com/a@b"),
            "http://example.com/a@b"
        );
        // Forms a browser reads as user info, without `://`.
        for odd in [
            "http:u:SECRET@x.com/",
            "http:/u:SECRET@x.com/",
            r"http:\\u:SECRET@x.com/",
            "http://$host$:SECRET@x",
        ] {
            let shown = redact_userinfo(odd);
            assert!(!shown.contains("SECRET"), "{odd} -> {shown}");
        }
        // Not a URL, no `@`: shown, on one line.
        assert_eq!(redact_userinfo("http://[x\n"), "http://[x\\n");
    }
}
