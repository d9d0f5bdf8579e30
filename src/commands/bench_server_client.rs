//! The load generator's HTTP/1.1 client: requests serialized to bytes before the measured
//! window, one keep-alive connection per client, `httparse` for the answers. On one
//! machine every cycle the bench's clients spend is one the server cannot have, so a
//! request costs a write and a read here, not a client library's request building, header
//! maps and body readers (`ureq` cost about as much CPU as the server in run 3). The
//! connections are driven by one thread's event loop (a current-thread tokio runtime), not
//! a thread each: a thread blocked in `read` must be woken for every answer, and on
//! loopback the server's `writev` pays that wake-up (run 9 in docs/PERFORMANCE.md).

use std::net::SocketAddr;

use anyhow::{anyhow, bail, Context};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A whole request, as sent.
pub struct RequestBytes(Vec<u8>);

impl RequestBytes {
    /// `POST path` with a signed submission's canonical bytes (docs/API.md), as the
    /// client sends it.
    pub fn post_bytes(path: &str, body: &[u8]) -> RequestBytes {
        let mut bytes = format!(
            "POST {path} HTTP/1.1\r\nhost: bench\r\ncontent-type: {}\r\n\
             content-length: {}\r\n\r\n",
            rekap_server::wire::SUBMISSION_BYTES_TYPE,
            body.len()
        )
        .into_bytes();
        bytes.extend_from_slice(body);
        RequestBytes(bytes)
    }

    /// `GET path`.
    pub fn get(path: &str) -> RequestBytes {
        RequestBytes(format!("GET {path} HTTP/1.1\r\nhost: bench\r\n\r\n").into_bytes())
    }
}

/// The address of an `http://HOST:PORT` URL (what `rekap serve` prints).
pub fn address_of(url: &str) -> anyhow::Result<SocketAddr> {
    let authority = url
        .strip_prefix("http://")
        .ok_or_else(|| anyhow!("{url} is not an http:// URL"))?;
    authority
        .trim_end_matches('/')
        .parse()
        .with_context(|| format!("{url} is not http://ADDRESS:PORT"))
}

/// One keep-alive connection, opened again after any failure.
pub struct Connection {
    address: SocketAddr,
    stream: Option<TcpStream>,
    /// Where answers are read into: `buffer[..filled]` is what was read and not yet
    /// taken (bytes past the last answer: none with one request in flight, kept anyway).
    /// The buffer stays at its size, so a read does not zero its space again.
    buffer: Vec<u8>,
    filled: usize,
}

/// Most bytes of an answer's head (status line and headers).
const MAX_HEAD_BYTES: usize = 16 << 10;
/// Most bytes of an answer's body the bench reads (province totals are a few KB).
const MAX_BODY_BYTES: usize = 64 << 20;

impl Connection {
    pub fn new(address: SocketAddr) -> Connection {
        Connection {
            address,
            stream: None,
            buffer: vec![0; READ_BYTES],
            filled: 0,
        }
    }

    /// Sends `request` and reads its answer; the status, or why there is none (then the
    /// connection is dropped and the next exchange opens a new one).
    pub async fn exchange(&mut self, request: &RequestBytes) -> anyhow::Result<u16> {
        let answer = self.try_exchange(request).await;
        if answer.is_err() {
            self.stream = None;
            self.filled = 0;
        }
        answer
    }

    async fn try_exchange(&mut self, request: &RequestBytes) -> anyhow::Result<u16> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.address).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(stream);
        }
        let stream = self
            .stream
            .as_mut()
            .ok_or_else(|| anyhow!("no connection"))?;
        let exchanged = async {
            stream.write_all(&request.0).await?;
            let (status, head_length, body_length) = loop {
                if let Some(head) = parse_head(&self.buffer[..self.filled])? {
                    break head;
                }
                if self.filled > MAX_HEAD_BYTES {
                    bail!("an answer's head is over {MAX_HEAD_BYTES} bytes");
                }
                self.filled += read_some(stream, &mut self.buffer, self.filled).await?;
            };
            let whole = head_length + body_length;
            while self.filled < whole {
                self.filled += read_some(stream, &mut self.buffer, self.filled).await?;
            }
            self.buffer.copy_within(whole..self.filled, 0);
            self.filled -= whole;
            Ok(status)
        };
        tokio::time::timeout(ANSWER_TIMEOUT, exchanged)
            .await
            .context("no answer within a minute")?
    }
}

/// How long an exchange may take before the connection is given up.
const ANSWER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Least free room in the buffer for one read (the buffer grows to keep it).
const READ_BYTES: usize = 16 << 10;

/// Reads what is there into `buffer` after its first `filled` bytes, straight in (no
/// scratch chunk zeroed and copied per read: every cycle the clients spend is one the
/// server cannot have); how many bytes, or an error if the server closed the connection.
async fn read_some(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    filled: usize,
) -> anyhow::Result<usize> {
    if buffer.len() - filled < READ_BYTES {
        buffer.resize(filled + READ_BYTES, 0);
    }
    let read = stream.read(&mut buffer[filled..]).await?;
    if read == 0 {
        bail!("the server closed the connection");
    }
    Ok(read)
}

/// A runtime on the calling thread, driving every connection of the bench's clients (or
/// of its readers) as tasks.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("the load generator's runtime")
}

/// Status, head length and body length of the answer at the start of `bytes`, once its
/// head is all there. Only answers with a Content-Length are understood (axum gives every
/// buffered body one; the bench asks for nothing streamed).
fn parse_head(bytes: &[u8]) -> anyhow::Result<Option<(u16, usize, usize)>> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    let head_length = match response.parse(bytes)? {
        httparse::Status::Complete(length) => length,
        httparse::Status::Partial => return Ok(None),
    };
    let status = response
        .code
        .ok_or_else(|| anyhow!("an answer without a status"))?;
    let length = response
        .headers
        .iter()
        .find(|header| header.name.eq_ignore_ascii_case("content-length"))
        .ok_or_else(|| anyhow!("an answer without a Content-Length"))?;
    let body_length: usize = std::str::from_utf8(length.value)?.trim().parse()?;
    if body_length > MAX_BODY_BYTES {
        bail!("an answer of {body_length} bytes");
    }
    Ok(Some((status, head_length, body_length)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::time::Duration;

    #[test]
    fn an_answer_is_understood_once_its_head_is_whole() {
        let answer = b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(parse_head(&answer[..30]).unwrap(), None);
        assert_eq!(
            parse_head(answer).unwrap(),
            Some((201, answer.len() - 2, 2))
        );
        let chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
        assert!(parse_head(chunked).is_err(), "no length: not understood");
    }

    #[test]
    fn answers_larger_than_a_read_and_split_across_writes_are_read_whole() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let large = vec![b'x'; 3 * READ_BYTES + 17];
        let answers = [large.clone(), b"{}".to_vec(), large];
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            for (status, body) in [201, 200, 503].into_iter().zip(answers) {
                let mut request = [0u8; 256];
                let _ = stream.read(&mut request).unwrap();
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                let whole = [head.as_bytes(), &body].concat();
                // In two pieces, the first ending inside the head.
                stream.write_all(&whole[..20]).unwrap();
                stream.flush().unwrap();
                std::thread::sleep(Duration::from_millis(5));
                stream.write_all(&whole[20..]).unwrap();
            }
        });
        let mut connection = Connection::new(address);
        let request = RequestBytes::get("/v1/totals");
        let statuses = runtime().unwrap().block_on(async {
            let mut statuses = Vec::new();
            for _ in 0..3 {
                statuses.push(connection.exchange(&request).await.unwrap());
            }
            statuses
        });
        assert_eq!(statuses, [201, 200, 503]);
        assert_eq!(connection.filled, 0, "nothing read past the last answer");
        server.join().unwrap();
    }

    #[test]
    fn requests_carry_their_body_s_length() {
        let request = RequestBytes::post_bytes("/v1/submissions", b"\x01\x02\x03");
        let text = String::from_utf8(request.0).unwrap();
        assert!(
            text.starts_with("POST /v1/submissions HTTP/1.1\r\n"),
            "{text}"
        );
        assert!(
            text.ends_with("content-type: application/octet-stream\r\ncontent-length: 3\r\n\r\n\u{1}\u{2}\u{3}"),
            "{text}"
        );
        assert_eq!(address_of("http://127.0.0.1:8080").unwrap().port(), 8080);
        assert!(address_of("https://127.0.0.1:8080").is_err());
    }
}
