//! A connected byte stream as the TCP tabs use it: a TCP connection or, on Unix, a unix
//! domain stream socket (`SOCK_STREAM`). One type so [`super::conn::Conn`] (queues,
//! shaping, half-close, TLS, pause) and both TCP workers serve either.

use std::io::{self, Read, Write};
use std::net::Shutdown;

pub(crate) enum StreamSock {
    Tcp(mio::net::TcpStream),
    #[cfg(unix)]
    Unix(mio::net::UnixStream),
}

impl StreamSock {
    /// The TCP connection, for what only TCP has (TCP_INFO).
    pub fn tcp(&self) -> Option<&mio::net::TcpStream> {
        match self {
            StreamSock::Tcp(s) => Some(s),
            #[cfg(unix)]
            StreamSock::Unix(_) => None,
        }
    }

    /// TCP_NODELAY (a unix socket has no Nagle: nothing to set).
    pub fn set_nodelay(&self, on: bool) -> io::Result<()> {
        match self {
            StreamSock::Tcp(s) => s.set_nodelay(on),
            #[cfg(unix)]
            StreamSock::Unix(_) => Ok(()),
        }
    }

    /// The local address events carry: TCP's own; None for a unix socket (the caller
    /// keeps the listener's path).
    pub fn local_addr(&self) -> Option<std::net::SocketAddr> {
        match self {
            StreamSock::Tcp(s) => s.local_addr().ok(),
            #[cfg(unix)]
            StreamSock::Unix(_) => None,
        }
    }

    /// A unix peer's credentials, where the system tells (None for TCP).
    pub fn peer_cred(&self) -> Option<super::PeerCred> {
        match self {
            StreamSock::Tcp(_) => None,
            #[cfg(unix)]
            StreamSock::Unix(s) => super::unix::cred::of(s),
        }
    }

    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        match self {
            StreamSock::Tcp(s) => s.shutdown(how),
            #[cfg(unix)]
            StreamSock::Unix(s) => s.shutdown(how),
        }
    }
}

impl Read for StreamSock {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            StreamSock::Tcp(s) => s.read(buf),
            #[cfg(unix)]
            StreamSock::Unix(s) => s.read(buf),
        }
    }
}

impl Write for StreamSock {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            StreamSock::Tcp(s) => s.write(buf),
            #[cfg(unix)]
            StreamSock::Unix(s) => s.write(buf),
        }
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        match self {
            StreamSock::Tcp(s) => s.write_vectored(bufs),
            #[cfg(unix)]
            StreamSock::Unix(s) => s.write_vectored(bufs),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl mio::event::Source for StreamSock {
    fn register(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        match self {
            StreamSock::Tcp(s) => s.register(registry, token, interests),
            #[cfg(unix)]
            StreamSock::Unix(s) => s.register(registry, token, interests),
        }
    }

    fn reregister(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        match self {
            StreamSock::Tcp(s) => s.reregister(registry, token, interests),
            #[cfg(unix)]
            StreamSock::Unix(s) => s.reregister(registry, token, interests),
        }
    }

    fn deregister(&mut self, registry: &mio::Registry) -> io::Result<()> {
        match self {
            StreamSock::Tcp(s) => s.deregister(registry),
            #[cfg(unix)]
            StreamSock::Unix(s) => s.deregister(registry),
        }
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for StreamSock {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        match self {
            StreamSock::Tcp(s) => s.as_fd(),
            StreamSock::Unix(s) => s.as_fd(),
        }
    }
}

#[cfg(windows)]
impl std::os::windows::io::AsSocket for StreamSock {
    fn as_socket(&self) -> std::os::windows::io::BorrowedSocket<'_> {
        match self {
            StreamSock::Tcp(s) => s.as_socket(),
        }
    }
}

impl From<mio::net::TcpStream> for StreamSock {
    fn from(s: mio::net::TcpStream) -> Self {
        StreamSock::Tcp(s)
    }
}

#[cfg(unix)]
impl From<mio::net::UnixStream> for StreamSock {
    fn from(s: mio::net::UnixStream) -> Self {
        StreamSock::Unix(s)
    }
}

/// A listening socket: TCP, or a unix stream socket (which removes its file when dropped).
pub(crate) enum ListenSock {
    Tcp(mio::net::TcpListener),
    #[cfg(unix)]
    Unix(super::unix::UnixListen),
}

impl ListenSock {
    /// The next waiting connection and its peer's address as events carry it.
    pub fn accept(&self) -> io::Result<(StreamSock, std::net::SocketAddr)> {
        match self {
            ListenSock::Tcp(l) => l.accept().map(|(s, a)| (StreamSock::Tcp(s), a)),
            #[cfg(unix)]
            ListenSock::Unix(l) => l.accept(),
        }
    }
}

impl mio::event::Source for ListenSock {
    fn register(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        match self {
            ListenSock::Tcp(l) => l.register(registry, token, interests),
            #[cfg(unix)]
            ListenSock::Unix(l) => l.listener.register(registry, token, interests),
        }
    }

    fn reregister(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        match self {
            ListenSock::Tcp(l) => l.reregister(registry, token, interests),
            #[cfg(unix)]
            ListenSock::Unix(l) => l.listener.reregister(registry, token, interests),
        }
    }

    fn deregister(&mut self, registry: &mio::Registry) -> io::Result<()> {
        match self {
            ListenSock::Tcp(l) => l.deregister(registry),
            #[cfg(unix)]
            ListenSock::Unix(l) => l.listener.deregister(registry),
        }
    }
}
