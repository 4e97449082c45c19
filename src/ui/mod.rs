//! The window (egui).

/// Opens the window. (Placeholder until the UI lands: the UI engineer replaces this file.)
pub fn run(_launch: Option<crate::launch::Launch>) -> Result<(), String> {
    Err("the window is not built yet".into())
}
