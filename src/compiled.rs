//! A link compiled once and rendered for every call: [`CompiledLink`] and the
//! buffers it writes into, [`CallBuffers`].
//!
//! A contact center uses the same few links for thousands of calls. Parsing
//! the link, reading its plan, compiling each value into a [`Template`] and
//! encoding the constant parts of the bodies (the Salesforce JSON keys, the
//! form names, the escaped pair names) is done once, in
//! [`CompiledLink::new`]. Each call then only formats the token values and
//! copies pieces into buffers that are reused from call to call: no
//! allocation once the buffers have grown to the link's size.
//!
//! The bytes are those of the step-by-step path ([`UserData::expand`],
//! [`ActionPlan::sfdc_create`] and [`SfdcCreate::to_json`],
//! [`ActionPlan::finish`] and [`Callback::to_form`], [`Screenpop::to_form`]);
//! a property test and a replay of the fuzz corpus check it. The rules are
//! not decided twice: compiling *asks* the plan ([`ActionPlan::finish`] on
//! the link's names, [`SfdcCreate`]'s field selection) and the forms
//! ([`Screenpop::to_form`], [`Callback::to_form`]) what they do with each
//! pair and field, and records the answer as a layout.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use url::form_urlencoded;

use crate::error::RequestError;
use crate::grammar::{write_escaped, Part};
use crate::payload::callback::{Callback, ResultCode};
use crate::payload::policy::CallbackPolicy;
use crate::payload::screenpop::Screenpop;
use crate::payload::sfdc::{write_json_string, CreateOutcome, SfdcCreate};
use crate::plan::ActionPlan;
use crate::request::ClickToDialRequest;
use crate::token::context::CallContext;
use crate::token::table::Token;
use crate::token::template::{Template, TemplatePiece};
use crate::token::values::TokenValues;
use crate::userdata::UserData;

/// Marks the probe values compiling puts through the crate's own functions
/// to learn their layout. No link text can hold it: the probes are built
/// here, from the link's names only.
const MARK: char = '\u{1}';

/// The probe value of pair `i`.
fn probe_value(i: usize) -> String {
    format!("{MARK}clicktodial probe pair {i}{MARK}")
}

/// The pair index a probe value stands for.
fn probe_index(value: &str) -> Option<usize> {
    value
        .strip_prefix(MARK)?
        .strip_suffix(MARK)?
        .strip_prefix("clicktodial probe pair ")?
        .parse()
        .ok()
}

/// The probe outcome's text (the record id or the error).
const OUTCOME_PROBE: &str = "\u{1}clicktodial probe outcome\u{1}";

/// The screenpop fields' probe values, in [`ScreenpopSlot`] order.
const SCREENPOP_PROBES: [&str; 6] = [
    "\u{1}clicktodial probe CtlUserData\u{1}",
    "\u{1}clicktodial probe AgentID\u{1}",
    "\u{1}clicktodial probe Username\u{1}",
    "\u{1}clicktodial probe Password\u{1}",
    "\u{1}clicktodial probe Account\u{1}",
    "\u{1}clicktodial probe Role\u{1}",
];

/// Where a call's text goes into a form body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// The finished `ctl_userdata` text.
    UserData,
    /// The outcome's text: the record id or the error.
    Outcome,
    /// A screenpop field of the agent, by its place in `SCREENPOP_PROBES`.
    Agent(usize),
}

/// A piece of a body: already encoded text, or a slot to encode per call.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Encoded(String),
    Slot(Slot),
}

/// Appends `text` to `out`, form-encoded as [`form_urlencoded::Serializer`]
/// encodes a name or a value.
fn push_form_encoded(out: &mut String, text: &str) {
    out.extend(form_urlencoded::byte_serialize(text.as_bytes()));
}

/// The layout of a form body written by the crate: each field's name and
/// `=` encoded once, each value either constant (encoded once) or the slot
/// whose probe it holds.
fn form_layout(body: &str, slot_of: impl Fn(&str) -> Option<Slot>) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut constant = String::new();
    for (i, (name, value)) in form_urlencoded::parse(body.as_bytes()).enumerate() {
        if i > 0 {
            constant.push('&');
        }
        push_form_encoded(&mut constant, &name);
        constant.push('=');
        match slot_of(&value) {
            Some(slot) => {
                pieces.push(Piece::Encoded(std::mem::take(&mut constant)));
                pieces.push(Piece::Slot(slot));
            }
            None => push_form_encoded(&mut constant, &value),
        }
    }
    pieces.push(Piece::Encoded(constant));
    pieces.retain(|p| !matches!(p, Piece::Encoded(s) if s.is_empty()));
    pieces
}

/// A pair of the finished `ctl_userdata`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FinishedPair {
    /// The link's pair `i`, its value expanded.
    Kept(usize),
    /// A pair the finish adds: `[name|` escaped, then the value.
    Added { open: String, value: AddedValue },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum AddedValue {
    /// Escaped already.
    Escaped(String),
    /// The outcome's text (the new record id).
    Outcome,
}

/// What [`ActionPlan::finish`] does for one kind of outcome, learnt once.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Finish {
    result_code: ResultCode,
    pairs: Vec<FinishedPair>,
    /// The callback body.
    callback: Vec<Piece>,
}

/// A field of the Salesforce JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
struct JsonField {
    /// `"name":`, with the `,` before it for every field but the first.
    key: String,
    /// The pair whose expanded value is written.
    value: usize,
}

/// One operation of the values' program.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    /// Literal text of two characters or more.
    Text(Box<str>),
    /// Literal text of one character (pushed without a copy call).
    Char(char),
    /// A token, by [`Token::index`].
    Token(usize),
    /// The end of a value.
    End,
}

/// Every value of a link as one program: literal text and tokens, with an
/// `End` after each value, so that one loop writes them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Program {
    ops: Vec<Op>,
    /// Each token used, with how often it occurs.
    tokens: Vec<(Token, usize)>,
    /// The literal text's length in all.
    literal_len: usize,
}

impl Program {
    /// Appends a value.
    fn push(&mut self, template: &Template) {
        for piece in template.pieces() {
            match piece {
                TemplatePiece::Text(text) => {
                    self.literal_len += text.len();
                    // One character is kept inline, not as a boxed `str`:
                    // less to allocate and to follow (the same bytes come
                    // out either way, so deleting this arm is an
                    // equivalent mutant).
                    let mut chars = text.chars();
                    self.ops.push(match (chars.next(), chars.next()) {
                        (Some(c), None) => Op::Char(c),
                        _ => Op::Text(text.into()),
                    });
                }
                TemplatePiece::Token(token) => {
                    match self.tokens.iter_mut().find(|(t, _)| *t == token) {
                        Some((_, count)) => *count += 1,
                        None => self.tokens.push((token, 1)),
                    }
                    self.ops.push(Op::Token(token.index()));
                }
            }
        }
        self.ops.push(Op::End);
    }

    /// Writes every value into `values` (cleared first), and where each is
    /// into `ranges`.
    fn run(&self, ctx: &CallContext, values: &mut String, ranges: &mut Vec<Range<usize>>) {
        values.clear();
        ranges.clear();
        let mut token_values = TokenValues::new(ctx);
        for (token, _) in &self.tokens {
            token_values.fill(*token);
        }
        let mut table = [""; Token::ALL.len()];
        token_values.peek_into(self.tokens.iter().map(|(t, _)| *t), &mut table);
        let mut len = self.literal_len;
        for (token, count) in &self.tokens {
            len += table.get(token.index()).map_or(0, |v| v.len()) * count;
        }
        values.reserve(len);
        let mut start = 0;
        for op in &self.ops {
            match op {
                Op::Text(text) => values.push_str(text),
                Op::Char(c) => values.push(*c),
                Op::Token(i) => values.push_str(table.get(*i).copied().unwrap_or_default()),
                Op::End => {
                    ranges.push(start..values.len());
                    start = values.len();
                }
            }
        }
    }
}

/// A `ctl_userdata` link compiled once, to render the bodies of many calls.
///
/// Built from a request or its [`UserData`] (tokens unexpanded), it holds
/// the link's [`ActionPlan`], each value as a compiled [`Template`], and the
/// constant parts of every body already encoded.
/// [`render_into`](CompiledLink::render_into) then writes, for one call, the finished
/// `ctl_userdata`, the Salesforce JSON, the screenpop form and the callback
/// form into [`CallBuffers`] that are reused from call to call.
///
/// The output is byte for byte that of the step-by-step path:
///
/// - [`CallBuffers::ctl_userdata`][]: the text of
///   `plan.finish(data.expand(ctx), outcome).ctl_userdata` (the expanded
///   data, with the plan's record-id rule applied);
/// - [`CallBuffers::sfdc_json`][]: `plan.sfdc_create(&data.expand(ctx))`
///   `.map(|c| c.to_json())`;
/// - [`CallBuffers::screenpop_form`][]: [`Screenpop::to_form`] with the
///   agent's fields and the finished `ctl_userdata` as `CtlUserData` (what
///   [`ActionPlan::finish`] documents the screenpop to post);
/// - [`CallBuffers::callback_form`][]: [`Callback::to_form`] of the finished
///   callback.
///
/// Whether to send the screenpop or the callback is the plan's
/// ([`plan`](CompiledLink::plan)`.screenpop`, `.callback_url`); both bodies
/// are written on every call. The link is `Send + Sync`: one compiled link
/// can serve calls on many threads, each with its own buffers.
///
/// # Example
///
/// ```
/// use clicktodial::{CallBuffers, CallContext, CompiledLink, CreateOutcome, Screenpop, UserData};
///
/// let data = UserData::parse(
///     "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]\
///      [Subject|Call $transaction_id$][ctl_launchopt|true]",
/// )?;
/// let link = CompiledLink::new(&data);
/// let agent = Screenpop { agent_id: "agent7".into(), ..Screenpop::default() };
/// let mut out = CallBuffers::new();
///
/// let ctx = CallContext { transaction_id: "T-1".into(), ..Default::default() };
/// link.render_into(&ctx, &CreateOutcome::Created("00T1".into()), &agent, &mut out);
/// assert_eq!(out.sfdc_json(), Some(r#"{"Subject":"Call T-1"}"#));
/// assert_eq!(
///     out.ctl_userdata(),
///     "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][Subject|Call T-1]\
///      [ctl_launchopt|true][ctl_newRecordId|00T1]"
/// );
/// assert!(out.callback_form().ends_with("&resultCode=SUCCESS&errorString="));
/// assert!(out.screenpop_form().contains("&AgentID=agent7&"));
///
/// // The next call reuses the buffers.
/// let ctx = CallContext { transaction_id: "T-2".into(), ..Default::default() };
/// link.render_into(&ctx, &CreateOutcome::Failed("DUPLICATE".into()), &agent, &mut out);
/// assert_eq!(out.sfdc_json(), Some(r#"{"Subject":"Call T-2"}"#));
/// assert!(out.callback_form().ends_with("&resultCode=FAIL&errorString=DUPLICATE"));
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CompiledLink {
    plan: ActionPlan,
    /// Every value, compiled.
    program: Program,
    /// Each pair's `[name|`, the name escaped.
    opens: Vec<String>,
    /// The pair whose expanded value names the sObject, when the plan
    /// creates a record and the link has an `ObjectType`.
    object_type: Option<usize>,
    json: Vec<JsonField>,
    not_run: Finish,
    created: Finish,
    failed: Finish,
    screenpop: Vec<Piece>,
}

impl CompiledLink {
    /// Compiles a link: its plan ([`ActionPlan::new`]), its values, and the
    /// layout of every body.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CompiledLink, UserData};
    /// let data = UserData::parse("[ctl_launchopt|true][id|$caller_id$]")?;
    /// let link = CompiledLink::new(&data);
    /// assert!(link.plan().screenpop.is_some());
    /// assert_eq!(link.len(), 2);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn new(data: &UserData<'_>) -> CompiledLink {
        Self::with_plan(data, ActionPlan::new(data))
    }

    /// Compiles the `ctl_userdata` of a request (no data: an empty link,
    /// whose plan is empty).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, CompiledLink};
    /// let req = ClickToDialRequest::from_url(
    ///     "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=5551234\
    ///      &ctl_userdata=[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]",
    /// )?;
    /// let link = CompiledLink::from_request(&req);
    /// assert!(link.plan().create.is_some());
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn from_request(req: &ClickToDialRequest) -> CompiledLink {
        match &req.userdata {
            Some(data) => CompiledLink::new(data),
            None => CompiledLink::new(&UserData::new()),
        }
    }

    /// Compiles a link with a plan already read from it (the plan must be
    /// `ActionPlan::new(data)`, or one the contact center derived from it:
    /// the bodies follow the plan given).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ActionPlan, CompiledLink, UserData};
    /// let data = UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]")?;
    /// let plan = ActionPlan::new(&data);
    /// let link = CompiledLink::with_plan(&data, plan.clone());
    /// assert_eq!(link.plan(), &plan);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn with_plan(data: &UserData<'_>, plan: ActionPlan) -> CompiledLink {
        let mut program = Program::default();
        let mut opens = Vec::with_capacity(data.len());
        let mut probe = UserData::new();
        for (i, (name, value)) in data.iter().enumerate() {
            program.push(&Template::compile(value));
            opens.push(open_pair(name));
            // The names are not empty (they come from data), so this holds.
            let _ = probe.push(name.to_owned(), probe_value(i));
        }

        // The Salesforce fields: which pairs `SfdcCreate` takes, asked of it.
        let (object_type, json) = match plan.create.as_ref().and(SfdcCreate::from_fields(&probe)) {
            Some(create) => (probe_index(&create.sobject), json_layout(&create)),
            None => (None, Vec::new()),
        };

        let names: Vec<&str> = data.iter().map(|(name, _)| name).collect();
        let finish = |outcome: CreateOutcome| learn_finish(&plan, &probe, &names, outcome);
        let not_run = finish(CreateOutcome::NotRun);
        let created = finish(CreateOutcome::Created(OUTCOME_PROBE.to_owned()));
        let failed = finish(CreateOutcome::Failed(OUTCOME_PROBE.to_owned()));

        let [ud, agent_id, username, password, account, role] = SCREENPOP_PROBES;
        let pop = Screenpop {
            ctl_userdata: ud.to_owned(),
            agent_id: agent_id.to_owned(),
            username: username.to_owned(),
            password: password.to_owned(),
            account: account.to_owned(),
            role: role.to_owned(),
        };
        let screenpop = form_layout(&pop.to_form(), |value| {
            match SCREENPOP_PROBES.iter().position(|p| *p == value)? {
                0 => Some(Slot::UserData),
                i => Some(Slot::Agent(i)),
            }
        });

        CompiledLink {
            plan,
            program,
            opens,
            object_type,
            json,
            not_run,
            created,
            failed,
            screenpop,
        }
    }

    /// The plan the link was compiled with.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CompiledLink, UserData};
    /// let link = CompiledLink::new(&UserData::parse("[ctl_callbackUrl|https://crm.example.com/cb]")?);
    /// assert_eq!(link.plan().callback_url.as_deref(), Some("https://crm.example.com/cb"));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn plan(&self) -> &ActionPlan {
        &self.plan
    }

    /// How many pairs the link has.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CompiledLink, UserData};
    /// assert_eq!(CompiledLink::new(&UserData::parse("[a|1][a|2]")?).len(), 2);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.opens.len()
    }

    /// Whether the link has no pair.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CompiledLink, UserData};
    /// assert!(CompiledLink::new(&UserData::new()).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.opens.is_empty()
    }

    /// Expands every value of the link for one call into `out`
    /// ([`CallBuffers::values`]), as [`UserData::expand`] expands them, and
    /// empties the bodies. [`render_into`](CompiledLink::render_into) starts
    /// with this.
    ///
    /// Each token's value is formatted once, the output is sized once, and
    /// the values are written one after the other into one buffer.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallBuffers, CallContext, CompiledLink, UserData};
    /// let link = CompiledLink::new(&UserData::parse("[a|$caller_id$][b|x$equal$y][c|$caller_id$!]")?);
    /// let ctx = CallContext { caller_id: "42".into(), ..Default::default() };
    /// let mut out = CallBuffers::new();
    /// link.expand_into(&ctx, &mut out);
    /// assert_eq!(out.values().collect::<Vec<_>>(), ["42", "x=y", "42!"]);
    /// assert_eq!(out.ctl_userdata(), "");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn expand_into(&self, ctx: &CallContext, out: &mut CallBuffers) {
        out.clear();
        self.program.run(ctx, &mut out.values, &mut out.ranges);
    }

    /// The callback URL for a call, as [`ActionPlan::callback`] gives it
    /// (expanded, then checked against `policy`); `None` when the link asks
    /// for no callback.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, CallbackPolicy, CompiledLink, UserData};
    /// let data = UserData::parse("[ctl_callbackUrl|https://crm.example.com/cb?t=$transaction_id$]")?;
    /// let link = CompiledLink::new(&data);
    /// let ctx = CallContext { transaction_id: "T42".into(), ..Default::default() };
    /// let url = link.callback_url(&ctx, &CallbackPolicy::default()).unwrap();
    /// assert_eq!(url.unwrap().as_str(), "https://crm.example.com/cb?t=T42");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn callback_url(
        &self,
        ctx: &CallContext,
        policy: &CallbackPolicy,
    ) -> Option<Result<url::Url, RequestError>> {
        self.plan.callback(ctx, policy)
    }

    /// Renders one call into `out`, replacing what it held: the finished
    /// `ctl_userdata`, the Salesforce JSON (when the plan creates a record
    /// and the expanded `ObjectType` is not empty), the screenpop form (with
    /// `agent`'s fields; its `ctl_userdata` is ignored, the link writes its
    /// own) and the callback form.
    ///
    /// Nothing is allocated once `out` has grown to the link's size, except
    /// for a `$transaction_codes$` longer than 138 bytes (see
    /// [`TokenValues`]).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallBuffers, CallContext, CompiledLink, CreateOutcome, ResultCode, Screenpop, UserData};
    ///
    /// let link = CompiledLink::new(&UserData::parse("[note|$notes$][ctl_newRecordId|forged]")?);
    /// let ctx = CallContext { notes: "a ] b".into(), ..Default::default() };
    /// let mut out = CallBuffers::new();
    /// link.render_into(&ctx, &CreateOutcome::NotRun, &Screenpop::default(), &mut out);
    /// assert_eq!(out.result_code(), ResultCode::Ignore);
    /// assert_eq!(out.sfdc_json(), None);
    /// assert!(out.ctl_userdata().starts_with("[note|a %5D b]"));
    /// assert!(out.callback_form().starts_with("ctl_userdata=%5Bnote%7Ca+%255D+b%5D"));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn render_into(
        &self,
        ctx: &CallContext,
        outcome: &CreateOutcome,
        agent: &Screenpop,
        out: &mut CallBuffers,
    ) {
        self.expand_into(ctx, out);
        let value = |i: usize| -> &str {
            out.ranges
                .get(i)
                .and_then(|r| out.values.get(r.clone()))
                .unwrap_or("")
        };

        let (finish, outcome_text) = match outcome {
            CreateOutcome::NotRun => (&self.not_run, ""),
            CreateOutcome::Created(id) => (&self.created, id.as_str()),
            CreateOutcome::Failed(error) => (&self.failed, error.as_str()),
        };
        out.result_code = finish.result_code;

        // The finished ctl_userdata.
        out.ctl_userdata.clear();
        for pair in &finish.pairs {
            match pair {
                FinishedPair::Kept(i) => {
                    out.ctl_userdata
                        .push_str(self.opens.get(*i).map_or("", String::as_str));
                    escape_value(&mut out.ctl_userdata, value(*i));
                }
                FinishedPair::Added { open, value } => {
                    out.ctl_userdata.push_str(open);
                    match value {
                        AddedValue::Escaped(text) => out.ctl_userdata.push_str(text),
                        AddedValue::Outcome => escape_value(&mut out.ctl_userdata, outcome_text),
                    }
                }
            }
            out.ctl_userdata.push(']');
        }

        // The Salesforce JSON, when there is a create with an object type.
        out.sfdc_json.clear();
        out.sobject = self
            .object_type
            .filter(|&k| !value(k).is_empty())
            .and_then(|k| out.ranges.get(k).cloned());
        if out.sobject.is_some() {
            out.sfdc_json.push('{');
            for field in &self.json {
                out.sfdc_json.push_str(&field.key);
                write_json_string(&mut out.sfdc_json, value(field.value));
            }
            out.sfdc_json.push('}');
        }

        // The two forms.
        let agent_field = |i: usize| match i {
            1 => agent.agent_id.as_str(),
            2 => agent.username.as_str(),
            3 => agent.password.as_str(),
            4 => agent.account.as_str(),
            5 => agent.role.as_str(),
            _ => "",
        };
        // Both forms post the same text: encoded once, copied twice.
        out.encoded.clear();
        push_form_encoded(&mut out.encoded, &out.ctl_userdata);
        let fill = |pieces: &[Piece], body: &mut String| {
            body.clear();
            for piece in pieces {
                match piece {
                    Piece::Encoded(text) => body.push_str(text),
                    Piece::Slot(Slot::UserData) => body.push_str(&out.encoded),
                    Piece::Slot(Slot::Outcome) => push_form_encoded(body, outcome_text),
                    Piece::Slot(Slot::Agent(i)) => push_form_encoded(body, agent_field(*i)),
                }
            }
        };
        fill(&self.screenpop, &mut out.screenpop);
        fill(&finish.callback, &mut out.callback);
    }

    /// Renders one call into new buffers:
    /// [`render_into`](CompiledLink::render_into) with [`CallBuffers::new`].
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, CompiledLink, CreateOutcome, Screenpop, UserData};
    /// let link = CompiledLink::new(&UserData::parse("[a|$equal$]")?);
    /// let out = link.render(&CallContext::default(), &CreateOutcome::NotRun, &Screenpop::default());
    /// assert_eq!(out.ctl_userdata(), "[a|=]");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn render(
        &self,
        ctx: &CallContext,
        outcome: &CreateOutcome,
        agent: &Screenpop,
    ) -> CallBuffers {
        let mut out = CallBuffers::new();
        self.render_into(ctx, outcome, agent, &mut out);
        out
    }
}

/// `[name|`, the name escaped as `Display` on [`UserData`] escapes it.
fn open_pair(name: &str) -> String {
    let mut open = String::with_capacity(name.len() + 2);
    open.push('[');
    // Writing to a String cannot fail.
    let _ = write_escaped(&mut open, name, Part::Name);
    open.push('|');
    open
}

fn escape_value(out: &mut String, value: &str) {
    // Writing to a String cannot fail.
    let _ = write_escaped(out, value, Part::Value);
}

/// The JSON object's fields as [`SfdcCreate::to_json`] writes them: each
/// name once, where it first appears, with the value of its last pair.
fn json_layout(create: &SfdcCreate) -> Vec<JsonField> {
    let mut fields: Vec<JsonField> = Vec::new();
    // Where each name's field is, so that compiling stays linear.
    let mut at: HashMap<&str, usize> = HashMap::with_capacity(create.fields.len());
    for (name, value) in &create.fields {
        let Some(i) = probe_index(value) else {
            continue;
        };
        if let Some(&j) = at.get(name.as_str()) {
            if let Some(field) = fields.get_mut(j) {
                field.value = i;
            }
            continue;
        }
        let mut key = String::new();
        if !fields.is_empty() {
            key.push(',');
        }
        write_json_string(&mut key, name);
        key.push(':');
        at.insert(name, fields.len());
        fields.push(JsonField { key, value: i });
    }
    fields
}

/// What the plan's finish does with the link's pairs for one kind of
/// outcome, learnt by finishing the probe data.
fn learn_finish(
    plan: &ActionPlan,
    probe: &UserData<'_>,
    names: &[&str],
    outcome: CreateOutcome,
) -> Finish {
    let done: Callback = plan.finish(probe.clone(), outcome);
    let pairs = done
        .ctl_userdata
        .iter()
        .map(|(name, value)| match probe_index(value) {
            // The name check guards against a finish that would copy a
            // link value under another name; today's finish never does, so
            // the guard replaced by `true` is an equivalent mutant (the
            // compiled-against-plan proptests hold either way).
            Some(i) if names.get(i) == Some(&name) => FinishedPair::Kept(i),
            _ => FinishedPair::Added {
                open: open_pair(name),
                value: if value == OUTCOME_PROBE {
                    AddedValue::Outcome
                } else {
                    let mut escaped = String::new();
                    escape_value(&mut escaped, value);
                    AddedValue::Escaped(escaped)
                },
            },
        })
        .collect();
    let text = done.ctl_userdata.to_string();
    let callback = form_layout(&done.to_form(), |value| {
        if value == text {
            Some(Slot::UserData)
        } else if value == OUTCOME_PROBE {
            Some(Slot::Outcome)
        } else {
            None
        }
    });
    Finish {
        result_code: done.result_code,
        pairs,
        callback,
    }
}

/// The bodies of one call, written by [`CompiledLink::render_into`]; keep
/// one per thread and reuse it for every call so that its buffers stop
/// growing. `Debug` shows every body but the screenpop form, which holds the
/// agent's password.
///
/// # Example
///
/// ```
/// use clicktodial::{CallBuffers, CallContext, CompiledLink, CreateOutcome, Screenpop, UserData};
/// let mut out = CallBuffers::new();
/// assert_eq!(out.ctl_userdata(), "");
/// let link = CompiledLink::new(&UserData::parse("[id|$caller_id$]")?);
/// let ctx = CallContext { caller_id: "42".into(), ..Default::default() };
/// link.render_into(&ctx, &CreateOutcome::NotRun, &Screenpop::default(), &mut out);
/// assert_eq!(out.ctl_userdata(), "[id|42]");
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Clone)]
pub struct CallBuffers {
    /// Every expanded value, one after the other.
    values: String,
    ranges: Vec<Range<usize>>,
    ctl_userdata: String,
    /// `ctl_userdata`, form-encoded.
    encoded: String,
    sfdc_json: String,
    /// Where the expanded `ObjectType` is in `values`, when there is a create.
    sobject: Option<Range<usize>>,
    screenpop: String,
    callback: String,
    result_code: ResultCode,
}

impl fmt::Debug for CallBuffers {
    /// Shows every body except the screenpop form, which holds the agent's
    /// password: only its length is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallBuffers")
            .field("ctl_userdata", &self.ctl_userdata)
            .field("sfdc_json", &self.sfdc_json())
            .field("callback_form", &self.callback)
            .field("result_code", &self.result_code)
            .field(
                "screenpop_form",
                &format_args!("<{} bytes, redacted>", self.screenpop.len()),
            )
            .finish()
    }
}

impl Default for CallBuffers {
    fn default() -> Self {
        CallBuffers::new()
    }
}

impl CallBuffers {
    /// Empty buffers; they grow to the size of the calls rendered into them.
    ///
    /// # Example
    ///
    /// ```
    /// let out = clicktodial::CallBuffers::new();
    /// assert_eq!(out.sfdc_json(), None);
    /// ```
    pub fn new() -> CallBuffers {
        CallBuffers {
            values: String::new(),
            ranges: Vec::new(),
            ctl_userdata: String::new(),
            encoded: String::new(),
            sfdc_json: String::new(),
            sobject: None,
            screenpop: String::new(),
            callback: String::new(),
            result_code: ResultCode::Ignore,
        }
    }

    /// Empties every buffer, keeping its room.
    fn clear(&mut self) {
        self.values.clear();
        self.ranges.clear();
        self.ctl_userdata.clear();
        self.encoded.clear();
        self.sfdc_json.clear();
        self.sobject = None;
        self.screenpop.clear();
        self.callback.clear();
        self.result_code = ResultCode::Ignore;
    }

    /// The expanded values of the link's pairs, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallBuffers, CallContext, CompiledLink, UserData};
    /// let link = CompiledLink::new(&UserData::parse("[a|$notes$][b|2]")?);
    /// let ctx = CallContext { notes: "n".into(), ..Default::default() };
    /// let mut out = CallBuffers::new();
    /// link.expand_into(&ctx, &mut out);
    /// assert_eq!(out.values().collect::<Vec<_>>(), ["n", "2"]);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn values(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.ranges
            .iter()
            .map(|r| self.values.get(r.clone()).unwrap_or(""))
    }

    /// The finished `ctl_userdata` text: the expanded pairs, with the record
    /// id rule of [`ActionPlan::finish`] applied. The callback and the
    /// screenpop post this text.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, CompiledLink, CreateOutcome, Screenpop, UserData};
    /// let data = UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]")?;
    /// let out = CompiledLink::new(&data).render(
    ///     &CallContext::default(),
    ///     &CreateOutcome::Created("00T9".into()),
    ///     &Screenpop::default(),
    /// );
    /// assert!(out.ctl_userdata().ends_with("[ctl_newRecordId|00T9]"));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn ctl_userdata(&self) -> &str {
        &self.ctl_userdata
    }

    /// The Salesforce create's JSON body, as [`SfdcCreate::to_json`] writes
    /// it; `None` when the plan creates no record or the expanded
    /// `ObjectType` is missing or empty.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, CompiledLink, CreateOutcome, Screenpop, UserData};
    /// let data = UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|$notes$][a|1]")?;
    /// let link = CompiledLink::new(&data);
    /// let agent = Screenpop::default();
    /// let none = link.render(&CallContext::default(), &CreateOutcome::NotRun, &agent);
    /// assert_eq!(none.sfdc_json(), None);
    /// let ctx = CallContext { notes: "Task".into(), ..Default::default() };
    /// let task = link.render(&ctx, &CreateOutcome::NotRun, &agent);
    /// assert_eq!(task.sfdc_json(), Some(r#"{"a":"1"}"#));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn sfdc_json(&self) -> Option<&str> {
        self.sobject.as_ref().map(|_| self.sfdc_json.as_str())
    }

    /// The expanded sObject type of the create, when
    /// [`sfdc_json`](CallBuffers::sfdc_json) is `Some`.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, CompiledLink, CreateOutcome, Screenpop, UserData};
    /// let data = UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]")?;
    /// let out = CompiledLink::new(&data).render(&CallContext::default(), &CreateOutcome::NotRun, &Screenpop::default());
    /// assert_eq!(out.sobject(), Some("Task"));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn sobject(&self) -> Option<&str> {
        self.sobject.clone().and_then(|r| self.values.get(r))
    }

    /// The create's REST path, as [`SfdcCreate::path`] writes it, when
    /// [`sfdc_json`](CallBuffers::sfdc_json) is `Some`.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, CompiledLink, CreateOutcome, Screenpop, UserData};
    /// let data = UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]")?;
    /// let out = CompiledLink::new(&data).render(&CallContext::default(), &CreateOutcome::NotRun, &Screenpop::default());
    /// assert_eq!(out.sfdc_path("v59.0").as_deref(), Some("/services/data/v59.0/sobjects/Task/"));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn sfdc_path(&self, api_version: &str) -> Option<String> {
        let create = SfdcCreate {
            sobject: self.sobject()?.to_owned(),
            fields: Vec::new(),
        };
        Some(create.path(api_version))
    }

    /// The screenpop POST body, as [`Screenpop::to_form`] writes it.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, CompiledLink, CreateOutcome, Screenpop, UserData};
    /// let agent = Screenpop { password: "a&b".into(), ..Screenpop::default() };
    /// let link = CompiledLink::new(&UserData::parse("[ctl_launchopt|true]")?);
    /// let out = link.render(&CallContext::default(), &CreateOutcome::NotRun, &agent);
    /// assert!(out.screenpop_form().starts_with("CtlUserData=%5Bctl_launchopt%7Ctrue%5D&"));
    /// assert!(out.screenpop_form().contains("&Password=a%26b&extPwd=a%26b&"));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn screenpop_form(&self) -> &str {
        &self.screenpop
    }

    /// The callback POST body, as [`Callback::to_form`] writes it.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, CompiledLink, CreateOutcome, Screenpop, UserData};
    /// let link = CompiledLink::new(&UserData::parse("[id|1]")?);
    /// let out = link.render(&CallContext::default(), &CreateOutcome::NotRun, &Screenpop::default());
    /// assert_eq!(out.callback_form(), "ctl_userdata=%5Bid%7C1%5D&resultCode=IGNORE&errorString=");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn callback_form(&self) -> &str {
        &self.callback
    }

    /// The result code of the call (the callback's `resultCode`).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, CompiledLink, CreateOutcome, ResultCode, Screenpop, UserData};
    /// let data = UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]")?;
    /// let link = CompiledLink::new(&data);
    /// let out = link.render(&CallContext::default(), &CreateOutcome::NotRun, &Screenpop::default());
    /// assert_eq!(out.result_code(), ResultCode::Fail);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn result_code(&self) -> ResultCode {
        self.result_code
    }
}

/// The call's three requests as `http::Request`s (feature `http`), built
/// from the rendered bodies exactly as [`SfdcCreate::to_http`],
/// [`Screenpop::to_http`] and [`Callback::to_http`] build them. Each copies
/// its body out of the buffers (the one allocation of assembling a request).
#[cfg(feature = "http")]
impl CallBuffers {
    /// The Salesforce create, when [`sfdc_json`](CallBuffers::sfdc_json) is
    /// `Some`: `POST {instance}/services/data/{version}/sobjects/{sobject}/`,
    /// `Authorization: Bearer` marked sensitive; errors as
    /// [`SfdcCreate::to_http`].
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{url::Url, CallContext, CompiledLink, CreateOutcome, Screenpop, UserData};
    /// let data = UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][Subject|hi]")?;
    /// let out = CompiledLink::new(&data).render(&CallContext::default(), &CreateOutcome::NotRun, &Screenpop::default());
    /// let instance = Url::parse("https://acme.my.salesforce.com")?;
    /// let req = out.sfdc_request(&instance, "v59.0", "00Dxx!secret").unwrap()?;
    /// assert_eq!(req.uri(), "https://acme.my.salesforce.com/services/data/v59.0/sobjects/Task/");
    /// assert_eq!(req.body(), br#"{"Subject":"hi"}"#);
    /// assert!(!format!("{req:?}").contains("secret"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sfdc_request(
        &self,
        instance: &url::Url,
        api_version: &str,
        access_token: &str,
    ) -> Option<Result<http::Request<Vec<u8>>, RequestError>> {
        let json = self.sfdc_json()?;
        let path = self.sfdc_path(api_version)?;
        Some((|| {
            let auth = crate::payload::http::bearer(access_token)?;
            let uri = crate::payload::http::endpoint(instance, &path)?;
            Ok(crate::payload::http::json_post(uri, auth, json.to_owned()))
        })())
    }

    /// The screenpop POST to the tenant's screenpop `url`, as
    /// [`Screenpop::to_http`] (the body holds the agent's password: do not
    /// log it).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{url::Url, CallContext, CompiledLink, CreateOutcome, Screenpop, UserData};
    /// let link = CompiledLink::new(&UserData::parse("[ctl_launchopt|true]")?);
    /// let out = link.render(&CallContext::default(), &CreateOutcome::NotRun, &Screenpop::default());
    /// let req = out.screenpop_request(&Url::parse("https://crm.example.com/pop")?);
    /// assert_eq!(req.body(), out.screenpop_form().as_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn screenpop_request(&self, url: &url::Url) -> http::Request<Vec<u8>> {
        crate::payload::http::form_post(url, self.screenpop.clone())
    }

    /// The callback POST to `url` (from
    /// [`CompiledLink::callback_url`]), as [`Callback::to_http`].
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, CallbackPolicy, CompiledLink, CreateOutcome, Screenpop, UserData};
    /// let data = UserData::parse("[id|1][ctl_callbackUrl|https://crm.example.com/cb?t=$transaction_id$]")?;
    /// let link = CompiledLink::new(&data);
    /// let ctx = CallContext { transaction_id: "T1".into(), ..Default::default() };
    /// let out = link.render(&ctx, &CreateOutcome::NotRun, &Screenpop::default());
    /// let url = link.callback_url(&ctx, &CallbackPolicy::default()).unwrap()?;
    /// let req = out.callback_request(&url);
    /// assert_eq!(req.uri(), "https://crm.example.com/cb?t=T1");
    /// assert_eq!(req.body(), out.callback_form().as_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn callback_request(&self, url: &url::Url) -> http::Request<Vec<u8>> {
        crate::payload::http::form_post(url, self.callback.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_and_sync() {
        fn both<T: Send + Sync>() {}
        both::<CompiledLink>();
        both::<CallBuffers>();
    }

    #[test]
    fn debug_never_shows_the_password() {
        let link = CompiledLink::new(&UserData::parse("[ctl_launchopt|true][a|1]").unwrap());
        let agent = Screenpop {
            password: "pa55word".into(),
            ..Screenpop::default()
        };
        let out = link.render(&CallContext::default(), &CreateOutcome::NotRun, &agent);
        assert!(out.screenpop_form().contains("pa55word"));
        for text in [format!("{out:?}"), format!("{out:#?}"), format!("{link:?}")] {
            assert!(!text.contains("pa55word"), "{text}");
            assert!(
                text.contains("[a|1]") || text.contains("CompiledLink"),
                "{text}"
            );
        }
    }

    #[test]
    fn probe_values_round_trip() {
        for i in [0, 1, 41, usize::MAX] {
            assert_eq!(probe_index(&probe_value(i)), Some(i));
        }
        assert_eq!(probe_index("x"), None);
        assert_eq!(probe_index(OUTCOME_PROBE), None);
    }

    #[test]
    fn layouts_are_learnt() {
        let data = UserData::parse(
            "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][a|1][CTL_NEWRECORDID|x][a|2]",
        )
        .unwrap();
        let link = CompiledLink::new(&data);
        assert_eq!(link.object_type, Some(2));
        assert_eq!(
            link.json,
            [JsonField {
                key: "\"a\":".into(),
                value: 5
            }]
        );
        assert_eq!(link.created.result_code, ResultCode::Success);
        assert!(matches!(
            link.created.pairs.last(),
            Some(FinishedPair::Added {
                value: AddedValue::Outcome,
                ..
            })
        ));
        assert_eq!(
            link.failed.callback,
            [
                Piece::Encoded("ctl_userdata=".into()),
                Piece::Slot(Slot::UserData),
                Piece::Encoded("&resultCode=FAIL&errorString=".into()),
                Piece::Slot(Slot::Outcome),
            ]
        );
        assert!(link
            .screenpop
            .ends_with(&[Piece::Encoded("&Command=launch&cmd=launch".into())]));
    }
}
