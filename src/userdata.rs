//! [`UserData`] (`ctl_userdata`) and [`ExtTransactionData`]: ordered
//! `[name|value]` pairs that borrow from their input.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use crate::encode::Given;
use crate::error::{Diagnostic, ParseError, ParseErrorKind};
use crate::grammar;

/// One pair. `span` is where it stood, `[` to `]`, when it was parsed from
/// text. Other rooms read pairs through [`UserData::pairs`] and these
/// accessors; only this file builds one (so no name is ever empty).
#[derive(Debug, Clone)]
pub(crate) struct Pair<'a> {
    name: Cow<'a, str>,
    value: Cow<'a, str>,
    span: Span,
}

impl<'a> Pair<'a> {
    /// The name (never empty).
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The value.
    pub(crate) fn value(&self) -> &str {
        &self.value
    }

    /// Where the pair stood, `[` to `]`, in the text it was parsed from.
    pub(crate) fn range(&self) -> Option<Range<usize>> {
        self.span.range()
    }
}

/// Where a pair stood in its input, in 8 bytes (a parsed pair list is
/// written once per pair, so its size shows in parse time). Pairs added with
/// `push`, or lying past 4 GiB of input, have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub(crate) const NONE: Span = Span {
        start: u32::MAX,
        end: u32::MAX,
    };

    fn new(start: usize, end: usize) -> Span {
        match (u32::try_from(start), u32::try_from(end)) {
            (Ok(start), Ok(end)) if end != u32::MAX => Span { start, end },
            _ => Span::NONE,
        }
    }

    /// The byte range, if the pair was parsed from text.
    pub(crate) fn range(self) -> Option<Range<usize>> {
        (self != Span::NONE).then_some(self.start as usize..self.end as usize)
    }
}

impl Pair<'static> {
    /// A pair the system adds (a constant, non-empty name; no place).
    pub(crate) fn added(name: &'static str, value: String) -> Pair<'static> {
        Pair {
            name: Cow::Borrowed(name),
            value: Cow::Owned(value),
            span: Span::NONE,
        }
    }
}

impl Pair<'_> {
    fn into_owned(self) -> Pair<'static> {
        Pair {
            name: Cow::Owned(self.name.into_owned()),
            value: Cow::Owned(self.value.into_owned()),
            span: self.span,
        }
    }
}

/// Is `name` system data? Every name that starts with `ctl_`, in any letter
/// case, is.
///
/// # Example
///
/// ```
/// assert!(clicktodial::is_system_name("CTL_Action"));
/// assert!(!clicktodial::is_system_name("subject"));
/// ```
pub fn is_system_name(name: &str) -> bool {
    name.as_bytes()
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"ctl_"))
}

/// The pairs of a `ctl_userdata` value, in order, duplicates kept.
///
/// Parsing borrows: a name or value that holds none of the four escapes
/// (`%5B` `%5D` `%7C` `%25`) is a `Cow::Borrowed` slice of the input, so a
/// typical `ctl_userdata` parses with one allocation (the pair list).
/// [`into_owned`](UserData::into_owned) detaches it from the input.
///
/// Lookups with [`get`](UserData::get) return the *last* pair with the name,
/// as an HTTP form does. `Display` writes the canonical form: every pair as
/// `[name|value]`, with an escape only where one is needed (`]` in a value;
/// `|` or `]` in a name; a `%` that would otherwise read as an escape), so
/// `UserData::parse(&data.to_string())` gives back equal data.
///
/// Equality compares the pairs, in order; where a pair came from does not
/// matter.
///
/// # Example
///
/// ```
/// use clicktodial::UserData;
///
/// let data = UserData::parse("[ctl_action|create]\n[subject|Call $caller_id$][subject|Follow-up]")?;
/// assert_eq!(data.len(), 3);
/// assert_eq!(data.get("subject"), Some("Follow-up"));
/// assert_eq!(data.user_fields().count(), 2);
/// assert_eq!(
///     data.to_string(),
///     "[ctl_action|create][subject|Call $caller_id$][subject|Follow-up]"
/// );
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct UserData<'a> {
    // Private: every pair comes in through `push`, `push_raw` or
    // `map_values`, which keep the one invariant (no empty name).
    pairs: Vec<Pair<'a>>,
}

impl<'a> UserData<'a> {
    /// An empty sequence.
    ///
    /// # Example
    ///
    /// ```
    /// let data = clicktodial::UserData::new();
    /// assert!(data.is_empty());
    /// assert_eq!(data.to_string(), "");
    /// ```
    pub fn new() -> Self {
        UserData { pairs: Vec::new() }
    }

    /// Parses strictly: the first malformed spot is an error with its byte
    /// offset. White space around pairs is ignored; an empty input is an
    /// empty sequence.
    ///
    /// # Example
    ///
    /// ```
    /// use std::borrow::Cow;
    /// use clicktodial::{ParseErrorKind, UserData};
    ///
    /// let data = UserData::parse("[note|50% off, a %5Bbracket%5D]")?;
    /// assert_eq!(data.get("note"), Some("50% off, a [bracket]"));
    ///
    /// let err = UserData::parse("[a|1][b]").unwrap_err();
    /// assert_eq!((err.kind(), err.offset()), (&ParseErrorKind::MissingSeparator, 7));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn parse(input: &'a str) -> Result<Self, ParseError> {
        let mut data = UserData::with_capacity_for(input);
        grammar::parse_pairs(input, |raw| data.push_raw(raw), None)?;
        data.fit();
        Ok(data)
    }

    /// Parses leniently: never fails. Every well-formed pair is kept; each
    /// stretch that had to be skipped is reported with its span.
    ///
    /// Recovery: stray text is skipped up to the next `[`; a pair with no `|`
    /// before its `]`, or with an empty name, is skipped through its `]`; an
    /// unterminated pair takes the rest of the input. Skipped stretches with
    /// no pair between them (white space aside) are reported as one
    /// diagnostic, of the kind of the first fault in it. Where the strict
    /// parse succeeds, this returns the same pairs and no diagnostic.
    ///
    /// Memory: there is at most one diagnostic per kept pair, plus one, and a
    /// pair takes at least 4 bytes of input (`[a|]`), so the diagnostics
    /// never cost more than the pairs. Whatever the input, one lenient parse
    /// allocates at most 64 bytes per input byte in total (the worst shape,
    /// a pair and a stray byte repeated, measures 56; a fault every two
    /// bytes, as `][][…`, measures under 1; `tests/lenient_memory.rs`).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::UserData;
    ///
    /// let (data, diags) = UserData::parse_lenient("[a|1] stray [bad][|x][b|2][c");
    /// assert_eq!(data.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "2")]);
    /// let spans: Vec<_> = diags.iter().map(|d| d.span()).collect();
    /// assert_eq!(spans, [6..21, 26..28]);
    /// ```
    pub fn parse_lenient(input: &'a str) -> (Self, Vec<Diagnostic>) {
        let mut data = UserData::with_capacity_for(input);
        let mut diagnostics = Vec::new();
        // With diagnostics to fill, the parse records errors instead of
        // returning them.
        let _ = grammar::parse_pairs(input, |raw| data.push_raw(raw), Some(&mut diagnostics));
        data.fit();
        (data, diagnostics)
    }

    /// Room for the pairs of `input`, reserved once: a pair of real data
    /// takes 32 bytes or more of text, so the list rarely grows (up to 4,096
    /// pairs reserved; past that it grows as usual).
    fn with_capacity_for(input: &str) -> Self {
        UserData {
            pairs: Vec::with_capacity((input.len() / 32).min(4096)),
        }
    }

    /// Gives back the room reserved by `with_capacity_for` when the text
    /// held far fewer pairs (long values): parsed data is often kept.
    fn fit(&mut self) {
        // (`>=` here is an equivalent mutant: at the threshold itself
        // either choice keeps the bound of twice the pairs plus 16 slots.)
        if self.pairs.capacity() > 2 * self.pairs.len() + 16 {
            self.pairs.shrink_to_fit();
        }
    }

    fn push_raw(&mut self, raw: grammar::RawPair<'a>) {
        // Text without a `%` holds no escape: no second look at it.
        let decode = |text: &'a str, has_percent: bool| {
            if has_percent {
                grammar::decode(text)
            } else {
                Cow::Borrowed(text)
            }
        };
        self.pairs.push(Pair {
            name: decode(raw.name, raw.name_has_percent),
            value: decode(raw.value, raw.value_has_percent),
            span: Span::new(raw.start, raw.end),
        });
    }

    /// Appends a pair. The name may not be empty; names and values may hold
    /// any text (`Display` escapes what it must).
    ///
    /// # Example
    ///
    /// ```
    /// let mut data = clicktodial::UserData::new();
    /// data.push("ObjectType", "Task")?;
    /// data.push("Description", "a ] in a value")?;
    /// assert!(data.push("", "x").is_err());
    /// assert_eq!(data.to_string(), "[ObjectType|Task][Description|a %5D in a value]");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn push(
        &mut self,
        name: impl Into<Cow<'a, str>>,
        value: impl Into<Cow<'a, str>>,
    ) -> Result<(), ParseError> {
        let name = name.into();
        if name.is_empty() {
            return Err(ParseError::unplaced(ParseErrorKind::EmptyName));
        }
        self.pairs.push(Pair {
            name,
            value: value.into(),
            span: Span::NONE,
        });
        Ok(())
    }

    /// The value of the last pair named exactly `name` (case-sensitive).
    ///
    /// # Example
    ///
    /// ```
    /// let data = clicktodial::UserData::parse("[a|1][A|2][a|3]")?;
    /// assert_eq!(data.get("a"), Some("3"));
    /// assert_eq!(data.get("b"), None);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|p| p.name == name)
            .map(|p| &*p.value)
    }

    /// Every pair, in order.
    ///
    /// # Example
    ///
    /// ```
    /// let data = clicktodial::UserData::parse("[a|1][b|2]")?;
    /// assert_eq!(data.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "2")]);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|p| (&*p.name, &*p.value))
    }

    /// The user data: every pair whose name does not start with `ctl_` (in
    /// any case), in order.
    ///
    /// # Example
    ///
    /// ```
    /// let data = clicktodial::UserData::parse("[ctl_action|create][subject|hi][CTL_x|y]")?;
    /// assert_eq!(data.user_fields().collect::<Vec<_>>(), [("subject", "hi")]);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn user_fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.iter().filter(|(name, _)| !is_system_name(name))
    }

    /// How many pairs there are.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(clicktodial::UserData::parse("[a|1][a|2]")?.len(), 2);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there is no pair.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(clicktodial::UserData::parse("  ")?.is_empty());
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Detaches the data from its input (copies what was borrowed).
    ///
    /// # Example
    ///
    /// ```
    /// let owned = {
    ///     let text = String::from("[a|1]");
    ///     clicktodial::UserData::parse(&text)?.into_owned()
    /// };
    /// assert_eq!(owned.get("a"), Some("1"));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn into_owned(self) -> UserData<'static> {
        UserData {
            pairs: self.pairs.into_iter().map(Pair::into_owned).collect(),
        }
    }

    /// The pairs, taken out (to be filtered and put back with
    /// [`from_pairs`](UserData::from_pairs)).
    pub(crate) fn into_pairs(self) -> std::vec::IntoIter<Pair<'a>> {
        self.pairs.into_iter()
    }

    /// Data of pairs taken out of data, or [`Pair::added`]: their names are
    /// not empty, so the invariant holds.
    pub(crate) fn from_pairs(pairs: impl IntoIterator<Item = Pair<'a>>) -> UserData<'a> {
        UserData {
            pairs: pairs.into_iter().collect(),
        }
    }

    /// The pairs with their names and values as `Cow`s, showing which are
    /// borrowed from the input.
    ///
    /// # Example
    ///
    /// ```
    /// use std::borrow::Cow;
    /// let data = clicktodial::UserData::parse("[a|plain][b|x%5Dy]")?;
    /// let values: Vec<_> = data.cow_pairs().map(|(_, v)| v).collect();
    /// assert!(matches!(values[0], Cow::Borrowed("plain")));
    /// assert!(matches!(values[1], Cow::Owned(_)));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn cow_pairs(&self) -> impl Iterator<Item = (&Cow<'a, str>, &Cow<'a, str>)> {
        self.pairs.iter().map(|p| (&p.name, &p.value))
    }

    /// The pairs, read-only, in order.
    pub(crate) fn pairs(&self) -> &[Pair<'a>] {
        &self.pairs
    }

    /// Every pair with where it stood in the parsed text (`None` for a pair
    /// added with `push`).
    pub(crate) fn spanned(&self) -> impl Iterator<Item = (&str, &str, Option<Range<usize>>)> {
        self.pairs
            .iter()
            .map(|p| (&*p.name, &*p.value, p.span.range()))
    }

    /// The value of the last pair whose name is `name` in any letter case.
    pub(crate) fn get_ignore_case(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map(|p| &*p.value)
    }

    /// The same pairs, each value replaced by `f(value)`; names and spans
    /// are kept (so no name becomes empty).
    pub(crate) fn map_values(&self, mut f: impl FnMut(&str) -> String) -> UserData<'static> {
        UserData {
            pairs: self
                .pairs
                .iter()
                .map(|p| Pair {
                    name: Cow::Owned(p.name.as_ref().to_owned()),
                    value: Cow::Owned(f(&p.value)),
                    span: p.span,
                })
                .collect(),
        }
    }
}

impl PartialEq for UserData<'_> {
    fn eq(&self, other: &UserData<'_>) -> bool {
        self.pairs.len() == other.pairs.len()
            && self
                .pairs
                .iter()
                .zip(&other.pairs)
                .all(|(a, b)| a.name == b.name && a.value == b.value)
    }
}

impl Eq for UserData<'_> {}

impl fmt::Display for UserData<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.pairs {
            grammar::write_pair(f, Given::Plain(&p.name), &p.value)?;
        }
        Ok(())
    }
}

impl<'a, N, V> FromIterator<(N, V)> for UserData<'a>
where
    N: Into<Cow<'a, str>>,
    V: Into<Cow<'a, str>>,
{
    /// Collects pairs; pairs with an empty name are dropped.
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut data = UserData::new();
        for (name, value) in iter {
            // An empty name is the only refusal, and it is documented as
            // dropped.
            let _ = data.push(name, value);
        }
        data
    }
}

/// The pairs of `extTransactionData`: the CRM record the call belongs to.
///
/// Same grammar as [`UserData`]; `extRecordId` and `extRecordType` are
/// looked up exactly as the vendor writes them.
///
/// # Example
///
/// ```
/// use clicktodial::ExtTransactionData;
///
/// let ext = ExtTransactionData::parse("[extRecordId|001A000001][extRecordType|Account]")?;
/// assert_eq!(ext.record_id(), Some("001A000001"));
/// assert_eq!(ext.record_type(), Some("Account"));
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtTransactionData<'a> {
    data: UserData<'a>,
}

impl<'a> ExtTransactionData<'a> {
    /// Parses strictly, as [`UserData::parse`].
    ///
    /// # Example
    ///
    /// ```
    /// let err = clicktodial::ExtTransactionData::parse("[extRecordId|1").unwrap_err();
    /// assert_eq!(err.offset(), 0);
    /// ```
    pub fn parse(input: &'a str) -> Result<Self, ParseError> {
        UserData::parse(input).map(|data| ExtTransactionData { data })
    }

    /// `extRecordId`: the CRM record the call was started from.
    ///
    /// # Example
    ///
    /// ```
    /// let ext = clicktodial::ExtTransactionData::parse("[extRecordId|42]")?;
    /// assert_eq!(ext.record_id(), Some("42"));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn record_id(&self) -> Option<&str> {
        self.data.get("extRecordId")
    }

    /// `extRecordType`: that record's type.
    ///
    /// # Example
    ///
    /// ```
    /// let ext = clicktodial::ExtTransactionData::parse("[extRecordType|Contact]")?;
    /// assert_eq!(ext.record_type(), Some("Contact"));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn record_type(&self) -> Option<&str> {
        self.data.get("extRecordType")
    }

    /// All the pairs.
    ///
    /// # Example
    ///
    /// ```
    /// let ext = clicktodial::ExtTransactionData::parse("[extRecordId|1][other|2]")?;
    /// assert_eq!(ext.data().len(), 2);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn data(&self) -> &UserData<'a> {
        &self.data
    }

    /// Detaches the data from its input.
    ///
    /// # Example
    ///
    /// ```
    /// let ext = clicktodial::ExtTransactionData::parse("[extRecordId|1]")?.into_owned();
    /// assert_eq!(ext.record_id(), Some("1"));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn into_owned(self) -> ExtTransactionData<'static> {
        ExtTransactionData {
            data: self.data.into_owned(),
        }
    }
}

impl<'a> From<UserData<'a>> for ExtTransactionData<'a> {
    /// Wraps pairs built by hand.
    fn from(data: UserData<'a>) -> Self {
        ExtTransactionData { data }
    }
}

impl fmt::Display for ExtTransactionData<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.data.fmt(f)
    }
}

#[cfg(feature = "serde")]
mod serde_impls {
    //! `UserData` is a sequence of `[name, value]` pairs; `ExtTransactionData`
    //! likewise. Deserializing (see `wire.rs`) also reads the `[name|value]`
    //! text, refuses an empty name and always owns.
    use super::{ExtTransactionData, UserData};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    impl Serialize for UserData<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.iter())
        }
    }

    // `Deserialize for UserData` (its text, or a list of pairs) is in
    // `wire.rs`, with the other wire forms.

    impl Serialize for ExtTransactionData<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.data.serialize(s)
        }
    }

    impl<'de> Deserialize<'de> for ExtTransactionData<'_> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            UserData::deserialize(d).map(ExtTransactionData::from)
        }
    }
}
impl std::str::FromStr for UserData<'static> {
    type Err = ParseError;

    /// Parses strictly, as [`UserData::parse`], and owns the result.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::UserData;
    ///
    /// let data: UserData<'static> = "[ctl_action|create][subject|hi]".parse()?;
    /// assert_eq!(data.get("subject"), Some("hi"));
    /// assert!("[a|1".parse::<UserData<'static>>().is_err());
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UserData::parse(s).map(UserData::into_owned)
    }
}
