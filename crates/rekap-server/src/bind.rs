//! The server's listening socket, with a queue long enough for a burst of connections.

use std::io;
use std::net::{TcpListener, ToSocketAddrs};

use tokio::net::TcpSocket;

/// Connections the kernel completes and queues before the server accepts them (capped by
/// the kernel's `net.core.somaxconn`). std's `TcpListener::bind` asks for 128: when 400
/// clients connected at once (`rekap bench-server --clients 400`), the handshakes past the
/// queue were dropped and retried by the clients a second later, the slowest submission
/// 1,043 ms instead of under 100. Many district offices reconnecting after an outage do the
/// same. tokio's own `bind` asks for 1,024 too.
pub const LISTEN_BACKLOG: u32 = 1024;

/// Binds `address` (a socket address or a host and port, tried in the order resolved, as
/// std's `bind` tries them) with [`LISTEN_BACKLOG`]; non-blocking, with `SO_REUSEADDR` on
/// Unix as std's `bind` sets it. Call from within a tokio runtime's context.
pub fn bind_listener(address: &str) -> io::Result<TcpListener> {
    let mut last_error = None;
    for socket_address in address.to_socket_addrs()? {
        let socket = match socket_address.is_ipv4() {
            true => TcpSocket::new_v4(),
            false => TcpSocket::new_v6(),
        }?;
        // As std and tokio do: on Unix only (on Windows the option lets another socket
        // take the port).
        #[cfg(unix)]
        socket.set_reuseaddr(true)?;
        let listening = (socket.bind(socket_address)).and_then(|()| socket.listen(LISTEN_BACKLOG));
        match listening {
            Ok(listener) => return listener.into_std(),
            Err(error) => last_error = Some(error),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any addresses",
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpStream;
    use std::time::Duration;

    /// 400 clients connecting before the server accepts any: every handshake completes at
    /// once (with std's queue of 128 the 130th waited for a retransmission, and a connect
    /// that waits longer than 500 ms fails this test).
    #[test]
    fn a_burst_of_connections_is_queued_not_dropped() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let listener = {
            let _context = runtime.enter();
            bind_listener("127.0.0.1:0").expect("bound")
        };
        let address = listener.local_addr().expect("an address");
        // The kernel queues one more than its cap, and caps the queue at somaxconn.
        let somaxconn = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
            .ok()
            .and_then(|text| text.trim().parse::<usize>().ok())
            .unwrap_or(LISTEN_BACKLOG as usize);
        let expected = 400.min(somaxconn.min(LISTEN_BACKLOG as usize) + 1);
        let connected: Vec<TcpStream> = (0..400)
            .map_while(|_| TcpStream::connect_timeout(&address, Duration::from_millis(500)).ok())
            .take(expected)
            .collect();
        assert_eq!(
            connected.len(),
            expected,
            "connections queued before an accept"
        );
        drop(listener);
    }

    /// An address that is no socket address is refused with std's error, a port in use too.
    #[test]
    fn a_bad_or_taken_address_is_refused_as_std_refuses_it() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let _context = runtime.enter();
        let ours = bind_listener("not an address").expect_err("refused");
        let std = TcpListener::bind("not an address").expect_err("refused");
        assert_eq!(ours.kind(), std.kind());
        assert_eq!(ours.to_string(), std.to_string());
        let taken = bind_listener("127.0.0.1:0").expect("bound");
        let address = taken.local_addr().expect("an address").to_string();
        let again = bind_listener(&address).expect_err("in use");
        assert_eq!(again.kind(), io::ErrorKind::AddrInUse);
    }
}
