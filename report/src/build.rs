//! What `clicktodial build` writes: a click-to-dial link, or a CRM
//! custom-link template with its merge fields intact; shared by the command
//! and the page's engine.

use clicktodial::{merge_fields, ClickToDialRequest, LinkTemplate, LinkTemplateErrors, UserData};
use serde::{Deserialize, Serialize};

/// What to build: the command's flags (`--base`, `--phone`, `--prefix`,
/// `--caller-id`, `--data`, `--template`), and the JSON the page's engine
/// reads (camelCase keys).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BuildSettings {
    /// The tenant's login URL (`https://vcc-na4.8x8.com`).
    pub base: String,
    /// The number to dial (a merge field such as `{!Account.Phone}` in a
    /// template).
    pub phone: String,
    /// Digits dialled before the number.
    pub prefix: Option<String>,
    /// The caller ID (digits).
    pub caller_id: Option<String>,
    /// `ctl_userdata` as `[name|value]` pairs.
    pub data: Option<String>,
    /// `salesforce`: a Salesforce custom link (content source URL), merge
    /// fields intact; none: a link.
    pub template: Option<String>,
}

/// The link or the template `settings` describe. Errors name the setting
/// by the command's flag (`--phone`).
///
/// # Errors
///
/// A one-line message when a setting cannot be used.
///
/// # Example
///
/// ```
/// use clicktodial_report::{build_link, BuildSettings};
///
/// let link = build_link(&BuildSettings {
///     base: "https://vcc-na4.8x8.com".into(),
///     phone: "6502022222".into(),
///     prefix: Some("1".into()),
///     ..BuildSettings::default()
/// })
/// .unwrap();
/// assert_eq!(link, "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=6502022222");
///
/// let template = build_link(&BuildSettings {
///     base: "https://vcc-na4.8x8.com".into(),
///     phone: "{!Account.Phone}".into(),
///     template: Some("salesforce".into()),
///     ..BuildSettings::default()
/// })
/// .unwrap();
/// assert!(template.contains("phone={!Account.Phone}"));
/// ```
pub fn build_link(settings: &BuildSettings) -> Result<String, String> {
    match settings.template.as_deref() {
        Some("salesforce") => salesforce(settings),
        Some(other) => Err(format!("--template `{other}`: the one CRM is salesforce")),
        None => {
            let mut req = ClickToDialRequest::new(settings.phone.clone());
            req.prefix = settings.prefix.clone();
            req.caller_id = settings.caller_id.clone();
            req.userdata = settings
                .data
                .as_deref()
                .map(|d| UserData::parse(d).map(UserData::into_owned))
                .transpose()
                .map_err(|e| format!("--data: {e}"))?;
            req.to_url(&settings.base).map_err(|e| e.to_string())
        }
    }
}

/// A Salesforce custom link (content source URL) with its merge fields
/// intact, built by the library's [`LinkTemplate`].
fn salesforce(settings: &BuildSettings) -> Result<String, String> {
    let errors = |flag: &str, text: &str, e: LinkTemplateErrors| format!("{flag} `{text}`: {e}");
    LinkTemplate::new(&settings.base, "1").map_err(|e| errors("--base", &settings.base, e))?;
    let mut template = LinkTemplate::new(&settings.base, &settings.phone)
        .map_err(|e| errors("--phone", &settings.phone, e))?;
    for (flag, name, value) in [
        ("--prefix", "prefix", &settings.prefix),
        ("--caller-id", "callerId", &settings.caller_id),
    ] {
        if let Some(value) = value {
            template
                .set(name, value)
                .map_err(|e| errors(flag, value, e))?;
        }
    }
    if let Some(data) = &settings.data {
        // A merge field's expression may hold `]` or `|` (a SUBSTITUTE):
        // the pairs cannot be told apart then.
        if merge_fields(data)
            .iter()
            .any(|f| f.expression().contains([']', '|', '[']))
        {
            return Err(
                "--data: a merge field holding `[`, `|` or `]` cannot be told apart \
                        from the pairs; write the template by hand and check it with \
                        `clicktodial lint`"
                    .to_owned(),
            );
        }
        let pairs = UserData::parse(data).map_err(|e| format!("--data: {e}"))?;
        for (name, value) in pairs.iter() {
            template
                .push_userdata(name, value)
                .map_err(|e| errors("--data", data, e))?;
        }
    }
    Ok(template.to_salesforce())
}
