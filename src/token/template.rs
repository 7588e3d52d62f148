//! Token expansion: [`expand`] for one value, [`Template`] to compile a
//! value once and expand it many times, and
//! [`UserData::expand`](crate::UserData::expand) for every value of a
//! `ctl_userdata`.
//!
//! # Scanning
//!
//! A token is `$name$` with `name` one of the twenty names of
//! [`Token`], exactly (case-sensitive). A `$` that does not open a known
//! token is literal text, and scanning goes on at the *next* character:
//!
//! - `$call_answered_time` with no closing `$` (the vendor's Examples 2 and
//!   3) stays as written;
//! - `$5 and $caller_id$` expands only the token;
//! - `$foo$caller_id$` is `$foo` followed by the caller id (the `$` after
//!   `foo` did not close a token, so it may open one);
//! - `$$caller_id$` is `$` followed by the caller id.
//!
//! The input is scanned once, finding each `$` with `memchr`; between two
//! `$` signs at most 20 bytes (the longest name) are compared against the
//! names. Text a token brings in is inserted as it is and never scanned
//! again: notes holding `$caller_id$` stay `$caller_id$`.
//!
//! Expansion works on a value, never on the raw `ctl_userdata` text: an
//! expanded value is a value, whatever it holds (`]`, `|`, `[`, `%5D`), and
//! `Display` on the expanded [`UserData`] escapes what it must, so context
//! data can never create, end or change a pair.

use std::borrow::Cow;
use std::fmt;

use crate::token::context::CallContext;
use crate::token::table::Token;
use crate::token::values::TokenValues;
use crate::userdata::UserData;

/// Finds every token in `input`, in order, calling
/// `on_token(literal_start, open, token)`: the literal text before the token
/// is `input[literal_start..open]`, and the token `$name$` starts at `open`.
/// Returns where the trailing literal text starts.
///
/// An opening `$` is found with `memchr`; its closing `$` can only be in the
/// next `MAX_NAME_LEN + 1` bytes, so that short window is searched inline.
/// A `$` found there that does not close a token opens the next candidate,
/// and a window with no `$` sends the search back to `memchr`. Every byte is
/// looked at a bounded number of times, and a run of `$` signs costs no
/// `memchr` call per sign.
#[inline]
pub(crate) fn scan(input: &str, mut on_token: impl FnMut(usize, usize, Token)) -> usize {
    let bytes = input.as_bytes();
    let mut literal_start = 0;
    let mut from = 0;
    // Indexes below are proven: `from` and `open + 1` are at most one past
    // a `$` found in `bytes`, and `window_end` is at least `open + 1`.
    while let Some(found) = memchr::memchr(b'$', &bytes[from..]) {
        let mut open = from + found;
        loop {
            // In a run of `$` signs only the last can open a token (a name
            // is never empty): skip the run in one pass.
            open += bytes[open + 1..].iter().take_while(|&&b| b == b'$').count();
            // (A wider window only looks further: `2 * MAX_NAME_LEN` for
            // `2 + MAX_NAME_LEN` is an equivalent mutant.)
            let window_end = (open + 2 + Token::MAX_NAME_LEN).min(bytes.len());
            let window = &bytes[open + 1..window_end];
            let Some(len) = window.iter().position(|&b| b == b'$') else {
                // No `$` close enough: nothing before `window_end` can close
                // a token opened at or after `open`.
                from = window_end;
                break;
            };
            let close = open + 1 + len;
            if let Some(token) = Token::from_name_bytes(&window[..len]) {
                on_token(literal_start, open, token);
                literal_start = close + 1;
                from = close + 1;
                break;
            }
            // Not a token: this `$` may open one.
            open = close;
        }
    }
    literal_start
}

/// Replaces every token in `input` with its value in `ctx`.
///
/// Returns `Cow::Borrowed(input)`, without allocating, when `input` holds no
/// token. The [`CallContext`] docs give each token's value.
///
/// A `$` that does not open a known token (`$name$`, the name exactly as in
/// [`Token`]) is literal text, and scanning goes on at the next character:
/// `$call_answered_time` with no closing `$` stays as written, `$foo$notes$`
/// is `$foo` and the notes, `$$notes$` is `$` and the notes. Text a token
/// brings in is never scanned again.
///
/// # Example
///
/// ```
/// use std::borrow::Cow;
/// use clicktodial::{expand, CallContext};
///
/// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
/// ctx.caller_id = "5251990".into();
/// assert_eq!(expand("from $caller_id$", &ctx), "from 5251990");
/// assert_eq!(expand("start $call_answered_time", &ctx), "start $call_answered_time");
/// assert_eq!(expand("$5 and $caller_id$", &ctx), "$5 and 5251990");
/// assert!(matches!(expand("no tokens, $5", &ctx), Cow::Borrowed(_)));
/// ```
pub fn expand<'s>(input: &'s str, ctx: &CallContext) -> Cow<'s, str> {
    // The token cache is built at the first token: a value without one costs
    // only the scan.
    let mut values: Option<TokenValues<'_>> = None;
    let mut out: Option<String> = None;
    let tail = scan(input, |literal_start, open, token| {
        let out = out.get_or_insert_with(|| String::with_capacity(input.len() + 32));
        // Both ends are at a `$` or just past one: character boundaries.
        out.push_str(&input[literal_start..open]);
        out.push_str(
            values
                .get_or_insert_with(|| TokenValues::new(ctx))
                .get(token),
        );
    });
    finish(input, out, tail)
}

/// The expanded text: `input` itself when no token was found, else `out`
/// and the literal text after the last token.
#[inline]
fn finish(input: &str, out: Option<String>, tail: usize) -> Cow<'_, str> {
    match out {
        None => Cow::Borrowed(input),
        Some(mut out) => {
            // Just past a token's closing `$`, or 0.
            out.push_str(&input[tail..]);
            Cow::Owned(out)
        }
    }
}

/// A checked expansion was refused.
///
/// # Example
///
/// ```
/// use clicktodial::{try_expand, CallContext, ExpandError, Token};
///
/// let err = try_expand("$year$-$month$-$date$", &CallContext::default()).unwrap_err();
/// assert_eq!(err, ExpandError::NowNotSet { token: Token::Year, name: None });
/// assert!(err.to_string().contains("CallContext::new"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExpandError {
    /// A date token (`$year$` `$month$` `$date$` `$hours$` `$minutes$`
    /// `$seconds$`) with a context whose `now` was never set (still the
    /// Unix epoch): the value would say 1970.
    NowNotSet {
        /// The first such token.
        token: Token,
        /// The name of the pair whose value holds it, for
        /// [`UserData::try_expand`].
        name: Option<String>,
    },
}

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpandError::NowNotSet { token, name } => {
                write!(f, "{token}")?;
                if let Some(name) = name {
                    let shown = crate::redact::sanitize(name).max_chars(64);
                    write!(f, " in `{shown}`")?;
                }
                write!(
                    f,
                    " needs the call context's `now`, which was never set (still \
                     1970-01-01T00:00:00Z): build the context with CallContext::new(now, tenant_tz)"
                )
            }
        }
    }
}

impl std::error::Error for ExpandError {}

/// The first date token in `input`, if any.
fn first_date_token(input: &str) -> Option<Token> {
    let mut found = None;
    scan(input, |_, _, token| {
        if found.is_none() && token.is_date() {
            found = Some(token);
        }
    });
    found
}

/// [`expand`], checked: a date token with a context whose `now` was never
/// set ([`CallContext::now_is_unset`]) is an error instead of a 1970 date.
/// Use it (or [`Template::try_expand`], [`UserData::try_expand`]) wherever
/// contexts are built with `..CallContext::default()`.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use clicktodial::{try_expand, CallContext};
///
/// let unset = CallContext { caller_id: "5251990".into(), ..CallContext::default() };
/// assert_eq!(try_expand("from $caller_id$", &unset)?, "from 5251990");
/// assert!(try_expand("on $year$", &unset).is_err());
///
/// let now = Utc.with_ymd_and_hms(2024, 1, 1, 3, 0, 0).unwrap();
/// let ctx = CallContext::new(now, chrono_tz::America::New_York);
/// assert_eq!(try_expand("$year$-$month$-$date$", &ctx)?, "2023-12-31");
/// # Ok::<(), clicktodial::ExpandError>(())
/// ```
pub fn try_expand<'s>(input: &'s str, ctx: &CallContext) -> Result<Cow<'s, str>, ExpandError> {
    check_now(input, ctx, None)?;
    Ok(expand(input, ctx))
}

fn check_now(input: &str, ctx: &CallContext, name: Option<&str>) -> Result<(), ExpandError> {
    if !ctx.now_is_unset() {
        return Ok(());
    }
    match first_date_token(input) {
        Some(token) => Err(ExpandError::NowNotSet {
            token,
            name: name.map(str::to_owned),
        }),
        None => Ok(()),
    }
}

impl TokenValues<'_> {
    /// [`expand`] with this cache: expanding every value of a call through
    /// one [`TokenValues`] formats each time and number once in all, and a
    /// value without a token is returned as it is (`Cow::Borrowed`).
    ///
    /// # Example
    ///
    /// ```
    /// use std::borrow::Cow;
    /// use clicktodial::{CallContext, TokenValues};
    ///
    /// # use chrono::TimeZone;
    /// let now = chrono::Utc.with_ymd_and_hms(2024, 3, 12, 0, 5, 0).unwrap();
    /// let mut ctx = CallContext::new(now, chrono_tz::UTC);
    /// ctx.caller_id = "42".into();
    /// let mut values = TokenValues::new(&ctx);
    /// assert_eq!(values.expand("from $caller_id$ at $hours$h"), "from 42 at 00h");
    /// assert!(matches!(values.expand("no token"), Cow::Borrowed(_)));
    /// ```
    pub fn expand<'s>(&mut self, input: &'s str) -> Cow<'s, str> {
        expand_values(input, self)
    }
}

/// [`expand`] with a shared value cache.
pub(crate) fn expand_values<'s>(input: &'s str, values: &mut TokenValues<'_>) -> Cow<'s, str> {
    let mut out: Option<String> = None;
    let tail = scan(input, |literal_start, open, token| {
        let out = out.get_or_insert_with(|| String::with_capacity(input.len() + 32));
        // Both ends are at a `$` or just past one: character boundaries.
        out.push_str(&input[literal_start..open]);
        out.push_str(values.get(token));
    });
    finish(input, out, tail)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment {
    /// `source[start..end]`, never empty.
    Literal {
        start: usize,
        end: usize,
    },
    Token(Token),
}

/// A value compiled once into literal text and tokens, to expand many times.
///
/// Compiling scans the text once (as [`expand`] does); expanding writes the
/// segments in one pass, into a buffer reserved once for the whole result,
/// and formats each token's value at most once per expansion.
///
/// `Display` writes the source text back, tokens unexpanded.
///
/// # Example
///
/// ```
/// use clicktodial::{CallContext, Template, Token};
///
/// let template = Template::compile("Call $transaction_id$ from $caller_id$, $5 off");
/// assert_eq!(
///     template.tokens().collect::<Vec<_>>(),
///     [Token::TransactionId, Token::CallerId]
/// );
/// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
/// ctx.transaction_id = "T-1".into();
/// ctx.caller_id = "5251990".into();
/// assert_eq!(template.expand(&ctx), "Call T-1 from 5251990, $5 off");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    segments: Vec<Segment>,
    literal_len: usize,
}

impl Template {
    /// Splits `input` into literal text and tokens.
    ///
    /// # Example
    ///
    /// ```
    /// let template = clicktodial::Template::compile("$year$-$month$-$date$");
    /// assert_eq!(template.tokens().count(), 3);
    /// assert_eq!(template.source(), "$year$-$month$-$date$");
    /// ```
    pub fn compile(input: &str) -> Template {
        let mut segments = Vec::new();
        let mut literal_len = 0;
        let mut literal = |segments: &mut Vec<Segment>, start: usize, end: usize| {
            if start < end {
                segments.push(Segment::Literal { start, end });
                literal_len += end - start;
            }
        };
        let tail = scan(input, |literal_start, open, token| {
            literal(&mut segments, literal_start, open);
            segments.push(Segment::Token(token));
        });
        literal(&mut segments, tail, input.len());
        Template {
            source: input.to_owned(),
            segments,
            literal_len,
        }
    }

    /// The text the template was compiled from.
    ///
    /// # Example
    ///
    /// ```
    /// let template = clicktodial::Template::compile("at $hours$:$minutes$");
    /// assert_eq!(template.source(), "at $hours$:$minutes$");
    /// assert_eq!(template.to_string(), template.source());
    /// ```
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The tokens of the template, in order, each as often as it occurs.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Template, Token};
    /// let template = Template::compile("$notes$ $foo$ $notes$ $equal");
    /// assert_eq!(template.tokens().collect::<Vec<_>>(), [Token::Notes, Token::Notes]);
    /// ```
    pub fn tokens(&self) -> impl Iterator<Item = Token> + '_ {
        self.segments.iter().filter_map(|s| match s {
            Segment::Token(t) => Some(*t),
            Segment::Literal { .. } => None,
        })
    }

    /// Expands the template into a new string.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, Template};
    /// let template = Template::compile("a$equal$b");
    /// assert_eq!(template.expand(&CallContext::default()), "a=b");
    /// ```
    pub fn expand(&self, ctx: &CallContext) -> String {
        let mut out = String::new();
        self.expand_into(ctx, &mut out);
        out
    }

    /// [`expand`](Template::expand), checked as [`try_expand`] is: a date
    /// token with a context whose `now` was never set is an error.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, Template};
    /// let template = Template::compile("[ActivityDate|$year$-$month$-$date$]");
    /// assert!(template.try_expand(&CallContext::default()).is_err());
    /// let ctx = CallContext::new(chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(), chrono_tz::UTC);
    /// assert_eq!(template.try_expand(&ctx)?, "[ActivityDate|2023-11-14]");
    /// # Ok::<(), clicktodial::ExpandError>(())
    /// ```
    pub fn try_expand(&self, ctx: &CallContext) -> Result<String, ExpandError> {
        if ctx.now_is_unset() {
            if let Some(token) = self.tokens().find(|t| t.is_date()) {
                return Err(ExpandError::NowNotSet { token, name: None });
            }
        }
        Ok(self.expand(ctx))
    }

    /// Expands the template at the end of `out` (which keeps what it held).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, Template};
    /// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// ctx.notes = "ok".into();
    /// let mut out = String::from("notes: ");
    /// Template::compile("[$notes$]").expand_into(&ctx, &mut out);
    /// assert_eq!(out, "notes: [ok]");
    /// ```
    pub fn expand_into(&self, ctx: &CallContext, out: &mut String) {
        self.expand_with(&mut TokenValues::new(ctx), out);
    }

    /// Expands the template at the end of `out`, taking token values from
    /// `values`: expanding several templates for one call with the same
    /// [`TokenValues`] formats each value once in all.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, Template, TokenValues};
    /// # use chrono::TimeZone;
    /// let now = chrono::Utc.with_ymd_and_hms(2024, 3, 12, 0, 5, 0).unwrap();
    /// let mut ctx = CallContext::new(now, chrono_tz::UTC);
    /// ctx.caller_id = "42".into();
    /// let mut values = TokenValues::new(&ctx);
    /// let (mut subject, mut url) = (String::new(), String::new());
    /// Template::compile("From $caller_id$ at $hours$h").expand_with(&mut values, &mut subject);
    /// Template::compile("https://crm.example/cb?h=$hours$").expand_with(&mut values, &mut url);
    /// assert_eq!((subject.as_str(), url.as_str()), ("From 42 at 00h", "https://crm.example/cb?h=00"));
    /// ```
    pub fn expand_with(&self, values: &mut TokenValues<'_>, out: &mut String) {
        let mut len = self.literal_len;
        for segment in &self.segments {
            if let Segment::Token(token) = segment {
                values.fill(*token);
                len += values.peek_len(*token);
            }
        }
        out.reserve(len);
        for segment in &self.segments {
            match segment {
                Segment::Literal { start, end } => {
                    // Set by `compile` from the scan of `source` itself.
                    out.push_str(&self.source[*start..*end]);
                }
                Segment::Token(token) => out.push_str(values.peek(*token)),
            }
        }
    }
}

/// A piece of a compiled [`Template`], for code in the crate that lays
/// templates out its own way ([`CompiledLink`](crate::CompiledLink)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TemplatePiece<'t> {
    /// Literal text, never empty.
    Text(&'t str),
    /// A token.
    Token(Token),
}

impl Template {
    /// The pieces, in order.
    pub(crate) fn pieces(&self) -> impl Iterator<Item = TemplatePiece<'_>> {
        self.segments.iter().map(|s| match s {
            Segment::Literal { start, end } => {
                TemplatePiece::Text(self.source.get(*start..*end).unwrap_or(""))
            }
            Segment::Token(t) => TemplatePiece::Token(*t),
        })
    }
}

impl fmt::Display for Template {
    /// Writes the source text, tokens unexpanded.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl UserData<'_> {
    /// Expands the tokens in every value, one value at a time; names, order
    /// and duplicates are kept.
    ///
    /// Each token value is formatted at most once for the whole data. Since
    /// values are expanded after parsing, nothing the context brings in
    /// (notes, codes, ids) can create, end or change a pair: `Display` on
    /// the result escapes what it must, and parsing that text again gives
    /// the same pairs.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, UserData};
    ///
    /// let data = UserData::parse("[subject|Call ($transaction_id$)][Description|$notes$]")?;
    /// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// ctx.transaction_id = "T-9".into();
    /// ctx.notes = "said ][ctl_action|create]".into();
    /// let expanded = data.expand(&ctx);
    /// assert_eq!(expanded.get("subject"), Some("Call (T-9)"));
    /// assert_eq!(expanded.get("Description"), Some("said ][ctl_action|create]"));
    /// let text = expanded.to_string();
    /// assert_eq!(UserData::parse(&text)?, expanded);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn expand(&self, ctx: &CallContext) -> UserData<'static> {
        self.expand_with(&mut TokenValues::new(ctx))
    }

    /// [`expand`](UserData::expand), checked as [`try_expand`] is: a date
    /// token in any value, with a context whose `now` was never set, is an
    /// error naming the token and the pair, instead of a 1970 date sent to
    /// the CRM.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use clicktodial::{CallContext, ExpandError, Token, UserData};
    ///
    /// let data = UserData::parse("[Subject|Call $transaction_id$][ActivityDate|$year$-$month$-$date$]")?;
    /// let err = data.try_expand(&CallContext::default()).unwrap_err();
    /// assert_eq!(
    ///     err,
    ///     ExpandError::NowNotSet { token: Token::Year, name: Some("ActivityDate".into()) }
    /// );
    /// let now = Utc.with_ymd_and_hms(2024, 3, 12, 17, 0, 0).unwrap();
    /// let ctx = CallContext::new(now, chrono_tz::America::New_York);
    /// assert_eq!(data.try_expand(&ctx).unwrap().get("ActivityDate"), Some("2024-03-12"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_expand(&self, ctx: &CallContext) -> Result<UserData<'static>, ExpandError> {
        for pair in self.pairs() {
            check_now(pair.value(), ctx, Some(pair.name()))?;
        }
        Ok(self.expand(ctx))
    }

    /// [`expand`](UserData::expand), taking token values from `values`
    /// (shared with other expansions for the same call).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, TokenValues, UserData};
    ///
    /// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// ctx.caller_id = "42".into();
    /// let mut values = TokenValues::new(&ctx);
    /// let data = UserData::parse("[from|$caller_id$]")?.expand_with(&mut values);
    /// assert_eq!(data.get("from"), Some("42"));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn expand_with(&self, values: &mut TokenValues<'_>) -> UserData<'static> {
        self.map_values(|value| expand_values(value, values).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens_at(input: &str) -> Vec<(usize, usize, Token)> {
        let mut found = Vec::new();
        scan(input, |l, o, t| found.push((l, o, t)));
        found
    }

    #[test]
    fn scan_positions() {
        assert_eq!(tokens_at("ab$notes$cd"), [(0, 2, Token::Notes)]);
        assert_eq!(tokens_at("$foo$notes$"), [(0, 4, Token::Notes)]);
        assert_eq!(
            tokens_at("$$notes$$equal$"),
            [(0, 1, Token::Notes), (8, 8, Token::Equal)]
        );
        assert_eq!(tokens_at("$notes"), []);
        assert_eq!(tokens_at("$$"), []);
        assert_eq!(tokens_at("é$notes$é"), [(0, 2, Token::Notes)]);
    }

    #[test]
    fn adjacent_tokens_and_empty_text() {
        let ctx = CallContext {
            notes: "n".into(),
            ..Default::default()
        };
        let t = Template::compile("$notes$$notes$");
        assert_eq!(t.expand(&ctx), "nn");
        assert_eq!(t.expand(&ctx), expand("$notes$$notes$", &ctx));
        assert_eq!(Template::compile("").expand(&ctx), "");
        assert_eq!(t.tokens().collect::<Vec<_>>(), [Token::Notes, Token::Notes]);
        // A piece of literal text is never empty: none between, before or
        // after adjacent tokens, and none in an empty template.
        use TemplatePiece::{Text, Token as T};
        assert_eq!(
            t.pieces().collect::<Vec<_>>(),
            [T(Token::Notes), T(Token::Notes)]
        );
        let t = Template::compile("a$notes$$year$b");
        assert_eq!(
            t.pieces().collect::<Vec<_>>(),
            [Text("a"), T(Token::Notes), T(Token::Year), Text("b")]
        );
        assert_eq!(Template::compile("").pieces().count(), 0);
    }
}

/// With the `serde` feature a `Template` is its source text: serializing
/// writes [`Template::source`], deserializing compiles it again.
#[cfg(feature = "serde")]
mod serde_impls {
    use super::Template;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    impl Serialize for Template {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(self.source())
        }
    }

    impl<'de> Deserialize<'de> for Template {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let source = std::borrow::Cow::<'de, str>::deserialize(d)?;
            Ok(Template::compile(&source))
        }
    }
}
