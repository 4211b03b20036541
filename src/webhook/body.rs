//! Reading a streamed body under the size limit.

use std::error::Error as StdError;
use std::pin::Pin;

use bytes::{Buf, Bytes, BytesMut};
use http_body::Body;
use http_body_util::BodyExt;

type BoxError = Box<dyn StdError + Send + Sync>;

/// Why a body could not be read.
pub(super) enum BodyError {
    /// More than the limit; whatever was read is dropped.
    TooLarge,
    /// The connection failed while reading.
    Unreadable(BoxError),
}

/// Reads a whole body of at most `limit` bytes.
///
/// Past the limit nothing more is kept. The rest of an over-limit body is
/// still read and thrown away while it stays under `limit` more bytes, so that
/// a sender slightly over the limit receives the 413 instead of a connection
/// reset (a server that closes a socket with unread data makes the kernel send
/// RST, which can discard the response before the client reads it). Only
/// authenticated requests get this far: the head checks (credentials, and
/// the signature's token, key and signature) come first in every
/// configuration, so the draining is no help to an anonymous flood.
pub(super) async fn read_limited<B>(body: B, limit: usize) -> Result<Bytes, BodyError>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let mut body = std::pin::pin!(body);
    // The first chunk is kept as is: a body that arrives in one piece (most
    // webhook bodies) is never copied.
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut length = 0usize;
    while let Some(chunk) = next_chunk(body.as_mut()).await {
        let chunk = chunk.map_err(BodyError::Unreadable)?;
        length = length.saturating_add(chunk.len());
        if length > limit {
            discard(
                body.as_mut(),
                limit.saturating_mul(2).saturating_sub(length),
            )
            .await;
            return Err(BodyError::TooLarge);
        }
        match (&mut first, &mut joined) {
            (None, _) => first = Some(chunk),
            (Some(head), None) => {
                let mut buffer = BytesMut::with_capacity(head.len() + chunk.len());
                buffer.extend_from_slice(head);
                buffer.extend_from_slice(&chunk);
                joined = Some(buffer);
            }
            (Some(_), Some(buffer)) => buffer.extend_from_slice(&chunk),
        }
    }
    Ok(match (first, joined) {
        (_, Some(buffer)) => buffer.freeze(),
        (Some(only), None) => only,
        (None, None) => Bytes::new(),
    })
}

/// The next data chunk, converted at once so that no `B::Error` (which need
/// not be `Send`) is held across an await by the caller. Trailers are skipped:
/// they carry nothing a webhook needs.
async fn next_chunk<B>(mut body: Pin<&mut B>) -> Option<Result<Bytes, BoxError>>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    loop {
        match body.as_mut().frame().await? {
            Err(error) => return Some(Err(error.into())),
            Ok(frame) => {
                if let Ok(mut data) = frame.into_data() {
                    return Some(Ok(data.copy_to_bytes(data.remaining())));
                }
            }
        }
    }
}

/// Reads and drops up to `budget` more bytes of a body, stopping at its end.
pub(super) async fn discard<B>(mut body: Pin<&mut B>, budget: usize)
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let mut read = 0usize;
    while read <= budget {
        match next_chunk(body.as_mut()).await {
            Some(Ok(chunk)) => read = read.saturating_add(chunk.len()),
            Some(Err(_)) | None => return,
        }
    }
}

/// How much of a body declared `declared` bytes long to drain after a 413:
/// all of it if it is at most twice the limit, else none.
pub(super) fn drain_budget(declared: u64, limit: usize) -> usize {
    if declared <= (limit as u64).saturating_mul(2) {
        usize::try_from(declared).unwrap_or(0)
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;
    use http_body::Frame;
    use http_body_util::{Full, StreamBody};
    use std::convert::Infallible;

    fn chunked(chunks: &[&'static [u8]]) -> impl Body<Data = Bytes, Error = Infallible> {
        let frames: Vec<Result<Frame<Bytes>, Infallible>> = chunks
            .iter()
            .map(|chunk| Ok(Frame::data(Bytes::from_static(chunk))))
            .collect();
        StreamBody::new(stream::iter(frames))
    }

    fn read(body: impl Body<Data = Bytes, Error = Infallible>, limit: usize) -> Result<Bytes, ()> {
        futures_util::FutureExt::now_or_never(read_limited(body, limit))
            .expect("in-memory bodies are ready at once")
            .map_err(|_| ())
    }

    #[test]
    fn chunks_are_joined_in_order() {
        assert_eq!(
            read(chunked(&[b"ab", b"cd", b"e"]), 5),
            Ok(Bytes::from_static(b"abcde"))
        );
    }

    #[test]
    fn a_body_at_the_limit_is_accepted_and_one_byte_more_is_not() {
        assert!(read(Full::new(Bytes::from_static(b"12345")), 5).is_ok());
        assert!(read(Full::new(Bytes::from_static(b"123456")), 5).is_err());
        assert!(read(chunked(&[b"123", b"456"]), 5).is_err());
    }

    #[test]
    fn an_empty_body_is_empty() {
        assert_eq!(read(chunked(&[]), 5), Ok(Bytes::new()));
    }
}
