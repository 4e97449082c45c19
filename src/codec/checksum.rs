//! Checksums appended to a payload, as serial and fieldbus protocols expect them.
//!
//! | Checksum            | Width | Appended as                                   |
//! |---------------------|-------|-----------------------------------------------|
//! | sum8                | 1     | the byte sum modulo 256                       |
//! | xor8                | 1     | all bytes XOR-ed together                     |
//! | CRC-16/MODBUS       | 2     | little-endian (low byte first), as Modbus RTU |
//! | CRC-16/CCITT-FALSE  | 2     | big-endian (high byte first)                  |
//! | CRC-32 (ISO-HDLC)   | 4     | little-endian, as the Ethernet FCS            |
//!
//! The CRCs come from the `crc` crate's catalogue (CRC_16_MODBUS, CRC_16_IBM_3740 which is
//! CCITT-FALSE, CRC_32_ISO_HDLC); nothing here hand-rolls a table.

use crc::{CRC_16_IBM_3740, CRC_16_MODBUS, CRC_32_ISO_HDLC, Crc};
use serde::{Deserialize, Serialize};

const MODBUS: Crc<u16> = Crc::<u16>::new(&CRC_16_MODBUS);
const CCITT: Crc<u16> = Crc::<u16>::new(&CRC_16_IBM_3740);
const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);

/// One of the checksums a user can append.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    Sum8,
    Xor8,
    Crc16Modbus,
    Crc16Ccitt,
    Crc32,
}

impl Checksum {
    /// Every checksum, in the order offered.
    pub const ALL: [Checksum; 5] = [
        Checksum::Sum8,
        Checksum::Xor8,
        Checksum::Crc16Modbus,
        Checksum::Crc16Ccitt,
        Checksum::Crc32,
    ];

    /// The name shown in the picker.
    pub fn name(self) -> &'static str {
        match self {
            Checksum::Sum8 => "sum8",
            Checksum::Xor8 => "xor8",
            Checksum::Crc16Modbus => "CRC-16/MODBUS",
            Checksum::Crc16Ccitt => "CRC-16/CCITT-FALSE",
            Checksum::Crc32 => "CRC-32",
        }
    }

    /// A short id for settings and the command line (`crc16-modbus`).
    pub fn id(self) -> &'static str {
        match self {
            Checksum::Sum8 => "sum8",
            Checksum::Xor8 => "xor8",
            Checksum::Crc16Modbus => "crc16-modbus",
            Checksum::Crc16Ccitt => "crc16-ccitt",
            Checksum::Crc32 => "crc32",
        }
    }

    /// How the result is appended, for a tooltip.
    pub fn description(self) -> &'static str {
        match self {
            Checksum::Sum8 => "1 byte: sum of all bytes modulo 256",
            Checksum::Xor8 => "1 byte: XOR of all bytes",
            Checksum::Crc16Modbus => "2 bytes, low byte first (Modbus RTU)",
            Checksum::Crc16Ccitt => "2 bytes, high byte first (poly 0x1021, init 0xFFFF)",
            Checksum::Crc32 => "4 bytes, low byte first (zlib/Ethernet CRC-32)",
        }
    }

    /// Finds a checksum by id or display name, ignoring case, `-`, `_`, `/` and spaces.
    pub fn from_name(s: &str) -> Option<Checksum> {
        let norm = |s: &str| -> String {
            s.chars()
                .filter(|c| !matches!(c, '-' | '_' | '/' | ' '))
                .flat_map(char::to_lowercase)
                .collect()
        };
        let want = norm(s);
        Checksum::ALL
            .into_iter()
            .find(|c| norm(c.id()) == want || norm(c.name()) == want)
    }

    /// How many bytes it appends.
    pub fn width(self) -> usize {
        match self {
            Checksum::Sum8 | Checksum::Xor8 => 1,
            Checksum::Crc16Modbus | Checksum::Crc16Ccitt => 2,
            Checksum::Crc32 => 4,
        }
    }

    /// The checksum as a number.
    pub fn value(self, data: &[u8]) -> u32 {
        match self {
            Checksum::Sum8 => u32::from(data.iter().fold(0u8, |a, &b| a.wrapping_add(b))),
            Checksum::Xor8 => u32::from(data.iter().fold(0u8, |a, &b| a ^ b)),
            Checksum::Crc16Modbus => u32::from(MODBUS.checksum(data)),
            Checksum::Crc16Ccitt => u32::from(CCITT.checksum(data)),
            Checksum::Crc32 => CRC32.checksum(data),
        }
    }

    /// The bytes to append, in wire order.
    pub fn compute(self, data: &[u8]) -> Vec<u8> {
        let v = self.value(data);
        match self {
            Checksum::Sum8 | Checksum::Xor8 => vec![v as u8],
            Checksum::Crc16Modbus => (v as u16).to_le_bytes().to_vec(),
            Checksum::Crc16Ccitt => (v as u16).to_be_bytes().to_vec(),
            Checksum::Crc32 => v.to_le_bytes().to_vec(),
        }
    }

    /// Appends the checksum of `data` to it.
    pub fn append(self, data: &mut Vec<u8>) {
        let c = self.compute(data);
        data.extend_from_slice(&c);
    }

    /// `data` followed by its checksum.
    pub fn appended(self, data: &[u8]) -> Vec<u8> {
        let mut v = Vec::with_capacity(data.len() + self.width());
        v.extend_from_slice(data);
        self.append(&mut v);
        v
    }

    /// True if the last `width()` bytes of `frame` are the checksum of the rest.
    pub fn verify(self, frame: &[u8]) -> bool {
        let Some(split) = frame.len().checked_sub(self.width()) else {
            return false;
        };
        self.compute(&frame[..split]) == frame[split..]
    }
}

impl std::fmt::Display for Checksum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECK: &[u8] = b"123456789";

    #[test]
    fn catalogue_check_values() {
        assert_eq!(Checksum::Crc16Modbus.value(CHECK), 0x4B37);
        assert_eq!(Checksum::Crc16Ccitt.value(CHECK), 0x29B1);
        assert_eq!(Checksum::Crc32.value(CHECK), 0xCBF4_3926);
        assert_eq!(Checksum::Sum8.value(CHECK), 0xDD);
        assert_eq!(Checksum::Xor8.value(CHECK), 0x31);
    }

    #[test]
    fn modbus_known_frame() {
        let req = [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A];
        assert_eq!(Checksum::Crc16Modbus.compute(&req), vec![0xC5, 0xCD]);
        let mut v = req.to_vec();
        Checksum::Crc16Modbus.append(&mut v);
        assert_eq!(v, vec![0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD]);
        assert!(Checksum::Crc16Modbus.verify(&v));
        assert!(!Checksum::Crc16Modbus.verify(&v[..7]));
        assert!(!Checksum::Crc16Modbus.verify(&[1]));
    }

    #[test]
    fn byte_order() {
        assert_eq!(Checksum::Crc16Ccitt.compute(CHECK), vec![0x29, 0xB1]);
        assert_eq!(Checksum::Crc32.compute(CHECK), vec![0x26, 0x39, 0xF4, 0xCB]);
        assert_eq!(Checksum::Sum8.compute(&[0xff, 0x02]), vec![0x01]);
        assert_eq!(Checksum::Xor8.compute(&[]), vec![0]);
        for c in Checksum::ALL {
            assert_eq!(c.compute(b"x").len(), c.width());
            assert_eq!(c.appended(b"ab").len(), 2 + c.width());
        }
    }

    #[test]
    fn names() {
        for c in Checksum::ALL {
            assert_eq!(Checksum::from_name(c.id()), Some(c));
            assert_eq!(Checksum::from_name(c.name()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<Checksum>(&json).unwrap(), c);
        }
        assert_eq!(
            Checksum::from_name("CRC16_MODBUS"),
            Some(Checksum::Crc16Modbus)
        );
        assert_eq!(Checksum::from_name("md5"), None);
    }
}
