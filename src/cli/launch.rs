//! From parsed arguments to a [`Launch`]: payloads and templates checked against the
//! encoding, the session's config, the launch plan and an Expect run.

use super::*;
use crate::auto::auto_send::{AutoPlan, AutoTemplates};
use crate::auto::expect::{Expect, ExpectPlan};
use crate::auto::rules::{Matcher, Responder, Rule, RuleSet, RuleSpec};
use crate::codec::{self, Template, TemplateCtx};
use crate::launch::{Launch, Print};
use crate::net::{Payload, SessionConfig};
use std::time::Duration;

/// A validation error that clap did not catch (payload text vs encoding, hex digits).
#[derive(Debug)]
pub struct ArgError(pub String);

/// `--record FILE` in a folder that does not exist yet: the folder is made (private, mode
/// 0700), and said on stderr, so a typo in the path never makes a stray folder without a
/// word.
fn record_folder(path: &std::path::Path) -> Result<(), ArgError> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
        && std::fs::symlink_metadata(dir).is_err()
    {
        eprintln!(
            "socket-tester: the folder {} does not exist: making it for --record",
            dir.display()
        );
    }
    Ok(())
}

fn payload(arg: &str, text: &str, c: &Common) -> Result<Payload, ArgError> {
    let bytes = if c.hex {
        codec::parse_hex(text).map_err(|e| ArgError(format!("{arg}: bad hex, {e}")))?
    } else if c.escapes {
        codec::parse_escapes(text, c.encoding).map_err(|e| ArgError(format!("{arg}: {e}")))?
    } else {
        codec::encode(c.encoding, text).map_err(|e| ArgError(format!("{arg}: {e}")))?
    };
    Ok(Payload::Bytes(bytes))
}

/// A TEXT argument as a template (with --template), checked by rendering it once.
fn template(arg: &str, text: &str, c: &Common) -> Result<Template, ArgError> {
    let t = if c.template {
        if c.hex {
            Template::parse_hex(text)
        } else {
            Template::parse(text)
        }
        .map_err(|e| ArgError(format!("{arg}: {e}")))?
    } else {
        match payload(arg, text, c)? {
            Payload::Bytes(b) => Template::literal_bytes(&b),
            Payload::Text(t) => Template::literal_text(&t),
        }
    };
    t.render(&mut TemplateCtx::new(c.encoding, c.escapes))
        .map_err(|e| ArgError(format!("{arg}: {e}")))?;
    Ok(t)
}

/// What --expect TEXT matches: the bytes with --hex or --escapes, else the decoded text.
fn expect_matcher(text: &str, c: &Common) -> Result<Matcher, ArgError> {
    let m = if c.hex {
        Matcher::ContainsHex(text.to_string())
    } else if c.escapes {
        let b = codec::parse_escapes(text, c.encoding)
            .map_err(|e| ArgError(format!("--expect: {e}")))?;
        Matcher::ContainsHex(codec::to_hex(&b))
    } else {
        Matcher::Contains(text.to_string())
    };
    m.compile()
        .map_err(|e| ArgError(format!("--expect: {e}")))?;
    Ok(m)
}

impl RoleCommand {
    /// The options shared by the role subcommands (None for `export`).
    pub fn common(&self) -> Option<&Common> {
        Some(match self {
            RoleCommand::Export { .. }
            | RoleCommand::Replay { .. }
            | RoleCommand::Run { .. }
            | RoleCommand::Relay(_) => {
                return None;
            }
            RoleCommand::UdpSend { common, .. }
            | RoleCommand::UdpRecv { common, .. }
            | RoleCommand::TcpClient { common, .. }
            | RoleCommand::TcpServer { common, .. } => common,
        })
    }

    /// Turns the arguments into a launch, checking payloads against the encoding.
    pub fn to_launch(&self) -> Result<Launch, ArgError> {
        if let RoleCommand::Relay(r) = self {
            return r.to_launch().map_err(ArgError);
        }
        let Some(c) = self.common() else {
            return Err(ArgError("export does not start a session".into()));
        };
        // With --template the payload is a preview (the first render); Auto renders each send.
        let opt = |arg: &str, t: &Option<String>| -> Result<Option<Payload>, ArgError> {
            t.as_deref()
                .map(|t| {
                    if c.template {
                        template(arg, t, c)?
                            .render(&mut TemplateCtx::new(c.encoding, c.escapes))
                            .map(Payload::Bytes)
                            .map_err(|e| ArgError(format!("{arg}: {e}")))
                    } else {
                        payload(arg, t, c)
                    }
                })
                .transpose()
        };
        let (config, send, reply, expect_args) = self.session(&opt)?;
        let mut config = config;
        config.sockopts = c.sock.opts(config.role)?;
        let mut auto = AutoPlan {
            reply,
            ..AutoPlan::default()
        };
        if let Some(s) = send {
            auto.send = opt("--send", &s.send)?;
            auto.every = s.every;
            auto.count = s.count;
            // --count N without --every: N sends back to back (then the run ends).
            if s.count.is_some_and(|n| n > 1) && s.every.is_none() {
                auto.every = Some(Duration::ZERO);
            }
        }
        if c.template {
            auto.templates = Some(self.templates(c, send)?);
        }
        if let Some(set) = self.rule_set(c)? {
            // --reply answers what no rule did: it is the last rule.
            auto.rules = Some(set);
            auto.reply = None;
            if let Some(t) = auto.templates.as_mut() {
                t.reply = None;
            }
        }
        if config.crowd.is_some() {
            crowd_plan(c, &mut auto, expect_args)?;
        } else if let (Some(x), Some(s)) = (expect_args, send)
            && let (Some(want), Some(text)) = (&x.expect, &s.send)
        {
            auto.expect = Some(expect_plan(c, x, s, want, text)?);
            // The expectation run does the sending.
            auto.send = None;
            auto.every = None;
            auto.count = None;
            if let Some(t) = auto.templates.as_mut() {
                t.send = None;
            }
        }
        if let Some(r) = &c.record {
            record_folder(r)?;
        }
        Ok(Launch {
            config: config.encoding(c.encoding),
            auto,
            record: c.record.clone(),
            hex: c.hex,
            framing: match self {
                RoleCommand::TcpClient { framing, .. } | RoleCommand::TcpServer { framing, .. } => {
                    framing.framing.clone()
                }
                _ => None,
            },
            duration: c.duration,
            print: match (c.full, c.quiet) {
                (true, _) => Print::Full,
                (_, true) => Print::Quiet,
                _ => Print::Preview,
            },
            check: c.check_sum,
        })
    }

    /// The session a role's arguments describe, its send options, its reply and its
    /// Expect options.
    #[allow(clippy::type_complexity)]
    fn session(
        &self,
        opt: &dyn Fn(&str, &Option<String>) -> Result<Option<Payload>, ArgError>,
    ) -> Result<
        (
            SessionConfig,
            Option<&SendArgs>,
            Option<Payload>,
            Option<&ExpectArgs>,
        ),
        ArgError,
    > {
        let mut expect_args: Option<&ExpectArgs> = None;
        let (config, send, reply) = match self {
            RoleCommand::Export { .. }
            | RoleCommand::Replay { .. }
            | RoleCommand::Run { .. }
            | RoleCommand::Relay(_) => {
                return Err(ArgError("export, replay and run do not open a tab".into()));
            }
            RoleCommand::UdpSend {
                to,
                bind,
                broadcast,
                send,
                expect,
                crowd,
                ..
            } => {
                expect_args = Some(expect);
                let mut cfg = SessionConfig::new(Role::UdpSender, to.clone());
                cfg.bind = bind.clone();
                cfg.broadcast = *broadcast;
                if let Some(c) = crowd.config(&cfg)? {
                    cfg = cfg.crowd(c);
                }
                (cfg, Some(send), None)
            }
            RoleCommand::UdpRecv { bind, reply, .. } => (
                SessionConfig::new(Role::UdpReceiver, bind.clone()),
                None,
                opt("--reply", reply)?,
            ),
            RoleCommand::TcpClient {
                connect,
                timeout,
                reply,
                send,
                expect,
                writes,
                reading,
                tls,
                ws,
                crowd,
                ..
            } => {
                expect_args = Some(expect);
                let mut cfg = SessionConfig::new(Role::TcpClient, connect.clone());
                cfg.connect_timeout = *timeout;
                cfg.shaping = writes.shaping();
                reading.apply(&mut cfg);
                cfg.tls = tls.options();
                ws.apply_client(&mut cfg)?;
                if let Some(c) = crowd.config(&cfg)? {
                    cfg = cfg.crowd(c);
                }
                (cfg, Some(send), opt("--reply", reply)?)
            }
            RoleCommand::TcpServer {
                listen,
                reply,
                backlog,
                max_clients,
                send,
                writes,
                reading,
                tls,
                ws,
                ..
            } => {
                if tls.insecure || tls.sni.is_some() || tls.pin.is_some() {
                    return Err(ArgError(
                        "--insecure, --pin and --sni are for tcp-client: a server checks client certificates only with --ca".into(),
                    ));
                }
                let mut cfg = SessionConfig::new(Role::TcpServer, listen.clone());
                cfg.shaping = writes.shaping();
                reading.apply(&mut cfg);
                cfg.tls = tls.options();
                cfg.backlog = *backlog;
                cfg.max_clients = *max_clients as usize;
                ws.apply_server(&mut cfg)?;
                (cfg, Some(send), opt("--reply", reply)?)
            }
        };
        Ok((config, send, reply, expect_args))
    }

    /// `--template`: the send and the reply rendered anew for each message.
    fn templates(&self, c: &Common, send: Option<&SendArgs>) -> Result<AutoTemplates, ArgError> {
        let tpl = |arg: &str, t: &Option<String>| -> Result<Option<Template>, ArgError> {
            t.as_deref().map(|t| template(arg, t, c)).transpose()
        };
        Ok(AutoTemplates {
            send: tpl("--send", &send.and_then(|s| s.send.clone()))?,
            reply: match self {
                RoleCommand::UdpRecv { reply, .. }
                | RoleCommand::TcpClient { reply, .. }
                | RoleCommand::TcpServer { reply, .. } => tpl("--reply", reply)?,
                _ => None,
            },
            ctx: TemplateCtx::new(c.encoding, c.escapes),
        })
    }
}

impl RoleCommand {
    /// `--rule`s (with `--reply` as a last `any` rule), checked as the session will run
    /// them; None without `--rule`. An error names the rule and the place in it.
    fn rule_set(&self, c: &Common) -> Result<Option<RuleSet>, ArgError> {
        let (args, reply) = match self {
            RoleCommand::UdpSend { rules, .. } => (rules, &None),
            RoleCommand::UdpRecv { rules, reply, .. }
            | RoleCommand::TcpClient { rules, reply, .. }
            | RoleCommand::TcpServer { rules, reply, .. } => (rules, reply),
            _ => return Ok(None),
        };
        if args.rules.is_empty() {
            return Ok(None);
        }
        let mut specs = Vec::with_capacity(args.rules.len());
        for (i, line) in args.rules.iter().enumerate() {
            let mut spec =
                RuleSpec::parse(line).map_err(|e| ArgError(format!("--rule {}: {e}", i + 1)))?;
            spec.rule.name = format!("rule {}", i + 1);
            spec.rule.reply_hex = c.hex;
            spec.rule.escapes = c.escapes;
            specs.push(spec);
        }
        let mut set = RuleSet {
            rules: specs.iter().map(|s| s.rule.clone()).collect(),
            ..RuleSet::default()
        };
        // `--framing` cuts what the rules match too: each frame, not each received chunk.
        if let RoleCommand::TcpClient { framing, .. } | RoleCommand::TcpServer { framing, .. } =
            self
        {
            set.framing = framing.framing.clone().unwrap_or_default();
        }
        if let Some(text) = reply {
            let mut last = if c.template {
                let mut r = Rule::new(Matcher::Any, text.clone());
                r.reply_hex = c.hex;
                r.escapes = c.escapes;
                r
            } else {
                match payload("--reply", text, c)? {
                    Payload::Bytes(b) => {
                        Rule::new(Matcher::Any, Template::literal_bytes(&b).source())
                    }
                    Payload::Text(t) => {
                        Rule::new(Matcher::Any, Template::literal_text(&t).source())
                    }
                }
            };
            last.name = "--reply".into();
            set.rules.push(last);
        }
        match Responder::new(set.clone(), c.encoding) {
            Ok(_) => Ok(Some(set)),
            Err(e) => Err(ArgError(match specs.get(e.rule) {
                Some(spec) => format!(
                    "--rule {}: position {}: {} (in the {})",
                    e.rule + 1,
                    spec.position_of(&e) + 1,
                    e.reason(),
                    e.field()
                ),
                None => format!("--reply: {e}"),
            })),
        }
    }
}

/// A crowd's plan: `--send` to each connection as it opens, `--every` to every open one
/// (`--count` bounds those rounds), `--expect` checked per connection.
fn crowd_plan(c: &Common, auto: &mut AutoPlan, x: Option<&ExpectArgs>) -> Result<(), ArgError> {
    if auto.count.is_some() && auto.every == Some(Duration::ZERO) {
        return Err(ArgError(
            "--connections: --count needs --every (each connection gets --send once as it opens; --every repeats it to every open one, --count times)".into(),
        ));
    }
    if let Some(x) = x {
        auto.crowd_expect = super::crowd_args::crowd_expect(c, x)?;
    }
    Ok(())
}

/// `--expect`: the run that sends `--send` and checks each reply.
fn expect_plan(
    c: &Common,
    x: &ExpectArgs,
    s: &SendArgs,
    want: &str,
    text: &str,
) -> Result<ExpectPlan, ArgError> {
    let mut plan = ExpectPlan::new(template("--send", text, c)?, expect_matcher(want, c)?);
    plan.escapes = c.template && c.escapes;
    plan.timeout = x.expect_timeout;
    plan.count = s.count.unwrap_or(1);
    plan.gap = s.every.unwrap_or(Duration::ZERO);
    plan.report = x.expect_report.clone();
    Expect::new(plan.clone(), c.encoding, crate::i18n::english)
        .map_err(|e| ArgError(e.to_string()))?;
    Ok(plan)
}
