pub mod cli;
pub mod codec;
pub mod headless;
pub mod launch;
pub mod log;
pub mod net;
pub mod ui;
