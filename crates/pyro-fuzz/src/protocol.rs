//! The messages between the driver and its worker processes, framed as a
//! little-endian `u32` length followed by a tag byte and the fields.
//!
//! The driver asks for work ([`Request`]); the worker answers with progress,
//! failures and the end of each job ([`Reply`]). They talk over a Unix
//! socket rather than the worker's stdin/stdout, because the programs under
//! test read stdin (`input()`) and the worker's stderr is kept for the
//! runtime's own last words (an abort message).

use std::io::{self, Read, Write};

/// What the driver asks a worker to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// Generate and run iterations `first .. first + count` of the target.
    Iterations { first: u64, count: u32 },
    /// Run this exact input (a replay, or a candidate while minimising).
    Input(Vec<u8>),
}

/// What a worker reports.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// The first `done` inputs of the current job have finished.
    Progress { done: u32 },
    /// Input `index` of the current job failed.
    Failure { index: u32, reason: String },
    /// Input `index` ran into the run deadline (counted, not a failure).
    Timeout { index: u32 },
    /// The job is finished; with `recycle` the worker exits afterwards (its
    /// address space grew too close to the cap, e.g. through leaked cycles).
    JobDone { recycle: bool },
}

fn frame(out: &mut impl Write, tag: u8, body: &[u8]) -> io::Result<()> {
    let len = u32::try_from(body.len() + 1)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
    let mut buf = Vec::with_capacity(body.len() + 5);
    buf.extend_from_slice(&len.to_le_bytes());
    buf.push(tag);
    buf.extend_from_slice(body);
    out.write_all(&buf)?;
    out.flush()
}

/// Reads one frame: `None` at a clean end of the stream.
fn read_frame(input: &mut impl Read) -> io::Result<Option<(u8, Vec<u8>)>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_le_bytes(len) as usize;
    if len == 0 {
        return Err(bad("empty frame"));
    }
    let mut body = vec![0u8; len];
    input.read_exact(&mut body)?;
    let tag = body.remove(0);
    Ok(Some((tag, body)))
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

fn u32_at(body: &[u8], at: usize) -> io::Result<u32> {
    body.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| bad("short frame"))
}

impl Request {
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        match self {
            Request::Iterations { first, count } => {
                let mut body = first.to_le_bytes().to_vec();
                body.extend_from_slice(&count.to_le_bytes());
                frame(out, 1, &body)
            }
            Request::Input(data) => frame(out, 2, data),
        }
    }

    pub fn read(input: &mut impl Read) -> io::Result<Option<Request>> {
        let Some((tag, body)) = read_frame(input)? else {
            return Ok(None);
        };
        match tag {
            1 => {
                let first = body
                    .get(0..8)
                    .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
                    .ok_or_else(|| bad("short frame"))?;
                Ok(Some(Request::Iterations {
                    first,
                    count: u32_at(&body, 8)?,
                }))
            }
            2 => Ok(Some(Request::Input(body))),
            _ => Err(bad("unknown request")),
        }
    }
}

impl Reply {
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        match self {
            Reply::Progress { done } => frame(out, 1, &done.to_le_bytes()),
            Reply::Failure { index, reason } => {
                let mut body = index.to_le_bytes().to_vec();
                body.extend_from_slice(reason.as_bytes());
                frame(out, 2, &body)
            }
            Reply::Timeout { index } => frame(out, 3, &index.to_le_bytes()),
            Reply::JobDone { recycle } => frame(out, 4, &[u8::from(*recycle)]),
        }
    }

    pub fn read(input: &mut impl Read) -> io::Result<Option<Reply>> {
        let Some((tag, body)) = read_frame(input)? else {
            return Ok(None);
        };
        Ok(Some(match tag {
            1 => Reply::Progress {
                done: u32_at(&body, 0)?,
            },
            2 => Reply::Failure {
                index: u32_at(&body, 0)?,
                reason: String::from_utf8_lossy(&body[4..]).into_owned(),
            },
            3 => Reply::Timeout {
                index: u32_at(&body, 0)?,
            },
            4 => Reply::JobDone {
                recycle: body.first() == Some(&1),
            },
            _ => return Err(bad("unknown reply")),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::{Reply, Request};

    #[test]
    fn messages_round_trip() {
        let mut buf = Vec::new();
        let requests = [
            Request::Iterations {
                first: u64::MAX - 3,
                count: 17,
            },
            Request::Input(b"print(1)\n\xff".to_vec()),
        ];
        for r in &requests {
            r.write(&mut buf).unwrap();
        }
        let replies = [
            Reply::Progress { done: 3 },
            Reply::Failure {
                index: 2,
                reason: "panic: boom".into(),
            },
            Reply::Timeout { index: 1 },
            Reply::JobDone { recycle: true },
        ];
        for r in &replies {
            r.write(&mut buf).unwrap();
        }
        let mut input = &buf[..];
        for r in &requests {
            assert_eq!(Request::read(&mut input).unwrap().as_ref(), Some(r));
        }
        for r in &replies {
            assert_eq!(Reply::read(&mut input).unwrap().as_ref(), Some(r));
        }
        assert_eq!(Reply::read(&mut input).unwrap(), None);
    }
}
