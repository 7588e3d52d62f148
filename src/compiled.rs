//! A link compiled once and rendered for every call: [`CompiledLink`] and the
//! buffers it writes into, [`CallBuffers`].
//!
//! A contact center uses the same few links for thousands of calls. Parsing
//! the link, reading its plan, compiling each value into a [`Template`] and
//! encoding what every call writes the same (the escaped `[name|` of each
//! pair, the Salesforce JSON keys) is done once, in [`CompiledLink::new`].
//! Each call then only formats the token values and writes into buffers
//! that are reused from call to call: no allocation once the buffers have
//! grown to the link's size.
//!
//! Nothing is written twice. Each payload has one writer, which the
//! step-by-step path ([`Callback::to_form`], [`Screenpop::to_form`],
//! [`SfdcCreate::to_json`], `Display` on [`UserData`]) and this module both
//! call: the pair writer, the form writer with each form's one list of
//! fields, the JSON object writer with its one field layout. The rules are
//! the plan's and the payloads' own: which outcome gives which result code
//! and record id ([`ActionPlan::finish`]), which pairs the finished
//! `ctl_userdata` keeps, which pairs are Salesforce fields and which names
//! the sObject. What compiling keeps is only what is the same on every
//! call, encoded by the writers' own encoders. A property test and a replay
//! of the fuzz corpus check the bytes against the step-by-step path.

use std::fmt;
use std::ops::Range;

use crate::encode::{push_form_encoded, write_form, Given};
use crate::error::RequestError;
use crate::grammar::{write_open, write_pair};
use crate::payload::callback::{self, finished_pairs, ResultCode};
use crate::payload::policy::CallbackPolicy;
use crate::payload::screenpop::{self, Screenpop};
use crate::payload::sfdc::{self, json_layout, write_json_key, write_json_object, CreateOutcome};
use crate::plan::ActionPlan;
use crate::request::ClickToDialRequest;
use crate::system::NEW_RECORD_ID;
use crate::token::context::CallContext;
use crate::token::table::Token;
use crate::token::template::{Template, TemplatePiece};
use crate::token::values::TokenValues;
use crate::userdata::UserData;
#[cfg(doc)]
use crate::{Callback, SfdcCreate};

/// A pair of the link, as compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LinkPair {
    name: Box<str>,
    /// `[name|`, as the pair writer writes it.
    open: Box<str>,
}

/// A field of the Salesforce JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
struct JsonField {
    /// `"name":`, as the JSON writer writes it.
    key: Box<str>,
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
/// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
/// ctx.transaction_id = "T-1".into();
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
/// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
/// ctx.transaction_id = "T-2".into();
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
    pairs: Vec<LinkPair>,
    /// `[ctl_newRecordId|`, as the pair writer writes it.
    record_id_open: Box<str>,
    /// The pair whose expanded value names the sObject, when the plan
    /// creates a record and the link has an `ObjectType`.
    object_type: Option<usize>,
    json: Vec<JsonField>,
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
        let mut pairs = Vec::with_capacity(data.len());
        for (name, value) in data.iter() {
            program.push(&Template::compile(value));
            let mut open = String::with_capacity(name.len() + 2);
            // Writing to a String cannot fail.
            let _ = write_open(&mut open, name);
            pairs.push(LinkPair {
                name: name.into(),
                open: open.into(),
            });
        }

        // The Salesforce fields, chosen by the payload's own rules (as
        // `ActionPlan::sfdc_create` chooses them), laid out by its own
        // layout, their keys written by its own writer.
        let (object_type, json) = match plan.create {
            None => (None, Vec::new()),
            Some(_) => {
                let names: Vec<&str> = data.iter().map(|(name, _)| name).collect();
                let object_type = names.iter().rposition(|name| sfdc::names_object_type(name));
                let fields: Vec<(usize, &str)> = data
                    .iter()
                    .enumerate()
                    .filter(|(_, (name, _))| sfdc::is_field(name))
                    .map(|(i, (name, _))| (i, name))
                    .collect();
                let layout = json_layout(fields.iter().map(|&(_, name)| name));
                let json = layout
                    .iter()
                    .filter_map(|&(key, value)| {
                        let (_, name) = fields.get(key)?;
                        let (value, _) = fields.get(value)?;
                        let mut encoded = String::new();
                        write_json_key(&mut encoded, name);
                        Some(JsonField {
                            key: encoded.into(),
                            value: *value,
                        })
                    })
                    .collect();
                (object_type, json)
            }
        };

        let mut record_id_open = String::new();
        // Writing to a String cannot fail.
        let _ = write_open(&mut record_id_open, NEW_RECORD_ID);

        CompiledLink {
            plan,
            program,
            pairs,
            record_id_open: record_id_open.into(),
            object_type,
            json,
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
        self.pairs.len()
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
        self.pairs.is_empty()
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
    /// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// ctx.caller_id = "42".into();
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
    /// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// ctx.transaction_id = "T42".into();
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
    /// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// ctx.notes = "a ] b".into();
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
        let finish = self.plan.finish_of(outcome);
        out.result_code = finish.result_code;

        // The finished ctl_userdata: the link's pairs as the finish keeps
        // them, each `[name|` written once.
        let kept = self
            .pairs
            .iter()
            .enumerate()
            .map(|(i, pair)| (&*pair.name, Some(i)));
        let added = finish.record_id.map(|_| (NEW_RECORD_ID, None));
        for (_, at) in finished_pairs(kept, |pair| pair.0, added) {
            // Writing to a String cannot fail.
            let _ = match at.and_then(|i| Some((self.pairs.get(i)?, value(i)))) {
                Some((pair, value)) => {
                    write_pair(&mut out.ctl_userdata, Given::Encoded(&pair.open), value)
                }
                None => write_pair(
                    &mut out.ctl_userdata,
                    Given::Encoded(&self.record_id_open),
                    finish.record_id.unwrap_or_default(),
                ),
            };
        }

        // The Salesforce JSON, when there is a create with an object type.
        out.sobject = self
            .object_type
            .filter(|&k| sfdc::sobject(value(k)).is_some())
            .and_then(|k| out.ranges.get(k).cloned());
        if out.sobject.is_some() {
            let fields = self
                .json
                .iter()
                .map(|field| (Given::Encoded(&field.key), value(field.value)));
            write_json_object(&mut out.sfdc_json, fields);
        }

        // The two forms post the same text: encoded once, written twice.
        push_form_encoded(&mut out.encoded, &out.ctl_userdata);
        let ctl_userdata = Given::Encoded(&out.encoded);
        write_form(
            &mut out.screenpop,
            screenpop::form_fields(ctl_userdata, agent),
        );
        let fields = callback::form_fields(ctl_userdata, finish.result_code, finish.error);
        write_form(&mut out.callback, fields);
    }

    /// Renders one call into new buffers:
    /// [`render_into`](CompiledLink::render_into) with [`CallBuffers::new`].
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, CompiledLink, CreateOutcome, Screenpop, UserData};
    /// let link = CompiledLink::new(&UserData::parse("[a|$equal$]")?);
    /// let out = link.render(&CallContext::new(chrono::Utc::now(), chrono_tz::UTC), &CreateOutcome::NotRun, &Screenpop::default());
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
/// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
/// ctx.caller_id = "42".into();
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
    /// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// ctx.notes = "n".into();
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
    ///     &CallContext::new(chrono::Utc::now(), chrono_tz::UTC),
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
    /// let none = link.render(&CallContext::new(chrono::Utc::now(), chrono_tz::UTC), &CreateOutcome::NotRun, &agent);
    /// assert_eq!(none.sfdc_json(), None);
    /// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// ctx.notes = "Task".into();
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
    /// let out = CompiledLink::new(&data).render(&CallContext::new(chrono::Utc::now(), chrono_tz::UTC), &CreateOutcome::NotRun, &Screenpop::default());
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
    /// let out = CompiledLink::new(&data).render(&CallContext::new(chrono::Utc::now(), chrono_tz::UTC), &CreateOutcome::NotRun, &Screenpop::default());
    /// assert_eq!(out.sfdc_path("v59.0").as_deref(), Some("/services/data/v59.0/sobjects/Task/"));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn sfdc_path(&self, api_version: &str) -> Option<String> {
        Some(sfdc::path(self.sobject()?, api_version))
    }

    /// The screenpop POST body, as [`Screenpop::to_form`] writes it.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, CompiledLink, CreateOutcome, Screenpop, UserData};
    /// let agent = Screenpop { password: "a&b".into(), ..Screenpop::default() };
    /// let link = CompiledLink::new(&UserData::parse("[ctl_launchopt|true]")?);
    /// let out = link.render(&CallContext::new(chrono::Utc::now(), chrono_tz::UTC), &CreateOutcome::NotRun, &agent);
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
    /// let out = link.render(&CallContext::new(chrono::Utc::now(), chrono_tz::UTC), &CreateOutcome::NotRun, &Screenpop::default());
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
    /// let out = link.render(&CallContext::new(chrono::Utc::now(), chrono_tz::UTC), &CreateOutcome::NotRun, &Screenpop::default());
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
    /// let out = CompiledLink::new(&data).render(&CallContext::new(chrono::Utc::now(), chrono_tz::UTC), &CreateOutcome::NotRun, &Screenpop::default());
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
    /// let out = link.render(&CallContext::new(chrono::Utc::now(), chrono_tz::UTC), &CreateOutcome::NotRun, &Screenpop::default());
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
    /// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// ctx.transaction_id = "T1".into();
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
    fn layouts_are_the_payloads() {
        let data = UserData::parse(
            "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][a|1][CTL_NEWRECORDID|x][a|2][b%5D|3]",
        )
        .unwrap();
        let link = CompiledLink::new(&data);
        assert_eq!(link.object_type, Some(2));
        let keys: Vec<(&str, usize)> = link.json.iter().map(|f| (&*f.key, f.value)).collect();
        assert_eq!(keys, [("\"a\":", 5), ("\"b]\":", 6)]);
        let opens: Vec<&str> = link.pairs.iter().map(|p| &*p.open).collect();
        assert_eq!(opens.last(), Some(&"[b%5D|"));
        // No create planned: no JSON layout.
        let link = CompiledLink::new(&UserData::parse("[ObjectType|Task][a|1]").unwrap());
        assert_eq!((link.object_type, link.json.len()), (None, 0));
    }
}
