pub mod cli;
pub mod codec;
pub mod headless;
pub mod i18n;
pub mod launch;
pub mod log;
pub mod net;
pub mod ui;
