//! Traffic of our own over 127.0.0.1, so that the network examples have packets to see
//! without waiting for the machine to make some.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Which packets each round sends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mix {
    /// One UDP datagram to a socket of ours.
    Udp,
    /// That, one datagram to a closed port (the kernel answers with an ICMP "port
    /// unreachable") and a few bytes over a TCP connection to ourselves.
    UdpIcmpTcp,
}

/// A thread sending a round of packets every interval until it is dropped.
pub struct Traffic {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Traffic {
    /// Starts sending `message` in a round of `mix` every `every`; `None` when `on` is
    /// false (the user turned the traffic off).
    pub fn start_if(on: bool, message: &'static [u8], every: Duration, mix: Mix) -> Option<Self> {
        on.then(|| {
            let stop = Arc::new(AtomicBool::new(false));
            let flag = stop.clone();
            let thread = std::thread::spawn(move || send(&flag, message, every, mix));
            Traffic {
                stop,
                thread: Some(thread),
            }
        })
    }
}

impl Drop for Traffic {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The sender's loop; a socket it cannot open just leaves that kind of packet out.
fn send(stop: &AtomicBool, message: &[u8], every: Duration, mix: Mix) {
    let Ok(rx) = UdpSocket::bind("127.0.0.1:0") else {
        return;
    };
    let Ok(tx) = UdpSocket::bind("127.0.0.1:0") else {
        return;
    };
    let _ = rx.set_nonblocking(true);
    let Ok(to) = rx.local_addr() else { return };
    let (closed, tcp) = match mix {
        Mix::Udp => (None, None),
        // A port nobody listens on (bind one, note it, close it) and a TCP connection.
        Mix::UdpIcmpTcp => (
            UdpSocket::bind("127.0.0.1:0")
                .and_then(|s| s.local_addr())
                .ok(),
            tcp_pair().ok(),
        ),
    };
    let mut buf = [0u8; 256];
    while !stop.load(Ordering::Relaxed) {
        let _ = tx.send_to(message, to);
        while rx.recv(&mut buf).is_ok() {}
        if let Some(closed) = closed {
            let _ = tx.send_to(b"anyone there?", closed);
        }
        if let Some((client, server)) = &tcp {
            let _ = (&*client).write_all(message);
            while (&*server).read(&mut buf).is_ok_and(|n| n > 0) {}
        }
        std::thread::sleep(every);
    }
}

/// Both ends of a TCP connection over 127.0.0.1; the server end does not block.
fn tcp_pair() -> std::io::Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let client = TcpStream::connect(listener.local_addr()?)?;
    let (server, _) = listener.accept()?;
    server.set_nonblocking(true)?;
    Ok((client, server))
}
