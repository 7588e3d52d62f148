//! The action plan: what the contact center must do for one call, read from
//! the system data, and the result code rules once it is done.
//!
//! A click-to-dial call can ask for three independent things (the vendor
//! text: "This option is independent of the ctl_action specified", "The
//! callback action is independent with other action"):
//!
//! - **create** a CRM record: only for `ctl_action=create` with
//!   `ctl_intType=sfdc`. An action without an integration type, or an
//!   action or type the contact center does not support, is ignored
//!   (result code `IGNORE`); [`ActionPlan::ignored`] says why.
//! - **launch the screenpop** when `ctl_launchopt` is true, read-only or for
//!   editing (`ctl_launchext=edit`), with `ctl_parentid` and
//!   `ctl_recordname`.
//! - **post a callback** to `ctl_callbackUrl`, once its tokens are expanded
//!   and the URL passes [`check_callback_url`].
//!
//! The result code rules ([`ActionPlan::finish`]): no create planned:
//! `IGNORE`; create done: `SUCCESS`, with `ctl_newRecordId` appended to the
//! data; create failed, or planned but not run: `FAIL` with the error
//! string. A `ctl_newRecordId` the tenant passed is dropped on every
//! outcome: only the system writes one, and only after a create.

use std::fmt;

use url::Url;

use crate::error::{RequestError, Shown};
use crate::payload::callback::{Callback, Finish, ResultCode};
use crate::payload::policy::{check_callback_url, expand_callback_url, CallbackPolicy};
use crate::payload::sfdc::{CreateOutcome, SfdcCreate};
use crate::system::{Action, Integration, LaunchMode, SystemData};
use crate::token::context::CallContext;
use crate::token::values::TokenValues;
use crate::userdata::UserData;

/// The record to create in the CRM.
///
/// # Example
///
/// ```
/// use clicktodial::{ActionPlan, Integration, UserData};
/// let data = UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]")?;
/// let create = ActionPlan::new(&data).create.unwrap();
/// assert_eq!(create.integration, Integration::Sfdc);
/// assert_eq!(create.object_type.as_deref(), Some("Task"));
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CreateRecord {
    /// The integration to create it with (today always [`Integration::Sfdc`]).
    pub integration: Integration,
    /// The object type (`ObjectType` in user data); `None` when missing, in
    /// which case the create can only fail.
    pub object_type: Option<String>,
}

/// How the screenpop is launched.
///
/// # Example
///
/// ```
/// use clicktodial::{ActionPlan, LaunchMode, UserData};
/// let data = UserData::parse("[ctl_launchopt|true][ctl_parentid|001A][ctl_recordname|Acme]")?;
/// let pop = ActionPlan::new(&data).screenpop.unwrap();
/// assert_eq!(pop.mode, LaunchMode::ReadOnly);
/// assert_eq!(pop.parent_id.as_deref(), Some("001A"));
/// assert_eq!(pop.record_name.as_deref(), Some("Acme"));
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScreenpopLaunch {
    /// Read-only, or for editing (`ctl_launchext=edit`).
    pub mode: LaunchMode,
    /// `ctl_parentid`: the record to return to.
    pub parent_id: Option<String>,
    /// `ctl_recordname`: the window or tab name.
    pub record_name: Option<String>,
}

/// Why an action in the data will not run: the plan's reason, which the
/// linter reports too (`LintKind::ActionWithoutIntegration` is the first).
/// `Display` is one line, the tenant's words sanitised.
///
/// With `serde`, a reason is `{"reason": "action-without-integration"}`,
/// `{"reason": "unsupported-action", "value": "delete"}` or
/// `{"reason": "unsupported-integration", "value": "zendesk"}`.
///
/// # Example
///
/// ```
/// use clicktodial::{ActionPlan, Ignored, UserData};
/// let plan = ActionPlan::new(&UserData::parse("[ctl_action|create][ctl_intType|zendesk]")?);
/// assert_eq!(plan.ignored, Some(Ignored::UnsupportedIntegration("zendesk".into())));
/// assert_eq!(plan.ignored.unwrap().to_string(), "ctl_intType `zendesk` is not supported");
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "reason", content = "value", rename_all = "kebab-case")
)]
#[non_exhaustive]
pub enum Ignored {
    /// `ctl_action` without `ctl_intType`: the vendor ignores the action.
    ActionWithoutIntegration,
    /// A `ctl_action` the contact center does not support, as written.
    UnsupportedAction(String),
    /// A `ctl_intType` the contact center does not support, as written.
    UnsupportedIntegration(String),
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ignored::ActionWithoutIntegration => f.write_str("ctl_action without ctl_intType"),
            Ignored::UnsupportedAction(action) => {
                write!(f, "ctl_action `{}` is not supported", Shown(action))
            }
            Ignored::UnsupportedIntegration(kind) => {
                write!(f, "ctl_intType `{}` is not supported", Shown(kind))
            }
        }
    }
}

/// What the contact center must do for one call.
///
/// # Example
///
/// ```
/// use clicktodial::{ActionPlan, CreateOutcome, LaunchMode, ResultCode, UserData};
///
/// let data = UserData::parse(
///     "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][subject|hi]\
///      [ctl_launchopt|true][ctl_launchext|edit][ctl_callbackUrl|https://crm.example.com/cb]",
/// )?;
/// let plan = ActionPlan::new(&data);
/// assert!(plan.create.is_some());
/// assert_eq!(plan.screenpop.as_ref().unwrap().mode, LaunchMode::Edit);
/// assert_eq!(plan.callback_url.as_deref(), Some("https://crm.example.com/cb"));
///
/// let done = plan.finish(data, CreateOutcome::Created("00T1".into()));
/// assert_eq!(done.result_code, ResultCode::Success);
/// assert_eq!(done.new_record_id(), Some("00T1"));
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ActionPlan {
    /// The record to create, if the data asks for a supported create.
    pub create: Option<CreateRecord>,
    /// Why an action in the data will not run (`None` when there is no
    /// action, or it runs).
    pub ignored: Option<Ignored>,
    /// The screenpop launch, if `ctl_launchopt` is true.
    pub screenpop: Option<ScreenpopLaunch>,
    /// `ctl_callbackUrl` as written (tokens not yet expanded), if given and
    /// not empty.
    pub callback_url: Option<String>,
}

impl ActionPlan {
    /// The plan for a `ctl_userdata`, read leniently (as
    /// [`UserData::system`]).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ActionPlan, Ignored, UserData};
    /// let plan = ActionPlan::new(&UserData::parse("[ctl_action|create]")?);
    /// assert!(plan.create.is_none());
    /// assert_eq!(plan.ignored, Some(Ignored::ActionWithoutIntegration));
    /// assert_eq!(plan.ignored.unwrap().to_string(), "ctl_action without ctl_intType");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn new(data: &UserData<'_>) -> ActionPlan {
        let object_type = crate::payload::sfdc::object_type(data).map(str::to_owned);
        Self::from_system(&data.system(), object_type)
    }

    /// The plan for system data already read, with the `ObjectType` user
    /// field.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Action, ActionPlan, Ignored, Integration, SystemData};
    /// let system = SystemData {
    ///     action: Some(Action::Other("delete".into())),
    ///     integration: Some(Integration::Sfdc),
    ///     ..Default::default()
    /// };
    /// let plan = ActionPlan::from_system(&system, None);
    /// assert_eq!(plan.ignored, Some(Ignored::UnsupportedAction("delete".into())));
    /// ```
    pub fn from_system(system: &SystemData, object_type: Option<String>) -> ActionPlan {
        let (create, ignored) = match (&system.action, &system.integration) {
            (None, _) => (None, None),
            (Some(_), None) => (None, Some(Ignored::ActionWithoutIntegration)),
            (Some(Action::Create), Some(Integration::Sfdc)) => (
                Some(CreateRecord {
                    integration: Integration::Sfdc,
                    object_type,
                }),
                None,
            ),
            (Some(Action::Other(action)), _) => {
                (None, Some(Ignored::UnsupportedAction(action.clone())))
            }
            (Some(_), Some(Integration::Other(kind))) => {
                (None, Some(Ignored::UnsupportedIntegration(kind.clone())))
            }
        };
        let screenpop = system.launch.then(|| ScreenpopLaunch {
            mode: system.launch_mode,
            parent_id: system.parent_id.clone(),
            record_name: system.record_name.clone(),
        });
        let callback_url = system.callback_url.clone().filter(|u| !u.trim().is_empty());
        ActionPlan {
            create,
            ignored,
            screenpop,
            callback_url,
        }
    }

    /// Whether the plan asks for nothing at all.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ActionPlan, UserData};
    /// assert!(ActionPlan::new(&UserData::parse("[subject|hi]")?).is_empty());
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.create.is_none() && self.screenpop.is_none() && self.callback_url.is_none()
    }

    /// The Salesforce create request for the *expanded* data, if the plan
    /// creates a record and the data names its object type.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ActionPlan, CallContext, UserData};
    /// let data = UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][s|$equal$]")?;
    /// let plan = ActionPlan::new(&data);
    /// let ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// let create = plan.sfdc_create(&data.try_expand(&ctx)?).unwrap();
    /// assert_eq!(create.to_json(), r#"{"s":"="}"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sfdc_create(&self, expanded: &UserData<'_>) -> Option<SfdcCreate> {
        // The plan has read the system data: only the fields are left.
        self.create.as_ref()?;
        SfdcCreate::from_fields(expanded)
    }

    /// The callback URL with its tokens expanded, checked against `policy`;
    /// `None` when the plan has no callback.
    ///
    /// The URL is expanded by URL component (see
    /// [`check_callback_url`](crate::check_callback_url)'s module notes): a
    /// token value in the path, a query value or the fragment is
    /// percent-encoded (every byte outside `A-Z a-z 0-9 - . _ ~`), so it
    /// stays one value and cannot add a parameter, cut one off or move the
    /// callback; a token in the scheme, user info, host, port or a query key
    /// is [`RequestErrorKind::CallbackToken`](crate::RequestErrorKind::CallbackToken)
    /// (the lint reports it as
    /// [`LintKind::CallbackUrlToken`](crate::LintKind::CallbackUrlToken)),
    /// and so is a value that would make a path segment `.` or `..`. Then
    /// the URL is checked with [`check_callback_url`]. (The `ctl_callbackUrl`
    /// pair inside the posted `ctl_userdata` is a value like any other and
    /// expands plainly.)
    ///
    /// Why `Option<Result<…>>`: "no callback asked for" (`None`) is not an
    /// error, and a refused URL (`Some(Err)`) is not the same as none: the
    /// contact center skips the POST and logs why, while the create and the
    /// screenpop go on (the vendor: the callback "is independent with other
    /// action"). Where `?` reads better, `.transpose()?` gives a
    /// `Result<Option<Url>, RequestError>`.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ActionPlan, CallContext, CallbackPolicy, UserData};
    /// let data = UserData::parse("[ctl_callbackUrl|https://crm.example.com/cb?t=$transaction_id$]")?;
    /// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// ctx.transaction_id = "T42".into();
    /// let url = ActionPlan::new(&data).callback(&ctx, &CallbackPolicy::default()).unwrap();
    /// assert_eq!(url.unwrap().as_str(), "https://crm.example.com/cb?t=T42");
    ///
    /// // A value stays one value: it cannot add parameters or cut `sig` off.
    /// let data = UserData::parse("[ctl_callbackUrl|https://crm.example.com/cb?n=$notes$&sig=abc]")?;
    /// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// ctx.notes = "x&resultCode=SUCCESS#".into();
    /// let url = ActionPlan::new(&data).callback(&ctx, &CallbackPolicy::default()).unwrap();
    /// assert_eq!(url.unwrap().as_str(), "https://crm.example.com/cb?n=x%26resultCode%3DSUCCESS%23&sig=abc");
    ///
    /// // Call data never chooses the host.
    /// let data = UserData::parse("[ctl_callbackUrl|https://$caller_id$.crm.example.com/cb]")?;
    /// let refused = ActionPlan::new(&data).callback(&ctx, &CallbackPolicy::default()).unwrap();
    /// assert!(refused.is_err());
    ///
    /// let data = UserData::parse("[ctl_callbackUrl|http://127.0.0.1/cb]")?;
    /// let refused = ActionPlan::new(&data).callback(&ctx, &CallbackPolicy::default()).unwrap();
    /// assert!(refused.is_err());
    /// // The same, with `?`: Ok(None) when no callback is asked for.
    /// let none = ActionPlan::new(&UserData::parse("[a|1]")?).callback(&ctx, &CallbackPolicy::default());
    /// assert_eq!(none.transpose().ok(), Some(None));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn callback(
        &self,
        ctx: &CallContext,
        policy: &CallbackPolicy,
    ) -> Option<Result<Url, RequestError>> {
        let template = self.callback_url.as_deref()?;
        Some(
            expand_callback_url(template, &mut TokenValues::new(ctx))
                .and_then(|url| check_callback_url(&url, policy)),
        )
    }

    /// The result code for an outcome, by the rules above.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ActionPlan, CreateOutcome, ResultCode, UserData};
    /// let plan = ActionPlan::new(&UserData::parse("[ctl_launchopt|true]")?);
    /// assert_eq!(plan.result_code(&CreateOutcome::NotRun), ResultCode::Ignore);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn result_code(&self, outcome: &CreateOutcome) -> ResultCode {
        self.finish_of(outcome).result_code
    }

    /// The finished call's data: the expanded `ctl_userdata`, with
    /// `ctl_newRecordId` appended after a successful create, the result code
    /// and the error string. Any `ctl_newRecordId` the tenant passed (in any
    /// letter case) is dropped on every outcome, so a `FAIL` or `IGNORE`
    /// callback never carries a record id. This is the callback body, and its
    /// `ctl_userdata` is what the screenpop posts as `CtlUserData`.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ActionPlan, CreateOutcome, ResultCode, UserData};
    /// let data = UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]")?;
    /// let plan = ActionPlan::new(&data);
    /// let failed = plan.finish(data.clone(), CreateOutcome::Failed("INVALID_FIELD".into()));
    /// assert_eq!((failed.result_code, failed.error_string.as_str()), (ResultCode::Fail, "INVALID_FIELD"));
    /// let not_run = plan.finish(data, CreateOutcome::NotRun);
    /// assert_eq!(not_run.error_string, "the create action was not run");
    ///
    /// let forged = UserData::parse("[ctl_newRecordId|forged][subject|hi]")?;
    /// let ignored = ActionPlan::new(&forged).finish(forged.clone(), CreateOutcome::NotRun);
    /// assert_eq!(ignored.ctl_userdata.to_string(), "[subject|hi]");
    /// assert_eq!(ignored.new_record_id(), None);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn finish(&self, expanded: UserData<'_>, outcome: CreateOutcome) -> Callback {
        Callback::finished(expanded, self.finish_of(&outcome))
    }

    /// The result code rules, once: what [`finish`](ActionPlan::finish),
    /// [`result_code`](ActionPlan::result_code) and `CompiledLink` do for
    /// `outcome`.
    pub(crate) fn finish_of<'o>(&self, outcome: &'o CreateOutcome) -> Finish<'o> {
        if self.create.is_none() {
            return Finish::IGNORED;
        }
        match outcome {
            CreateOutcome::Created(id) => Finish::created(id),
            CreateOutcome::Failed(error) => Finish::failed(error),
            CreateOutcome::NotRun => Finish::failed("the create action was not run"),
        }
    }
}
