//! The small pieces every part of the window shares: the language of the frame, the
//! colours and themes, layout rules, the checked host and port fields and the plain
//! ones, the words for payload errors, the window icon, and work handed to a thread.

pub(super) mod address_field;
pub(super) mod background;
pub(super) mod field;
pub(super) mod icon;
pub(super) mod lang;
pub(super) mod layout;
pub(super) mod payload_words;
pub(super) mod style;
