//! Tests of binary field specs and the received-frame checksum check.

use super::*;

const MODBUS_REQ: [u8; 6] = [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A];

#[test]
fn int_fields_every_width_and_order() {
    let v = 0x0102_0304u64;
    let f = |s| IntField::parse(s).unwrap();
    assert_eq!(f("u8").bytes_of(v), vec![0x04]);
    assert_eq!(f("u16be").bytes_of(v), vec![0x03, 0x04]);
    assert_eq!(f("u16le").bytes_of(v), vec![0x04, 0x03]);
    assert_eq!(f("u32be").bytes_of(v), vec![1, 2, 3, 4]);
    assert_eq!(f("u32le").bytes_of(v), vec![4, 3, 2, 1]);
    assert_eq!(f("u8").bytes_of(256), vec![0], "wraps");
    assert_eq!(f("u16be").max(), 65535);
    for bad in ["u24", "u16", "U8", "i16be", ""] {
        assert_eq!(IntField::parse(bad), None, "{bad}");
    }
}

#[test]
fn ranges_parse_and_resolve() {
    let r = |s| ByteRange::parse(s).unwrap();
    assert_eq!(r("0..-4").resolve(10), Some((0, 6)));
    assert_eq!(r("2..").resolve(10), Some((2, 10)));
    assert_eq!(r("..").resolve(3), Some((0, 3)));
    assert_eq!(r("-3..-1").resolve(10), Some((7, 9)));
    assert_eq!(r("1..-1").resolve(1), None, "reversed once resolved");
    assert_eq!(r("0..11").resolve(10), None, "past the end");
    assert_eq!(r("-11..").resolve(10), None, "before the start");
    for bad in ["5..2", "-1..-3", "a..b", "1.2", "0..x", "99999999999..1"] {
        assert_eq!(ByteRange::parse(bad), None, "{bad}");
    }
    assert_eq!(r("0..-4").to_string(), "0..-4");
}

#[test]
fn spec_parses_options_in_any_order() {
    let s = ChecksumSpec::parse("crc16-modbus:le").unwrap();
    assert_eq!(
        (s.alg, s.order),
        (Checksum::Crc16Modbus, Some(ByteOrder::Le))
    );
    let s = ChecksumSpec::parse("CRC32:0..-4:be").unwrap();
    assert_eq!(s.order, Some(ByteOrder::Be));
    assert_eq!(s.range, ByteRange::parse("0..-4"));
    assert_eq!(s.to_string(), "crc32:be:0..-4");
    let s = ChecksumSpec::parse("xor8:1..-2:@-2").unwrap();
    assert_eq!(s.at, Some(-2));
    assert_eq!(ChecksumSpec::parse(&s.to_string()), Ok(s));
    assert_eq!(
        ChecksumSpec::parse("md5"),
        Err(FieldProblem::UnknownChecksum("md5".into()))
    );
    assert_eq!(
        ChecksumSpec::parse("crc32:be:le"),
        Err(FieldProblem::Twice("le".into()))
    );
    assert_eq!(
        ChecksumSpec::parse("crc32:5..1"),
        Err(FieldProblem::BadRange("5..1".into()))
    );
    assert_eq!(
        ChecksumSpec::parse("crc32:big"),
        Err(FieldProblem::BadArg("big".into()))
    );
    assert_eq!(
        ChecksumSpec::parse("crc32:@x"),
        Err(FieldProblem::BadArg("@x".into()))
    );
}

#[test]
fn spec_bytes_in_each_order() {
    let natural = ChecksumSpec::parse("crc16-modbus").unwrap();
    assert_eq!(natural.bytes_of(&MODBUS_REQ), vec![0xC5, 0xCD]);
    let le = ChecksumSpec::parse("crc16-modbus:le").unwrap();
    assert_eq!(le.bytes_of(&MODBUS_REQ), vec![0xC5, 0xCD]);
    let be = ChecksumSpec::parse("crc16-modbus:be").unwrap();
    assert_eq!(be.bytes_of(&MODBUS_REQ), vec![0xCD, 0xC5]);
    let crc = ChecksumSpec::parse("crc32:be").unwrap();
    assert_eq!(crc.bytes_of(b"123456789"), vec![0xCB, 0xF4, 0x39, 0x26]);
    let ccitt = ChecksumSpec::parse("crc16-ccitt:le").unwrap();
    assert_eq!(ccitt.bytes_of(b"123456789"), vec![0xB1, 0x29]);
}

#[test]
fn check_good_bad_and_short() {
    let spec = ChecksumSpec::parse("crc16-modbus:le").unwrap();
    let mut frame = MODBUS_REQ.to_vec();
    frame.extend([0xC5, 0xCD]);
    assert_eq!(spec.check(&frame), CheckOutcome::Good);
    // The default (no order) reads it the way Modbus writes it, too.
    let plain = ChecksumSpec::parse("crc16-modbus").unwrap();
    assert_eq!(plain.check(&frame), CheckOutcome::Good);
    frame[7] = 0xAB;
    let bad = spec.check(&frame);
    assert_eq!(
        bad,
        CheckOutcome::Bad {
            got: 0xABC5,
            expected: 0xCDC5,
            width: 2
        }
    );
    assert_eq!(bad.english(), "checksum wrong: got 0xABC5, expected 0xCDC5");
    assert_eq!(spec.check(&[1]), CheckOutcome::TooShort);
    // STX data XOR ETX: the checksum sits before the last byte and covers the data.
    let spec = ChecksumSpec::parse("xor8:1..-2:@-2").unwrap();
    assert_eq!(
        spec.check(&[0x02, 0x31, 0x33, 0x02, 0x03]),
        CheckOutcome::Good
    );
    assert!(spec.check(&[0x02, 0x31, 0x33, 0x07, 0x03]).is_bad());
    assert_eq!(spec.check(&[0x02]), CheckOutcome::TooShort);
    let at_start = ChecksumSpec::parse("sum8:1..:@0").unwrap();
    assert_eq!(at_start.check(&[0x03, 0x01, 0x02]), CheckOutcome::Good);
}
