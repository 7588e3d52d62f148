//! Merge fields and the formulas in them: finding `{!…}` in a template,
//! protecting a record value for `ctl_userdata`, and the small evaluator
//! the filler runs (field references, string literals, `SUBSTITUTE`,
//! `URLENCODE`, `BLANKVALUE`, `TRIM`).

use std::borrow::Cow;
use std::ops::Range;

use super::errors::LinkTemplateErrorKind;
use super::fill::SampleRecord;

/// The longest value an expression may produce (nested `SUBSTITUTE`s could
/// otherwise grow a value without bound).
const MAX_VALUE: usize = 1 << 20;

/// How deep expressions may nest.
const MAX_DEPTH: usize = 32;

/// One merge field `{!…}` of a template, with its place.
///
/// # Example
///
/// ```
/// let fields = clicktodial::merge_fields("phone={!Account.Phone}&x={!SUBSTITUTE(Account.Name, '}', '')}");
/// assert_eq!(fields[0].span(), 6..22);
/// assert_eq!(fields[0].expression(), "Account.Phone");
/// assert_eq!(fields[1].fields(), ["Account.Name"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeField {
    pub(super) span: Range<usize>,
    pub(super) expression: String,
    pub(super) closed: bool,
}

impl MergeField {
    /// The byte range of the whole `{!…}` in the text.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(clicktodial::merge_fields("a{!X.Y}")[0].span(), 1..7);
    /// ```
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The expression between `{!` and `}`, as written.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(clicktodial::merge_fields("{! Account.Id }")[0].expression(), " Account.Id ");
    /// ```
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// Whether the merge field has its closing `}` (an unclosed one runs to
    /// the end of the text).
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!clicktodial::merge_fields("phone={!Account.Phone")[0].is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The field names the expression refers to, in order (empty when it
    /// cannot be read).
    ///
    /// # Example
    ///
    /// ```
    /// let f = &clicktodial::merge_fields("{!BLANKVALUE(Contact.Phone, Account.Phone)}")[0];
    /// assert_eq!(f.fields(), ["Contact.Phone", "Account.Phone"]);
    /// ```
    pub fn fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(expr) = Expr::parse(&self.expression) {
            expr.collect_fields(&mut out);
        }
        out
    }

    /// Whether the merge field is one plain field reference.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(clicktodial::merge_fields("{!Account.Name}")[0].is_plain_field());
    /// assert!(!clicktodial::merge_fields("{!TRIM(Account.Name)}")[0].is_plain_field());
    /// ```
    pub fn is_plain_field(&self) -> bool {
        matches!(Expr::parse(&self.expression), Ok(Expr::Field(_)))
    }

    /// The merge field as it must be written inside a `ctl_userdata` value
    /// so that any record value arrives intact (`]` and `%` substituted; see
    /// the module docs), or `None` when it needs no change (a record id, or
    /// already an expression).
    ///
    /// # Example
    ///
    /// ```
    /// let f = &clicktodial::merge_fields("{!Account.Name}")[0];
    /// assert_eq!(
    ///     f.protected().as_deref(),
    ///     Some(r#"{!SUBSTITUTE(SUBSTITUTE(Account.Name, "%", "%25"), "]", "%5D")}"#)
    /// );
    /// assert_eq!(clicktodial::merge_fields("{!Account.Id}")[0].protected(), None);
    /// ```
    pub fn protected(&self) -> Option<String> {
        protect(&self.expression, false)
    }
}

/// The protected form of a plain field reference (see the module docs).
pub(super) fn protect(expression: &str, in_name: bool) -> Option<String> {
    let Ok(Expr::Field(name)) = Expr::parse(expression) else {
        return None;
    };
    let last = name.rsplit('.').next().unwrap_or(&name);
    if last.ends_with("Id") {
        return None;
    }
    let inner = format!(r#"SUBSTITUTE(SUBSTITUTE({name}, "%", "%25"), "]", "%5D")"#);
    Some(if in_name {
        format!(r#"{{!SUBSTITUTE({inner}, "|", "%7C")}}"#)
    } else {
        format!("{{!{inner}}}")
    })
}

/// Every merge field `{!…}` in `text`, in order, with its byte range. A
/// `}` inside a quoted string of the expression does not close it; a `{!`
/// without its `}` runs to the end of the text (see
/// [`MergeField::is_closed`]). One pass over the text.
///
/// # Example
///
/// ```
/// use clicktodial::merge_fields;
///
/// let text = std::fs::read_to_string("tests/data/vendor/example1_printed.url")?;
/// let names: Vec<_> = merge_fields(&text).iter().map(|f| f.expression().to_owned()).collect();
/// assert_eq!(names, ["Account.Phone", "Account.Id", "Account.Id"]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn merge_fields(text: &str) -> Vec<MergeField> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(bytes.get(from..).unwrap_or_default(), b"{!") {
        let start = from + i;
        let body = start + 2;
        let mut quote: Option<u8> = None;
        let mut escaped = false;
        let mut close = None;
        for (j, &b) in bytes.iter().enumerate().skip(body) {
            match quote {
                Some(_) if escaped => escaped = false,
                Some(_) if b == b'\\' => escaped = true,
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'}' => {
                    close = Some(j);
                    break;
                }
                None => {}
            }
        }
        let (end, inner_end, closed) = match close {
            Some(j) => (j + 1, j, true),
            None => (bytes.len(), bytes.len(), false),
        };
        out.push(MergeField {
            span: start..end,
            expression: text.get(body..inner_end).unwrap_or_default().to_owned(),
            closed,
        });
        from = end;
    }
    out
}

/// A merge-field expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Expr {
    Field(String),
    Text(String),
    Call(String, Vec<Expr>),
}

/// Why an expression could not be read or evaluated, and where in it.
#[derive(Debug)]
pub(super) struct ExprError {
    pub(super) kind: LinkTemplateErrorKind,
    pub(super) at: usize,
}

struct ExprParser<'a> {
    text: &'a str,
    at: usize,
}

impl ExprParser<'_> {
    fn skip_ws(&mut self) {
        let rest = self.text.get(self.at..).unwrap_or_default();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn error(&self, what: &'static str) -> ExprError {
        ExprError {
            kind: LinkTemplateErrorKind::Syntax(what),
            at: self.at,
        }
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, ExprError> {
        if depth > MAX_DEPTH {
            return Err(self.error("expression nested too deeply"));
        }
        self.skip_ws();
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => self.string(q),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                let start = self.at;
                let len = self
                    .text
                    .get(start..)
                    .unwrap_or_default()
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || b"_.$".contains(b))
                    .count();
                self.at += len;
                let name = self.text.get(start..self.at).unwrap_or_default().to_owned();
                self.skip_ws();
                if self.peek() != Some(b'(') {
                    return Ok(Expr::Field(name));
                }
                self.at += 1;
                let mut args = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b')') {
                    self.at += 1;
                    return Ok(Expr::Call(name, args));
                }
                loop {
                    args.push(self.expr(depth + 1)?);
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b')') => {
                            self.at += 1;
                            return Ok(Expr::Call(name, args));
                        }
                        _ => return Err(self.error("expected `,` or `)`")),
                    }
                }
            }
            None => Err(self.error("empty expression")),
            Some(_) => Err(self.error(
                "not a field, a string or a function call (operators such as `&` are not supported)",
            )),
        }
    }

    fn string(&mut self, quote: u8) -> Result<Expr, ExprError> {
        let open = self.at;
        self.at += 1;
        let mut out = String::new();
        let mut chars = self.text.get(self.at..).unwrap_or_default().char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '\\' {
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
                continue;
            }
            if c as u32 == u32::from(quote) {
                self.at += i + 1;
                return Ok(Expr::Text(out));
            }
            out.push(c);
        }
        self.at = open;
        Err(self.error("unterminated string"))
    }
}

impl Expr {
    pub(super) fn parse(text: &str) -> Result<Expr, ExprError> {
        let mut p = ExprParser { text, at: 0 };
        let expr = p.expr(0)?;
        p.skip_ws();
        if p.at < text.len() {
            return Err(p.error(
                "unexpected text after the expression (operators such as `&` are not supported)",
            ));
        }
        Ok(expr)
    }

    fn collect_fields(&self, out: &mut Vec<String>) {
        match self {
            Expr::Field(name) => out.push(name.clone()),
            Expr::Text(_) => {}
            Expr::Call(_, args) => args.iter().for_each(|a| a.collect_fields(out)),
        }
    }

    pub(super) fn eval<'r>(
        &self,
        record: &'r SampleRecord,
    ) -> Result<Cow<'r, str>, LinkTemplateErrorKind> {
        let value = match self {
            Expr::Field(name) => Cow::Borrowed(
                record
                    .get(name)
                    .ok_or_else(|| LinkTemplateErrorKind::MissingField(name.clone()))?,
            ),
            Expr::Text(text) => Cow::Owned(text.clone()),
            Expr::Call(name, args) => {
                let arity = |n: usize| {
                    if args.len() == n {
                        Ok(())
                    } else {
                        Err(LinkTemplateErrorKind::Syntax("wrong number of arguments"))
                    }
                };
                let upper = name.to_ascii_uppercase();
                if !["SUBSTITUTE", "URLENCODE", "BLANKVALUE", "TRIM"].contains(&upper.as_str()) {
                    return Err(LinkTemplateErrorKind::UnsupportedFunction(
                        name.chars().take(64).collect(),
                    ));
                }
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(arg.eval(record)?);
                }
                let arg = |i: usize| values.get(i).map_or("", |v| v.as_ref());
                Cow::Owned(match upper.as_str() {
                    "SUBSTITUTE" => {
                        arity(3)?;
                        if arg(1).is_empty() {
                            arg(0).to_owned()
                        } else {
                            let grows = arg(2).len().saturating_sub(arg(1).len());
                            let count = arg(0).matches(arg(1)).count();
                            if arg(0).len() + grows.saturating_mul(count) > MAX_VALUE {
                                return Err(LinkTemplateErrorKind::TooLong);
                            }
                            arg(0).replace(arg(1), arg(2))
                        }
                    }
                    "URLENCODE" => {
                        arity(1)?;
                        percent_encoding::utf8_percent_encode(arg(0), RFC3986).to_string()
                    }
                    "BLANKVALUE" => {
                        arity(2)?;
                        if arg(0).trim().is_empty() {
                            arg(1).to_owned()
                        } else {
                            arg(0).to_owned()
                        }
                    }
                    "TRIM" => {
                        arity(1)?;
                        arg(0).trim().to_owned()
                    }
                    _ => {
                        return Err(LinkTemplateErrorKind::UnsupportedFunction(
                            name.chars().take(64).collect(),
                        ))
                    }
                })
            }
        };
        if value.len() > MAX_VALUE {
            return Err(LinkTemplateErrorKind::TooLong);
        }
        Ok(value)
    }
}

/// RFC 3986 unreserved characters stay; everything else is encoded.
const RFC3986: &percent_encoding::AsciiSet = crate::encode::UNRESERVED;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions() {
        let record: SampleRecord = [("A.B", "x]y%5D z")].into_iter().collect();
        let eval = |e: &str| {
            Expr::parse(e)
                .map_err(|e| e.kind)
                .and_then(|e| e.eval(&record).map(|v| v.into_owned()))
        };
        assert_eq!(eval("A.B").unwrap(), "x]y%5D z");
        assert_eq!(
            eval(r#"SUBSTITUTE(SUBSTITUTE(A.B, "%", "%25"), "]", "%5D")"#).unwrap(),
            "x%5Dy%255D z"
        );
        assert_eq!(eval("urlencode(A.B)").unwrap(), "x%5Dy%255D%20z");
        assert_eq!(eval("BLANKVALUE('', 'd')").unwrap(), "d");
        assert_eq!(eval(r#"TRIM(" a\"b ")"#).unwrap(), "a\"b");
        assert!(eval("A.B & 'x'").is_err());
        assert!(eval("SUBSTITUTE(A.B)").is_err());
        assert!(eval("'open").is_err());
        assert_eq!(
            eval("C.D").unwrap_err(),
            LinkTemplateErrorKind::MissingField("C.D".into())
        );
        let deep = format!("{}A.B{}", "TRIM(".repeat(100), ")".repeat(100));
        assert!(eval(&deep).is_err());
        // Growth is bounded.
        let grow = format!(
            "{}'aaaaaaaa'{}",
            "SUBSTITUTE(".repeat(30),
            ", 'a', 'aaaa')".repeat(30)
        );
        assert_eq!(eval(&grow).unwrap_err(), LinkTemplateErrorKind::TooLong);
    }

    #[test]
    fn merge_field_scan() {
        let f = merge_fields(r#"{!SUBSTITUTE(A, "}", "\"}")}x{!B"#);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].expression(), r#"SUBSTITUTE(A, "}", "\"}")"#);
        assert!(f[0].is_closed() && !f[1].is_closed());
        assert_eq!(f[1].span(), 29..32);
    }
}
