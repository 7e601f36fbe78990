//! TCP ops: `Listen`, `Accept`, `Connect`, `Shutdown`. Listeners and connections are
//! Tokio sockets in the resource table; `Read`, `Write` and `Close` (files.rs) work on
//! them, moving data between the socket and the caller's zero-copy buffer. Every
//! listen and connect checks `--allow-net` for its host and port first; failures name
//! the address (`Connection refused (os error 111), connect '127.0.0.1:1'`).
use std::io;
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};

use tokio::net::{TcpListener, TcpSocket, TcpStream};

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind};
use crate::ops::reply::{reply, request_table, Ctx, Op, Res, ZeroCopyBuf};
use crate::resources::{wrong_kind, Closable, Resource};
use crate::state::State;

/// `host:port`, with an IPv6 host in brackets.
fn display(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// What failed, on which address: the io error's kind, with both in the message.
fn failed(op: &str, host: &str, port: u16) -> impl FnOnce(io::Error) -> DenoError {
    let what = format!("{op} '{}'", display(host, port));
    move |e| DenoError::from(e).context(what)
}

/// The error for a host name that does not resolve.
fn unresolved(host: &str) -> impl FnOnce(io::Error) -> DenoError + '_ {
    move |e| {
        DenoError::new(
            ErrorKind::NotFound,
            format!("cannot resolve \"{host}\": {e}"),
        )
    }
}

/// The host and port of a request, checked against `--allow-net`.
fn address<'a>(
    state: &State,
    host: Option<&'a str>,
    port: u16,
    default: &'a str,
) -> OpResult<&'a str> {
    let host = host.filter(|h| !h.is_empty()).unwrap_or(default);
    state.permissions.check_net(host, Some(port))?;
    Ok(host)
}

pub fn op_listen(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Listen>(base)?;
    let port = t.port();
    let host = address(state, t.hostname(), port, "0.0.0.0")?;
    let addrs = (host, port).to_socket_addrs().map_err(unresolved(host))?;
    let listener = bind(addrs).map_err(failed("listen", host, port))?;
    let local = listener.local_addr()?;
    let rid = state
        .resources
        .borrow_mut()
        .add(Resource::TcpListener(Closable::new(listener)));
    Ok(Op::Sync(reply(state, |b| {
        let local_addr = Some(net_addr(b, local));
        msg::ListenRes::create(b, &msg::ListenResArgs { rid, local_addr })
    })))
}

/// A listener on the first address of `host` that binds, with a backlog of 1,024 (as
/// Tokio's own `bind`) and SO_REUSEADDR, so a restarted server can bind again while
/// its old connections linger in TIME_WAIT.
fn bind(addrs: impl Iterator<Item = SocketAddr>) -> io::Result<TcpListener> {
    let mut last = io::Error::new(io::ErrorKind::InvalidInput, "no address to listen on");
    for addr in addrs {
        let socket = match addr {
            SocketAddr::V4(_) => TcpSocket::new_v4()?,
            SocketAddr::V6(_) => TcpSocket::new_v6()?,
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(addr).and_then(|()| socket.listen(1024)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = e,
        }
    }
    Err(last)
}

pub fn op_accept(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let rid = request_table::<msg::Accept>(base)?.rid();
    let listener = match state.resources.borrow().get(rid)? {
        Resource::TcpListener(listener) => listener.clone(),
        other => return Err(wrong_kind(rid, other, "a listener")),
    };
    let state = state.clone();
    Ok(Op::Async(Box::pin(async move {
        let (stream, _) = listener.unless_closed(rid, listener.io.accept()).await?;
        conn_reply(&state, stream)
    })))
}

pub fn op_connect(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Connect>(base)?;
    let port = t.port();
    let host = address(state, t.hostname(), port, "127.0.0.1")?.to_string();
    let state = state.clone();
    Ok(Op::Async(Box::pin(async move {
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|e| {
                DenoError::new(
                    ErrorKind::NotFound,
                    format!("cannot resolve \"{host}\": {e}"),
                )
            })?
            .collect();
        let stream = TcpStream::connect(&addrs[..])
            .await
            .map_err(failed("connect", &host, port))?;
        conn_reply(&state, stream)
    })))
}

pub fn op_shutdown(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Shutdown>(base)?;
    let how = match t.how() {
        0 => Shutdown::Read,
        1 => Shutdown::Write,
        2 => Shutdown::Both,
        how => {
            return Err(DenoError::new(
                ErrorKind::InvalidInput,
                format!("Shutdown: how {how} is not 0 (read), 1 (write) or 2 (both)"),
            ))
        }
    };
    match state.resources.borrow().get(t.rid())? {
        Resource::TcpStream(stream) => socket2::SockRef::from(&stream.io).shutdown(how)?,
        other => return Err(wrong_kind(t.rid(), other, "a TCP connection")),
    }
    Ok(Op::Sync(None))
}

/// Adds a new connection to the resource table and replies its rid and addresses.
fn conn_reply(state: &Ctx, stream: TcpStream) -> OpResult<Res> {
    // Requests and responses are small writes: send each at once (as Deno does).
    stream.set_nodelay(true)?;
    let (local, remote) = (stream.local_addr()?, stream.peer_addr()?);
    let rid = state
        .resources
        .borrow_mut()
        .add(Resource::TcpStream(Closable::new(stream)));
    Ok(reply(state, |b| {
        let args = msg::ConnResArgs {
            rid,
            local_addr: Some(net_addr(b, local)),
            remote_addr: Some(net_addr(b, remote)),
        };
        msg::ConnRes::create(b, &args)
    }))
}

fn net_addr<'b>(
    b: &mut flatbuffers::FlatBufferBuilder<'b>,
    addr: SocketAddr,
) -> flatbuffers::WIPOffset<msg::NetAddr<'b>> {
    let hostname = Some(b.create_string(&addr.ip().to_string()));
    let port = addr.port();
    msg::NetAddr::create(b, &msg::NetAddrArgs { hostname, port })
}
