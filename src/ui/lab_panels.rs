//! The loopback labs run on panels of their own: fresh ones (seed settings, no rows, no
//! tools, no clients) take the user's places while the lab is open, and the user's panels
//! — their settings, remembered ports, logs and running sessions — come back untouched
//! when it closes.

use super::App;
use super::session_panel::SessionPanel;
use super::settings::TabSettings;
use crate::net::Role;

/// A fresh panel for a lab: seed settings, the window's log caps, spool place and wake-up.
fn fresh(app: &App, role: Role) -> SessionPanel {
    let mut p = SessionPanel::new(role, TabSettings::seed(role));
    let (rows, bytes) = app.log_settings.caps();
    p.set_caps(rows, bytes);
    p.set_spool_dir(app.data_dir.clone());
    if let Some(n) = app.notifier() {
        p.set_notify(n);
    }
    p
}

/// Puts the user's panels of `roles` aside and fresh ones in their place.
pub fn put_aside(app: &mut App, roles: [Role; 2]) {
    for role in roles {
        let p = fresh(app, role);
        let user = app.swap_panel(p);
        app.lab_stash.push(user);
    }
}

/// Ends the lab's panels (their sessions and spools) and gives the user's back.
pub fn put_back(app: &mut App) {
    for user in std::mem::take(&mut app.lab_stash) {
        let mut lab = app.swap_panel(user);
        lab.shutdown();
    }
}
