//! The crowd fields of the TCP Client and the UDP Sender: how many connections (sources;
//! 1: a single client, as before), how many open a second (empty or 0: as fast as
//! possible), and what each sends as it opens (a template: `{conn}` is each one's own
//! number, so 40 "students" introduce themselves by 40 numbers; `{seq}` counts each one's
//! own sends). A bad value is named under its field and keeps Connect / Bind off; a crowd
//! with TLS, WebSocket or a unix socket is refused the same way. (The UDP Sender's local
//! port waits while a crowd is set: each source binds its own.)

use crate::net::crowd::{CrowdConfig, MAX_CONNECTIONS};
use crate::ui::common::lang::ui_loader;
use crate::ui::common::style::error_label;
use egui::{TextEdit, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};

/// The saved fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CrowdForm {
    pub connections: String,
    pub ramp: String,
    /// Sent by each connection as it opens (a template; empty: nothing).
    pub hello: String,
}

impl Default for CrowdForm {
    fn default() -> Self {
        CrowdForm {
            connections: "1".into(),
            ramp: String::new(),
            hello: String::new(),
        }
    }
}

/// What is wrong with the fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrowdProblem {
    Connections,
    Ramp,
    /// A crowd with TLS, WebSocket or a unix socket (not available in a crowd yet).
    NotWithLayers,
    /// The greeting is not a template (the error, for its words).
    Hello(crate::codec::TemplateError),
}

impl CrowdForm {
    /// The fields that give `c` (a command-line launch).
    pub fn from_config(c: Option<&CrowdConfig>) -> CrowdForm {
        match c {
            Some(c) => CrowdForm {
                connections: c.connections.to_string(),
                ramp: c.ramp.map(|r| r.to_string()).unwrap_or_default(),
                hello: String::new(),
            },
            None => CrowdForm::default(),
        }
    }

    /// The crowd (None: one connection), or what is wrong. `layers`: the tab's other
    /// fields allow one connection only (TLS, WebSocket or a unix socket). `hex`: the send
    /// box's Hex is on, so the greeting is a hex template.
    pub fn config(&self, layers: bool, hex: bool) -> Result<Option<CrowdConfig>, CrowdProblem> {
        // Full-width digits (２０, from a Chinese input method) count as typed.
        let connections = crate::codec::text::ascii_digits(&self.connections);
        let t = connections.trim();
        let n: u64 = if t.is_empty() {
            1
        } else {
            t.parse().map_err(|_| CrowdProblem::Connections)?
        };
        let ramp_text = crate::codec::text::ascii_digits(&self.ramp);
        let r = ramp_text.trim();
        let ramp = if r.is_empty() {
            None
        } else {
            Some(r.parse::<f64>().map_err(|_| CrowdProblem::Ramp)?)
        };
        let c = CrowdConfig::new(n, ramp).map_err(|e| match e {
            crate::net::crowd::CrowdError::Connections(_) => CrowdProblem::Connections,
            crate::net::crowd::CrowdError::Ramp(_) => CrowdProblem::Ramp,
        })?;
        if c.connections <= 1 {
            return Ok(None);
        }
        if layers {
            return Err(CrowdProblem::NotWithLayers);
        }
        self.greeting(hex).map_err(CrowdProblem::Hello)?;
        Ok(Some(c))
    }

    /// Whether the ramp field is wrong on its own (so it is said even while the
    /// connections field is wrong too).
    pub fn ramp_wrong(&self) -> bool {
        let ramp = crate::codec::text::ascii_digits(&self.ramp);
        let r = ramp.trim();
        !r.is_empty()
            && r.parse::<f64>()
                .map_or(true, |v| crate::net::crowd::ramp_rate(Some(v)).is_err())
    }

    /// The greeting as a template (None when empty); a hex template with `hex`.
    pub fn greeting(
        &self,
        hex: bool,
    ) -> Result<Option<crate::codec::Template>, crate::codec::TemplateError> {
        if self.hello.is_empty() {
            return Ok(None);
        }
        crate::codec::Template::parse_with(&self.hello, hex, &|_| false).map(Some)
    }

    /// What each connection sends as it opens: a launch plan rendering the greeting at
    /// each send in `enc` (empty without a greeting or a crowd), as hex and with escapes
    /// as the send box's Hex and Escapes say.
    pub fn plan(
        &self,
        enc: crate::codec::Encoding,
        hex: bool,
        escapes: bool,
    ) -> crate::auto::auto_send::AutoPlan {
        use crate::auto::auto_send::{AutoPlan, AutoTemplates};
        let Ok(Some(t)) = self.greeting(hex) else {
            return AutoPlan::default();
        };
        let ctx = crate::codec::TemplateCtx::new(enc, escapes);
        // The preview says there is something to send; each send renders anew.
        let Ok(preview) = t.render(&mut ctx.clone()) else {
            return AutoPlan::default();
        };
        AutoPlan {
            send: Some(crate::net::Payload::Bytes(preview)),
            templates: Some(AutoTemplates {
                send: Some(t),
                reply: None,
                ctx,
            }),
            ..AutoPlan::default()
        }
    }
}

/// The two fields, each labelled; true when they are good.
pub fn fields(
    ui: &mut Ui,
    form: &mut CrowdForm,
    editable: bool,
    layers: bool,
    (hex, udp): (bool, bool),
) -> bool {
    let l = ui_loader(ui);
    let problem = form.config(layers, hex).err();
    // Each field an item of its own in the row, so the row wraps (a half-width lab pane)
    // instead of widening the tab.
    ui.add_enabled_ui(editable, |ui| {
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                // UDP: sources (it has no connections).
                let (name, tip) = if udp {
                    (fl!(l, "crowd-sources"), fl!(l, "crowd-sources-tip"))
                } else {
                    (fl!(l, "crowd-connections"), fl!(l, "crowd-connections-tip"))
                };
                let name = ui.label(name);
                ui.add(TextEdit::singleline(&mut form.connections).desired_width(60.0))
                    .labelled_by(name.id)
                    .on_hover_text(tip);
            });
            match problem {
                Some(CrowdProblem::Connections) => {
                    error_label(ui, &fl!(l, "crowd-bad-connections", max = MAX_CONNECTIONS))
                }
                Some(CrowdProblem::NotWithLayers) => {
                    error_label(ui, &fl!(l, "crowd-not-with-layers"))
                }
                _ => {}
            }
        })
    });
    ui.add_enabled_ui(editable, |ui| {
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                let name = ui.label(fl!(l, "crowd-ramp"));
                ui.add(
                    TextEdit::singleline(&mut form.ramp)
                        .hint_text(fl!(l, "crowd-ramp-hint"))
                        .desired_width(60.0),
                )
                .labelled_by(name.id)
                .on_hover_text(fl!(l, "crowd-ramp-tip"));
            });
            if problem == Some(CrowdProblem::Ramp) || form.ramp_wrong() {
                error_label(ui, &fl!(l, "crowd-bad-ramp"));
            }
        })
    });
    ui.add_enabled_ui(editable, |ui| {
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                let name = ui.label(fl!(l, "crowd-hello"));
                ui.add(
                    TextEdit::singleline(&mut form.hello)
                        .hint_text(fl!(l, "crowd-hello-hint"))
                        .desired_width(120.0),
                )
                .labelled_by(name.id)
                .on_hover_text(fl!(l, "crowd-hello-tip"));
            });
            // Said whatever else is wrong too (each field its own reason, at once).
            let hello = match &problem {
                Some(CrowdProblem::Hello(e)) => Some(e.clone()),
                _ => form.greeting(hex).err(),
            };
            if let Some(e) = &hello {
                let lang = crate::ui::common::lang::lang(ui.ctx());
                error_label(
                    ui,
                    &crate::ui::common::payload_words::template_error_text(lang, e),
                );
            }
        })
    });
    problem.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_give_a_crowd_or_a_problem() {
        let f = |c: &str, r: &str| CrowdForm {
            connections: c.into(),
            ramp: r.into(),
            hello: String::new(),
        };
        assert_eq!(f("1", "").config(false, false), Ok(None));
        assert_eq!(f("", "").config(true, false), Ok(None));
        assert_eq!(
            f("40", "10")
                .config(false, false)
                .map(|c| c.map(|c| c.connections)),
            Ok(Some(40))
        );
        assert_eq!(
            f("0", "").config(false, false),
            Err(CrowdProblem::Connections)
        );
        assert_eq!(
            f("x", "").config(false, false),
            Err(CrowdProblem::Connections)
        );
        assert_eq!(f("5", "-1").config(false, false), Err(CrowdProblem::Ramp));
        assert_eq!(
            f("5", "").config(true, false),
            Err(CrowdProblem::NotWithLayers)
        );
        // A Chinese input method's full-width digits are the number they look like.
        assert_eq!(
            f("２０", "１０")
                .config(false, false)
                .map(|c| c.map(|c| c.connections)),
            Ok(Some(20))
        );
        // Both fields wrong: each is said under its own field.
        assert_eq!(
            f("1e6", "abc").config(false, false),
            Err(CrowdProblem::Connections)
        );
        assert!(f("1e6", "abc").ramp_wrong());
        assert!(f("1e6", "-1").ramp_wrong());
        assert!(!f("1e6", "10").ramp_wrong());
        assert!(!f("5", "").ramp_wrong());
        let mut g = f("3", "");
        g.hello = "{conn} 你好 {seq}".into();
        assert!(g.config(false, false).is_ok());
        let plan = g.plan(crate::codec::Encoding::UTF_8, false, false);
        assert!(plan.send.is_some() && plan.templates.is_some());
        // The send box's Hex and Escapes apply to the greeting.
        g.hello = "00 01 ff".into();
        let hex = g.plan(crate::codec::Encoding::UTF_8, true, false);
        assert_eq!(hex.send, Some(crate::net::Payload::Bytes(vec![0, 1, 0xff])));
        assert!(matches!(g.config(false, true), Ok(Some(_))));
        g.hello = "hi\\r\\n".into();
        let esc = g.plan(crate::codec::Encoding::UTF_8, false, true);
        assert_eq!(
            esc.send,
            Some(crate::net::Payload::Bytes(b"hi\r\n".to_vec()))
        );
        g.hello = "zz".into();
        assert!(matches!(g.config(false, true), Err(CrowdProblem::Hello(_))));
        g.hello = "{nope".into();
        assert!(matches!(
            g.config(false, false),
            Err(CrowdProblem::Hello(_))
        ));
    }
}
