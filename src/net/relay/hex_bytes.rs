//! Bytes as a hex string in the relay's JSON events.

use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::codec::to_hex(b).replace(' ', ""))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let s = String::deserialize(d)?;
    crate::codec::parse_hex(&s).map_err(serde::de::Error::custom)
}
