pub mod codec;
pub mod log;
pub mod net;
