//! Filling a template as Salesforce fills a custom link: a sample record,
//! each merge field's value encoded as Salesforce's UTF-8 link encoding
//! does.

use super::errors::{LinkTemplateError, LinkTemplateErrorKind, LinkTemplateErrors};
use super::formula::{merge_fields, Expr};
use crate::request::reader::char_range;

/// What Salesforce's UTF-8 link encoding keeps: letters, digits, `. - * _`
/// (a space becomes `+`).
const SALESFORCE_LINK: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'*')
    .remove(b'_')
    .remove(b' ');

/// Encodes a merge field's value as a Salesforce custom link with the
/// Unicode (UTF-8) encoding setting puts it into the URL: letters, digits
/// and `. - * _` stay, a space becomes `+`, every other byte `%XX`.
///
/// # Example
///
/// ```
/// assert_eq!(clicktodial::salesforce_link_encode("Acme [EU] & Sons"), "Acme+%5BEU%5D+%26+Sons");
/// assert_eq!(clicktodial::salesforce_link_encode("a%5Db"), "a%255Db");
/// ```
pub fn salesforce_link_encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, SALESFORCE_LINK)
        .to_string()
        .replace(' ', "+")
}

/// The values of one sample record, by merge field name (`Account.Name`),
/// to fill a template as the CRM would for that record.
///
/// # Example
///
/// ```
/// use clicktodial::SampleRecord;
///
/// let record: SampleRecord = [("Account.Name", "Acme [EU] & Sons"), ("Account.Id", "001A000001XyZab")]
///     .into_iter()
///     .collect();
/// assert_eq!(record.get("account.name"), Some("Acme [EU] & Sons"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SampleRecord {
    fields: Vec<(String, String)>,
}

impl SampleRecord {
    /// An empty record.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(clicktodial::SampleRecord::new().get("Account.Id"), None);
    /// ```
    pub fn new() -> Self {
        SampleRecord::default()
    }

    /// Sets `field` to `value` (a later value for the same name wins).
    ///
    /// # Example
    ///
    /// ```
    /// let mut record = clicktodial::SampleRecord::new();
    /// record.set("Account.Phone", "(650) 555-0142");
    /// assert_eq!(record.get("Account.Phone"), Some("(650) 555-0142"));
    /// ```
    pub fn set(&mut self, field: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.fields.push((field.into(), value.into()));
        self
    }

    /// The value of `field`: the last one set with exactly this name, else
    /// the last whose name matches ignoring ASCII case (Salesforce merge
    /// field names are not case-sensitive).
    ///
    /// # Example
    ///
    /// ```
    /// let record: clicktodial::SampleRecord = [("Account.Name", "Acme")].into_iter().collect();
    /// assert_eq!(record.get("ACCOUNT.NAME"), Some("Acme"));
    /// ```
    pub fn get(&self, field: &str) -> Option<&str> {
        let exact = self.fields.iter().rev().find(|(n, _)| n == field);
        exact
            .or_else(|| {
                self.fields
                    .iter()
                    .rev()
                    .find(|(n, _)| n.eq_ignore_ascii_case(field))
            })
            .map(|(_, v)| v.as_str())
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for SampleRecord {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut record = SampleRecord::new();
        for (k, v) in iter {
            record.set(k, v);
        }
        record
    }
}

/// Fills every merge field of `template` from `record` as a Salesforce
/// custom link with the UTF-8 encoding setting does: each value encoded
/// with [`salesforce_link_encode`], the text around the merge fields left
/// as written. Every problem (an unclosed merge field, an expression the
/// filler cannot evaluate, a field the record lacks) is reported with its
/// range.
///
/// # Example
///
/// ```
/// use clicktodial::{fill_link_template, SampleRecord};
///
/// let record: SampleRecord = [("Account.Phone", "(650) 555-0142"), ("Account.Name", "Acme & Sons")]
///     .into_iter()
///     .collect();
/// let link = fill_link_template("phone={!Account.Phone}&ctl_userdata=[who|{!Account.Name}]", &record)
///     .unwrap();
/// assert_eq!(link, "phone=%28650%29+555-0142&ctl_userdata=[who|Acme+%26+Sons]");
/// ```
pub fn fill_link_template(
    template: &str,
    record: &SampleRecord,
) -> Result<String, LinkTemplateErrors> {
    let mut out = String::with_capacity(template.len());
    let mut errors = Vec::new();
    let mut done = 0;
    for field in merge_fields(template) {
        out.push_str(template.get(done..field.span.start).unwrap_or_default());
        done = field.span.end;
        if !field.closed {
            errors.push(LinkTemplateError {
                kind: LinkTemplateErrorKind::UnterminatedMergeField,
                span: field.span(),
            });
            continue;
        }
        let value = Expr::parse(&field.expression)
            .map_err(|e| (e.kind, Some(e.at)))
            .and_then(|expr| {
                expr.eval(record)
                    .map(|v| salesforce_link_encode(&v))
                    .map_err(|kind| (kind, None))
            });
        match value {
            Ok(value) => out.push_str(&value),
            // A syntax error points at its spot in the expression.
            Err((kind, at)) => errors.push(LinkTemplateError {
                kind,
                span: match at {
                    Some(at) => {
                        let start = (field.span.start + 2 + at).min(field.span.end);
                        let spot = char_range(template, start);
                        start..spot.end.min(field.span.end)
                    }
                    None => field.span(),
                },
            }),
        }
    }
    out.push_str(template.get(done..).unwrap_or_default());
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(LinkTemplateErrors { errors })
    }
}
