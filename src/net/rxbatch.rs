//! Reading datagrams in batches. On Linux one `recvmmsg` call takes up to [`BATCH`]
//! datagrams, each into a slot of its own as large as any datagram (so none is cut, as
//! with a single `recvmsg`), with its sender's address and its own control buffer: the
//! SO_RXQ_OVFL counter each one carries is read, and the highest kept, so the drop count
//! stays exact (see [`super::rxq`]). Elsewhere a batch is one datagram read with
//! `recv_from`, as before.

use super::rxq::Drops;
use std::io;
use std::net::SocketAddr;

/// Large enough for any datagram (the IPv4 maximum payload is 65,507 bytes, IPv6's
/// 65,527 without jumbograms), so none is cut.
pub(crate) const SLOT: usize = 65_536;

/// Datagrams per `recvmmsg` call.
#[cfg(target_os = "linux")]
pub(crate) const BATCH: usize = 32;
#[cfg(not(target_os = "linux"))]
pub(crate) const BATCH: usize = 1;

/// A socket address the kernel wrote, as `std` has it (the error queue's reader too).
#[cfg(target_os = "linux")]
pub(crate) use imp::to_std as sockaddr_to_std;

/// The datagrams of the last read: [`RecvBatch::get`] `0..n` for the `n` it returned.
pub(crate) struct RecvBatch {
    /// `BATCH` slots of `SLOT` bytes.
    data: Vec<u8>,
    /// Each datagram's length and sender.
    got: Vec<(usize, io::Result<SocketAddr>)>,
    #[cfg(target_os = "linux")]
    raw: imp::Raw,
}

impl RecvBatch {
    pub fn new() -> RecvBatch {
        RecvBatch {
            data: vec![0u8; BATCH * SLOT],
            got: Vec::with_capacity(BATCH),
            #[cfg(target_os = "linux")]
            raw: imp::Raw::new(),
        }
    }

    /// The `i`th datagram of the last read and who sent it (an error for a sender that is
    /// not an IP address).
    pub fn get(&self, i: usize) -> Option<(&[u8], &io::Result<SocketAddr>)> {
        let (len, from) = self.got.get(i)?;
        let start = i * SLOT;
        let bytes = self.data.get(start..start + (*len).min(SLOT))?;
        Some((bytes, from))
    }
}

#[cfg(target_os = "linux")]
impl RecvBatch {
    /// Reads every datagram waiting, up to [`BATCH`]: how many (at least one), or the
    /// error (`WouldBlock` when none is waiting on a non-blocking socket). The kernel's
    /// drop counter goes into `drops` when it is on.
    pub fn recv(
        &mut self,
        sock: &impl std::os::fd::AsRawFd,
        drops: &mut Drops,
    ) -> io::Result<usize> {
        self.got.clear();
        let n = self.raw.recvmmsg(sock.as_raw_fd(), &mut self.data)?;
        for i in 0..n {
            let (len, from, control) = self.raw.datagram(i);
            if drops.enabled
                && let Some(d) = super::rxq::parse_drops(control)
            {
                drops.dropped = drops.dropped.max(u64::from(d));
            }
            self.got.push((len, from));
        }
        Ok(n)
    }
}

#[cfg(not(target_os = "linux"))]
impl RecvBatch {
    /// Reads one datagram: 1, or the error (`WouldBlock` when none is waiting).
    pub fn recv(&mut self, sock: &mio::net::UdpSocket, drops: &mut Drops) -> io::Result<usize> {
        self.got.clear();
        let (n, from) = super::rxq::recv_from(sock, &mut self.data[..SLOT], drops)?;
        self.got.push((n, Ok(from)));
        Ok(1)
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use super::{BATCH, SLOT};
    use std::io;
    use std::mem::size_of;
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

    /// Control buffer words per datagram: 64 bytes, aligned for `cmsghdr`, room for the
    /// one u32 counter we ask for (and a few more messages should the kernel add them).
    const CONTROL_WORDS: usize = 8;

    /// What `recvmmsg` fills in besides the bytes: each datagram's sender and control
    /// messages, and the lengths it wrote. No pointers are kept between calls.
    pub(super) struct Raw {
        addrs: Vec<libc::sockaddr_storage>,
        control: Vec<[u64; CONTROL_WORDS]>,
        /// Per datagram: bytes received, address length, control length.
        lens: Vec<(usize, usize, usize)>,
    }

    impl Raw {
        pub fn new() -> Raw {
            // SAFETY: sockaddr_storage is plain old data; all zeroes is a valid value.
            let zero: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
            Raw {
                addrs: vec![zero; BATCH],
                control: vec![[0u64; CONTROL_WORDS]; BATCH],
                lens: Vec::with_capacity(BATCH),
            }
        }

        /// One `recvmmsg` into `data`'s slots: how many datagrams came (at least one).
        pub fn recvmmsg(&mut self, fd: libc::c_int, data: &mut [u8]) -> io::Result<usize> {
            self.lens.clear();
            // SAFETY: iovec and mmsghdr are plain C structs; all zeroes (null pointers,
            // zero lengths) is a valid value, and every field used is set below.
            let mut iov: [libc::iovec; BATCH] = unsafe { std::mem::zeroed() };
            // SAFETY: as above.
            let mut msgs: [libc::mmsghdr; BATCH] = unsafe { std::mem::zeroed() };
            let slots = data.chunks_exact_mut(SLOT);
            let per = iov
                .iter_mut()
                .zip(msgs.iter_mut())
                .zip(slots.zip(self.addrs.iter_mut().zip(self.control.iter_mut())));
            let mut count = 0usize;
            for ((v, m), (slot, (addr, control))) in per {
                v.iov_base = slot.as_mut_ptr().cast();
                v.iov_len = slot.len();
                m.msg_hdr.msg_iov = v;
                m.msg_hdr.msg_iovlen = 1;
                m.msg_hdr.msg_name = (addr as *mut libc::sockaddr_storage).cast();
                m.msg_hdr.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
                m.msg_hdr.msg_control = control.as_mut_ptr().cast();
                m.msg_hdr.msg_controllen = size_of::<[u64; CONTROL_WORDS]>() as _;
                count += 1;
            }
            // SAFETY: `msgs` holds `count` headers, each pointing at its own iovec (a slot
            // of `data`, SLOT bytes), its own sockaddr_storage and its own control buffer,
            // all alive and not otherwise borrowed for the call; the kernel writes within
            // the lengths given and reports what it wrote in each header. No timeout;
            // MSG_WAITFORONE: once one datagram is in, take only what is already waiting
            // (a blocking socket would otherwise wait for all `count`).
            let n = unsafe {
                libc::recvmmsg(
                    fd,
                    msgs.as_mut_ptr(),
                    count as libc::c_uint,
                    libc::MSG_WAITFORONE as _,
                    std::ptr::null_mut(),
                )
            };
            if n < 0 {
                return Err(io::Error::last_os_error());
            }
            let n = (n as usize).min(count);
            for m in &msgs[..n] {
                let h = &m.msg_hdr;
                // size_t on glibc, socklen_t on musl.
                #[allow(clippy::unnecessary_cast)]
                let control_len = h.msg_controllen as usize;
                self.lens.push((
                    (m.msg_len as usize).min(SLOT),
                    h.msg_namelen as usize,
                    control_len.min(size_of::<[u64; CONTROL_WORDS]>()),
                ));
            }
            Ok(n)
        }

        /// The `i`th datagram of the last call: its length, sender and control bytes.
        pub fn datagram(&self, i: usize) -> (usize, io::Result<SocketAddr>, &[u8]) {
            let (Some(&(len, name_len, control_len)), Some(addr), Some(control)) =
                (self.lens.get(i), self.addrs.get(i), self.control.get(i))
            else {
                return (0, Err(io::Error::other("no such datagram")), &[]);
            };
            // SAFETY: the buffer is CONTROL_WORDS u64s, initialised (zeroed at first, then
            // written by the kernel); `control_len` is clamped to its size in bytes.
            let control: &[u8] =
                unsafe { std::slice::from_raw_parts(control.as_ptr().cast::<u8>(), control_len) };
            (len, to_std(addr, name_len), control)
        }
    }

    /// The sender's address, as `std` and socket2 convert it.
    pub(crate) fn to_std(addr: &libc::sockaddr_storage, len: usize) -> io::Result<SocketAddr> {
        let family = libc::c_int::from(addr.ss_family);
        if family == libc::AF_INET && len >= size_of::<libc::sockaddr_in>() {
            // SAFETY: the family is AF_INET and the kernel wrote a whole sockaddr_in;
            // sockaddr_storage is large and aligned enough for it.
            let a =
                unsafe { &*(addr as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            let ip = Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr));
            return Ok(SocketAddr::V4(SocketAddrV4::new(
                ip,
                u16::from_be(a.sin_port),
            )));
        }
        if family == libc::AF_INET6 && len >= size_of::<libc::sockaddr_in6>() {
            // SAFETY: as above, for AF_INET6 and sockaddr_in6.
            let a =
                unsafe { &*(addr as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            let ip = Ipv6Addr::from(a.sin6_addr.s6_addr);
            let port = u16::from_be(a.sin6_port);
            return Ok(SocketAddr::V6(SocketAddrV6::new(
                ip,
                port,
                a.sin6_flowinfo,
                a.sin6_scope_id,
            )));
        }
        Err(io::Error::other("a datagram came from a non-IP address"))
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use crate::net::rxq::CountsDrops;
    use std::time::Instant;

    #[test]
    fn counts_real_drops_on_loopback_in_batches() {
        let rx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = rx.local_addr().unwrap();
        let _ = socket2::SockRef::from(&rx).set_recv_buffer_size(4096);
        let mut drops = Drops::new(&rx);
        assert!(drops.enabled);
        let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let n = 2000u64;
        for i in 0..n {
            tx.send_to(&[i as u8; 512], to).unwrap();
        }
        rx.set_nonblocking(true).unwrap();
        let mut batch = RecvBatch::new();
        let (mut got, mut calls) = (0u64, 0u64);
        while let Ok(k) = batch.recv(&rx, &mut drops) {
            assert!((1..=BATCH).contains(&k));
            for i in 0..k {
                let (bytes, from) = batch.get(i).unwrap();
                assert_eq!(bytes.len(), 512);
                assert_eq!(from.as_ref().unwrap(), &tx.local_addr().unwrap());
            }
            assert!(batch.get(k).is_none());
            got += k as u64;
            calls += 1;
        }
        assert!(
            calls < got || got <= 1,
            "{got} datagrams took {calls} calls"
        );
        // One more after the drops: it carries the final count.
        tx.send_to(b"last", to).unwrap();
        rx.set_nonblocking(false).unwrap();
        assert_eq!(batch.recv(&rx, &mut drops).unwrap(), 1);
        assert_eq!(batch.get(0).unwrap().0, b"last");
        got += 1;
        assert!(
            drops.dropped > 0,
            "a 4 KiB buffer cannot hold {n} datagrams"
        );
        assert_eq!(got + drops.dropped, n + 1, "received + dropped = sent");
        let now = Instant::now();
        assert_eq!(
            rx.kernel_drops(),
            Some(drops.dropped),
            "SO_MEMINFO reads the same counter"
        );
        assert_eq!(drops.due(&rx, now, false), Some(drops.dropped));
        assert_eq!(drops.due(&rx, now, true), None, "reported once per change");
        drops.dropped += 1;
        assert_eq!(drops.due(&rx, now, false), None, "not twice in 200 ms");
        assert!(drops.due(&rx, now, true).is_some(), "but always at the end");
    }
}
